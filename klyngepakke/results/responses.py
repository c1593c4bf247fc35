"""The only code that reads stored responses. Everything else asks the results layer.

Responses are read only for published rounds (`published_rounds`, `is_published`: the
single gate). A round is published once it is closed and, if it was closed by hand
("Luk runden nu"), once its reopen window (`Round.reopen_until`, the end of that local
day) is over. Its results never change afterwards: a published round accepts no answers
and can no longer be reopened (docs/anonymity.md, rule 5). A round closed by the
scheduler at its deadline is published at once and is never reopened.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from klyngepakke.core.disclosure import MIN_K
from klyngepakke.core.scoring import ScoreDefinition, score_from_sum
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.response_models import Answer, Response

from .models import RoundAggregate


class ResultsNotAvailable(Exception):
    """Results of an open round, or of one inside its reopen window, are never computed."""


WITHHELD_NOTICE = "Resultaterne vises fra i morgen kl. 00.00 — indtil da kan runden genåbnes."


def published_q(now: datetime | None = None, prefix: str = "") -> Q:
    """The condition "published" on Round (or on a relation to it, `prefix="round__"`)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}closed_at__isnull": False}) & (
        Q(**{f"{prefix}reopen_until__isnull": True}) | Q(**{f"{prefix}reopen_until__lte": now})
    )


def published_rounds(now: datetime | None = None) -> QuerySet[Round]:
    """Every round whose results may be computed and shown."""
    return Round.objects.filter(published_q(now))


# The name the results layer used before the reopen window: a closed round's figures.
closed_rounds = published_rounds


def is_published(round_: Round, now: datetime | None = None) -> bool:
    if round_.closed_at is None:
        return False
    return round_.reopen_until is None or round_.reopen_until <= (now or timezone.now())


def in_reopen_window(round_: Round, now: datetime | None = None) -> bool:
    """Closed by hand today: no results yet, and the round may still be reopened."""
    return round_.closed_at is not None and not is_published(round_, now)


def require_published(round_: Round) -> None:
    if not is_published(round_):
        raise ResultsNotAvailable("results exist only for published (closed, outside any reopen window) rounds")


def respondents(round_: Round) -> list[dict[str, Any]]:
    """Each respondent's answers (code -> option, or list for multiple choice, or text)."""
    require_published(round_)
    by_response: dict[Any, dict[str, Any]] = defaultdict(dict)
    multiple = _multiple_choice_codes(round_)
    ids = _response_ids(round_)
    rows = Answer.objects.filter(response_id__in=ids).values_list("response_id", "code", "option", "text")
    for response_id, code, option, text in rows.iterator(chunk_size=5000):
        answers = by_response[response_id]
        if code in multiple:
            answers.setdefault(code, []).append(option)
        else:
            answers[code] = option or text
    # Responses with no answer at all still count as respondents.
    for response_id in ids:
        by_response.setdefault(response_id, {})
    return list(by_response.values())


def _response_ids(round_: Round) -> list[Any]:
    """The round's response keys. Answers are then read by `response_id IN (...)`, which
    the answer index serves whatever the planner believes about answers per response
    (at a million responses PostgreSQL underestimates the distinct response ids and
    would scan every response for a join on the round)."""
    return list(Response.objects.filter(round=round_).values_list("id", flat=True))


def _multiple_choice_codes(round_: Round) -> set[str]:
    sections = round_.questionnaire_document["questionnaire"]["sections"]
    return {q["code"] for s in sections for q in s["questions"] if q["type"] == "multiple"}


def _score_sums(ids: list[Any], items: list[str], min_answered: int) -> list[tuple[float, int]]:
    """Per-respondent (sum, items answered) of a score's items in one round, aggregated in
    SQL, for respondents who answered at least `min_answered` of them."""
    return list(
        Answer.objects.filter(response_id__in=ids, code__in=items, value__isnull=False)
        .values("response")
        .annotate(total=Sum("value"), answered=Count("id"))
        .filter(answered__gte=min_answered)
        .values_list("total", "answered")
    )


def round_aggregates(
    round_ids: list[int],
    definitions: list[ScoreDefinition],
    *,
    withheld: Callable[[Round], list[str]],
    store: bool = True,
) -> list[RoundAggregate]:
    """Aggregates of published rounds: the stored ones, and those still missing computed now.

    Each is computed in SQL from the round's own answers; a closed round never changes,
    so the stored aggregate stays right. `withheld` gives the codes whose whole-cluster
    table the round's own publication withholds (`selectors.withheld_tables`; passed in,
    as the publication lives above this module); an aggregate stored before it was
    recorded gets it too. `store=True` (the scheduler, results.services) stores what it
    computes; `store=False` (a page view: reads never write) returns it unsaved.
    """
    found = {a.round_id: a for a in RoundAggregate.objects.filter(round_id__in=round_ids).select_related("round")}
    for aggregate in found.values():
        if aggregate.withheld is None:
            aggregate.withheld = withheld_of(aggregate, withheld)
            if store:
                RoundAggregate.objects.filter(pk=aggregate.pk, withheld__isnull=True).update(
                    withheld=aggregate.withheld
                )
    missing = published_rounds().filter(pk__in=round_ids).exclude(pk__in=found)
    for round_ in missing:
        found[round_.pk] = _aggregate(round_, definitions, withheld, store=store)
    return [found[i] for i in round_ids if i in found]


def withheld_of(aggregate: RoundAggregate, withheld: Callable[[Round], list[str]]) -> list[str]:
    """The codes whose whole-cluster table the aggregate's round withholds. A round of
    fewer respondents than the smallest k publishes nothing: every table it has is
    withheld, known without reading its answers again (and without its questionnaire)."""
    if aggregate.respondents < MIN_K:
        return sorted({*aggregate.option_counts, *aggregate.score_sums})
    return withheld(aggregate.round)


def _aggregate(
    round_: Round, definitions: list[ScoreDefinition], withheld: Callable[[Round], list[str]], *, store: bool
) -> RoundAggregate:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    ids = _response_ids(round_)
    rows = (
        Answer.objects.filter(response_id__in=ids)
        .exclude(option="")
        .values_list("code", "option")
        .annotate(n=Count("id"))
    )
    for code, option, n in rows:
        counts[code][option] = n
    sums: dict[str, list[float]] = {}
    for definition in definitions:
        pairs = _score_sums(ids, list(definition.items), definition.min_answered)
        scores = [score_from_sum(definition, total, answered) for total, answered in pairs]
        sums[definition.code] = [float(sum(scores)), len(scores)]
    computed = RoundAggregate(round=round_, respondents=len(ids), option_counts=dict(counts), score_sums=sums)
    computed.withheld = withheld_of(computed, withheld)
    if not store:
        return computed
    values = {f: getattr(computed, f) for f in ("respondents", "option_counts", "score_sums", "withheld")}
    aggregate, _ = RoundAggregate.objects.get_or_create(round=round_, defaults=values)
    return aggregate
