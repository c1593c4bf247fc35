"""Two rounds set side by side through their comparison groups: a region or country mean
is computed from published tables only.

Every round's comparison pools other clusters' rounds; the pools of two rounds (a first
round and its follow-up, or two clusters) differ by whole rounds. If a pool took a table
that its round withholds - a question routing showed to 1..k-1 people, or a table its own
publication withholds for homogeneity (`RoundAggregate.withheld`) - the difference of two
pools would be that table. So the property, for random rounds, routings, answers and
withheld tables: every shown comparison mean equals the mean (numpy) of the other
clusters' *published* tables (each round of at least k respondents, each table answered
by at least k and not withheld by its round), and a mean is shown exactly when at least
three such rounds asked it. Anything derivable from
comparisons is then derivable from published tables already.
"""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.core.disclosure import Policy
from klyngepakke.core.tests.disclosure_fixtures import DEFINITIONS, QUESTIONNAIRE
from klyngepakke.results.models import RoundAggregate
from klyngepakke.results.selectors import MIN_COMPARISON_ROUNDS, _comparison, _pool, item_codes

Q1_VALUES = {"good": 2, "fair": 1, "poor": 0}
CODES = item_codes(QUESTIONNAIRE)
SCORES = frozenset(d.code for d in DEFINITIONS)

person = st.tuples(
    st.sampled_from([None, None, "good", "fair", "poor", "not_relevant"]),  # q1 (None: not asked)
    st.sampled_from([None, 0, 1, 2, 3, 4]),  # score s (None: too few items)
)
# (cluster, people, the tables the round's own publication withholds)
a_round = st.tuples(
    st.integers(0, 3), st.lists(person, min_size=1, max_size=12), st.frozensets(st.sampled_from(["q1", "s"]))
)


def aggregate(
    round_id: int, people: list[tuple[str | None, int | None]], withheld: frozenset[str] = frozenset()
) -> RoundAggregate:
    """What `responses.round_aggregates` stores for such a round."""
    counts: dict[str, int] = {}
    for q1, _ in people:
        if q1 is not None:
            counts[q1] = counts.get(q1, 0) + 1
    scores = [s for _, s in people if s is not None]
    return RoundAggregate(
        round_id=round_id,
        respondents=len(people),
        option_counts={"q1": counts} if counts else {},
        score_sums={"s": [float(sum(scores)), len(scores)]},
        withheld=sorted(withheld),
    )


def expected_means(rounds: list[tuple], k: int) -> tuple[dict[str, float], dict[str, float]]:
    """The comparison computed here from the published tables of the other clusters."""
    others = [(people, withheld) for cluster, people, withheld in rounds if cluster != 0 and len(people) >= k]
    q1_all = [[a for a, _ in p if a is not None] if "q1" not in w else [] for p, w in others]
    q1_tables = [t for t in q1_all if len(t) >= k]
    s_all = [[s for _, s in p if s is not None] if "s" not in w else [] for p, w in others]
    s_tables = [t for t in s_all if len(t) >= k]
    contributing = sum(1 for q1, s in zip(q1_all, s_all, strict=True) if len(q1) >= k or len(s) >= k)
    items: dict[str, float] = {}
    scores: dict[str, float] = {}
    if contributing < MIN_COMPARISON_ROUNDS:
        return items, scores
    values = [Q1_VALUES[a] for t in q1_tables for a in t if a in Q1_VALUES]
    if len(q1_tables) >= MIN_COMPARISON_ROUNDS and len(values) >= k:
        items["q1"] = float(numpy.mean(values))
    all_scores = [s for t in s_tables for s in t]
    if len(s_tables) >= MIN_COMPARISON_ROUNDS and len(all_scores) >= k:
        scores["s"] = float(numpy.mean(all_scores))
    return items, scores


def comparison(rounds: list[tuple], k: int):
    aggregates = [aggregate(i, people, withheld) for i, (_, people, withheld) in enumerate(rounds)]
    mine = [a for a, (cluster, _, _) in zip(aggregates, rounds, strict=True) if cluster == 0]
    pool = _pool(aggregates, k, CODES, SCORES)
    return _comparison("Hele landet", pool, mine, CODES, QUESTIONNAIRE, DEFINITIONS, Policy(k=k))


@settings(max_examples=200, deadline=None)
@given(rounds=st.lists(a_round, max_size=9), k=st.sampled_from([3, 4, 5]))
def test_a_comparison_mean_is_the_mean_of_published_tables_only(rounds, k):
    group = comparison(rounds, k)
    items, scores = expected_means(rounds, k)
    assert set(group.item_means) == set(items)
    assert set(group.score_means) == set(scores)
    for code, value in items.items():
        assert group.item_means[code] == pytest.approx(value)
    for code, value in scores.items():
        assert group.score_means[code] == pytest.approx(value)


def test_a_question_few_were_asked_does_not_enter_the_pool():
    # Three other rounds of ten answered q1; a fourth of ten respondents asked q1 of only
    # two of them (routing): its own table is withheld, so the pool must not take it, or
    # this pool minus the pool before that round closed would be those two answers.
    full = [("good", 4)] * 10
    routed = [("poor", 4), ("poor", 4)] + [(None, 4)] * 8
    rounds = [(1, full, frozenset()), (2, full, frozenset()), (3, full, frozenset()), (4, routed, frozenset())]
    assert comparison(rounds, 5).item_means["q1"] == pytest.approx(2.0)


def test_a_table_its_round_withholds_does_not_enter_the_pool():
    # Four other rounds of ten; the fourth withholds its score table (its ten members all
    # answered and all fall in one band): the pool takes its q1 but not its scores.
    full = [("good", 4)] * 10
    alike = [("poor", 0)] * 10
    rounds = [(1, full, frozenset()), (2, full, frozenset()), (3, full, frozenset()), (4, alike, frozenset({"s"}))]
    group = comparison(rounds, 5)
    assert group.score_means["s"] == pytest.approx(4.0)
    assert group.item_means["q1"] == pytest.approx(numpy.mean([2] * 30 + [0] * 10))
