"""Pages of the cycle after the survey: thin, the state rules live in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import selectors, services
from klyngepakke.cycle.forms import DecisionsForm, MeetingForm
from klyngepakke.cycle.models import Decision, MeetingRecord, Order
from klyngepakke.registry.access import can_manage, cluster_for


def _back(request: HttpRequest, order: Order) -> str:
    """Where the meeting and decisions pages lead back to: the order page for those who
    manage the cluster, the cluster page for a facilitator (the order page is not theirs)."""
    if can_manage(request.user, order.cluster):
        return reverse("surveys:order_detail", args=[order.cluster.code, order.pk])
    return reverse("web:cluster_detail", args=[order.cluster.code])


def _order(request: HttpRequest, code: str, order_id: int, *, manage: bool = False) -> Order:
    # The meeting and the decisions are recorded by the coordinator or a facilitator of
    # the cluster (and the operator's staff); ordering needs a coordinator.
    cluster = cluster_for(request.user, code, manage=manage)
    order = Order.objects.select_related("package__current_version", "cluster").filter(pk=order_id, cluster=cluster)
    found = order.first()
    if found is None:
        raise Http404("Bestillingen findes ikke.")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    record = MeetingRecord.objects.filter(order=order).first()
    initial = (
        {
            "held_on": record.held_on,
            "minutes": record.minutes,
            "format": record.format,
            "attendees": record.attendees,
            "notes": record.notes,
        }
        if record
        else {"held_on": order.meeting_date, "minutes": order.meeting_minutes}
    )
    form = MeetingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            facts = services.MeetingFacts(
                held_on=data["held_on"],
                minutes=data["minutes"],
                format=data["format"],
                attendees=data["attendees"],
                notes=data["notes"],
            )
            try:
                if record is None:
                    services.record_meeting(order, facts, request.user)
                    messages.success(request, "Mødet er registreret som holdt. Registrér nu klyngens beslutninger.")
                    return redirect("cycle:decisions", code, order.pk)
                services.correct_meeting(order, facts, request.user)
                messages.success(request, "Mødet er rettet.")
                return redirect(_back(request, order))
            except services.CycleError as exc:
                form.add_error(None, str(exc))
    return render(
        request,
        "cycle/meeting.html",
        {
            "order": order,
            "cluster": order.cluster,
            "record": record,
            "form": form,
            "allowed": services.meeting_refusal(order, record) is None,
            "refusal": services.meeting_refusal(order, record),
            "events": order.cycle_events.select_related("by"),
            "back_url": _back(request, order),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    decision = Decision.objects.filter(order=order).select_related("follow_up_package").first()
    points = selectors.eligible_measure_points(order)
    packages = selectors.follow_up_packages(order)
    initial: dict[str, object] = {}
    if decision is not None:
        initial = {
            "focus_areas": "\n".join(decision.focus_areas),
            "follow_up_package": decision.follow_up_package.code if decision.follow_up_package else "",
            "follow_up_on": decision.follow_up_on,
            "topic_meetings": decision.topic_meetings,
        }
        for point in decision.measure_points.all():
            initial[f"mp_{point.code}"] = True
            initial[f"hope_{point.code}"] = point.hope
    form = DecisionsForm(request.POST or None, initial=initial, points=points, packages=packages)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            chosen = data["follow_up_package"]
            package = Package.objects.filter(code=chosen).first() if chosen else None
            try:
                services.save_decisions(
                    order,
                    services.DecisionInput(
                        measure_points=form.chosen_points(),
                        focus_areas=form.focus_area_list(),
                        follow_up_package=package,
                        follow_up_on=data["follow_up_on"],
                        topic_meetings=data["topic_meetings"],
                    ),
                    request.user,
                )
            except services.CycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Klyngens beslutninger er gemt.")
                return redirect(_back(request, order))
    refusal = services.decisions_refusal(order)
    return render(
        request,
        "cycle/decisions.html",
        {
            "order": order,
            "cluster": order.cluster,
            "form": form,
            "refusal": refusal,
            "decision": decision,
            "back_url": _back(request, order),
        },
        status=status,
    )
