"""Back office for orders and their audit trail."""

from django.contrib import admin, messages

from klyngepakke.formats import danish_datetime

from . import ordering
from .models import CallRequest, Order, OrderEvent


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


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "-"


class CallHandledFilter(admin.SimpleListFilter):
    title = "ringet op"
    parameter_name = "ringet_op"

    def lookups(self, request, model_admin):
        return [("nej", "Venter"), ("ja", "Ringet op")]

    def queryset(self, request, queryset):
        if self.value() == "nej":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "ja":
            return queryset.filter(handled_at__isnull=False)
        return queryset


@admin.register(CallRequest)
class CallRequestAdmin(admin.ModelAdmin):
    """The coordinators' "Ring mig op". Read-only: made when ordering, marked as made from
    the work queue, the order page or the action here; never deleted (who asked and who
    called is the record)."""

    list_display = ["call_cluster", "call_package", "phone", "preferred_time", "asked", "called"]
    list_filter = [CallHandledFilter, "order__cluster__region", "order__package"]
    search_fields = ["order__cluster__name", "order__cluster__code", "phone"]
    fields = ["order", "phone", "preferred_time", "asked", "asked_by", "called", "called_by"]
    readonly_fields = fields
    list_select_related = ["order__cluster", "order__package", "requested_by", "handled_by"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Klynge", ordering="order__cluster__name")
    def call_cluster(self, obj):
        return obj.order.cluster.name

    @admin.display(description="Pakke", ordering="order__package__title")
    def call_package(self, obj):
        return obj.order.package.title

    @admin.display(description="Ønsket", ordering="requested_at")
    def asked(self, obj):
        return danish_datetime(obj.requested_at)

    @admin.display(description="Ønsket af")
    def asked_by(self, obj):
        return _person(obj.requested_by)

    @admin.display(description="Ringet op", ordering="handled_at")
    def called(self, obj):
        return danish_datetime(obj.handled_at) if obj.handled_at else "-"

    @admin.display(description="Ringet op af")
    def called_by(self, obj):
        return _person(obj.handled_by) if obj.handled_at else "-"

    @admin.action(description="Markér de valgte som ringet op")
    def mark_handled(self, request, queryset):
        marked = sum(ordering.mark_call_handled(call, request.user) for call in queryset)
        self.message_user(request, f"{marked} markeret som ringet op.", messages.SUCCESS)
