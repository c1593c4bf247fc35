"""The results layer: every output (pages, JSON, decks, spreadsheets) gets its numbers here.

It reads responses only through `results.responses`, only for closed rounds, and passes
every figure through the disclosure core (`klyngepakke.core.disclosure`) before
returning it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from klyngepakke.core.disclosure import Policy, Publication, Withheld, publish
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import ScoreDefinition, score_definitions
from klyngepakke.core.statistics import Comparison, Estimate, compare, summarize_group
from klyngepakke.surveys.models import Round

from . import responses
from .models import RoundAggregate
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
    region = round_.order.cluster.region
    package_id = round_.order.package_id
    own = (
        RoundAggregate.objects.filter(round=round_).first()
        or responses.round_aggregates([round_.pk], list(definitions))[0]
    )
    return tuple(
        _comparison(label, _pool(package_id, region_id, policy.k, definitions), own, questionnaire, definitions, policy)
        for label, region_id in ((f"Resten af {region.name}", region.pk), ("Hele landet (andre klynger)", None))
    )


@dataclass(frozen=True)
class _Pool:
    """Summed aggregates of every closed round of a package (in a region) with >= k."""

    round_ids: frozenset[int]
    respondents: int
    counts: dict[str, dict[str, int]]
    score_sums: dict[str, tuple[float, int]]


def _pool(package_id: int, region_id: int | None, k: int, definitions: tuple[ScoreDefinition, ...]) -> _Pool:
    rounds = responses.closed_rounds().filter(order__package_id=package_id)
    if region_id is not None:
        rounds = rounds.filter(order__cluster__region_id=region_id)
    missing = list(rounds.filter(aggregate__isnull=True).values_list("pk", flat=True))
    if missing:
        responses.round_aggregates(missing, list(definitions))
    stored = RoundAggregate.objects.filter(round__in=rounds, respondents__gte=k)
    signature = stored.aggregate(n=Count("id"), last=Max("id"))
    key = f"results-pool:{package_id}:{region_id}:{k}:{signature['n']}:{signature['last']}"
    pool = cache.get(key)
    if pool is None:
        counts: dict[str, dict[str, int]] = {}
        sums: dict[str, tuple[float, int]] = {}
        ids: set[int] = set()
        respondents = 0
        for aggregate in stored.iterator(chunk_size=500):
            ids.add(aggregate.round_id)
            respondents += aggregate.respondents
            _add_counts(counts, aggregate.option_counts, 1)
            for code, (total, n) in aggregate.score_sums.items():
                before = sums.get(code, (0.0, 0))
                sums[code] = (before[0] + total, before[1] + n)
        pool = _Pool(frozenset(ids), respondents, counts, sums)
        cache.set(key, pool, timeout=24 * 3600)
    return pool


def _add_counts(into: dict[str, dict[str, int]], counts: dict[str, dict[str, int]], sign: int) -> None:
    for code, options in counts.items():
        target = into.setdefault(code, {})
        for option, n in options.items():
            target[option] = target.get(option, 0) + sign * n


def _comparison(
    label: str,
    pool: _Pool,
    own: RoundAggregate,
    questionnaire: Questionnaire,
    definitions: tuple[ScoreDefinition, ...],
    policy: Policy,
) -> ComparisonGroup:
    """The pool without this cluster's own round. Rounds below k never take part, so the
    group changes only by whole publishable rounds."""
    counts = {code: dict(options) for code, options in pool.counts.items()}
    sums = dict(pool.score_sums)
    rounds, respondents = len(pool.round_ids), pool.respondents
    if own.round_id in pool.round_ids:
        _add_counts(counts, own.option_counts, -1)
        for code, (total, n) in own.score_sums.items():
            sums[code] = (sums[code][0] - total, sums[code][1] - n)
        rounds, respondents = rounds - 1, respondents - own.respondents
    if rounds < MIN_COMPARISON_ROUNDS:
        return ComparisonGroup(label, rounds, 0, {}, {}, withheld="too_few_rounds")
    item_means: dict[str, float] = {}
    for question in questionnaire.questions.values():
        if question.type not in {"single", "matrix"}:
            continue
        values = {o.code: o.value for o in question.options if o.value is not None}
        for code in question.answer_codes:
            on_scale = {option: n for option, n in counts.get(code, {}).items() if option in values and n}
            total = sum(on_scale.values())
            if total >= policy.k:
                item_means[code] = sum(values[o] * n for o, n in on_scale.items()) / total
    score_means: dict[str, float] = {}
    for definition in definitions:
        total_sum, scored = sums.get(definition.code, (0.0, 0))
        if scored >= policy.k:
            score_means[definition.code] = total_sum / scored
    return ComparisonGroup(label, rounds, respondents, item_means, score_means)


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
