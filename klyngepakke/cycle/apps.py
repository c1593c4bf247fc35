from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "klyngepakke.cycle"
    label = "cycle"
    verbose_name = "Efter mødet"
