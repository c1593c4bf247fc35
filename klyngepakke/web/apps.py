from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "klyngepakke.web"
    label = "web"
    verbose_name = "Web"
