"""Back office for orders and their audit trail."""

from django.contrib import admin

from klyngepakke.formats import danish_datetime

from .models import Order, OrderEvent


class OrderEventInline(admin.TabularInline):
    # Danish column headers through display methods (the fields' names are English).
    model = OrderEvent
    fields = ["event_at", "event_state", "event_by", "event_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Tidspunkt")
    def event_at(self, obj):
        return danish_datetime(obj.at)

    @admin.display(description="Ny status")
    def event_state(self, obj):
        return obj.get_state_display()

    @admin.display(description="Af")
    def event_by(self, obj):
        return (obj.by.get_full_name() or obj.by.get_username()) if obj.by else "-"

    @admin.display(description="Bemærkning")
    def event_note(self, obj):
        return obj.note or "-"


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
