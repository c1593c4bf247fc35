"""The results layer: every output (pages, JSON, decks, spreadsheets) gets its numbers here.

It reads responses only through `results.responses`, only for closed rounds, and passes
every figure through the disclosure core (`klyngepakke.core.publication`) before
returning it.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from klyngepakke.core.disclosure import Policy, Withheld
from klyngepakke.core.publication import Publication, publish
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import ScoreDefinition, score_definitions
from klyngepakke.core.statistics import Comparison, Estimate, GroupSummary, compare, summarize_group
from klyngepakke.surveys.models import Round

from . import responses
from .models import RoundAggregate
from .responses import ResultsNotAvailable

__all__ = [
    "ComparisonGroup",
    "FollowUp",
    "ResultsNotAvailable",
    "RoundResults",
    "comparable_rounds",
    "follow_up_for",
    "policy_for",
    "round_results",
    "withheld_tables",
]

GROUP_TOO_SMALL = "group_too_small"
# Comparison groups (region, country) are means only and need this many other rounds,
# each itself at least k strong, so no single round can be read off by subtraction.
MIN_COMPARISON_ROUNDS = 3
DEFAULT_COMPARISON_MONTHS = 24

SUBGROUP_LABELS = {"solo": "Sololæger", "partnership": "Kompagniskaber"}


def policy_for(document: dict[str, Any]) -> Policy:
    """The package's disclosure settings. Sensitive tables: the package's `sensitive`
    codes and every score with a band that points the respondent to help (a risk band
    is sensitive by nature, so an older package version without the setting is covered)."""
    settings = document.get("results", {})
    helped = {d.code for d in score_definitions(document) if any(b.seek_help for b in d.bands)}
    return Policy(
        k=int(settings.get("min_group_size", 5)),
        sensitive=frozenset(settings.get("sensitive", [])) | helped,
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


@dataclass(frozen=True)
class _Published:
    """A round's own publication, without comparison groups."""

    questionnaire: Questionnaire
    scores: tuple[ScoreDefinition, ...]
    policy: Policy
    invited: int
    summary: GroupSummary
    publication: Publication


def _published(round_: Round) -> _Published:
    responses.require_published(round_)
    document = round_.questionnaire_document
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
    invited = round_.invitations.count()
    # Seeded by the round: free texts come out in the same shuffled order every time.
    publication = publish(
        summary,
        policy,
        subgroups=subgroups,
        # Everyone invited answered: the respondents are the member list, a nameable set.
        nameable=summary.respondents >= invited,
        score_items={d.code: d.items for d in definitions},
        rng=random.Random(round_.pk),  # noqa: S311
    )
    return _Published(questionnaire, definitions, policy, invited, summary, publication)


def round_results(round_: Round) -> RoundResults:
    """A published round's publishable results, with its comparison groups."""
    published = _published(round_)
    return RoundResults(
        round=round_,
        questionnaire=published.questionnaire,
        scores=published.scores,
        policy=published.policy,
        invited=published.invited,
        publication=published.publication,
        comparisons=_comparisons(round_, published.questionnaire, published.scores, published.policy),
        reference_values=tuple(round_.questionnaire_document.get("reference_values", [])),
    )


def withheld_tables(round_: Round) -> list[str]:
    """The answer, question and score codes whose whole-cluster table the round's own
    publication withholds (for homogeneity, too few answers, or the whole group), sorted.
    Such a table never enters another cluster's comparison pool (`_pooled_tables`): two
    pools that differ by the round would otherwise show it (docs/anonymity.md). Computed
    from the publication alone, never from comparison groups (those aggregate other
    rounds, whose aggregates ask this again)."""
    published = _published(round_)
    group, summary = published.publication.group, published.summary
    if isinstance(group, Withheld):
        return sorted({*summary.choices, *summary.multiples, *summary.scores})
    tables = [*group.choices.items(), *group.multiples.items(), *group.scores.items()]
    return sorted({code for code, table in tables if isinstance(table, Withheld)})


def comparison_months(round_: Round) -> int:
    """The comparison period: the operator's setting for the package, else the package's."""
    override = round_.order.package.comparison_months
    if override:
        return int(override)
    return int(round_.questionnaire_document.get("results", {}).get("comparison_months", DEFAULT_COMPARISON_MONTHS))


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def round_comparisons(round_: Round) -> tuple[ComparisonGroup, ...]:
    """A closed round's comparison groups: as stored with its aggregate, else computed
    now without storing (results.services.store_comparisons stores them)."""
    document = round_.questionnaire_document
    return _comparisons(round_, Questionnaire(document), score_definitions(document), policy_for(document))


