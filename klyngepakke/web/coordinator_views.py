"""The coordinator's (and the consultant's) pages for orders and rounds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.cycle.selectors import after_meeting
from klyngepakke.materials.selectors import downloads as material_downloads
from klyngepakke.registry.access import cluster_for
from klyngepakke.results.responses import in_reopen_window
from klyngepakke.surveys import reminders, selectors, services
from klyngepakke.surveys.models import Round

from .order_forms import ExtendRoundForm, OpenRoundForm, PlanForm


def _order(request: HttpRequest, code: str, order_id: int) -> Order:
    cluster = cluster_for(request.user, code, manage=True)
    order = (
        Order.objects.select_related("package__current_version", "cluster__region")
        .filter(pk=order_id, cluster=cluster)
        .first()
    )
    if order is None:
        raise Http404("Bestillingen findes ikke.")
    return order


def managed_round(request: HttpRequest, code: str, round_id: int) -> Round:
    """A round of a cluster the user may manage, or 404 (the round pages' one access check)."""
    cluster = cluster_for(request.user, code, manage=True)
    round_ = (
        Round.objects.select_related("order__cluster", "order__package", "package_version")
        .filter(pk=round_id, order__cluster=cluster)
        .first()
    )
    if round_ is None:
        raise Http404("Runden findes ikke.")
    return round_


@login_required
def order_new(request: HttpRequest, code: str) -> HttpResponse:
    """ "Bestil pakke" from the cluster page: the package pages show what each package
    gives and order it with a meeting date (klyngepakke/web/ordering_views.py)."""
    cluster_for(request.user, code, manage=True)
    return redirect("web:package_list")


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    from klyngepakke.web.ordering_views import schedule_context

    order = _order(request, code, order_id)
    document = order.package.current_version.document if order.package.current_version else {}
    default_minutes = document.get("program", {}).get("default_minutes")
    plan_form = PlanForm(
        request.POST if request.POST.get("action") == "plan" else None,
        initial={
            "meeting_date": order.meeting_date,
            "starts_at": order.meeting_starts_at,
            "place": order.meeting_place,
            "minutes": order.meeting_minutes or default_minutes,
            "program_notes": order.program_notes,
        },
    )
    open_form = OpenRoundForm(request.POST if request.POST.get("action") == "open" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "plan" and plan_form.is_valid():
                data = plan_form.cleaned_data
                cycle_services.plan_meeting(
                    order,
                    meeting_date=data["meeting_date"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    minutes=data["minutes"],
                    program_notes=data["program_notes"],
                    by=request.user,
                )
                messages.success(request, "Mødeplanen er gemt.")
                return redirect("surveys:order_detail", code, order.pk)
            if action == "open" and open_form.is_valid():
                round_ = services.open_round(
                    order, open_form.closes_at, request.user, open_form.cleaned_data["reminder_days"]
                )
                messages.success(request, "Spørgeskemaet er åbnet, og invitationerne er sat i kø til afsendelse.")
                return redirect("surveys:round_detail", code, round_.pk)
            if action == "done":
                cycle_services.mark_done(order, request.user)
                messages.success(request, "Bestillingen er afsluttet.")
                return redirect("surveys:order_detail", code, order.pk)
            # The meeting is recorded on its own page (klyngepakke/cycle), whose service
            # refuses it before the meeting date.
            if action not in {"plan", "open", "done"}:
                messages.error(request, "Ukendt handling.")
        except cycle_services.OrderError as exc:
            messages.error(request, str(exc))
        status = 400
    return render(
        request,
        "surveys/order_detail.html",
        {
            "order": order,
            "cluster": order.cluster,
            "document": document,
            "default_minutes": default_minutes,
            "plan_form": plan_form,
            "open_form": open_form,
            # "Efter mødet": the cycle app's record, decisions, plan counts and follow-up,
            # each with the service's refusal (an action is offered only when allowed).
            "after": after_meeting(order),
            # Self-service ordering: next steps with dates, move dates, cancel.
            "schedule": schedule_context(order),
            "rounds": order.rounds.order_by("-opened_at"),
            "events": order.events.select_related("by"),
            "State": Order.State,
        },
        status=status,
    )


@login_required
def round_detail(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = managed_round(request, code, round_id)
    invited = selectors.invited_count(round_)
    shown = selectors.shown_response_count(round_)
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": round_,
            "cluster": round_.order.cluster,
            "order": round_.order,
            "invited": invited,
            "shown": shown,
            "rate": round(100 * shown / invited) if invited else 0,
            "k": services.min_group_size(round_),
            "extend_form": ExtendRoundForm(),
            "reopen_form": ExtendRoundForm(auto_id="reopen_%s"),
            "in_reopen_window": in_reopen_window(round_),
            "last_reminder": round_.reminder_batches.order_by("-queued_at").first(),
            "downloads": material_downloads(round_),
        },
    )


@login_required
@require_POST
def round_action(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = managed_round(request, code, round_id)
    action = request.POST.get("action")
    try:
        if action == "remind":
            reminders.send_reminders_now(round_, request.user)
            messages.success(request, "Påmindelser er sat i kø til dem, der ikke har svaret.")
        elif action == "close":
            # Closing is confirmed on its own page (klyngepakke/web/round_closing.py).
            return redirect("web:round_close", code, round_.pk)
        elif action == "extend":
            form = ExtendRoundForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Skriv en gyldig dato for den nye svarfrist.")
                return redirect("surveys:round_detail", code, round_.pk)
            services.extend_round(round_, form.closes_at, request.user)
            messages.success(request, "Svarfristen er forlænget.")
        elif action == "invite_new":
            with transaction.atomic():
                # Locked, so two clicks cannot invite the same member twice.
                locked = Round.objects.select_for_update().get(pk=round_.pk)
                if not locked.is_open or locked.closes_at <= timezone.now():
                    raise cycle_services.OrderError("Runden er lukket, så der kan ikke inviteres flere.")
                count = services.invite_members(locked)
            if count == 0:
                messages.info(request, "Der er ingen nye medlemmer at invitere.")
            elif count == 1:
                messages.success(request, "Ét nyt medlem er inviteret.")
            else:
                messages.success(request, f"{count} nye medlemmer er inviteret.")
        else:
            messages.error(request, "Ukendt handling.")
    except cycle_services.OrderError as exc:
        messages.error(request, str(exc))
    return redirect("surveys:round_detail", code, round_.pk)
