"""Back office for orders and their audit trail."""

from django.contrib import admin

from .models import Order, OrderEvent


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ["at", "state", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["package", "cluster", "state", "created_at", "meeting_date"]
    list_filter = ["state", "package", "cluster__region"]
    search_fields = ["cluster__name", "cluster__code"]
    readonly_fields = ["cluster", "package", "state", "created_at", "follows_up"]
    fields = [
        "cluster",
        "package",
        "state",
        "created_at",
        "meeting_date",
        "meeting_place",
        "meeting_starts_at",
        "meeting_minutes",
        "program_notes",
        "follow_up_due_on",
        "follows_up",
    ]
    inlines = [OrderEventInline]

    def has_add_permission(self, request):
        # Orders are made through the order flow (or manage.py open_round), which
        # records who ordered and moves the state machine.
        return False
