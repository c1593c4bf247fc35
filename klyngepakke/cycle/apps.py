from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "klyngepakke.cycle"
    label = "cycle"
    verbose_name = "Bestillinger og møder"

    def ready(self) -> None:
        # Registers the e-mail renderers with the outbox.
        from . import emails  # noqa: F401
