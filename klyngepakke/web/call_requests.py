"""The consultant marks a coordinator's "Ring mig op" as made, from the work queue or the
order page, and can undo it ("Fortryd") if marked by mistake. Staff only; the rules are
in klyngepakke.cycle.ordering (mark_call_handled, undo_call_handled)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import CallRequest


def _call(request: HttpRequest, call_id: int) -> CallRequest:
    if not request.user.is_staff:
        raise PermissionDenied("Kun for operatørens medarbejdere.")
    call = CallRequest.objects.select_related("order__cluster").filter(pk=call_id).first()
    if call is None:
        raise Http404("Opringningen findes ikke.")
    return call


def _back(request: HttpRequest, call: CallRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("surveys:order_detail", args=[call.order.cluster.code, call.order_id])
    return redirect(target)


@login_required
@require_POST
def mark_handled(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    if ordering.mark_call_handled(call, request.user):
        messages.success(
            request, f"{call.order.cluster.name} er markeret som ringet op. Det kan fortrydes på bestillingens side."
        )
    else:
        messages.info(request, f"{call.order.cluster.name} var allerede markeret som ringet op.")
    return _back(request, call)


@login_required
@require_POST
def undo_handled(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    if ordering.undo_call_handled(call):
        messages.success(request, f"Opringningen til {call.order.cluster.name} står igen på arbejdslisten.")
    else:
        messages.error(
            request, "Opringningen kan ikke fortrydes: den er ikke markeret, eller bestillingen er annulleret."
        )
    return _back(request, call)
