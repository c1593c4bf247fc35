"""The package pages, the order form and the order's schedule and cancel actions.
Thin: access check, form, then klyngepakke.cycle.ordering (writes) and
ordering_selectors (reads)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.catalogue.models import Package
from klyngepakke.catalogue.selectors import available_packages
from klyngepakke.cycle import ordering
from klyngepakke.cycle import ordering_selectors as selectors
from klyngepakke.cycle.models import Decision, Order
from klyngepakke.registry.access import cluster_for
from klyngepakke.registry.models import Cluster

from .ordering_forms import CancelForm, PlaceOrderForm, RescheduleForm


def _package(code: str) -> Package:
    package = available_packages().filter(code=code).first()
    if package is None:
        raise Http404("Pakken findes ikke.")
    return package


@login_required
def package_list(request: HttpRequest) -> HttpResponse:
    packages = list(available_packages().order_by("title"))
    first = [p for p in packages if not p.current_version.document.get("follows_up")]
    follow_ups = [(p, selectors.follows_up_title(p, packages)) for p in packages if p not in first]
    return render(
        request,
        "web/package_list.html",
        {
            "first": [(p, selectors.order_choices(request.user, p), _length(p)) for p in first],
            "follow_ups": [(p, title, selectors.order_choices(request.user, p)) for p, title in follow_ups],
        },
    )


@login_required
def package_detail(request: HttpRequest, code: str) -> HttpResponse:
    package = _package(code)
    doc = package.current_version.document
    return render(
        request,
        "web/package_detail.html",
        {
            "package": package,
            "doc": doc,
            "samples": selectors.sample_questions(doc),
            "schedule": ordering.package_schedule(package),
            "follows_up_title": selectors.follows_up_title(package, list(available_packages())),
            "choices": selectors.order_choices(request.user, package),
            "length": selectors.meeting_length(doc["program"]["default_minutes"]),
        },
    )


def _length(package: Package) -> str:
    return selectors.meeting_length(package.current_version.document["program"]["default_minutes"])


def _input(form: PlaceOrderForm) -> ordering.OrderInput:
    data = form.cleaned_data
    call = None
    if data["call"]:
        call = ordering.CallWish(phone=data["phone"], preferred_time=data["preferred_time"])
    return ordering.OrderInput(
        meeting_date=data["meeting_date"],
        starts_at=data["starts_at"],
        place=data["place"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        call=call,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_order(request: HttpRequest, code: str, package_code: str) -> HttpResponse:
    cluster = cluster_for(request.user, code, manage=True)
    package = _package(package_code)
    follows_up = _follows_up(request, cluster)
    form = PlaceOrderForm(request.POST or None)
    steps = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = _input(form)
            today = timezone.localdate()
            refusal = ordering.order_refusal(cluster, package, data, today, follows_up=follows_up)
            if refusal is None and request.POST.get("action") == "order":
                try:
                    order = ordering.place_order(cluster, package, data, request.user, follows_up=follows_up)
                except ordering.OrderingError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request, f"{package.title} er bestilt. Spørgeskemaet åbner af sig selv på datoen nedenfor."
                    )
                    return redirect("surveys:order_detail", cluster.code, order.pk)
            elif refusal is not None:
                form.add_error(None, refusal)
            else:
                status = 200  # "Se datoerne": the steps, nothing stored
            dates = ordering.survey_dates(package, data, today)
            # Dates are shown only when they are allowed (a refused set makes no plan).
            if refusal is None and dates is not None and data.meeting_date is not None:
                steps = selectors.next_steps(data.meeting_date, dates, data.call.preferred_time if data.call else "")
    return render(
        request,
        "web/order_form.html",
        {
            "cluster": cluster,
            "package": package,
            "form": form,
            "steps": steps,
            "schedule": ordering.package_schedule(package),
            "running": ordering.running_order(cluster, package),
            "follows_up": follows_up,
        },
        status=status,
    )


def _follows_up(request: HttpRequest, cluster: Cluster) -> Order | None:
    """The earlier order whose decided follow-up this form orders ("?efter=<id>" from that
    order's page, then a hidden field), or None for an ordinary order."""
    raw = request.POST.get("efter", request.GET.get("efter", ""))
    if not raw:
        return None
    order = (
        Order.objects.filter(cluster=cluster, pk=int(raw)).select_related("package").first() if raw.isdigit() else None
    )
    if order is None:
        raise Http404("Bestillingen, der skal følges op, findes ikke i klyngen.")
    return order


def _order(request: HttpRequest, code: str, order_id: int) -> Order:
    cluster = cluster_for(request.user, code, manage=True)
    order = Order.objects.select_related("package__current_version", "cluster").filter(pk=order_id, cluster=cluster)
    found = order.first()
    if found is None:
        raise Http404("Bestillingen findes ikke.")
    return found


@login_required
@require_POST
def cancel_order(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ordering.OrderingError("Skriv, hvorfor bestillingen annulleres (højst 300 tegn).")
        ordering.cancel_order(order, form.cleaned_data["reason"], request.user)
    except ordering.OrderingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Bestillingen er annulleret. Der sendes ingen invitationer.")
    return redirect("surveys:order_detail", code, order.pk)


@login_required
@require_POST
def reschedule(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    form = RescheduleForm(request.POST)
    try:
        if not form.is_valid():
            raise ordering.OrderingError("Skriv begge datoer.")
        ordering.reschedule_survey(order, form.cleaned_data["opens_on"], form.cleaned_data["closes_on"], request.user)
    except ordering.OrderingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Spørgeskemaets datoer er flyttet.")
    return redirect("surveys:order_detail", code, order.pk)


def schedule_context(order: Order) -> dict:
    """The order page's plan: next steps, call requests, date and cancel forms (shown
    only while the survey has not opened), and the follow-up packages on offer."""
    can_change = order.state in ordering.CANCELLABLE and not order.rounds.exists()
    return {
        "steps": selectors.order_steps(order),
        "calls": list(order.call_requests.select_related("requested_by", "handled_by")),
        "can_change": can_change,
        "reschedule_form": RescheduleForm(
            initial={"opens_on": order.survey_opens_on, "closes_on": order.survey_closes_on}
        ),
        "cancel_form": CancelForm(),
        # A decided follow-up is ordered from the order page's "Opfølgning" section (one
        # button, linked to this order); the notice offers packages only without one.
        "follow_up_offers": []
        if order.follow_ups.exists() or Decision.objects.filter(order=order, follow_up_package__isnull=False).exists()
        else selectors.follow_up_offers(order),
    }