def comparison_basis(round_: Round, policy: Policy) -> str:
    """What a round's comparison groups depend on besides closed rounds: period, k, region."""
    assert round_.closed_at is not None
    months = comparison_months(round_)
    return f"months={months};k={policy.k};region={round_.order.cluster.region_id};closed={round_.closed_at.isoformat()}"


def compute_comparisons(round_: Round) -> tuple[tuple[ComparisonGroup, ...], str]:
    """A closed round's comparison groups computed now, with their basis (for storing)."""
    document = round_.questionnaire_document
    questionnaire, definitions, policy = Questionnaire(document), score_definitions(document), policy_for(document)
    return _compute_comparisons(round_, questionnaire, definitions, policy), comparison_basis(round_, policy)


def _comparisons(
    round_: Round, questionnaire: Questionnaire, definitions: tuple[ScoreDefinition, ...], policy: Policy
) -> tuple[ComparisonGroup, ...]:
    own = RoundAggregate.objects.filter(round=round_).only("comparisons", "comparisons_basis").first()
    if own is not None and own.comparisons is not None and own.comparisons_basis == comparison_basis(round_, policy):
        return tuple(ComparisonGroup(**group) for group in own.comparisons)
    return _compute_comparisons(round_, questionnaire, definitions, policy)


def item_codes(questionnaire: Questionnaire) -> frozenset[str]:
    """The answer codes of a questionnaire's single-choice questions and matrix items:
    what comparisons and follow-ups match rounds by."""
    return frozenset(
        code
        for question in questionnaire.questions.values()
        if question.type in {"single", "matrix"}
        for code in question.answer_codes
    )


def _compute_comparisons(
    round_: Round, questionnaire: Questionnaire, definitions: tuple[ScoreDefinition, ...], policy: Policy
) -> tuple[ComparisonGroup, ...]:
    """The rest of the region and the rest of the country: every closed round of any
    package that asked the same item codes (or have the same score codes) and closed within
    the comparison period up to this round's own close. Anchoring the period at the
    round's close makes the comparison as frozen as the round itself, so it is computed
    once and stored with the round's aggregate (by the scheduler). Reads only: a round
    whose aggregate is not stored yet is aggregated in memory."""
    region = round_.order.cluster.region
    months = comparison_months(round_)
    assert round_.closed_at is not None
    codes = item_codes(questionnaire)
    scores = frozenset(d.code for d in definitions)
    window = (_months_before(round_.closed_at, months), round_.closed_at)
    # A round closed by hand counts only if its reopen window was over when this round
    # closed: so the pool is what was published at that moment, and the comparison never
    # changes when such a round is published later (docs/anonymity.md, rule 5).
    in_window = (
        responses.published_rounds()
        .filter(closed_at__gte=window[0], closed_at__lte=window[1])
        .filter(Q(reopen_until__isnull=True) | Q(reopen_until__lte=round_.closed_at))
    )
    where = {
        pk: (cluster_id, region_id)
        for pk, cluster_id, region_id in in_window.values_list("pk", "order__cluster_id", "order__cluster__region_id")
    }
    where.setdefault(round_.pk, (round_.order.cluster_id, region.pk))
    aggregates = _aggregates_of(list(where))
    labelled = ((f"Resten af {region.name}", region.pk), ("Hele landet (andre klynger)", None))
    pools = [
        (label, _pool([a for a in aggregates if region_id in (None, where[a.round_id][1])], policy.k, codes, scores))
        for label, region_id in labelled
    ]
    # "The rest" leaves out every round of this cluster, not only this one: an earlier
    # round of the same doctors is no comparison.
    mine = [a for a in aggregates if where[a.round_id][0] == round_.order.cluster_id]
    return tuple(_comparison(label, pool, mine, codes, questionnaire, definitions, policy) for label, pool in pools)


