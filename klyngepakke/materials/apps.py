from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "klyngepakke.materials"
    verbose_name = "Mødematerialer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from klyngepakke.cycle.signals import meeting_planned

        from .services import drop_planned_meeting_materials

        meeting_planned.connect(drop_planned_meeting_materials, dispatch_uid="materials-drop-on-meeting-plan")
