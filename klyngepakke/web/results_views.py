"""Results pages and the JSON API. Thin: access check, then the results layer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from klyngepakke.materials.selectors import downloads as material_downloads
from klyngepakke.registry.access import cluster_for
from klyngepakke.results import overview, responses, selectors
from klyngepakke.results.api import published_json
from klyngepakke.results.charts import Bar, bars
from klyngepakke.results.meeting_follow_up import follow_up_from_meeting
from klyngepakke.results.serialize import number_text, percent, results_as_dict
from klyngepakke.results.serialize_follow_up import follow_up_as_dict
from klyngepakke.results.serialize_meeting_follow_up import meeting_follow_up_as_dict
from klyngepakke.surveys.models import Round


def _round_for(request: HttpRequest, code: str, round_id: int) -> Round:
    cluster = cluster_for(request.user, code)
    round_ = (
        Round.objects.select_related("order__cluster__region", "order__package", "package_version")
        .filter(pk=round_id, order__cluster=cluster)
        .first()
    )
    if round_ is None:
        raise Http404("Runden findes ikke.")
    return round_


def _withheld_notice(round_: Round) -> str:
    """The Danish notice of a round closed by hand today (else "")."""
    return responses.WITHHELD_NOTICE if responses.in_reopen_window(round_) else ""


def _chosen_round(request: HttpRequest) -> int | None:
    """The earlier round the user picked (?foer=<id>); anything else means the default."""
    raw = request.GET.get("foer", "")
    return int(raw) if raw.isdigit() else None


@login_required
def round_results_page(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    round_ = _round_for(request, code, round_id)
    if not responses.is_published(round_):
        return render(
            request,
            "results/not_yet.html",
            {"round": round_, "cluster": round_.order.cluster, "withheld_notice": _withheld_notice(round_)},
            status=409,
        )
    results = selectors.round_results(round_)
    view = results_as_dict(results)
    follow_up = selectors.follow_up_for(round_, results, chosen=_chosen_round(request))
    meeting = meeting_follow_up_as_dict(follow_up_from_meeting(round_, results), view)
    return render(
        request,
        "results/round.html",
        {
            "round": round_,
            "cluster": round_.order.cluster,
            "results": results,
            "view": view,
            "follow_up": follow_up,
            "meeting": meeting,
            "page": _page(results, view, follow_up, meeting),
            "downloads": material_downloads(round_),
        },
    )


# --- presentation: the plain data of `results_as_dict`, arranged for the template -------
# Nothing here computes a figure from answers; it only groups, rounds to whole percent and
# places chart marks for what the disclosure core already published.


def _item(item: dict[str, Any]) -> dict[str, Any]:
    if "options" not in item:
        return item
    options = [dict(o) for o in item["options"]]
    entry = {**item, "options": options}
    if "bar" in item:
        # Segment labels are the table's own rounded percents.
        entry["bar"] = [
            {**seg, "percent": percent(seg["share"]), "mid": round(seg["x"] + seg["width"] / 2, 2)}
            for seg in item["bar"]
        ]
        # The table doubles as the chart's legend: each on-scale option gets its colour.
        fills = iter(seg["fill"] for seg in item["bar"])
        for option in options:
            if option.get("on_scale"):
                option["fill"] = next(fills, None)
    else:
        known = [(o["label"], float(o["percent"])) for o in item["options"] if o["percent"] is not None]
        entry["chart"] = _chart([(b, f"{round(b.value)} %") for b in bars(known, maximum=100)]) if known else None
    return entry


BAR_ROW = 46


def _chart(marks: list[tuple[Bar, str]]) -> dict[str, Any]:
    """Marks for results/_bars.html: a label above each bar, the value as text after it."""
    return {
        "bars": [{"label": b.label, "width": b.width, "text": text} for b, text in marks],
        "height": BAR_ROW * len(marks) + 4,
    }


def _headings(results: selectors.RoundResults) -> dict[str, str]:
    """Question (or matrix item) text by answer code."""
    headings = {}
    for section in results.questionnaire.sections:
        for question in section.questions:
            headings[question.code] = question.text["da"]
            for item in question.items:
                headings[item.code] = item.text["da"]
    return headings


def _sections(
    results: selectors.RoundResults, group: dict[str, Any], *, skip: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    if "withheld" in group:
        return []
    headings = _headings(results)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for item in group["items"]:
        if item["code"] in skip:
            continue
        entry = {**_item(item), "heading": headings.get(item["code"], item["code"])}
        by_section.setdefault(item["section"], []).append(entry)
    return [
        {"code": s.code, "title": s.title["da"], "items": by_section[s.code]}
        for s in results.questionnaire.sections
        if s.code in by_section
    ]


def _score_comparison(results: selectors.RoundResults, view: dict[str, Any], score: dict[str, Any]) -> dict[str, Any]:
    """This cluster's mean beside the comparison groups' and the package's reference values."""
    sources = {s["code"]: s for s in results.round.package_version.document.get("sources", [])}
    rows: list[dict[str, Any]] = []
    estimate = score.get("estimate") or {}
    # The cluster's own row always comes first, a missing mean with its reason: the chart
    # highlights its first bar as the cluster's, so without it the region would read as
    # the cluster.
    if "mean" in estimate:
        rows.append({"label": view["cluster_name"], "value": estimate["mean"], "note": "Denne runde"})
    else:
        rows.append({"label": view["cluster_name"], "value": None, "note": estimate.get("text", "Vises ikke.")})
    for comparison in view["comparisons"]:
        value = comparison["score_means"].get(score["code"])
        if value is not None:
            note = f"{comparison['rounds']} runder, {comparison['respondents']} besvarelser"
            rows.append({"label": comparison["label"], "value": value, "note": note})
        else:
            rows.append({"label": comparison["label"], "value": None, "note": comparison.get("text", "Vises ikke.")})
    for reference in view["reference_values"]:
        if reference["measure"] == score["code"]:
            source = sources.get(reference["source"], {})
            rows.append(
                {
                    "label": reference["label"],
                    "value": reference["value"],
                    "note": f"{source.get('citation', reference['source']).strip()} ({reference['year']})",
                }
            )
    if rows[0]["value"] is None:
        # No chart of the others without the cluster's own bar; the table says why.
        return {"rows": rows, "chart": None}
    shown = [(r["label"], r["value"]) for r in rows if r["value"] is not None]
    marks = bars(shown, maximum=score["max"] or 100)
    return {"rows": rows, "chart": _chart([(b, number_text(b.value)) for b in marks])}


