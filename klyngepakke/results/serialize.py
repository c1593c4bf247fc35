"""Publishable results as plain data: the JSON API, the pages, the deck, the handouts and
the spreadsheet all use it.

Only what the disclosure core returned is in here; a withheld figure becomes
{"withheld": reason, "text": why}. Every figure is rounded here, once, by one rule (half
up, on the decimal value): shares become whole percents (`percent`), means, medians and
intervals one decimal (`rounded`), and each comes with its Danish text where outputs
print it (`number_text`), so the page, the chart, the deck, the spreadsheet and the JSON
read the same.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format

from klyngepakke.core.disclosure import Withheld
from klyngepakke.core.publication import PublicGroup
from klyngepakke.core.statistics import Estimate

from .charts import stacked_bar
from .selectors import SUBGROUP_LABELS, RoundResults, comparison_months

DECIMALS = 1

NO_TEXTS = "Ingen har skrevet noget her."

WITHHELD_TEXT = {
    "group_too_small": "Vises ikke: for få besvarelser i gruppen.",
    "complement_too_small": "Vises ikke: resten af klyngen er for lille.",
    "subgroup_too_small": "Vises ikke: en af grupperne er for lille, så en lille gruppe kunne regnes ud.",
    "parent_withheld": "Vises ikke: klyngens resultater vises ikke.",
    "too_few_answers": "Vises ikke: for få har svaret på dette spørgsmål.",
    "homogeneous_sensitive": (
        "Vises ikke: næsten alle i denne gruppe har svaret det samme, og gruppen kan nævnes ved navn, "
        "så tallene ville sige noget om hver enkelt."
    ),
    "withheld_with_score": "Vises ikke: følger scoren, som ikke vises for denne gruppe.",
    "subgroup_differencing": "Vises ikke for undergrupperne: så kunne svarene fra en for lille gruppe regnes ud.",
    "free_text_off": "Fritekstsvar vises ikke i denne pakke.",
    "too_few_texts": "Vises ikke: for få fritekstsvar.",
    "too_few_rounds": "Vises ikke: for få andre klynger har svaret endnu.",
}


def _decimal(value: float, decimals: int) -> Decimal:
    # The decimal value as written (repr), rounded half up: 64.35 -> 64.4, 0.125 -> 0.13.
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def rounded(value: float, decimals: int = DECIMALS) -> float:
    """The one rounding of a mean, median or interval bound."""
    return float(_decimal(value, decimals))


def percent(share: float | None) -> int | None:
    """A share (0..1) as whole percent, rounded half up; None stays None."""
    return None if share is None else int(_decimal(100 * share, 0))


def number_text(value: float, decimals: int = DECIMALS) -> str:
    """A figure as Danish text ("3,4"), from the same rounding as `rounded`."""
    return number_format(_decimal(value, decimals), decimals)


def _text(value: dict[str, str] | None) -> str:
    return value["da"] if value else ""


def _withheld(value: Withheld) -> dict[str, str]:
    return {"withheld": value.reason, "text": WITHHELD_TEXT.get(value.reason, "Vises ikke.")}


def _withheld_item(value: Withheld | None) -> dict[str, str]:
    # An item keeps its question in "text"; why it is withheld goes in "reason".
    if value is None:
        return {"withheld": "none", "reason": "Vises ikke."}
    return {"withheld": value.reason, "reason": WITHHELD_TEXT.get(value.reason, "Vises ikke.")}


def _estimate(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Withheld):
        return _withheld(value)
    if not isinstance(value, Estimate):
        return None
    ci = (rounded(value.ci.low), rounded(value.ci.high)) if value.ci else None
    return {
        "n": value.n,
        "mean": rounded(value.mean),
        "mean_text": number_text(value.mean),
        "median": rounded(value.median),
        "median_text": number_text(value.median),
        "ci_low": ci[0] if ci else None,
        "ci_high": ci[1] if ci else None,
        "ci_text": f"{number_text(value.ci.low)}\u2013{number_text(value.ci.high)}" if value.ci else None,
    }


def _option(code: str, label: str, count: int, share: float | None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "label": label, "count": count, "percent": percent(share), **extra}


def _group(results: RoundResults, group: PublicGroup | Withheld) -> dict[str, Any]:
    if isinstance(group, Withheld):
        return _withheld(group)
    questionnaire = results.questionnaire
    items: list[dict[str, Any]] = []
    for section in questionnaire.sections:
        for question in section.questions:
            labels = {o.code: _text(o.label) for o in question.options}
            if question.type in {"single", "matrix"}:
                for code in question.answer_codes:
                    table = group.choices.get(code)
                    text = _text(question.text)
                    if question.type == "matrix":
                        text = _text(next(i.text for i in question.items if i.code == code))
                    entry: dict[str, Any] = {
                        "code": code,
                        "question": question.code,
                        "section": section.code,
                        "text": text,
                        "type": "choice",
                    }
                    values = [o.value for o in question.options if o.value is not None]
                    if values:
                        # The scale's range, so a chart of means spans the whole scale
                        # (an axis ending at 3 on a 1-4 scale draws 2,5 as nearly full).
                        entry["scale"] = {"min": min(values), "max": max(values)}
                    if table is None or isinstance(table, Withheld):
                        entry.update(_withheld_item(table))
                    else:
                        options = [
                            _option(o.code, labels.get(o.code, o.code), o.count, o.share, on_scale=o.on_scale)
                            for o in table.options
                        ]
                        entry.update(
                            answered=table.answered,
                            no_answer=table.no_answer,
                            options=options,
                            estimate=_estimate(table.estimate),
                            # The bar is drawn from the rounded percents the table prints.
                            bar=[
                                seg.__dict__
                                for seg in stacked_bar(
                                    [(o["label"], (o["percent"] or 0) / 100) for o in options if o["on_scale"]]
                                )
                            ],
                        )
                    items.append(entry)
            elif question.type == "multiple":
                table = group.multiples.get(question.code)
                entry = {
                    "code": question.code,
                    "section": section.code,
                    "text": _text(question.text),
                    "type": "multiple",
                }
                if table is None or isinstance(table, Withheld):
                    entry.update(_withheld_item(table))
                else:
                    entry.update(
                        answered=table.answered,
                        no_answer=table.no_answer,
                        options=[_option(o.code, labels.get(o.code, o.code), o.count, o.share) for o in table.options],
                    )
                items.append(entry)
    scores = []
    for definition in results.scores:
        table = group.scores.get(definition.code)
        entry = {
            "code": definition.code,
            "label": _text(definition.label),
            "min": definition.min,
            "max": definition.max,
        }
        if table is None or isinstance(table, Withheld):
            entry.update(_withheld(table) if table else {"withheld": "none", "text": "Vises ikke."})
        else:
            band_labels = {b.code: _text(b.label) for b in definition.bands}
            entry.update(
                scored=table.scored,
                no_score=table.no_score,
                estimate=_estimate(table.estimate),
                bands=[_option(b.code, band_labels.get(b.code, b.code), b.count, b.share) for b in table.bands],
            )
        scores.append(entry)
    texts = []
    for section in questionnaire.sections:
        for question in section.questions:
            if question.type != "text":
                continue
            found = group.texts.get(question.code)
            entry = {"code": question.code, "section": section.code, "text": _text(question.text)}
            if isinstance(found, tuple):
                # Shuffled by the disclosure core; never in the order people answered.
                entry["shown_texts"] = list(found)
                if not found:
                    # Nobody wrote anything: nothing is hidden, but every output says so.
                    entry["reason"] = NO_TEXTS
            else:
                entry.update(_withheld_item(found))
            texts.append(entry)
    return {"respondents": group.respondents, "items": items, "scores": scores, "texts": texts}


def _response_percent(results: RoundResults) -> int | None:
    group = results.publication.group
    if isinstance(group, Withheld) or not results.invited:
        return None
    return percent(group.respondents / results.invited)


def results_as_dict(results: RoundResults) -> dict[str, Any]:
    round_ = results.round
    publication = results.publication
    return {
        "round": round_.pk,
        "cluster": round_.order.cluster.code,
        "package": round_.package_version.package.code,
        "package_version": round_.package_version.number,
        "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
        "invited": results.invited,
        # The response rate, rounded once like every other figure.
        "response_percent": _response_percent(results),
        "threshold": results.policy.k,
        "disclosure": {
            "threshold": results.policy.k,
            "sensitive": sorted(results.policy.sensitive),
            "show_free_text": results.policy.show_free_text,
            "comparison_months": comparison_months(round_),
        },
        "group": _group(results, publication.group),
        "subgroups": {
            name: {"label": SUBGROUP_LABELS.get(name, name), **_group(results, group)}
            for name, group in publication.subgroups.items()
        },
        "comparisons": [
            {
                "label": c.label,
                "rounds": c.rounds,
                "respondents": c.respondents,
                "item_means": {k: rounded(v) for k, v in c.item_means.items()},
                "score_means": {k: rounded(v) for k, v in c.score_means.items()},
                **({"withheld": c.withheld, "text": WITHHELD_TEXT.get(c.withheld, "")} if c.withheld else {}),
            }
            for c in results.comparisons
        ],
        "reference_values": [
            {
                "code": r["code"],
                "label": _text(r["label"]),
                "value": r["value"],
                "unit": r["unit"],
                "measure": r.get("measure"),
                "year": r["year"],
                "source": r["source"],
            }
            for r in results.reference_values
        ],
    }
