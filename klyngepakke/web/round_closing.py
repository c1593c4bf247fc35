""" "Luk runden nu" with a confirmation page, and reopening a round closed by mistake.

Thin: access check, then `surveys.services.close_round(reopenable=True)` /
`reopen_round`, which refuse what is not allowed. Works without JavaScript: the round
page links to the confirmation page (GET), whose form closes the round (POST).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.results.serialize import percent
from klyngepakke.surveys import selectors, services
from klyngepakke.web.coordinator_views import managed_round
from klyngepakke.web.order_forms import ExtendRoundForm


@login_required
@require_http_methods(["GET", "POST"])
def close_round(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = managed_round(request, code, round_id)
    if not round_.is_open:
        messages.info(request, "Runden er allerede lukket.")
        return redirect("surveys:round_detail", code, round_.pk)
    if request.method == "POST":
        services.close_round(round_, request.user, reopenable=True)
        messages.success(
            request,
            "Runden er lukket. Resultaterne vises fra i morgen kl. 00.00 — indtil da kan runden genåbnes.",
        )
        return redirect("surveys:round_detail", code, round_.pk)
    invited = selectors.invited_count(round_)
    shown = selectors.shown_response_count(round_)
    k = services.min_group_size(round_)
    return render(
        request,
        "web/round_close.html",
        {
            "round": round_,
            "cluster": round_.order.cluster,
            "order": round_.order,
            "invited": invited,
            "shown": shown,
            "rate": percent(shown / invited) if invited else 0,
            "k": k,
            "under_k": shown < k,
        },
    )


@login_required
@require_POST
def reopen_round(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = managed_round(request, code, round_id)
    form = ExtendRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv en gyldig dato for den nye svarfrist.")
        return redirect("surveys:round_detail", code, round_.pk)
    try:
        services.reopen_round(round_, form.closes_at, request.user)
    except services.OrderError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:round_detail", code, round_.pk)
    messages.success(request, "Runden er genåbnet. Invitationerne er ikke sendt igen; linkene virker stadig.")
    return redirect("surveys:round_detail", code, round_.pk)
