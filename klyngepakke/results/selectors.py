"""The results layer: every output (pages, JSON, decks, spreadsheets) gets its numbers here.

It reads responses only through `results.responses`, only for closed rounds, and passes
every figure through the disclosure core (`klyngepakke.core.disclosure`) before
returning it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from klyngepakke.core.disclosure import Policy, Publication, Withheld, publish
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import ScoreDefinition, score_definitions
from klyngepakke.core.statistics import Comparison, Estimate, compare, summarize_group
from klyngepakke.surveys.models import Order, Round

from . import responses
from .responses import ResultsNotAvailable

__all__ = [
    "ComparisonGroup",
    "FollowUp",
    "ResultsNotAvailable",
    "RoundResults",
    "follow_up_for",
    "policy_for",
    "round_results",
]

GROUP_TOO_SMALL = "group_too_small"
# Comparison groups (region, country) are means only and need this many other rounds,
# each itself at least k strong, so no single round can be read off by subtraction.
MIN_COMPARISON_ROUNDS = 3

SUBGROUP_LABELS = {"solo": "Sololæger", "partnership": "Kompagniskaber"}


def policy_for(document: dict[str, Any]) -> Policy:
    settings = document.get("results", {})
    return Policy(
        k=int(settings.get("min_group_size", 5)),
        exact_small_bands=frozenset(settings.get("exact_small_counts", [])),
        show_free_text=bool(settings.get("show_free_text", False)),
    )


@dataclass(frozen=True)
class ComparisonGroup:
    """Means of another group (the rest of the region, the country), or why not shown."""

    label: str
    rounds: int
    respondents: int
    item_means: dict[str, float]
    score_means: dict[str, float]
    withheld: str | None = None


@dataclass(frozen=True)
class RoundResults:
    round: Round
    questionnaire: Questionnaire
    scores: tuple[ScoreDefinition, ...]
    policy: Policy
    invited: int
    publication: Publication
    comparisons: tuple[ComparisonGroup, ...]
    reference_values: tuple[dict[str, Any], ...]

    @property
    def shown(self) -> bool:
        return not isinstance(self.publication.group, Withheld)


def _subgroups(respondents: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    parts: dict[str, list[dict[str, Any]]] = {"solo": [], "partnership": []}
    for answers in respondents:
        kind = answers.get("practice_type")
        if kind in parts:
            parts[kind].append(answers)
    return parts


def round_results(round_: Round) -> RoundResults:
    """A closed round's publishable results, with its comparison groups."""
    if round_.closed_at is None:
        raise ResultsNotAvailable("results exist only for closed rounds")
    document = round_.package_version.document
    questionnaire = Questionnaire(document)
    definitions = score_definitions(document)
    policy = policy_for(document)
    people = responses.respondents(round_)
    summary = summarize_group(questionnaire, definitions, people)
    subgroups = {
        name: summarize_group(questionnaire, definitions, group)
        for name, group in _subgroups(people).items()
        if "practice_type" in questionnaire.questions
    }
    # Seeded by the round: free texts come out in the same shuffled order every time.
    publication = publish(summary, policy, subgroups=subgroups, rng=random.Random(round_.pk))  # noqa: S311
    return RoundResults(
        round=round_,
        questionnaire=questionnaire,
        scores=definitions,
        policy=policy,
        invited=round_.invitations.count(),
        publication=publication,
        comparisons=_comparisons(round_, questionnaire, definitions, policy),
        reference_values=tuple(document.get("reference_values", [])),
    )


def _comparisons(
    round_: Round, questionnaire: Questionnaire, definitions: tuple[ScoreDefinition, ...], policy: Policy
) -> tuple[ComparisonGroup, ...]:
    same_package = responses.closed_rounds().filter(order__package=round_.order.package).exclude(pk=round_.pk)
    region = round_.order.cluster.region
    groups = [
        (
            f"Resten af {region.name}",
            list(same_package.filter(order__cluster__region=region).values_list("pk", flat=True)),
        ),
        ("Hele landet (andre klynger)", list(same_package.values_list("pk", flat=True))),
    ]
    return tuple(_comparison(label, ids, questionnaire, definitions, policy) for label, ids in groups)


