"""Disclosure of single tables and of a group with subgroups: worked examples of each rule
(the rules are in klyngepakke/core/disclosure.py and publication.py, the threat model in
docs/anonymity.md)."""

from __future__ import annotations

import random

import pytest

from klyngepakke.core.disclosure import (
    COMPLEMENT_TOO_SMALL,
    FREE_TEXT_OFF,
    GROUP_TOO_SMALL,
    HOMOGENEOUS_SENSITIVE,
    PARENT_WITHHELD,
    SUBGROUP_DIFFERENCING,
    SUBGROUP_TOO_SMALL,
    TOO_FEW_ANSWERS,
    TOO_FEW_TEXTS,
    WITHHELD_WITH_SCORE,
    Policy,
    PublicChoice,
    PublicMultiple,
    PublicScore,
    Withheld,
    nearly_homogeneous,
    publish_choice,
    publish_multiple,
    publish_score,
    publish_texts,
)
from klyngepakke.core.publication import PublicGroup, publish, publish_group, subgroup_reasons
from klyngepakke.core.statistics import summarize_group, summarize_score_values

from .disclosure_fixtures import DEFINITIONS, QUESTIONNAIRE, WHO5, respondent


def group(respondents):
    return summarize_group(QUESTIONNAIRE, DEFINITIONS, respondents)


def split(respondents):
    parts = {"solo": [], "partnership": []}
    for r in respondents:
        if r.get("practice_type") in parts:
            parts[r["practice_type"]].append(r)
    return {name: group(members) for name, members in parts.items()}


def test_k_is_at_least_three():
    with pytest.raises(ValueError, match="at least 3"):
        Policy(k=2)
    assert Policy(k=3).k == 3


def test_seed_002_small_counts_inside_a_large_group_are_shown_exactly():
    # Seed 002: 34 answers, "8 af jer ligger under 50, og 3 af jer under 35".
    values = [20.0] * 3 + [44.0] * 5 + [68.0] * 26
    table = publish_score(summarize_score_values(WHO5, values), Policy(k=5))
    assert isinstance(table, PublicScore)
    assert [(b.code, b.count) for b in table.bands] == [("high_risk", 3), ("risk", 5), ("normal", 26)]
    assert table.bands[0].share == pytest.approx(3 / 34)
    assert isinstance(table.estimate, type(summarize_score_values(WHO5, values).estimate))
    assert table.estimate.mean == pytest.approx(sum(values) / 34)


def test_a_whole_item_table_with_small_cells_is_shown_with_its_mean():
    respondents = [respondent("partnership", "good")] * 8 + [respondent("partnership", "poor")] * 2
    table = publish_choice(group(respondents).choices["q1"], Policy(k=5))
    assert isinstance(table, PublicChoice)
    assert [(o.code, o.count) for o in table.options] == [("good", 8), ("fair", 0), ("poor", 2), ("not_relevant", 0)]
    assert table.no_answer == 0
    assert table.estimate.mean == pytest.approx((8 * 2 + 2 * 0) / 10)


def test_groups_below_k_are_withheld():
    respondents = [respondent("partnership", "good")] * 4
    assert publish_group(group(respondents), Policy(k=5)) == Withheld(GROUP_TOO_SMALL)
    assert isinstance(publish_group(group(respondents), Policy(k=4)), PublicGroup)


def test_a_question_few_answered_after_routing_is_withheld():
    # Ten respondents, but only three answered q1: a table of three people.
    respondents = [respondent("partnership", "good")] * 3 + [respondent("partnership")] * 7
    assert publish_choice(group(respondents).choices["q1"], Policy(k=5)) == Withheld(TOO_FEW_ANSWERS)
    # Nobody answering is a table of no one: shown as zeros.
    table = publish_choice(group([respondent("solo")] * 6).choices["q1"], Policy(k=5))
    assert isinstance(table, PublicChoice)
    assert table.answered == 0
    assert table.estimate is None


def test_the_mean_comes_with_its_table_even_when_few_answers_are_on_the_scale():
    # Its counts are shown, so the mean of the three on the scale reveals nothing more.
    respondents = [respondent("partnership", "not_relevant")] * 7 + [respondent("partnership", "good")] * 3
    table = publish_choice(group(respondents).choices["q1"], Policy(k=5))
    assert isinstance(table, PublicChoice)
    assert [o.count for o in table.options] == [3, 0, 0, 7]
    assert table.estimate.n == 3
    assert table.estimate.mean == 2


