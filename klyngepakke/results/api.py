"""The published results of a round as the JSON API sends them (docs/results-api.md)."""

from __future__ import annotations

from django.http import JsonResponse

from klyngepakke.surveys.models import Round

from . import selectors
from .serialize import results_as_dict


def published_json(round_: Round) -> JsonResponse:
    """A closed round's published results as the JSON API sends them; `manage.py
    export_results` writes this response's body, so both give the same bytes."""
    return JsonResponse(results_as_dict(selectors.round_results(round_)), json_dumps_params={"ensure_ascii": False})
