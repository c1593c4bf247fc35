"""Disclosure control: worked examples, an attacker who knows the algorithm (exhaustive, on
small tables), and an attacker who combines every published figure of a round (random
clusters with subgroups, hypothesis)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.core.disclosure import (
    CANNOT_MASK,
    COMPLEMENT_TOO_SMALL,
    FREE_TEXT_OFF,
    GROUP_TOO_SMALL,
    HIDDEN_COUNTS,
    PARENT_WITHHELD,
    SMALL_CELLS_IN_SUBGROUPS,
    SUBGROUP_TOO_SMALL,
    TOO_FEW_ANSWERS,
    TOO_FEW_TEXTS,
    MaskedCount,
    Policy,
    PublicChoice,
    PublicMultiple,
    PublicScore,
    Withheld,
    mask_row,
    publish_choice,
    publish_multiple,
    publish_score,
    publish_texts,
)
from klyngepakke.core.publication import PublicGroup, publish, publish_group, subgroup_reasons
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import score_definitions
from klyngepakke.core.statistics import (
    MultipleChoiceSummary,
    OptionCount,
    summarize_choice,
    summarize_group,
    summarize_score_values,
)

# ---------------------------------------------------------------------------
# A small questionnaire: practice type (defines the subgroups), an ordinal question with
# "ikke relevant", a two-item matrix whose sum is a score with three bands, a multiple
# choice and a free text.
# ---------------------------------------------------------------------------

Q1_OPTIONS = [("good", 2), ("fair", 1), ("poor", 0), ("not_relevant", None)]
REASONS = ["relief", "economy", "quality"]
DOCUMENT = {
    "questionnaire": {
        "intro": {"da": "Intro"},
        "estimated_minutes": 5,
        "scales": [
            {"code": "three", "options": [{"code": str(v), "label": {"da": str(v)}, "value": v} for v in (2, 1, 0)]},
        ],
        "sections": [
            {
                "code": "s",
                "title": {"da": "S"},
                "questions": [
                    {
                        "code": "practice_type",
                        "type": "single",
                        "text": {"da": "Praksis"},
                        "options": [
                            {"code": "solo", "label": {"da": "Solo"}},
                            {"code": "partnership", "label": {"da": "Kompagniskab"}},
                        ],
                    },
                    {
                        "code": "q1",
                        "type": "single",
                        "text": {"da": "Q1"},
                        "required": False,
                        "options": [{"code": c, "label": {"da": c}, "value": v} for c, v in Q1_OPTIONS],
                    },
                    {
                        "code": "m",
                        "type": "matrix",
                        "text": {"da": "M"},
                        "scale": "three",
                        "items": [{"code": "m1", "text": {"da": "1"}}, {"code": "m2", "text": {"da": "2"}}],
                    },
                    {
                        "code": "reasons",
                        "type": "multiple",
                        "text": {"da": "Hvorfor"},
                        "required": False,
                        "options": [{"code": c, "label": {"da": c}} for c in REASONS],
                    },
                    {"code": "comment", "type": "text", "text": {"da": "Kommentar"}, "required": False},
                ],
            }
        ],
    },
    "scores": [
        {
            "code": "s",
            "label": {"da": "S"},
            "method": "sum",
            "items": ["m1", "m2"],
            "min": 0,
            "max": 4,
            "meaningful_change": 1,
            "bands": [
                {"code": "low", "min": 0, "max": 1, "label": {"da": "lav"}, "meaning": {"da": "lav"}},
                {"code": "mid", "min": 2, "max": 3, "label": {"da": "mellem"}, "meaning": {"da": "mellem"}},
                {"code": "high", "min": 4, "max": 4, "label": {"da": "høj"}, "meaning": {"da": "høj"}},
            ],
        }
    ],
}
QUESTIONNAIRE = Questionnaire(DOCUMENT)
DEFINITIONS = score_definitions(DOCUMENT)
WHO5 = score_definitions(
    {
        "scores": [
            {
                "code": "who5_index",
                "label": {"da": "WHO-5"},
                "method": "sum",
                "items": [f"who5_{i}" for i in range(1, 6)],
                "multiplier": 4,
                "min": 0,
                "max": 100,
                "bands": [
                    {"code": "high_risk", "min": 0, "max": 35, "label": {"da": "x"}, "meaning": {"da": "x"}},
                    {"code": "risk", "min": 36, "max": 50, "label": {"da": "x"}, "meaning": {"da": "x"}},
                    {"code": "normal", "min": 51, "max": 100, "label": {"da": "x"}, "meaning": {"da": "x"}},
                ],
            }
        ]
    }
)[0]


def masked(k: int | None = None) -> MaskedCount:
    return MaskedCount(k)


# ---------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------


def test_k_is_at_least_three():
    with pytest.raises(ValueError, match="at least 3"):
        Policy(k=2)
    assert Policy(k=3).k == 3
    assert Policy().k == 5
    policy = Policy(exact_small_bands=frozenset({"high_risk", "job_satisfaction:low"}))
    assert policy.allows_exact("who5_index", "high_risk", band=True)
    assert not policy.allows_exact("q7", "high_risk")  # a bare code is a band, not an option
    assert policy.allows_exact("job_satisfaction", "low")
    assert not policy.allows_exact("other", "low")


def seed_002_who5_values() -> list[float]:
    # 34 answers: 3 under 35, 5 more under 50 ("8 under 50, of whom 3 under 35"), 26 above.
    return [20.0, 28.0, 32.0, 40.0, 44.0, 44.0, 48.0, 48.0, *[68.0] * 26]


def test_small_bands_are_masked_with_a_neighbouring_band():
    public = publish_score(summarize_score_values(WHO5, seed_002_who5_values()), Policy())
    assert isinstance(public, PublicScore)
    assert isinstance(public.bands, tuple)
    assert [(b.code, b.count) for b in public.bands] == [("high_risk", masked(5)), ("risk", masked()), ("normal", 26)]
    assert str(public.bands[0].count) == "< 5"
    assert (public.scored, public.no_score, public.unbanded) == (34, 0, 0)
    assert public.bands[2].share == pytest.approx(26 / 34)
    assert public.bands[0].share is None
    # The mean does not reveal band counts exactly (scores vary within a band): shown.
    assert not isinstance(public.estimate, Withheld)
    assert public.estimate.n == 34


def test_a_package_may_show_small_bands_exactly():
    # Seed 002 shows "8 under 50, of whom 3 under 35": an explicit package choice.
    policy = Policy(exact_small_bands=frozenset({"high_risk"}))
    public = publish_score(summarize_score_values(WHO5, seed_002_who5_values()), policy)
    assert isinstance(public, PublicScore)
    assert isinstance(public.bands, tuple)
    assert [b.count for b in public.bands] == [3, 5, 26]


def job_satisfaction(counts: dict[str, int]):
    codes = [("very_high", 4), ("high", 3), ("some", 2), ("low", 1)]
    question = Questionnaire(
        {
            "questionnaire": {
                "intro": {},
                "estimated_minutes": 1,
                "sections": [
                    {
                        "code": "s",
                        "title": {},
                        "questions": [
                            {
                                "code": "job_satisfaction",
                                "type": "single",
                                "text": {},
                                "options": [{"code": c, "label": {}, "value": v} for c, v in codes],
                            }
                        ],
                    }
                ],
            }
        }
    ).questions["job_satisfaction"]
    respondents = [{"job_satisfaction": code} for code, n in counts.items() for _ in range(n)]
    return summarize_choice(question, "job_satisfaction", respondents, ordinal=True)


def test_seed_002_job_satisfaction_masks_the_small_option_and_its_neighbour():
    # 15 / 38 / 35 / 12 % of 34 answers = 5 / 13 / 12 / 4.
    summary = job_satisfaction({"very_high": 5, "high": 13, "some": 12, "low": 4})
    public = publish_choice(summary, Policy())
    assert isinstance(public, PublicChoice)
    assert [o.count for o in public.options] == [5, 13, masked(), masked(5)]
    assert public.on_scale == 34  # follows from "no answer" = 0
    assert [o.share for o in public.options] == [pytest.approx(5 / 34), pytest.approx(13 / 34), None, None]
    assert public.estimate == Withheld(HIDDEN_COUNTS)  # the mean would give the hidden counts away

    exact = publish_choice(summary, Policy(exact_small_bands=frozenset({"job_satisfaction:low"})))
    assert isinstance(exact, PublicChoice)
    assert [o.count for o in exact.options] == [5, 13, 12, 4]
    assert [round(100 * (o.share or 0)) for o in exact.options] == [15, 38, 35, 12]
    assert isinstance(exact.estimate, type(summary.estimate))


def test_tables_with_too_few_answers_or_no_safe_masking_are_withheld():
    assert publish_choice(job_satisfaction({"high": 4}), Policy()) == Withheld(GROUP_TOO_SMALL)
    few = summarize_choice(QUESTIONNAIRE.questions["q1"], "q1", [{"q1": "good"}] * 3 + [{}] * 10, ordinal=True)
    assert publish_choice(few, Policy()) == Withheld(TOO_FEW_ANSWERS)
    # One answer of "low" and exactly k of its neighbour: the neighbour's "at least k"
    # would pin "low" to 1.
    assert publish_choice(job_satisfaction({"very_high": 20, "some": 5, "low": 1}), Policy()) == Withheld(CANNOT_MASK)
    assert mask_row([1, 2, 2], 3) is None  # every count small: nothing to hide them with


def test_mask_row_basics():
    assert mask_row([0, 7, 9], 5) == [0, 7, 9]
    assert mask_row([2, 7, 9], 5) == [masked(5), masked(), 9]
    assert mask_row([9, 7, 0, 2], 5) == [9, masked(), 0, masked(5)]  # the nearest count of at least k
    assert mask_row([3, 3, 0], 5) is None  # nothing of at least k to hide with them
    assert mask_row([3, 9], 5, exact=[True, False]) == [3, 9]


def multiple(respondents: int, answered: int, ticks: list[int]) -> MultipleChoiceSummary:
    options = tuple(OptionCount(f"o{i}", t, True, t / answered if answered else None) for i, t in enumerate(ticks))
    return MultipleChoiceSummary("reasons", respondents, answered, options)


def test_multiple_choice_seed_002_delegation():
    # Relief 26, economy 15, quality of work 10, meaningful work 8 among 34 answers.
    public = publish_multiple(multiple(34, 34, [26, 15, 10, 8]), Policy())
    assert isinstance(public, PublicMultiple)
    assert [o.count for o in public.options] == [26, 15, 10, 8]
    assert public.options[0].share == pytest.approx(26 / 34)
    # Two of 34 skipped it: the number answering would reveal them, so it is hidden and
    # with it every share; the tick counts stay.
    skipped = publish_multiple(multiple(34, 32, [26, 15, 10, 8]), Policy())
    assert isinstance(skipped, PublicMultiple)
    assert (skipped.answered, skipped.no_answer) == (masked(), masked(5))
    assert [o.count for o in skipped.options] == [26, 15, 10, 8]
    assert all(o.share is None for o in skipped.options)
    # Few ticks: "< 5"; few who did not tick: a dash.
    mixed = publish_multiple(multiple(30, 30, [28, 3, 12]), Policy())
    assert isinstance(mixed, PublicMultiple)
    assert [o.count for o in mixed.options] == [masked(), masked(5), 12]


def test_free_text_rules():
    texts = [f"svar {i}" for i in range(6)]
    assert publish_texts(texts, 10, Policy()) == Withheld(FREE_TEXT_OFF)
    enabled = Policy(show_free_text=True)
    assert publish_texts(texts, 4, enabled) == Withheld(GROUP_TOO_SMALL)
    assert publish_texts(texts[:2], 10, enabled) == Withheld(TOO_FEW_TEXTS)
    assert publish_texts(texts, 8, enabled) == Withheld(TOO_FEW_TEXTS)  # 2 did not write
    shown = publish_texts(texts, 12, enabled, random.Random(4))
    assert isinstance(shown, tuple)
    assert sorted(shown) == texts
    orders = {publish_texts(texts, 12, enabled, random.Random(seed)) for seed in range(20)}
    assert len(orders) > 1  # shuffled


def test_subgroup_rules():
    assert subgroup_reasons(29, {"solo": 7, "partnership": 22}, 5) == {"solo": None, "partnership": None}
    assert subgroup_reasons(29, {"solo": 3, "partnership": 26}, 5) == dict.fromkeys(
        ("solo", "partnership"), SUBGROUP_TOO_SMALL
    )
    # Two who did not say: solo and partnership would give them away by subtraction.
    assert subgroup_reasons(29, {"solo": 7, "partnership": 20}, 5) == dict.fromkeys(
        ("solo", "partnership"), SUBGROUP_TOO_SMALL
    )
    assert subgroup_reasons(29, {"solo": 0, "partnership": 29}, 5) == {
        "solo": GROUP_TOO_SMALL,
        "partnership": COMPLEMENT_TOO_SMALL,
    }
    with pytest.raises(ValueError, match="disjoint"):
        subgroup_reasons(10, {"a": 6, "b": 6}, 5)


def respondent(practice, q1=None, m=(None, None), reasons=(), comment=False) -> dict:
    answers: dict = {}
    if practice:
        answers["practice_type"] = practice
    if q1:
        answers["q1"] = q1
    for code, value in zip(("m1", "m2"), m, strict=True):
        if value is not None:
            answers[code] = str(value)
    if reasons:
        answers["reasons"] = list(reasons)
    if comment:
        answers["comment"] = f"tekst {len(answers)}"
    return answers


def split(respondents: list[dict]):
    groups: dict[str, list[dict]] = {"solo": [], "partnership": []}
    for r in respondents:
        if r.get("practice_type") in groups:
            groups[r["practice_type"]].append(r)
    return {name: summarize_group(QUESTIONNAIRE, DEFINITIONS, members) for name, members in groups.items()}


def test_subgroup_tables_are_all_or_nothing():
    respondents = [respondent("solo", "good", (2, 2))] * 6 + [respondent("partnership", "fair", (1, 1))] * 9
    respondents += [respondent("partnership", "poor", (0, 0))] * 2
    parent = summarize_group(QUESTIONNAIRE, DEFINITIONS, respondents)
    result = publish(parent, Policy(), subgroups=split(respondents))
    assert isinstance(result.group, PublicGroup)
    solo, partnership = result.subgroups["solo"], result.subgroups["partnership"]
    assert isinstance(solo, PublicGroup)
    assert isinstance(partnership, PublicGroup)
    assert (solo.respondents, partnership.respondents) == (6, 11)
    # practice_type: every cell 0 or >= k everywhere: shown in the subgroups too.
    assert isinstance(solo.choices["practice_type"], PublicChoice)
    # q1: 2 "poor" among partnerships -> hidden in the parent, withheld in every subgroup.
    assert solo.choices["q1"] == Withheld(SMALL_CELLS_IN_SUBGROUPS)
    assert partnership.choices["q1"] == Withheld(SMALL_CELLS_IN_SUBGROUPS)
    parent_q1 = result.group.choices["q1"]
    assert isinstance(parent_q1, PublicChoice)
    assert [o.count for o in parent_q1.options] == [6, masked(), masked(5), 0]
    # The score's band counts are withheld in the subgroups; their means are shown.
    solo_score = solo.scores["s"]
    assert isinstance(solo_score, PublicScore)
    assert solo_score.bands == Withheld(SMALL_CELLS_IN_SUBGROUPS)
    assert not isinstance(solo_score.estimate, Withheld)
    assert solo_score.estimate.mean == 4.0


def test_withheld_parent_withholds_its_subgroups():
    respondents = [respondent("solo", "good")] * 4
    result = publish(summarize_group(QUESTIONNAIRE, DEFINITIONS, respondents), Policy(), subgroups=split(respondents))
    assert result.group == Withheld(GROUP_TOO_SMALL)
    assert result.subgroups == {"solo": Withheld(PARENT_WITHHELD), "partnership": Withheld(PARENT_WITHHELD)}
    assert publish_group(summarize_group(QUESTIONNAIRE, DEFINITIONS, []), Policy()) == Withheld(GROUP_TOO_SMALL)


# ---------------------------------------------------------------------------
# An attacker who knows this algorithm: enumerate every table of a small size, publish
# each, and group tables by what is published. Whatever a small count (or a sum of
# hidden counts) is, another table with the same publication must give it another value.
# ---------------------------------------------------------------------------


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def decodable(tables: list[tuple[int, ...]], k: int, hidden: set[int] | None) -> list[tuple[tuple[int, ...], tuple]]:
    """Tables (all with one publication) in which a subset of hidden cells has a sum in
    1..k-1 that is the same in every table: what the attacker learns."""
    found = []
    cells = range(len(tables[0]))
    for size in range(1, len(tables[0]) + 1):
        for subset in itertools.combinations(cells, size):
            if hidden is not None and not set(subset) <= hidden:
                continue
            sums = {sum(t[i] for i in subset) for t in tables}
            if len(sums) == 1 and 0 < next(iter(sums)) < k:
                found.append((tables[0], subset))
    return found


@pytest.mark.parametrize("k", [3, 4, 5])
def test_row_masking_against_an_attacker_who_knows_the_algorithm(k):
    for cells, largest in ((2, 16), (3, 13), (4, 10)):
        for total in range(k, largest):
            published: dict[object, list[tuple[int, ...]]] = defaultdict(list)
            for table in compositions(total, cells):
                row = mask_row(table, k)
                published[None if row is None else tuple(row)].append(table)
            for row, tables in published.items():
                hidden = None if row is None else {i for i, c in enumerate(row) if isinstance(c, MaskedCount)}
                for table, subset in decodable(tables, k, hidden):
                    # The one documented exception: a withheld row whose every cell is k-1.
                    assert row is None
                    assert set(table) == {k - 1}, (table, subset)


@pytest.mark.parametrize("k", [3, 5])
def test_single_choice_tables_against_an_attacker_who_knows_the_algorithm(k):
    # Options good (2), fair (1), poor (0), not relevant (no value), plus "no answer";
    # the publication includes shares, derived counts and the mean with its interval.
    question = QUESTIONNAIRE.questions["q1"]
    codes = [c for c, _ in Q1_OPTIONS]
    for total in range(k, 10 if k == 3 else 12):
        published: dict[object, list[tuple[int, ...]]] = defaultdict(list)
        for table in compositions(total, 5):
            respondents = [{"q1": code} for code, n in zip(codes, table, strict=False) for _ in range(n)]
            respondents += [{}] * table[4]
            public = publish_choice(summarize_choice(question, "q1", respondents, ordinal=True), Policy(k=k))
            published[public].append(table)
        for public, tables in published.items():
            hidden = None
            if isinstance(public, PublicChoice):
                shown = [o.count for o in public.options] + [public.no_answer]
                hidden = {i for i, c in enumerate(shown) if isinstance(c, MaskedCount)}
            for table, subset in decodable(tables, k, hidden):
                assert public == Withheld(CANNOT_MASK)
                assert set(table) == {k - 1}, (table, subset)


def test_multiple_choice_against_an_attacker_who_knows_the_algorithm():
    for k, options in ((3, 3), (4, 2), (5, 2)):
        policy = Policy(k=k)
        for total in range(k, 11):
            published: dict[object, list[tuple[int, ...]]] = defaultdict(list)
            for answered in range(total + 1):
                for ticks in itertools.product(range(answered + 1), repeat=options):
                    if (answered > 0 and sum(ticks) < answered) or (answered == 0 and any(ticks)):
                        continue  # impossible: who answered ticked something
                    public = publish_multiple(multiple(total, answered, list(ticks)), policy)
                    published[public].append((answered, *ticks))
            for public, tables in published.items():
                figures = {
                    "no answer": lambda t, n=total: n - t[0],
                    **{f"ticks {i}": (lambda t, i=i: t[1 + i]) for i in range(options)},
                    **{f"non-ticks {i}": (lambda t, i=i: t[0] - t[1 + i]) for i in range(options)},
                    **{f"never ticked {i}": (lambda t, i=i, n=total: n - t[1 + i]) for i in range(options)},
                }
                for name, figure in figures.items():
                    values = {figure(t) for t in tables}
                    if len(values) == 1 and 0 < next(iter(values)) < k:
                        # The documented exception: withheld, every figure at k-1.
                        ((answered, *ticks),) = tables
                        assert public == Withheld(CANNOT_MASK), (total, tables[0], name)
                        assert set(ticks) == {k - 1}, (total, tables[0], name)
                        assert total - answered in (0, k - 1), (total, tables[0], name)


# ---------------------------------------------------------------------------
# An attacker who combines every published figure of a round: random clusters, with
# solo/partnership subgroups, random answers. Every true count becomes an unknown; every
# published figure and every relation the attacker knows (tables add up to the group,
# parent = solo + partnership + those who did not say, ticks + non-ticks = answered,
# the subgroups' own practice type) becomes a linear equation. A combination of unknowns
# is revealed iff it lies in the row space of the equations (tested modulo a large
# prime). No revealed combination of hidden counts may be in 1..k-1.
# ---------------------------------------------------------------------------

PRIME = 2_147_483_647
GROUPS = ("P", "solo", "partnership", "none")
PARTS = ("solo", "partnership", "none")
CHOICE_TABLES = {
    "practice_type": ["solo", "partnership"],
    "q1": [c for c, _ in Q1_OPTIONS],
    "m1": ["2", "1", "0"],
    "m2": ["2", "1", "0"],
}
VALUES = {"q1": dict(Q1_OPTIONS), "m1": {"2": 2, "1": 1, "0": 0}, "m2": {"2": 2, "1": 1, "0": 0}}
BANDS = ["low", "mid", "high", "_unbanded", "_no_score"]


class Attack:
    def __init__(self, k: int, policy: Policy) -> None:
        self.k = k
        self.policy = policy
        self.index: dict[tuple, int] = {}
        self.truth: dict[tuple, int] = {}
        self.equations: list[dict[tuple, int]] = []
        self.published: set[tuple] = set()

    def var(self, *key: object) -> tuple:
        self.index.setdefault(key, len(self.index))
        return key

    def equation(self, terms: dict[tuple, int]) -> None:
        self.equations.append(terms)

    def know(self, *keys: tuple, weights: list[int] | None = None) -> None:
        self.equation(dict(zip(keys, weights or [1] * len(keys), strict=True)))
        if len(keys) == 1:
            self.published.add(keys[0])

    def revealed(self) -> Callable[[list[tuple]], bool]:
        matrix = numpy.zeros((len(self.equations), len(self.index)), dtype=numpy.int64)
        for row, terms in enumerate(self.equations):
            for key, weight in terms.items():
                matrix[row, self.index[key]] = (matrix[row, self.index[key]] + weight) % PRIME
        pivots: list[tuple[int, numpy.ndarray]] = []
        for col in range(matrix.shape[1]):
            rows = numpy.nonzero(matrix[:, col])[0]
            if not len(rows):
                continue
            pivot = matrix[rows[0]].copy()
            pivot = (pivot * pow(int(pivot[col]), PRIME - 2, PRIME)) % PRIME
            factors = matrix[:, col].copy()
            matrix = (matrix - (factors[:, None] * pivot[None, :]) % PRIME) % PRIME
            pivots.append((col, pivot))

        def in_row_space(keys: list[tuple]) -> bool:
            vector = numpy.zeros(len(self.index), dtype=numpy.int64)
            for key in keys:
                vector[self.index[key]] += 1
            for col, pivot in pivots:
                if vector[col]:
                    vector = (vector - (int(vector[col]) * pivot) % PRIME) % PRIME
            return not vector.any()

        return in_row_space


def build_attack(groups: dict[str, list[dict]], publication, policy: Policy) -> Attack:
    attack = Attack(policy.k, policy)
    raw = {g: summarize_group(QUESTIONNAIRE, DEFINITIONS, members) for g, members in groups.items()}
    for g, summary in raw.items():
        attack.truth[attack.var(g, "N")] = summary.respondents
        for table, codes in CHOICE_TABLES.items():
            s = summary.choices[table]
            counts = {o.code: o.count for o in s.options} | {"_no_answer": s.no_answer}
            for code in [*codes, "_no_answer"]:
                attack.truth[attack.var(g, table, code)] = counts[code]
            attack.equation({(g, table, c): 1 for c in [*codes, "_no_answer"]} | {(g, "N"): -1})
        mc = summary.multiples["reasons"]
        attack.truth[attack.var(g, "reasons", "answered")] = mc.answered
        attack.truth[attack.var(g, "reasons", "_no_answer")] = mc.no_answer
        attack.equation({(g, "reasons", "answered"): 1, (g, "reasons", "_no_answer"): 1, (g, "N"): -1})
        for o in mc.options:
            attack.truth[attack.var(g, "reasons", o.code)] = o.count
            attack.truth[attack.var(g, "reasons", "not " + o.code)] = mc.answered - o.count
            attack.equation(
                {(g, "reasons", o.code): 1, (g, "reasons", "not " + o.code): 1, (g, "reasons", "answered"): -1}
            )
        score = summary.scores["s"]
        band_counts = {b.code: b.count for b in score.bands} | {
            "_unbanded": score.unbanded,
            "_no_score": score.no_score,
        }
        for code in BANDS:
            attack.truth[attack.var(g, "s", code)] = band_counts[code]
        attack.equation({(g, "s", c): 1 for c in BANDS} | {(g, "N"): -1})
        wrote = len(summary.texts["comment"])
        attack.truth[attack.var(g, "comment", "wrote")] = wrote
        attack.truth[attack.var(g, "comment", "silent")] = summary.respondents - wrote
        attack.equation({(g, "comment", "wrote"): 1, (g, "comment", "silent"): 1, (g, "N"): -1})
    # Parent = solo + partnership + did not say, for every count.
    for key in [k for k in attack.index if k[0] == "P"]:
        attack.equation({key: 1} | {(part, *key[1:]): -1 for part in PARTS})
    # What defines the subgroups is known.
    for part, code in (("solo", "solo"), ("partnership", "partnership"), ("none", "_no_answer")):
        attack.equation({(part, "practice_type", code): 1, (part, "N"): -1})
        for other in ("solo", "partnership", "_no_answer"):
            if other != code:
                attack.know((part, "practice_type", other))
    # Everything published.
    shown = {"P": publication.group, **publication.subgroups}
    for g, public in shown.items():
        if isinstance(public, PublicGroup):
            read_group(attack, g, public)
    return attack


def read_group(attack: Attack, g: str, public: PublicGroup) -> None:
    attack.know((g, "N"))
    for table, codes in CHOICE_TABLES.items():
        choice = public.choices[table]
        if not isinstance(choice, PublicChoice):
            continue
        read_row(attack, g, table, [(o.code, o.count) for o in choice.options] + [("_no_answer", choice.no_answer)])
        scale = [o.code for o in choice.options if o.on_scale]
        if isinstance(choice.answered, int):
            attack.know(*[(g, table, c) for c in codes])
        if isinstance(choice.on_scale, int) or any(o.share for o in choice.options):
            attack.know(*[(g, table, c) for c in scale])
        if choice.estimate is not None and not isinstance(choice.estimate, Withheld):
            values = [VALUES[table][c] for c in scale]
            attack.know(*[(g, table, c) for c in scale], weights=values)  # mean x n
            attack.know(*[(g, table, c) for c in scale], weights=[v * v for v in values])  # from the sd
    mc = public.multiples["reasons"]
    if isinstance(mc, PublicMultiple):
        read_row(attack, g, "reasons", [("answered", mc.answered), ("_no_answer", mc.no_answer)])
        read_row(attack, g, "reasons", [(o.code, o.count) for o in mc.options])
        if any(o.share for o in mc.options):
            attack.know((g, "reasons", "answered"))
    score = public.scores["s"]
    if isinstance(score, PublicScore):
        if isinstance(score.scored, int):
            attack.know(*[(g, "s", c) for c in BANDS[:-1]])
        if isinstance(score.no_score, int):
            attack.know((g, "s", "_no_score"))
        if isinstance(score.bands, tuple):
            cells = [(b.code, b.count) for b in score.bands]
            read_row(attack, g, "s", [*cells, ("_unbanded", score.unbanded), ("_no_score", score.no_score)])
    texts = public.texts["comment"]
    if isinstance(texts, tuple):
        attack.know((g, "comment", "wrote"))


def read_row(attack: Attack, g: str, table: str, cells: list[tuple[str, object]]) -> None:
    """Shown counts are known; a shown count below k must be one the package allows."""
    for code, count in cells:
        if isinstance(count, int):
            attack.know((g, table, code))
            small = 0 < count < attack.k
            assert not small or attack.policy.allows_exact(table, code, band=table == "s"), (g, table, code, count)


def check_nothing_small_is_revealed(attack: Attack) -> None:
    k, policy = attack.k, attack.policy
    in_row_space = attack.revealed()

    def exact(key: tuple) -> bool:
        return len(key) == 3 and policy.allows_exact(key[1], key[2], band=key[1] == "s")

    def check(keys: list[tuple]) -> None:
        value = sum(attack.truth[key] for key in keys)
        if 0 < value < k and not all(exact(key) for key in keys) and in_row_space(keys):
            raise AssertionError(f"{keys} = {value} can be worked out")

    hidden = {key for key in attack.index if key not in attack.published}
    for key in hidden:
        check([key])  # one count or group size
    for g in GROUPS:  # sums of hidden counts of one row (total - shown cells)
        rows = [[*[(g, t, c) for c in codes], (g, t, "_no_answer")] for t, codes in CHOICE_TABLES.items()]
        rows.append([(g, "s", c) for c in BANDS])
        rows.append([(g, "reasons", "answered"), (g, "reasons", "_no_answer")])
        for o in REASONS:  # who did not tick o: among those who answered, and in the whole group
            rows.append([(g, "reasons", o), (g, "reasons", "not " + o), (g, "reasons", "_no_answer")])
        for row in rows:
            cells = [key for key in row if key in hidden]
            for size in range(2, len(cells) + 1):
                for subset in itertools.combinations(cells, size):
                    check(list(subset))
    by_count: dict[tuple, list[tuple]] = defaultdict(list)
    for key in attack.index:
        by_count[key[1:]].append(key)
    for keys in by_count.values():  # the same count over several groups (e.g. group - subgroup)
        parts = [key for key in keys if key[0] != "P"]
        for size in range(2, len(parts) + 1):
            for subset in itertools.combinations(parts, size):
                check(list(subset))


answer = st.tuples(
    st.sampled_from(["solo", "partnership", "partnership", None]),
    st.sampled_from([None, "good", "fair", "poor", "not_relevant", "good"]),
    st.tuples(st.sampled_from([None, 0, 1, 2, 2]), st.sampled_from([0, 1, 2, 2])),
    st.lists(st.sampled_from(REASONS), max_size=3, unique=True),
    st.booleans(),
)


@settings(max_examples=70, deadline=None)
@given(
    answers=st.lists(answer, min_size=0, max_size=26),
    k=st.sampled_from([3, 4, 5]),
    exact=st.sampled_from([frozenset(), frozenset({"low"}), frozenset({"q1:poor"})]),
    free_text=st.booleans(),
)
def test_no_published_figure_alone_or_combined_reveals_a_count_below_k(answers, k, exact, free_text):
    policy = Policy(k=k, exact_small_bands=exact, show_free_text=free_text)
    respondents = [respondent(*a) for a in answers]
    groups = {
        "P": respondents,
        "solo": [r for r in respondents if r.get("practice_type") == "solo"],
        "partnership": [r for r in respondents if r.get("practice_type") == "partnership"],
        "none": [r for r in respondents if "practice_type" not in r],
    }
    parent = summarize_group(QUESTIONNAIRE, DEFINITIONS, respondents)
    subgroups = {name: summarize_group(QUESTIONNAIRE, DEFINITIONS, groups[name]) for name in ("solo", "partnership")}
    publication = publish(parent, policy, subgroups=subgroups, rng=random.Random(0))
    check_nothing_small_is_revealed(build_attack(groups, publication, policy))


def test_the_attack_finds_what_naive_masking_would_reveal():
    # The property test above must be able to fail: show the complementary count of a
    # row, so that only the small one is hidden, and the attack must work it out.
    respondents = [respondent("partnership", "good")] * 8 + [respondent("partnership", "poor")] * 2
    groups = {"P": respondents, "solo": [], "partnership": respondents, "none": []}
    parent = summarize_group(QUESTIONNAIRE, DEFINITIONS, respondents)
    honest = publish(parent, Policy())
    assert isinstance(honest.group, PublicGroup)
    check_nothing_small_is_revealed(build_attack(groups, honest, Policy()))
    q1 = honest.group.choices["q1"]
    assert isinstance(q1, PublicChoice)
    true = {o.code: o.count for o in parent.choices["q1"].options}
    assert [o.count for o in q1.options] == [masked(), 0, masked(5), 0]
    options = tuple(replace(o, count=true[o.code]) if o.count == masked() else o for o in q1.options)
    naive = replace(
        honest, group=replace(honest.group, choices={**honest.group.choices, "q1": replace(q1, options=options)})
    )
    with pytest.raises(AssertionError, match="can be worked out"):
        check_nothing_small_is_revealed(build_attack(groups, naive, Policy()))


def test_exact_small_counts_apply_to_the_whole_group_only():
    from klyngepakke.core.disclosure import MaskedCount, Policy, Withheld
    from klyngepakke.core.publication import PublicGroup, publish_group
    from klyngepakke.core.statistics import BandCount, GroupSummary, ScoreSummary

    def group(n: int, high_risk: int) -> GroupSummary:
        bands = (BandCount("high_risk", high_risk, None), BandCount("normal", n - high_risk, None))
        score = ScoreSummary(code="who5_index", respondents=n, scored=n, bands=bands, unbanded=0, estimate=None)
        return GroupSummary(respondents=n, choices={}, multiples={}, scores={"who5_index": score}, texts={})

    policy = Policy(k=5, exact_small_bands=frozenset({"who5_index:high_risk"}))
    whole = publish_group(group(34, 3), policy)
    assert isinstance(whole, PublicGroup)
    assert whole.scores["who5_index"].bands[0].count == 3
    from klyngepakke.core.publication import publish

    parts = publish(group(34, 3), policy, subgroups={"solo": group(10, 2), "partnership": group(24, 1)})
    solo = parts.subgroups["solo"]
    if isinstance(solo, PublicGroup):
        bands = getattr(solo.scores["who5_index"], "bands", ())
        published = [] if isinstance(bands, Withheld) else [b.count for b in bands if b.code == "high_risk"]
        # The solo doctors' two high-risk scores are never shown exactly.
        assert all(isinstance(count, MaskedCount) for count in published)