def _aggregates_of(round_ids: list[int]) -> list[RoundAggregate]:
    """The rounds' aggregates: stored ones, and missing ones computed in memory (not
    stored); a stored one whose withheld tables are not recorded yet gets them computed
    in memory too (the scheduler stores them)."""
    stored = list(
        RoundAggregate.objects.filter(round_id__in=round_ids).only(
            "round_id", "respondents", "option_counts", "score_sums", "withheld"
        )
    )
    for aggregate in stored:
        if aggregate.withheld is None:
            aggregate.withheld = responses.withheld_of(aggregate, withheld_tables)
    have = {a.round_id for a in stored}
    missing = Round.objects.filter(pk__in=[i for i in round_ids if i not in have]).select_related("package_version")
    for round_ in missing:
        definitions = list(score_definitions(round_.questionnaire_document))
        stored += responses.round_aggregates([round_.pk], definitions, withheld=withheld_tables, store=False)
    return stored


@dataclass(frozen=True)
class _Pool:
    """Summed aggregates of the closed rounds (in a region) with >= k respondents that
    share at least one item or score code, and how many rounds had each code."""

    round_ids: frozenset[int]
    respondents: int
    counts: dict[str, dict[str, int]]
    score_sums: dict[str, tuple[float, int]]
    code_rounds: dict[str, int]


def _pooled_tables(
    aggregate: RoundAggregate, k: int, codes: frozenset[str], scores: frozenset[str]
) -> tuple[dict[str, dict[str, int]], dict[str, tuple[float, int]]]:
    """The tables of one round that enter a comparison pool: the shared codes that the
    round itself publishes, answered (scored) by at least k. A table that 1..k-1 answered
    (a question routing showed to few), or that the round's own publication withholds
    (`RoundAggregate.withheld`: a nameable group nearly all in one sensitive band), stays
    out, so two pools set side by side (this round's and a later one's, or two clusters')
    never differ by it (docs/anonymity.md, rule 5)."""
    if aggregate.withheld is None:
        raise ValueError(f"round {aggregate.round_id}: withheld tables not known; pool only complete aggregates")
    withheld = set(aggregate.withheld)
    items = {
        code: aggregate.option_counts[code]
        for code in codes.intersection(aggregate.option_counts)
        if sum(aggregate.option_counts[code].values()) >= k and code not in withheld
    }
    sums = {
        code: (float(aggregate.score_sums[code][0]), int(aggregate.score_sums[code][1]))
        for code in scores.intersection(aggregate.score_sums)
        if aggregate.score_sums[code][1] >= k and code not in withheld
    }
    return items, sums


def _pool(aggregates: list[RoundAggregate], k: int, codes: frozenset[str], scores: frozenset[str]) -> _Pool:
    counts: dict[str, dict[str, int]] = {}
    sums: dict[str, tuple[float, int]] = {}
    code_rounds: dict[str, int] = {}
    ids: set[int] = set()
    respondents = 0
    for aggregate in aggregates:
        if aggregate.respondents < k:
            continue
        shared_items, shared_scores = _pooled_tables(aggregate, k, codes, scores)
        if not shared_items and not shared_scores:
            continue
        ids.add(aggregate.round_id)
        respondents += aggregate.respondents
        _add_counts(counts, shared_items, 1)
        for code in shared_items:
            code_rounds[code] = code_rounds.get(code, 0) + 1
        for code, (total, n) in shared_scores.items():
            before = sums.get(code, (0.0, 0))
            sums[code] = (before[0] + total, before[1] + n)
            code_rounds[code] = code_rounds.get(code, 0) + 1
    return _Pool(frozenset(ids), respondents, counts, sums, code_rounds)


def _add_counts(into: dict[str, dict[str, int]], counts: dict[str, dict[str, int]], sign: int) -> None:
    for code, options in counts.items():
        target = into.setdefault(code, {})
        for option, n in options.items():
            target[option] = target.get(option, 0) + sign * n


