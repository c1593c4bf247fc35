from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "klyngepakke.results"
    label = "results"
    verbose_name = "Resultater"
