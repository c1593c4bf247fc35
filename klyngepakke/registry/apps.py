from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "klyngepakke.registry"
    label = "registry"
    verbose_name = "Klyngeregister"
