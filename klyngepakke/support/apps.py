from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Small Django-aware helpers below the domain apps: link tokens, form widgets, the
    back-off and claims of background work and its log lines."""

    name = "klyngepakke.support"
    label = "support"
    verbose_name = "Fælles hjælpere"
