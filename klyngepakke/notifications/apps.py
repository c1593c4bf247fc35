from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "klyngepakke.notifications"
    label = "notifications"
    verbose_name = "Notifikationer"

    def ready(self) -> None:
        # Registers every notification kind (and its renderer with the outbox).
        # Listens to the lower layers' signals.
        from . import kinds, receivers  # noqa: F401