def _scores(results: selectors.RoundResults, view: dict[str, Any], group: dict[str, Any], *, compare: bool):
    if "withheld" in group:
        return []
    out = []
    for score in group["scores"]:
        entry = dict(score)
        if isinstance(score.get("bands"), list):
            entry["bands"] = [dict(b) for b in score["bands"]]
        if compare and "withheld" not in score:
            entry["comparison"] = _score_comparison(results, view, score)
        out.append(entry)
    return out


def _subgroup_summary(view: dict[str, Any]) -> dict[str, Any] | None:
    """The scores of the cluster and of each shown subgroup side by side, for the top of
    the page: the results layer's strings and counts, a withheld one with its reason."""
    group = view["group"]
    shown = [sub for sub in view["subgroups"].values() if "withheld" not in sub]
    if "withheld" in group or len(shown) < 2 or not group["scores"]:
        return None
    groups = [{"label": "Klyngen", **group}, *shown]
    rows = []
    for score in group["scores"]:
        cells = []
        for g in groups:
            entry = next((x for x in g["scores"] if x["code"] == score["code"]), {})
            estimate = entry.get("estimate") if isinstance(entry.get("estimate"), dict) else {}
            if "withheld" in entry or "mean_text" not in estimate:
                cells.append({"withheld": entry.get("text") or estimate.get("text") or "Vises ikke."})
            else:
                cells.append({"estimate": estimate, "bands": entry.get("bands") or []})
        rows.append({"code": score["code"], "label": score["label"], "cells": cells})
    return {"groups": [{"label": g["label"], "respondents": g["respondents"]} for g in groups], "rows": rows}


def _follow_up(follow_up: selectors.FollowUp | None) -> dict[str, Any] | None:
    data = follow_up_as_dict(follow_up)
    if data is None:
        return None
    closed_on = data["before_round"]["closed_on"]
    choices = [{**c, "closed": date.fromisoformat(c["closed_on"]) if c["closed_on"] else None} for c in data["choices"]]
    return {**data, "choices": choices, "before_closed_on": date.fromisoformat(closed_on) if closed_on else None}


def _page(
    results: selectors.RoundResults,
    view: dict[str, Any],
    follow_up: selectors.FollowUp | None,
    meeting: dict[str, Any] | None = None,
) -> dict[str, Any]:
    view = {**view, "cluster_name": results.round.order.cluster.name}
    group = view["group"]
    # The follow-up questions open the page ("Opfølgning fra sidste møde"), not again below.
    answered = (meeting or {}).get("change_answers") or {}
    opening = frozenset(i["code"] for i in answered.get("choices", [])) | frozenset(
        t["code"] for t in answered.get("texts", [])
    )
    subgroups = [
        {
            "name": name,
            "label": sub["label"],
            "respondents": sub["respondents"],
            # Within a practice-type subgroup the practice-type question says nothing new.
            "sections": _sections(results, sub, skip=frozenset({"practice_type"})),
            "scores": _scores(results, view, sub, compare=False),
        }
        for name, sub in view["subgroups"].items()
        if "withheld" not in sub
    ]
    return {
        "sections": _sections(results, group, skip=opening),
        "texts": [t for t in group.get("texts", []) if t["code"] not in opening],
        "scores": _scores(results, view, group, compare=True),
        "subgroups": subgroups,
        "subgroup_summary": _subgroup_summary(view),
        "subgroups_withheld": [sub for sub in view["subgroups"].values() if "withheld" in sub],
        "follow_up": _follow_up(follow_up),
    }


@login_required
def round_results_json(request: HttpRequest, round_id: int) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Kun for operatørens medarbejdere.")
    round_ = Round.objects.select_related("order__cluster__region", "package_version").filter(pk=round_id).first()
    if round_ is None:
        raise Http404("Runden findes ikke.")
    if not responses.is_published(round_):
        error = _withheld_notice(round_) or "Runden er ikke lukket; resultater findes kun for lukkede runder."
        return JsonResponse({"error": error}, status=409, json_dumps_params={"ensure_ascii": False})
    return published_json(round_)


@login_required
def national_overview_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Kun for operatørens medarbejdere.")
    region = request.GET.get("region") or None
    national = overview.national_overview(timezone.localdate(), region)
    if region is not None and national.region is None:
        raise Http404("Regionen findes ikke.")
    return render(request, "results/national.html", {"overview": national})
