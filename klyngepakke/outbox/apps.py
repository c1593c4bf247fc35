from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "klyngepakke.outbox"
    label = "outbox"
    verbose_name = "Udgående e-mail"