def test_a_score_with_few_scores_is_withheld():
    values = [40.0, 50.0, None, None, None, None, None, None]
    assert publish_score(summarize_score_values(WHO5, values), Policy(k=5)) == Withheld(TOO_FEW_ANSWERS)


def test_nearly_homogeneous():
    assert nearly_homogeneous([5, 0, 0])
    assert nearly_homogeneous([4, 1, 0])
    assert not nearly_homogeneous([3, 1, 1])
    assert not nearly_homogeneous([0, 0, 0])


@pytest.mark.parametrize(
    ("values", "withheld"),
    [
        ([20.0] * 6, True),  # all at high risk
        ([20.0] * 5 + [80.0], True),  # all but one: deniable
        ([80.0] * 6, True),  # all normal: withheld too, so withholding does not say which band
        ([20.0] * 4 + [80.0] * 2, False),
        ([20.0] * 2 + [44.0] * 2 + [80.0] * 2, False),
    ],
)
def test_homogeneous_sensitive_scores_of_a_nameable_group_are_withheld(values, withheld):
    summary = summarize_score_values(WHO5, values)
    sensitive = Policy(k=5, sensitive=frozenset({"who5_index"}))
    named = publish_score(summary, sensitive, nameable=True)
    assert (named == Withheld(HOMOGENEOUS_SENSITIVE)) is withheld
    # Not nameable, or not sensitive: the whole table is shown.
    assert isinstance(publish_score(summary, sensitive), PublicScore)
    assert isinstance(publish_score(summary, Policy(k=5), nameable=True), PublicScore)


def test_homogeneous_sensitive_items_and_multiple_choice():
    sensitive = Policy(k=5, sensitive=frozenset({"q1", "reasons"}))
    same = group([respondent("solo", "poor", reasons=["relief"])] * 6)
    assert publish_choice(same.choices["q1"], sensitive, nameable=True) == Withheld(HOMOGENEOUS_SENSITIVE)
    assert publish_multiple(same.multiples["reasons"], sensitive, nameable=True) == Withheld(HOMOGENEOUS_SENSITIVE)
    mixed = group(
        [respondent("solo", "poor", reasons=["relief", "economy"])] * 3
        + [respondent("solo", "good", reasons=["quality"])] * 3
    )
    assert isinstance(publish_choice(mixed.choices["q1"], sensitive, nameable=True), PublicChoice)
    assert isinstance(publish_multiple(mixed.multiples["reasons"], sensitive, nameable=True), PublicMultiple)


def test_the_items_of_a_withheld_sensitive_score_go_with_it():
    policy = Policy(k=5, sensitive=frozenset({"s"}))
    # Every score is low (0 or 1) although neither item is nearly homogeneous on its own.
    summary = group(
        [respondent("solo", "good", (0, 0))] * 2
        + [respondent("solo", "good", (1, 0))] * 2
        + [respondent("solo", "good", (0, 1))] * 2
    )
    published = publish_group(summary, policy, nameable=True, score_items={"s": ("m1", "m2")})
    assert isinstance(published, PublicGroup)
    assert published.scores["s"] == Withheld(HOMOGENEOUS_SENSITIVE)
    assert published.choices["m1"] == Withheld(WITHHELD_WITH_SCORE)
    assert published.choices["m2"] == Withheld(WITHHELD_WITH_SCORE)
    assert isinstance(published.choices["q1"], PublicChoice)


def test_multiple_choice_is_shown_in_full():
    respondents = [respondent("partnership", reasons=["relief"])] * 8 + [
        respondent("partnership", reasons=["economy", "quality"])
    ] * 2
    table = publish_multiple(group(respondents).multiples["reasons"], Policy(k=5))
    assert isinstance(table, PublicMultiple)
    assert [(o.code, o.count) for o in table.options] == [("relief", 8), ("economy", 2), ("quality", 2)]
    assert table.options[1].share == pytest.approx(0.2)


def test_free_text_rules():
    policy = Policy(k=5, show_free_text=True)
    assert publish_texts(["a"] * 6, 6, Policy(k=5)) == Withheld(FREE_TEXT_OFF)
    assert publish_texts(["a"] * 6, 4, policy) == Withheld(GROUP_TOO_SMALL)
    assert publish_texts(["a"] * 4 + [""] * 6, 10, policy) == Withheld(TOO_FEW_TEXTS)
    assert publish_texts(["a"] * 6 + [""] * 2, 8, policy) == Withheld(TOO_FEW_TEXTS)
    shown = publish_texts([f"t{i}" for i in range(6)], 6, policy, random.Random(1))
    assert sorted(shown) == [f"t{i}" for i in range(6)]


