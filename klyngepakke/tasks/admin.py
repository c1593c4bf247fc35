"""Finished and waiting background tasks, read-only and in Danish (replaces the English
admin that django-tasks-db registers)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.utils.html import format_html
from django_tasks_db import admin as tasks_db_admin  # registers DBTaskResult first
from django_tasks_db.models import DBTaskResult

from klyngepakke.formats import danish_datetime

from .models import BackgroundTask

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
del tasks_db_admin


def _when(value: datetime | None) -> str:
    """Copenhagen time in Danish; the change form would show a callable's datetime in UTC."""
    return danish_datetime(value) if value else "-"


STATUS_DA = {
    "READY": "Venter",
    "RUNNING": "Kører",
    "FAILED": "Fejlet",
    "SUCCESSFUL": "Gennemført",
}


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "state", "enqueued", "started", "finished"]
    ordering = ["-enqueued_at"]
    fields = ["task", "state", "enqueued", "started", "finished", "error", "trace"]
    readonly_fields = fields

    @admin.display(description="Opgave", ordering="task_path")
    def task(self, obj: BackgroundTask) -> str:
        return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description="Status", ordering="status")
    def state(self, obj: BackgroundTask) -> str:
        return STATUS_DA.get(str(obj.status), str(obj.status))

    @admin.display(description="Sat i kø", ordering="enqueued_at")
    def enqueued(self, obj: BackgroundTask) -> str:
        return _when(obj.enqueued_at)

    @admin.display(description="Startet", ordering="started_at")
    def started(self, obj: BackgroundTask) -> str:
        return _when(obj.started_at)

    @admin.display(description="Færdig", ordering="finished_at")
    def finished(self, obj: BackgroundTask) -> str:
        return _when(obj.finished_at)

    @admin.display(description="Fejltype")
    def error(self, obj: BackgroundTask) -> str:
        return obj.exception_class_path or "-"

    @admin.display(description="Forløb (traceback)")
    def trace(self, obj: BackgroundTask) -> str:
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "-"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
