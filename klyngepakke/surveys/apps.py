from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "klyngepakke.surveys"
    label = "surveys"
    verbose_name = "Spørgeskemarunder"

    def ready(self) -> None:
        # Registers the e-mail renderers with the outbox.
        from . import emails  # noqa: F401
