"""Publishable results as plain data: the JSON API and the page templates both use it.

Only what the disclosure core returned is in here; a withheld figure becomes
{"withheld": reason} and a hidden count its display form ("< 5" or a dash).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

from klyngepakke.core.disclosure import MaskedCount, Withheld
from klyngepakke.core.publication import PublicGroup
from klyngepakke.core.statistics import Estimate

from .charts import stacked_bar
from .selectors import SUBGROUP_LABELS, RoundResults, comparison_months

WITHHELD_TEXT = {
    "group_too_small": "Vises ikke: for få besvarelser i gruppen.",
    "complement_too_small": "Vises ikke: resten af klyngen er for lille.",
    "remainder_too_small": "Vises ikke: så kunne en for lille gruppe regnes ud.",
    "parent_withheld": "Vises ikke: klyngens resultater vises ikke.",
    "too_few_answers": "Vises ikke: for få svar.",
    "cannot_mask": "Vises ikke: små tal kan ikke skjules sikkert.",
    "hidden_counts": "Gennemsnit vises ikke, fordi små tal er skjult.",
    "small_cells_in_subgroups": "Vises ikke for undergrupper: små tal.",
    "free_text_off": "Fritekstsvar vises ikke i denne pakke.",
    "too_few_texts": "Vises ikke: for få fritekstsvar.",
    "too_few_rounds": "Vises ikke: for få andre klynger har svaret endnu.",
}


def percent(share: float | None) -> int | None:
    """A share (0..1) as whole percent for display; None stays None (hidden)."""
    return None if share is None else round(100 * share)


def format_number(value: float, decimals: int = 1) -> str:
    """A number in the active locale ("3,1" in Danish)."""
    # number_format truncates floats; round first, as the template's floatformat does.
    return number_format(Decimal(str(round(value, decimals))), decimals)


def _text(value: dict[str, str] | None) -> str:
    return value["da"] if value else ""


def _count(value: Any) -> int | str | None:
    if isinstance(value, MaskedCount):
        return str(value)
    return value


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
    return {
        "n": value.n,
        "mean": round(value.mean, 2),
        "median": value.median,
        "ci_low": round(value.ci.low, 2) if value.ci else None,
        "ci_high": round(value.ci.high, 2) if value.ci else None,
    }


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
                    if table is None or isinstance(table, Withheld):
                        entry.update(_withheld_item(table))
                    else:
                        options = [
                            {
                                "code": o.code,
                                "label": labels.get(o.code, o.code),
                                "count": _count(o.count),
                                "share": o.share,
                                "on_scale": o.on_scale,
                            }
                            for o in table.options
                        ]
                        entry.update(
                            answered=_count(table.answered),
                            no_answer=_count(table.no_answer),
                            options=options,
                            estimate=_estimate(table.estimate),
                            bar=[
                                seg.__dict__
                                for seg in stacked_bar(
                                    [(o["label"], o["share"] or 0.0) for o in options if o["on_scale"]]
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
                        answered=_count(table.answered),
                        options=[
                            {
                                "code": o.code,
                                "label": labels.get(o.code, o.code),
                                "count": _count(o.count),
                                "share": o.share,
                            }
                            for o in table.options
                        ],
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
                scored=_count(table.scored),
                estimate=_estimate(table.estimate),
                bands=_withheld(table.bands)
                if isinstance(table.bands, Withheld)
                else [
                    {
                        "code": b.code,
                        "label": band_labels.get(b.code, b.code),
                        "count": _count(b.count),
                        "share": b.share,
                    }
                    for b in table.bands
                ],
            )
        scores.append(entry)
    return {"respondents": group.respondents, "items": items, "scores": scores}


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
        "threshold": results.policy.k,
        "disclosure": {
            "threshold": results.policy.k,
            "exact_small_counts": sorted(results.policy.exact_small_bands),
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
                "item_means": {k: round(v, 2) for k, v in c.item_means.items()},
                "score_means": {k: round(v, 2) for k, v in c.score_means.items()},
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
