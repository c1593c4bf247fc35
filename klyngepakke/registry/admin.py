from django.contrib import admin, messages
from django.db import models

from . import member_services
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


class MemberChangeInline(admin.TabularInline):
    """A member's change history (members page, undos, imports); read-only."""

    model = MemberChange
    fk_name = "member"
    extra = 0
    can_delete = False
    fields = ["at", "kind", "fields", "by", "undoes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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

    list_display = ["at", "member", "kind", "fields", "by"]
    list_filter = ["kind", "member__practice__cluster__region"]
    search_fields = ["member__name", "member__email", "member__practice__cluster__name"]
    readonly_fields = ["member", "kind", "fields", "at", "by", "undoes"]
    actions = ["undo"]

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
    fields = ["filename", "sha256", "uploaded_at", "uploaded_by", "applied_at", "applied_by", "summary"]
    readonly_fields = fields

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