def _comparison(
    label: str,
    pool: _Pool,
    mine: list[RoundAggregate],
    codes: frozenset[str],
    questionnaire: Questionnaire,
    definitions: tuple[ScoreDefinition, ...],
    policy: Policy,
) -> ComparisonGroup:
    """The pool without this cluster's rounds. Rounds below k never take part, so the
    group changes only by whole publishable rounds; each mean needs at least
    MIN_COMPARISON_ROUNDS other rounds that asked it and k answers."""
    counts = {code: dict(options) for code, options in pool.counts.items()}
    sums = dict(pool.score_sums)
    code_rounds = dict(pool.code_rounds)
    rounds, respondents = len(pool.round_ids), pool.respondents
    scores = frozenset(d.code for d in definitions)
    for aggregate in mine:
        if aggregate.round_id not in pool.round_ids:
            continue
        # Exactly what the pool took of the round (`_pooled_tables`), taken out again.
        shared, shared_scores = _pooled_tables(aggregate, policy.k, codes, scores)
        _add_counts(counts, shared, -1)
        for code in shared:
            code_rounds[code] -= 1
        for code, (total, n) in shared_scores.items():
            sums[code] = (sums[code][0] - total, sums[code][1] - n)
            code_rounds[code] -= 1
        rounds, respondents = rounds - 1, respondents - aggregate.respondents
    if rounds < MIN_COMPARISON_ROUNDS:
        return ComparisonGroup(label, rounds, 0, {}, {}, withheld="too_few_rounds")
    item_means: dict[str, float] = {}
    for question in questionnaire.questions.values():
        if question.type not in {"single", "matrix"}:
            continue
        values = {o.code: o.value for o in question.options if o.value is not None}
        for code in question.answer_codes:
            if code_rounds.get(code, 0) < MIN_COMPARISON_ROUNDS:
                continue
            on_scale = {option: n for option, n in counts.get(code, {}).items() if option in values and n}
            total = sum(on_scale.values())
            if total >= policy.k:
                item_means[code] = sum(values[o] * n for o, n in on_scale.items()) / total
    score_means: dict[str, float] = {}
    for definition in definitions:
        if code_rounds.get(definition.code, 0) < MIN_COMPARISON_ROUNDS:
            continue
        total_sum, scored = sums.get(definition.code, (0.0, 0))
        if scored >= policy.k:
            score_means[definition.code] = total_sum / scored
    if not item_means and not score_means:
        return ComparisonGroup(label, rounds, 0, {}, {}, withheld="too_few_rounds")
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
    # Every earlier round that could be compared instead, newest first.
    choices: tuple[Round, ...] = ()


def _codes(round_: Round) -> frozenset[str]:
    """The item codes (single and matrix) and score codes a round asked."""
    document = round_.questionnaire_document
    questionnaire = Questionnaire(document)
    # The practice type is asked in every package: sharing it makes no comparison.
    items = item_codes(questionnaire) - {"practice_type"}
    return items | {d.code for d in score_definitions(document)}


def comparable_rounds(round_: Round) -> list[Round]:
    """The cluster's closed rounds that closed before this one opened and asked at least
    one of its item or score codes (the same package again, a follow-up package, or
    another package sharing an instrument), newest first."""
    own = _codes(round_)
    candidates = (
        responses.published_rounds()
        .filter(order__cluster_id=round_.order.cluster_id, closed_at__lt=round_.opened_at)
        .exclude(pk=round_.pk)
        .select_related("package_version__package", "order")
        .order_by("-closed_at", "-pk")
    )
    return [candidate for candidate in candidates if own & _codes(candidate)]


def earlier_round(round_: Round, chosen: int | None = None, rounds: list[Round] | None = None) -> Round | None:
    """The round this one is compared with: `chosen` when it is one of the comparable
    rounds, else by default the last closed round of the order this one follows up, else
    the newest comparable round."""
    if rounds is None:
        rounds = comparable_rounds(round_)
    if chosen is not None:
        return next((r for r in rounds if r.pk == chosen), None)
    if round_.order.follows_up_id:
        followed = [r for r in rounds if r.order_id == round_.order.follows_up_id]
        if followed:
            return followed[0]
    return rounds[0] if rounds else None


def follow_up_for(round_: Round, current: RoundResults | None = None, *, chosen: int | None = None) -> FollowUp | None:
    """The change since an earlier round (the default one, or `chosen`); `current` is
    this round's results when the caller has them already (they are not computed twice)."""
    rounds = comparable_rounds(round_)
    before_round = earlier_round(round_, chosen, rounds)
    if before_round is None:
        return None
    before, after = round_results(before_round), current or round_results(round_)
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
    return FollowUp(before, after, tuple(changes), common, tuple(rounds))


def _score_estimate(results: RoundResults, code: str) -> Estimate | None:
    group = results.publication.group
    if isinstance(group, Withheld):
        return None
    table = group.scores.get(code)
    if table is None or isinstance(table, Withheld):
        return None
    value = getattr(table, "estimate", None)
    return value if isinstance(value, Estimate) else None
