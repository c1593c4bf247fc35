"""The published results of a round as the JSON API sends them (docs/results-api.md)."""

from __future__ import annotations

from django.http import JsonResponse

from klyngepakke.surveys.models import Round

from . import selectors
from .meeting_follow_up import follow_up_from_meeting
from .serialize import results_as_dict
from .serialize_meeting_follow_up import meeting_follow_up_as_dict


def published_json(round_: Round) -> JsonResponse:
    """A closed round's published results as the JSON API sends them; `manage.py
    export_results` writes this response's body, so both give the same bytes."""
    results = selectors.round_results(round_)
    view = results_as_dict(results)
    view["follow_up_from_meeting"] = meeting_follow_up_as_dict(follow_up_from_meeting(round_, results), view)
    return JsonResponse(view, json_dumps_params={"ensure_ascii": False})
