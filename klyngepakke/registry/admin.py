from django.contrib import admin, messages
from django.db import models

from . import member_services
from .import_plan import FieldChange
from .models import AccessChange, Cluster, ClusterAssignment, Member, MemberChange, Practice, Region, RegistryUpload


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "quality_unit"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ClusterAssignmentInline(admin.TabularInline):
    model = ClusterAssignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    inlines = [ClusterAssignmentInline]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cluster", "kind", "doctor_count"]
    list_filter = ["kind", "cluster__region"]
    search_fields = ["name", "code", "cluster__name"]
    autocomplete_fields = ["cluster"]


def _changed_fields(change: MemberChange) -> str:
    """The change's {field: [before, after]} in Danish: "e-mail: a@x.dk -> b@x.dk"."""
    parts = []
    for name, values in (change.fields or {}).items():
        before, after = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        parts.append(str(FieldChange(name, before, after)))
    return "; ".join(parts) or "-"


class MemberChangeInline(admin.TabularInline):
    """A member's change history (members page, undos, imports); read-only."""

    model = MemberChange
    fk_name = "member"
    extra = 0
    can_delete = False
    fields = ["at", "kind", "changed_fields", "by", "undoes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Ændringer")
    def changed_fields(self, obj):
        return _changed_fields(obj)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "practice", "role", "active"]
    list_filter = ["role", "active", "practice__cluster__region"]
    search_fields = ["name", "email", "practice__name", "practice__cluster__name"]
    autocomplete_fields = ["practice"]
    inlines = [MemberChangeInline]


@admin.register(MemberChange)
class MemberChangeAdmin(admin.ModelAdmin):
    """Every member change; undone with the action (or on the cluster's members page)."""

    list_display = ["at", "member", "kind", "changed_fields", "by"]
    list_filter = ["kind", "member__practice__cluster__region"]
    search_fields = ["member__name", "member__email", "member__practice__cluster__name"]
    fields = ["member", "kind", "changed_fields", "at", "by", "undoes"]
    readonly_fields = fields
    actions = ["undo"]

    @admin.display(description="Ændringer")
    def changed_fields(self, obj):
        return _changed_fields(obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Fortryd de valgte ændringer")
    def undo(self, request, queryset):
        for change in queryset.order_by("-id"):
            try:
                member_services.undo_change(change, by=request.user)
            except member_services.MemberError as exc:
                self.message_user(request, f"{change.member.name}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{change.member.name}: {change.get_kind_display().lower()} er fortrudt.")


@admin.register(RegistryUpload)
class RegistryUploadAdmin(admin.ModelAdmin):
    """Registry files uploaded on the staff page (the file is dropped once applied)."""

    list_display = ["filename", "uploaded_at", "uploaded_by", "applied_at", "applied_by"]
    fields = ["filename", "sha256", "uploaded_at", "uploaded_by", "applied_at", "applied_by", "summary_text"]
    readonly_fields = fields

    @admin.display(description="Resultat")
    def summary_text(self, obj):
        """The applied import's counts in Danish (the stored summary has English keys)."""
        summary = obj.summary or {}
        if not summary:
            return "-"
        parts = [f"{summary.get('rows', 0)} rækker"]
        for key, label in (("clusters", "klynger"), ("practices", "praksis"), ("members", "medlemmer")):
            counts = summary.get(key) or {}
            parts.append(
                f"{label}: {counts.get('created', 0)} oprettet, {counts.get('updated', 0)} ændret, "
                f"{counts.get('unchanged', 0)} uændret"
            )
        if summary.get("overwrites"):
            parts.append(f"{summary['overwrites']} rettelser fra klyngernes koordinatorer overskrevet")
        return "; ".join(parts)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClusterAssignment)
class ClusterAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cluster", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "cluster__name"]
    autocomplete_fields = ["user", "cluster"]
    # Removing access loses no data (and the registry import may grant it again); Django's
    # confirmation page lists what goes.
    actions = ["delete_selected"]


@admin.register(AccessChange)
class AccessChangeAdmin(admin.ModelAdmin):
    """The history the registry import writes; read-only."""

    list_display = ["at", "change", "username", "cluster_name", "role", "source"]
    list_filter = ["change", "role"]
    search_fields = ["username", "cluster_name", "source"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
