from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "klyngepakke.tasks"
    label = "tasks"
    verbose_name = "Baggrundsopgaver"
