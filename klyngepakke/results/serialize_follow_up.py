"""A follow-up (two rounds of one cluster) as plain data, for the page, the deck and the
spreadsheet alike. Every figure comes from the two rounds' publications; nothing here
reads answers.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from klyngepakke.core.statistics import Comparison
from klyngepakke.surveys.models import Round

from .selectors import FollowUp, ScoreChange
from .serialize import _estimate, number_text, results_as_dict, rounded


def shown_difference(comparison: Comparison) -> float:
    """The change as every output shows it: the difference of the two means as shown
    (each rounded once), so "2,4 -> 3,0" reads "+0,6" and never "+0,5" (the difference of
    the unrounded means, 2.44 and 2.96, would be 0.52). The interval of the change is
    computed from the unrounded means and rounded once (docs/anonymity.md, "One number,
    one string")."""
    return rounded(rounded(comparison.after.mean) - rounded(comparison.before.mean))


def shown_meaningful(comparison: Comparison) -> bool | None:
    """Whether the shown change reaches the package's meaningful change (None: none set),
    judged on the shown difference so the words agree with the figure beside them."""
    if comparison.meaningful_change is None:
        return None
    return abs(shown_difference(comparison)) >= comparison.meaningful_change - 1e-9


def change_sentence(change: ScoreChange) -> str:
    """The change in words, saying plainly when it is within noise."""
    comparison = change.comparison
    if comparison is None:
        return "Udviklingen kan ikke vurderes, fordi en af runderne ikke har et gennemsnit."
    size = number_text(abs(shown_difference(comparison)))
    if comparison.verdict == "within_noise":
        sentence = "Forskellen er inden for den tilfældige variation."
    elif comparison.verdict == "increase":
        sentence = f"Gennemsnittet er steget med {size} point, mere end den tilfældige variation."
    elif comparison.verdict == "decrease":
        sentence = f"Gennemsnittet er faldet med {size} point, mere end den tilfældige variation."
    else:
        sentence = "Forskellen kan ikke vurderes: for få besvarelser."
    meaningful = shown_meaningful(comparison)
    if meaningful is not None:
        limit = number_text(comparison.meaningful_change or 0, 0)
        reaches = "når" if meaningful else "når ikke"
        sentence += (
            f" Ændringen på {size} point {reaches} pakkens grænse for en betydningsfuld ændring ({limit} point)."
        )
    return sentence


def _comparison(value: Comparison | None) -> dict[str, Any] | None:
    if value is None:
        return None
    difference = shown_difference(value)
    text = number_text(difference)
    return {
        "difference": difference,
        "difference_text": text,
        # As every output prints it: signed, and the interval with "til" (a dash between
        # two numbers that may be negative reads as a minus).
        "change_text": f"+{text}" if difference > 0 else text,
        "ci_low": rounded(value.ci.low) if value.ci else None,
        "ci_high": rounded(value.ci.high) if value.ci else None,
        "ci_text": f"{number_text(value.ci.low)} til {number_text(value.ci.high)}" if value.ci else None,
        "verdict": value.verdict,
        "meaningful_change": value.meaningful_change,
        "meaningful": shown_meaningful(value),
    }


def _bands_side_by_side(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """Counts per band of both rounds, row by row (band codes of the later round first)."""
    before_bands = (before or {}).get("bands")
    after_bands = (after or {}).get("bands")
    if not isinstance(after_bands, list) and not isinstance(before_bands, list):
        return None
    earlier = {b["code"]: b for b in before_bands} if isinstance(before_bands, list) else {}
    later = {b["code"]: b for b in after_bands} if isinstance(after_bands, list) else {}
    codes = list(later) + [code for code in earlier if code not in later]
    rows = []
    for code in codes:
        b, a = earlier.get(code), later.get(code)
        rows.append(
            {
                "code": code,
                "label": (a or b or {}).get("label", code),
                "before": b["count"] if b else None,
                "before_percent": b["percent"] if b else None,
                "after": a["count"] if a else None,
                "after_percent": a["percent"] if a else None,
            }
        )
    return rows


def _round_summary(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "package": round_.package_version.package.code,
        "package_title": round_.package_version.document["title"]["da"],
        "closed_on": timezone.localdate(round_.closed_at).isoformat() if round_.closed_at else None,
    }


def follow_up_as_dict(follow_up: FollowUp | None) -> dict[str, Any] | None:
    if follow_up is None:
        return None
    before_view, after_view = results_as_dict(follow_up.before), results_as_dict(follow_up.after)
    before_scores = {s["code"]: s for s in before_view["group"]["scores"]}
    after_scores = {s["code"]: s for s in after_view["group"]["scores"]}
    score_items = {code for definition in follow_up.after.scores for code in definition.items}
    before_items = {i["code"]: i for i in before_view["group"]["items"] if i["type"] == "choice" and "options" in i}
    distributions = []
    for item in after_view["group"]["items"]:
        before = before_items.get(item["code"])
        if before is None or item["type"] != "choice" or "options" not in item or item["code"] in score_items:
            continue
        if item["code"] == "practice_type":
            # Who is solo is the registry's, not a change the practices made; the round's
            # own slide and page show it already (and comparisons skip it likewise).
            continue
        earlier = {o["code"]: o for o in before["options"]}
        distributions.append(
            {
                "code": item["code"],
                "section": item["section"],
                "text": item["text"],
                "rows": [
                    {
                        "code": o["code"],
                        "label": o["label"],
                        "before": (earlier.get(o["code"]) or {}).get("count"),
                        "before_percent": (earlier.get(o["code"]) or {}).get("percent"),
                        "after": o["count"],
                        "after_percent": o["percent"],
                    }
                    for o in item["options"]
                ],
            }
        )
    return {
        "before_round": _round_summary(follow_up.before.round),
        "choices": [_round_summary(r) for r in follow_up.choices],
        "before": {"respondents": before_view["group"]["respondents"], "invited": before_view["invited"]},
        "after": {"respondents": after_view["group"]["respondents"], "invited": after_view["invited"]},
        "changes": [
            {
                "code": change.definition.code,
                "label": change.definition.label["da"],
                "min": change.definition.min,
                "max": change.definition.max,
                "before": _estimate(change.before),
                "after": _estimate(change.after),
                "comparison": _comparison(change.comparison),
                "sentence": change_sentence(change),
                "bands": _bands_side_by_side(
                    before_scores.get(change.definition.code), after_scores.get(change.definition.code)
                ),
            }
            for change in follow_up.changes
        ],
        "distributions": distributions,
    }
