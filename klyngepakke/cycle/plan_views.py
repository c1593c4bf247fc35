"""Practice implementation plans: the practice's own pages (from its link, no login)
and the cluster's pages (counts, and a plan's text only when the practice shares it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.cycle.models import Order
from klyngepakke.registry.access import can_manage, cluster_for
from klyngepakke.support.tokens import hash_token

from . import selectors, services
from .forms import PlanForm, PlanRowFormSet
from .models import PlanToken, PracticePlan

SESSION_KEY = "cycle_plan_token"


def _rows_initial(plan: PracticePlan) -> list[dict[str, Any]]:
    return [
        {
            "what": r.what,
            "why": r.why,
            "first_step": r.first_step,
            "who": r.who,
            "by_when": r.by_when,
            "how_we_know": r.how_we_know,
        }
        for r in plan.rows.all()
    ]


def _edit(request: HttpRequest, plan: PracticePlan, *, as_practice: bool) -> tuple[Any, Any, bool]:
    """The plan's forms, and whether a POST saved them."""
    post = request.POST if request.method == "POST" else None
    form = PlanForm(post, initial={"status": plan.status, "shared": plan.shared})
    rows = PlanRowFormSet(post, initial=_rows_initial(plan), prefix="rows")
    if post is None:
        return form, rows, False
    if form.is_valid() and rows.is_valid():
        inputs = [services.PlanRowInput(**r) for r in rows.cleaned_data if r]
        try:
            services.save_plan(
                plan,
                inputs,
                form.cleaned_data["status"],
                form.cleaned_data["shared"],
                request.user if request.user.is_authenticated else None,
                as_practice=as_practice,
            )
        except services.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            return form, rows, True
    return form, rows, False


def _no_link(request: HttpRequest) -> HttpResponse:
    return render(request, "cycle/plan_no_link.html", status=404)


def plan_enter(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: exchanged for the session, then token-free pages."""
    plan = services.plan_for_token(token)
    if plan is None:
        response = _no_link(request)
    else:
        request.session[SESSION_KEY] = hash_token(token)
        response = redirect("cycle:practice_plan")
    response["Referrer-Policy"] = "no-referrer"
    return response


def _session_plan(request: HttpRequest) -> PracticePlan | None:
    # Checked on every request, so a link replaced meanwhile stops working at once.
    token_hash = request.session.get(SESSION_KEY)
    found = PlanToken.objects.select_related("plan__order__cluster", "plan__order__package", "plan__practice")
    token = found.filter(token_hash=token_hash).first() if isinstance(token_hash, str) else None
    return token.plan if token is not None else None


@require_http_methods(["GET", "POST"])
def practice_plan(request: HttpRequest) -> HttpResponse:
    plan = _session_plan(request)
    if plan is None:
        return _no_link(request)
    form, rows, saved = _edit(request, plan, as_practice=True)
    if saved:
        messages.success(request, "Jeres plan er gemt.")
        return redirect("cycle:practice_plan")
    return render(
        request,
        "cycle/practice_plan.html",
        {
            "plan": plan,
            "form": form,
            "rows": rows,
            "refusal": services.plans_refusal(plan.order),
            "print_url": "cycle:practice_plan_print",
        },
        status=400 if request.method == "POST" else 200,
    )


def practice_plan_print(request: HttpRequest) -> HttpResponse:
    plan = _session_plan(request)
    if plan is None:
        return _no_link(request)
    return render(request, "cycle/plan_print.html", {"plan": plan, "rows": plan.rows.all()})


def _order(request: HttpRequest, code: str, order_id: int, *, manage: bool = False) -> Order:
    cluster = cluster_for(request.user, code, manage=manage)
    order = Order.objects.select_related("cluster", "package").filter(pk=order_id, cluster=cluster).first()
    if order is None:
        raise Http404("Bestillingen findes ikke.")
    return order


def _plan(order: Order, plan_id: int) -> PracticePlan:
    plan = PracticePlan.objects.select_related("practice", "order").filter(pk=plan_id, order=order).first()
    if plan is None:
        raise Http404("Planen findes ikke.")
    return plan


@login_required
def plans(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    return render(
        request,
        "cycle/plans.html",
        {
            "order": order,
            "cluster": order.cluster,
            "plans": PracticePlan.objects.filter(order=order).select_related("practice"),
            "counts": selectors.plan_counts(order),
            "refusal": services.plans_refusal(order),
            "manage": can_manage(request.user, order.cluster),
        },
    )


@login_required
@require_POST
def plan_send(request: HttpRequest, code: str, order_id: int, plan_id: int) -> HttpResponse:
    order = _order(request, code, order_id, manage=True)
    plan = _plan(order, plan_id)
    # Only a link sent before is replaced; the first sending has no old link to mention.
    replaced = PlanToken.objects.filter(plan=plan).exists()
    try:
        count = services.send_plan_link(plan, request.user)
    except services.CycleError as exc:
        messages.error(request, str(exc))
    else:
        text = f"Et link til planen er sat i kø til {count} læge(r) i {plan.practice.name}."
        messages.success(request, text + (" Det gamle link virker ikke mere." if replaced else ""))
    return redirect("cycle:plans", code, order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, code: str, order_id: int, plan_id: int) -> HttpResponse:
    """The cluster's view of one plan: its text only when shared; the coordinator may
    fill in an empty plan for the practice."""
    order = _order(request, code, order_id, manage=request.method == "POST")
    plan = _plan(order, plan_id)
    editable = can_manage(request.user, order.cluster) and services.coordinator_may_edit(plan)
    form, rows, saved = (None, None, False)
    if editable or request.method == "POST":
        form, rows, saved = _edit(request, plan, as_practice=False)
    if saved:
        messages.success(request, f"Planen for {plan.practice.name} er gemt.")
        return redirect("cycle:plans", code, order.pk)
    return render(
        request,
        "cycle/plan_detail.html",
        {
            "order": order,
            "cluster": order.cluster,
            "plan": plan,
            "visible": plan.shared,
            "editable": editable,
            "form": form,
            "rows": rows,
            "refusal": services.plans_refusal(order),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_print(request: HttpRequest, code: str, order_id: int, plan_id: int) -> HttpResponse:
    order = _order(request, code, order_id)
    plan = _plan(order, plan_id)
    if not plan.shared:
        return render(
            request, "cycle/plan_not_shared.html", {"order": order, "cluster": order.cluster, "plan": plan}, status=403
        )
    return render(request, "cycle/plan_print.html", {"plan": plan, "rows": plan.rows.all()})