def _comparison(
    label: str,
    round_ids: list[int],
    questionnaire: Questionnaire,
    definitions: tuple[ScoreDefinition, ...],
    policy: Policy,
) -> ComparisonGroup:
    # Rounds below k never take part, so the group changes only by whole publishable rounds.
    aggregates = [a for a in responses.round_aggregates(round_ids, list(definitions)) if a.respondents >= policy.k]
    if len(aggregates) < MIN_COMPARISON_ROUNDS:
        return ComparisonGroup(label, len(aggregates), 0, {}, {}, withheld="too_few_rounds")
    counts: dict[str, dict[str, int]] = {}
    for aggregate in aggregates:
        for code, options in aggregate.option_counts.items():
            into = counts.setdefault(code, {})
            for option, n in options.items():
                into[option] = into.get(option, 0) + n
    item_means: dict[str, float] = {}
    for question in questionnaire.questions.values():
        if question.type not in {"single", "matrix"}:
            continue
        values = {o.code: o.value for o in question.options if o.value is not None}
        for code in question.answer_codes:
            on_scale = {option: n for option, n in counts.get(code, {}).items() if option in values}
            total = sum(on_scale.values())
            if total >= policy.k:
                item_means[code] = sum(values[o] * n for o, n in on_scale.items()) / total
    score_means: dict[str, float] = {}
    for definition in definitions:
        total_sum = sum(a.score_sums.get(definition.code, [0.0, 0])[0] for a in aggregates)
        scored = sum(a.score_sums.get(definition.code, [0.0, 0])[1] for a in aggregates)
        if scored >= policy.k:
            score_means[definition.code] = total_sum / scored
    return ComparisonGroup(label, len(aggregates), sum(a.respondents for a in aggregates), item_means, score_means)


# --- follow-up: two rounds of the same cluster, matched by code ----------------------


@dataclass(frozen=True)
class ScoreChange:
    definition: ScoreDefinition
    before: Estimate | None
    after: Estimate | None
    comparison: Comparison | None


@dataclass(frozen=True)
class FollowUp:
    before: RoundResults
    after: RoundResults
    changes: tuple[ScoreChange, ...]
    common_items: tuple[str, ...]


def earlier_round(round_: Round) -> Round | None:
    """The round this one follows up: the followed order's last closed round, or the
    same cluster's previous closed round of a package that this package follows up."""
    order = round_.order
    candidates = Round.objects.filter(closed_at__isnull=False, closed_at__lt=round_.opened_at).exclude(pk=round_.pk)
    if order.follows_up_id:
        found = candidates.filter(order_id=order.follows_up_id).order_by("-closed_at").first()
        if found:
            return found
    follows = round_.package_version.document.get("follows_up")
    if follows:
        return (
            candidates.filter(order__cluster=order.cluster, order__package__code=follows).order_by("-closed_at").first()
        )
    return None


def follow_up_for(round_: Round) -> FollowUp | None:
    before_round = earlier_round(round_)
    if before_round is None:
        return None
    before, after = round_results(before_round), round_results(round_)
    if not (before.shown and after.shown):
        return None
    changes = []
    for definition in after.scores:
        if definition.code not in {d.code for d in before.scores}:
            continue
        b = _score_estimate(before, definition.code)
        a = _score_estimate(after, definition.code)
        comparison = compare(b, a, meaningful_change=definition.meaningful_change) if b and a else None
        changes.append(ScoreChange(definition, b, a, comparison))
    common = tuple(code for code in after.questionnaire.questions if code in before.questionnaire.questions)
    return FollowUp(before, after, tuple(changes), common)


def _score_estimate(results: RoundResults, code: str) -> Estimate | None:
    group = results.publication.group
    if isinstance(group, Withheld):
        return None
    table = group.scores.get(code)
    if table is None or isinstance(table, Withheld):
        return None
    value = getattr(table, "estimate", None)
    return value if isinstance(value, Estimate) else None


def orders_with_results(cluster_id: int) -> list[Order]:
    return list(Order.objects.filter(cluster_id=cluster_id, rounds__closed_at__isnull=False).distinct())
