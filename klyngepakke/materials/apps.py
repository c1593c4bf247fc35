from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "klyngepakke.materials"
    verbose_name = "Mødematerialer"
    default_auto_field = "django.db.models.BigAutoField"
