from django.contrib import admin
from django.db import models

from .models import AccessChange, Cluster, ClusterAssignment, Member, Practice, Region


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


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "practice", "role", "active"]
    list_filter = ["role", "active", "practice__cluster__region"]
    search_fields = ["name", "email", "practice__name", "practice__cluster__name"]
    autocomplete_fields = ["practice"]


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
