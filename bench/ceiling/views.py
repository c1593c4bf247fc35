"""Bare views: the respondent flow's requests with sessions, CSRF and one insert.

Same URLs and the same form field names as the app, so the same driver runs both.
Partial answers live in the session; submit stores every answer in one transaction.
The page layout (sections, fields, options) comes from a JSON file the benchmark
writes from the package, so the forms carry the same fields; no package logic runs.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.html import escape

from .models import CeilingAnswer

_LAYOUT = json.loads(Path(settings.BENCH_CEILING_LAYOUT).read_text()) if settings.BENCH_CEILING_LAYOUT else {}
SECTIONS: list[dict] = _LAYOUT.get("sections", [])
FIELDS = {s["code"]: s["fields"] for s in SECTIONS}
NEXT = {s["code"]: (SECTIONS[i + 1]["code"] if i + 1 < len(SECTIONS) else None) for i, s in enumerate(SECTIONS)}

PAGE = (
    '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
)


def _page(title: str, body: str) -> HttpResponse:
    return HttpResponse(PAGE.format(title=title, body=body))


def enter(request: HttpRequest, token: str) -> HttpResponse:
    request.session.cycle_key()
    request.session["answers"] = {}
    return HttpResponseRedirect("/svar/")


def landing(request: HttpRequest) -> HttpResponse:
    if "answers" not in request.session:
        return HttpResponseForbidden()
    return _page("Start", f'<h1>Start</h1><a class="button" href="/svar/side/{SECTIONS[0]["code"]}/">Start</a>')


def _field_html(field: dict) -> str:
    name = field["name"]
    if field["type"] == "text":
        return f'<label for="f-{name}">{name}</label><textarea id="f-{name}" name="{name}"></textarea>'
    kind = field["type"]
    options = "".join(
        f'<label><input type="{kind}" name="{name}" value="{option}"> {option}</label>' for option in field["options"]
    )
    return f"<fieldset><legend>{name}</legend>{options}</fieldset>"


def section(request: HttpRequest, code: str) -> HttpResponse:
    answers = request.session.get("answers")
    if answers is None:
        return HttpResponseForbidden()
    if code not in FIELDS:
        return HttpResponseNotFound()
    if request.method == "POST":
        for field in FIELDS[code]:
            values = [v for v in request.POST.getlist(field["name"]) if v]
            if values:
                answers[field["name"]] = values
        request.session["answers"] = answers
        following = NEXT[code]
        return HttpResponseRedirect(f"/svar/side/{following}/" if following else "/svar/gennemse/")
    fields = "".join(_field_html(f) for f in FIELDS[code])
    token = get_token(request)
    return _page(
        code,
        f'<h1>{code}</h1><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'{fields}<button type="submit" name="nav" value="next">Næste</button></form>',
    )


def review(request: HttpRequest) -> HttpResponse:
    answers = request.session.get("answers")
    if answers is None:
        return HttpResponseForbidden()
    if request.method == "POST":
        submission = uuid.uuid4()
        rows = [
            CeilingAnswer(submission=submission, code=code, value=value)
            for code, values in answers.items()
            for value in values
        ]
        with transaction.atomic():
            CeilingAnswer.objects.bulk_create(rows)
        request.session.flush()
        return _page("Tak", "<h1>Tak for dit svar</h1>")  # like the app: the receipt is the POST's response
    summary = "".join(f"<dt>{code}</dt><dd>{escape(', '.join(values))}</dd>" for code, values in answers.items())
    token = get_token(request)
    return _page(
        "Gennemse",
        f'<h1>Gennemse</h1><dl>{summary}</dl><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}"><button type="submit">Send</button></form>',
    )
