"""Downloads of a round's meeting files, and the consultant's rebuild. Thin: access
check, then the materials services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from klyngepakke.materials import services
from klyngepakke.materials.exporters import exporters
from klyngepakke.registry.access import cluster_for
from klyngepakke.results.responses import WITHHELD_NOTICE, in_reopen_window, is_published
from klyngepakke.surveys.models import Round


def _round_for(request: HttpRequest, code: str, round_id: int) -> Round:
    cluster = cluster_for(request.user, code)
    round_ = (
        Round.objects.select_related("order__cluster", "order__package")
        .filter(pk=round_id, order__cluster=cluster)
        .first()
    )
    if round_ is None:
        raise Http404("Runden findes ikke.")
    return round_


def _not_yet(request: HttpRequest, round_: Round) -> HttpResponse:
    context = {"round": round_, "cluster": round_.order.cluster}
    if in_reopen_window(round_):
        context["withheld_notice"] = WITHHELD_NOTICE
    return render(request, "materials/not_yet.html", context, status=409)


@login_required
@require_GET
def download(request: HttpRequest, code: str, round_id: int, exporter: str) -> HttpResponse:
    round_ = _round_for(request, code, round_id)
    if exporter not in {e.code for e in exporters()}:
        raise Http404("Det format findes ikke.")
    if not is_published(round_):
        return _not_yet(request, round_)
    file = services.current_file(round_.pk, exporter)
    response = HttpResponse(bytes(file.data), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download_all(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """ "Hent alt": the deck, handouts and spreadsheet in one zip."""
    round_ = _round_for(request, code, round_id)
    if not is_published(round_):  # open, or closed by hand today (its reopen window)
        return _not_yet(request, round_)
    file = services.current_pack(round_.pk)
    response = HttpResponse(bytes(file.data), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def rebuild(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = _round_for(request, code, round_id)
    if not request.user.is_staff:
        raise PermissionDenied("Kun operatørens konsulenter kan bygge materialerne igen.")
    if not is_published(round_):
        return _not_yet(request, round_)
    files = services.build_materials(round_.pk)
    messages.success(
        request, f"Mødematerialerne er bygget igen ({len(files) - 1} filer og en samlet zip) med den aktuelle mødeplan."
    )
    return redirect("surveys:round_detail", code, round_.pk)
