"""Property tests of the disclosure rules against the threat model of docs/anonymity.md.

For random clusters (solo and partnership doctors, some who do not say), random routing
(unanswered questions) and random answers, an attacker takes every published table of a
round and adds and subtracts the groups that publish it (the cluster, the solo doctors,
the partnerships): every table is a sum over the people who answered it, so any such
combination is the table of whatever set of people it adds up to. The attacker must
never obtain the table of a set of 1..k-1 people, nor a nearly homogeneous sensitive
table of a nameable set (the solo doctors, the partnerships, or the whole cluster when
everyone invited answered). Every published figure must also equal an independent
computation with numpy.
"""

from __future__ import annotations

import itertools
import random

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.core.disclosure import (
    HOMOGENEOUS_SENSITIVE,
    WITHHELD_WITH_SCORE,
    Policy,
    PublicChoice,
    PublicMultiple,
    PublicScore,
    Withheld,
)
from klyngepakke.core.publication import Publication, PublicGroup, publish
from klyngepakke.core.statistics import summarize_group

from .disclosure_fixtures import DEFINITIONS, QUESTIONNAIRE, REASONS, respondent

CHOICES = {
    "practice_type": ["solo", "partnership"],
    "q1": ["good", "fair", "poor", "not_relevant"],
    "m1": ["2", "1", "0"],
    "m2": ["2", "1", "0"],
}
Q1_VALUES = {"good": 2, "fair": 1, "poor": 0}
SCALE_VALUES = {"q1": Q1_VALUES, "m1": {"2": 2, "1": 1, "0": 0}, "m2": {"2": 2, "1": 1, "0": 0}}
# Student t, 97.5 % quantiles by degrees of freedom, from a printed table (not the core's
# own computation): the 95 % interval of a mean is mean +- t * sd / sqrt(n).
T975 = dict(
    enumerate(
        [
            *(12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145),
            *(2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048),
            *(2.045, 2.042),
        ],
        start=1,
    )
)
SCORE_ITEMS = {"s": ("m1", "m2")}
BANDS = {"low": (0, 1), "mid": (2, 3), "high": (4, 4)}


def _score(answers: dict) -> float | None:
    """The fixture's score, computed here: the sum of m1 and m2 when both are answered."""
    if "m1" not in answers or "m2" not in answers:
        return None
    return float(int(answers["m1"]) + int(answers["m2"]))


def _cell(table: str, answers: dict) -> tuple[str, ...]:
    """The cells of `table` a respondent counts in, computed here without the core:
    () when the respondent did not answer it."""
    if table in CHOICES:
        value = answers.get(table)
        return (value,) if value in CHOICES[table] else ()
    if table == "reasons":
        return tuple(answers.get("reasons", ()))
    score = _score(answers)
    if score is None:
        return ()
    return tuple(code for code, (low, high) in BANDS.items() if low <= score <= high) or ("_unbanded",)