def test_subgroup_sizes():
    assert subgroup_reasons(20, {"solo": 6, "partnership": 14}, 5) == {"solo": None, "partnership": None}
    assert subgroup_reasons(20, {"solo": 4, "partnership": 16}, 5) == dict.fromkeys(
        ["solo", "partnership"], SUBGROUP_TOO_SMALL
    )
    # Three did not say their practice type: the remainder is too small.
    assert subgroup_reasons(20, {"solo": 6, "partnership": 11}, 5) == dict.fromkeys(
        ["solo", "partnership"], SUBGROUP_TOO_SMALL
    )
    assert subgroup_reasons(20, {"solo": 0, "partnership": 20}, 5) == {
        "solo": GROUP_TOO_SMALL,
        "partnership": COMPLEMENT_TOO_SMALL,
    }


def test_subgroups_show_their_whole_tables_and_differ_by_no_small_group():
    solo = [respondent("solo", "poor", (0, 1))] * 2 + [respondent("solo", "good", (2, 2))] * 4
    partners = [respondent("partnership", "fair", (1, 1))] * 9 + [respondent("partnership", "good", (2, 1))]
    publication = publish(group(solo + partners), Policy(k=5), subgroups=split(solo + partners))
    shown = publication.subgroups["solo"]
    assert isinstance(shown, PublicGroup)
    q1 = shown.choices["q1"]
    assert isinstance(q1, PublicChoice)
    assert [o.count for o in q1.options] == [4, 0, 2, 0]
    assert isinstance(shown.scores["s"], PublicScore)


def test_a_table_few_answered_in_one_part_is_withheld_in_every_subgroup():
    # Every solo doctor answered q1, but only three of the partnerships did: the
    # partnerships' q1 would be parent minus solo, a table of three people.
    solo = [respondent("solo", "good")] * 6
    partners = [respondent("partnership", "poor")] * 3 + [respondent("partnership")] * 7
    publication = publish(group(solo + partners), Policy(k=5), subgroups=split(solo + partners))
    assert isinstance(publication.group, PublicGroup)
    assert isinstance(publication.group.choices["q1"], PublicChoice)
    solo_published, partners_published = publication.subgroups["solo"], publication.subgroups["partnership"]
    assert isinstance(solo_published, PublicGroup)
    assert isinstance(partners_published, PublicGroup)
    assert partners_published.choices["q1"] == Withheld(TOO_FEW_ANSWERS)
    assert solo_published.choices["q1"] == Withheld(SUBGROUP_DIFFERENCING)


def test_a_homogeneous_subgroup_withholds_the_table_in_the_other_subgroups_too():
    policy = Policy(k=5, sensitive=frozenset({"s"}))
    solo = [respondent("solo", "good", (0, 0))] * 6
    partners = [respondent("partnership", "good", (1, 1))] * 5 + [respondent("partnership", "good", (2, 2))] * 5
    publication = publish(
        group(solo + partners), policy, subgroups=split(solo + partners), score_items={"s": ("m1", "m2")}
    )
    assert isinstance(publication.group, PublicGroup)
    assert isinstance(publication.group.scores["s"], PublicScore)  # the cluster is not nameable
    solo_published = publication.subgroups["solo"]
    partners_published = publication.subgroups["partnership"]
    assert isinstance(solo_published, PublicGroup)
    assert isinstance(partners_published, PublicGroup)
    assert solo_published.scores["s"] == Withheld(HOMOGENEOUS_SENSITIVE)
    assert partners_published.scores["s"] == Withheld(SUBGROUP_DIFFERENCING)
    assert partners_published.choices["m1"] == Withheld(SUBGROUP_DIFFERENCING)


def test_a_nameable_whole_group_is_checked_for_homogeneity():
    policy = Policy(k=5, sensitive=frozenset({"s"}))
    everyone = [respondent("partnership", "good", (0, 0))] * 6
    named = publish(group(everyone), policy, nameable=True)
    assert isinstance(named.group, PublicGroup)
    assert named.group.scores["s"] == Withheld(HOMOGENEOUS_SENSITIVE)
    anonymous = publish(group(everyone), policy)
    assert isinstance(anonymous.group, PublicGroup)
    assert isinstance(anonymous.group.scores["s"], PublicScore)


def test_withheld_parent_withholds_its_subgroups():
    publication = publish(group([respondent("solo")] * 3), Policy(k=5), subgroups=split([respondent("solo")] * 3))
    assert publication.group == Withheld(GROUP_TOO_SMALL)
    assert publication.subgroups == {"solo": Withheld(PARENT_WITHHELD), "partnership": Withheld(PARENT_WITHHELD)}
