from django.contrib import admin

from .models import Package, PackageVersion


class PackageVersionInline(admin.TabularInline):
    model = PackageVersion
    fields = ["number", "declared_version", "content_hash", "loaded_at", "locked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "current_version", "comparison_months"]
    readonly_fields = ["code", "title", "current_version"]
    fields = ["code", "title", "current_version", "comparison_months"]
    inlines = [PackageVersionInline]

    def has_add_permission(self, request):
        # Packages come from validated files (manage.py load_catalogue), never by hand.
        return False


@admin.register(PackageVersion)
class PackageVersionAdmin(admin.ModelAdmin):
    list_display = ["package", "number", "declared_version", "loaded_at", "locked_at"]
    list_filter = ["package"]
    readonly_fields = [
        "package",
        "number",
        "declared_version",
        "content_hash",
        "document",
        "source_files",
        "loaded_at",
        "locked_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