def _counts(table: str, people: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answers in people:
        for cell in _cell(table, answers):
            counts[cell] = counts.get(cell, 0) + 1
    return counts


def _published_table(group: PublicGroup | Withheld, table: str):
    if isinstance(group, Withheld):
        return group
    if table in CHOICES:
        return group.choices[table]
    if table == "reasons":
        return group.multiples[table]
    return group.scores[table]


def _published_counts(public) -> dict[str, int]:
    if isinstance(public, PublicScore):
        return {b.code: b.count for b in public.bands} | {"_unbanded": public.unbanded}
    return {o.code: o.count for o in public.options}


def attack(people: list[dict], groups: dict[str, list[int]], publication: Publication, policy: Policy, nameable):
    """Raise AssertionError when a combination of published tables reveals too much."""
    k = policy.k
    published = {"P": publication.group, **publication.subgroups}
    sensitive = set(policy.sensitive) | {item for s in policy.sensitive for item in SCORE_ITEMS.get(s, ())}
    for table in [*CHOICES, "reasons", "s"]:
        shown = [name for name, g in published.items() if not isinstance(_published_table(g, table), Withheld)]
        answered = {
            name: numpy.array([1 if i in groups[name] and _cell(table, people[i]) else 0 for i in range(len(people))])
            for name in shown
        }
        for coefficients in itertools.product((-1, 0, 1), repeat=len(shown)):
            if not any(coefficients):
                continue
            vector = sum(c * answered[name] for c, name in zip(coefficients, shown, strict=True))
            if not set(numpy.unique(vector)) <= {0, 1}:
                continue  # not the table of a set of people
            size = int(vector.sum())
            combination = dict(zip(shown, coefficients, strict=True))
            assert not 0 < size < k, f"{table}: {combination} is the table of {size} people"
            if table not in sensitive:
                continue
            for name in nameable:
                named = numpy.array(
                    [1 if i in groups[name] and _cell(table, people[i]) else 0 for i in range(len(people))]
                )
                if size and numpy.array_equal(vector, named):
                    derived: dict[str, int] = {}
                    for group_name, c in combination.items():
                        for cell, n in _published_counts(_published_table(published[group_name], table)).items():
                            derived[cell] = derived.get(cell, 0) + c * n
                    assert max(derived.values()) < size - 1, f"{table}: {name} is nearly homogeneous: {derived}"


def check_numbers(people: list[dict], groups: dict[str, list[int]], publication: Publication) -> None:
    """Every published figure equals a computation with numpy on the raw answers."""
    published = {"P": publication.group, **publication.subgroups}
    for name, group in published.items():
        if isinstance(group, Withheld):
            continue
        members = [people[i] for i in groups[name]]
        assert group.respondents == len(members)
        for table in [*CHOICES, "reasons", "s"]:
            public = _published_table(group, table)
            if isinstance(public, Withheld):
                continue
            expected = _counts(table, members)
            assert {c: n for c, n in _published_counts(public).items() if n} == expected, (name, table)
            if isinstance(public, PublicChoice) and table in SCALE_VALUES:
                scale = SCALE_VALUES[table]
                values = [scale[a[table]] for a in members if a.get(table) in scale]
                for option in public.options:
                    expected_share = expected.get(option.code, 0) / len(values) if option.on_scale and values else None
                    assert option.share == pytest.approx(expected_share), (name, table, option.code)
                if values:
                    assert public.estimate is not None
                    check_estimate(public.estimate, values)
            if isinstance(public, PublicScore) and not isinstance(public.estimate, Withheld):
                scores = [s for s in (_score(a) for a in members) if s is not None]
                check_estimate(public.estimate, scores)
                for band in public.bands:
                    band_share = expected.get(band.code, 0) / len(scores) if scores else None
                    assert band.share == pytest.approx(band_share)
            if isinstance(public, PublicMultiple):
                answered = [a for a in members if a.get("reasons")]
                assert public.answered == len(answered)
                for option in public.options:
                    ticked_share = expected.get(option.code, 0) / len(answered) if answered else None
                    assert option.share == pytest.approx(ticked_share)


def check_estimate(estimate, values: list) -> None:
    """Mean, median, sample sd and the 95 % interval against numpy and a printed t-table."""
    data = numpy.array(values, dtype=float)
    assert estimate.n == len(data)
    assert estimate.mean == pytest.approx(float(numpy.mean(data)))
    assert estimate.median == pytest.approx(float(numpy.median(data)))
    if len(data) < 2:
        assert estimate.ci is None
        return
    sd = float(numpy.std(data, ddof=1))
    assert estimate.sd == pytest.approx(sd, abs=1e-9)
    half = T975[len(data) - 1] * sd / numpy.sqrt(len(data))
    assert estimate.ci.low == pytest.approx(float(numpy.mean(data)) - half, abs=1e-3 * max(1.0, half))
    assert estimate.ci.high == pytest.approx(float(numpy.mean(data)) + half, abs=1e-3 * max(1.0, half))


def check_score_items(publication: Publication) -> None:
    for group in [publication.group, *publication.subgroups.values()]:
        if isinstance(group, PublicGroup) and group.scores["s"] == Withheld(HOMOGENEOUS_SENSITIVE):
            for item in SCORE_ITEMS["s"]:
                assert isinstance(group.choices[item], Withheld)
                assert group.choices[item].reason in {WITHHELD_WITH_SCORE, HOMOGENEOUS_SENSITIVE}


answer = st.tuples(
    st.sampled_from(["solo", "partnership", "partnership", None]),
    st.sampled_from([None, "good", "fair", "poor", "not_relevant", "good"]),
    st.tuples(st.sampled_from([None, 0, 1, 2, 2]), st.sampled_from([0, 1, 2, 2])),
    st.lists(st.sampled_from(REASONS), max_size=3, unique=True),
    st.booleans(),
)


def run(answers, k, sensitive, everyone_answered):
    policy = Policy(k=k, sensitive=sensitive)
    people = [respondent(*a) for a in answers]
    groups = {
        "P": list(range(len(people))),
        "solo": [i for i, a in enumerate(people) if a.get("practice_type") == "solo"],
        "partnership": [i for i, a in enumerate(people) if a.get("practice_type") == "partnership"],
    }
    subgroups = {
        name: summarize_group(QUESTIONNAIRE, DEFINITIONS, [people[i] for i in groups[name]])
        for name in ("solo", "partnership")
    }
    publication = publish(
        summarize_group(QUESTIONNAIRE, DEFINITIONS, people),
        policy,
        subgroups=subgroups,
        nameable=everyone_answered,
        score_items=SCORE_ITEMS,
        rng=random.Random(0),
    )
    nameable = ["solo", "partnership", *(["P"] if everyone_answered else [])]
    return people, groups, publication, policy, nameable


@settings(max_examples=150, deadline=None)
@given(
    answers=st.lists(answer, min_size=0, max_size=30),
    k=st.sampled_from([3, 4, 5]),
    sensitive=st.sampled_from([frozenset(), frozenset({"s"}), frozenset({"q1", "s"}), frozenset({"reasons"})]),
    everyone_answered=st.booleans(),
)
def test_no_combination_of_published_tables_reveals_a_small_set_or_a_homogeneous_named_set(
    answers, k, sensitive, everyone_answered
):
    people, groups, publication, policy, nameable = run(answers, k, sensitive, everyone_answered)
    attack(people, groups, publication, policy, nameable)
    check_numbers(people, groups, publication)
    check_score_items(publication)


def test_the_attack_finds_a_table_of_few_people():
    # The property test must be able to fail: publish the partnerships' q1 although only
    # three of them answered it, and the attacker finds parent - solo = three people.
    answers = [("solo", "good", (2, 2), [], False)] * 6 + [("partnership", "poor", (1, 1), [], False)] * 3
    answers += [("partnership", None, (1, 1), [], False)] * 7
    people, groups, publication, policy, nameable = run(answers, 5, frozenset(), False)
    attack(people, groups, publication, policy, nameable)
    leaked = publish(
        summarize_group(QUESTIONNAIRE, DEFINITIONS, people),
        Policy(k=3),
        subgroups={
            name: summarize_group(QUESTIONNAIRE, DEFINITIONS, [people[i] for i in groups[name]])
            for name in ("solo", "partnership")
        },
    )
    with pytest.raises(AssertionError, match="is the table of 3 people"):
        attack(people, groups, leaked, policy, nameable)


def test_the_attack_finds_a_homogeneous_named_set():
    answers = [("solo", "good", (0, 0), [], False)] * 6 + [("partnership", "good", (2, 1), [], False)] * 10
    people, groups, publication, policy, nameable = run(answers, 5, frozenset({"s"}), False)
    attack(people, groups, publication, policy, nameable)
    # The same round published without the homogeneity rule tells that every solo doctor
    # has a low score.
    careless = run(answers, 5, frozenset(), False)[2]
    with pytest.raises(AssertionError, match="is nearly homogeneous"):
        attack(people, groups, careless, policy, nameable)
