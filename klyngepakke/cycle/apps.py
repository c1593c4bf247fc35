from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "klyngepakke.cycle"
    label = "cycle"
    verbose_name = "Efter mødet"

    def ready(self) -> None:
        # Registers the e-mail renderers with the outbox.
        from . import emails, ordering_emails  # noqa: F401
