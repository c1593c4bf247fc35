"""Back office for rounds (orders are in cycle's admin).

Responses, answers, invitations, tokens and partial answers are deliberately not in
the admin: only the results layer reads responses, and no page may show who has or
has not answered.
"""

from django.contrib import admin

from .models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["round_name", "order", "opened_at", "closes_at", "closed_at"]
    list_filter = ["order__package"]
    readonly_fields = ["order", "package_version", "opened_at", "closes_at", "closed_at", "reminder_days"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Runde", ordering="pk")
    def round_name(self, obj):
        return obj.display_name
