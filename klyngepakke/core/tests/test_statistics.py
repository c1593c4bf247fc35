"""Group statistics compared with independent computations (numpy, the statistics module)."""

from __future__ import annotations

import functools
import math
import statistics as stdlib_statistics
from pathlib import Path

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.core.catalogue_files import read_catalogue
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import score_definitions
from klyngepakke.core.statistics import (
    DECREASE,
    INCREASE,
    UNKNOWN,
    WITHIN_NOISE,
    Estimate,
    compare,
    estimate,
    summarize_choice,
    summarize_group,
    summarize_multiple,
    summarize_score,
)
from klyngepakke.core.t_distribution import t_quantile
from klyngepakke.core.tests.test_t_quantiles import TABLE

PACKAGES = Path(__file__).resolve().parents[3] / "packages"

DEGREE_NA = [("very_high", 4), ("high", 3), ("some", 2), ("low", 1), ("not_at_all", 0), ("not_relevant", None)]
DOCUMENT = {
    "questionnaire": {
        "intro": {"da": "Intro"},
        "estimated_minutes": 5,
        "scales": [
            {"code": "degree_na", "options": [{"code": c, "label": {"da": c}, "value": v} for c, v in DEGREE_NA]},
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
                    {"code": "q1", "type": "single", "text": {"da": "Q1"}, "scale": "degree_na"},
                    {
                        "code": "q2",
                        "type": "matrix",
                        "text": {"da": "Q2"},
                        "scale": "degree_na",
                        "items": [{"code": "q2_a", "text": {"da": "a"}}, {"code": "q2_b", "text": {"da": "b"}}],
                    },
                    {
                        "code": "reasons",
                        "type": "multiple",
                        "text": {"da": "Hvorfor"},
                        "required": False,
                        "options": [{"code": c, "label": {"da": c}} for c in ("relief", "economy", "quality")],
                    },
                    {"code": "comment", "type": "text", "text": {"da": "Kommentar"}, "required": False},
                ],
            }
        ],
    }
}
QUESTIONNAIRE = Questionnaire(DOCUMENT)
Q1 = QUESTIONNAIRE.questions["q1"]
SCALE_CODES = [c for c, v in DEGREE_NA if v is not None]
VALUES = dict(DEGREE_NA)


@functools.cache
def trivsel() -> dict:
    read = read_catalogue(PACKAGES)
    assert not read.errors
    return next(p.document for p in read.packages if p.code == "trivsel-og-arbejdsglaede")


def who5_index_definition():
    return next(d for d in score_definitions(trivsel()) if d.code == "who5_index")


def check_estimate(result: Estimate, values: list[float]) -> None:
    """Compare an Estimate with numpy and the statistics module."""
    data = numpy.array(values, dtype=float)
    assert result.n == len(values)
    assert result.mean == pytest.approx(float(numpy.mean(data)), abs=1e-9)
    assert result.mean == pytest.approx(stdlib_statistics.fmean(values), abs=1e-9)
    assert result.median == pytest.approx(float(numpy.median(data)), abs=1e-12)
    assert result.median == stdlib_statistics.median(values)
    if len(values) < 2:
        assert result.sd is None
        assert result.ci is None
        return
    assert result.sd == pytest.approx(float(numpy.std(data, ddof=1)), abs=1e-9)
    assert result.sd == pytest.approx(stdlib_statistics.stdev(values), abs=1e-9)
    assert result.ci is not None
    assert result.ci.low + result.ci.high == pytest.approx(2 * result.mean, abs=1e-9)
    se = float(numpy.std(data, ddof=1)) / math.sqrt(len(values))
    half = (result.ci.high - result.ci.low) / 2
    if se > 0:
        # The critical value implied by the interval is the printed t table's value.
        assert abs(half / se - TABLE[len(values) - 1][2]) <= 0.0005 + 1e-9
    else:
        assert half == 0


answers_q1 = st.one_of(st.none(), st.sampled_from([*VALUES, "bogus"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(answers_q1, min_size=0, max_size=31), st.booleans())
def test_single_choice_counts_shares_and_mean_match_numpy(answers, ordinal):
    respondents = [{} if a is None else {"q1": a} for a in answers]
    result = summarize_choice(Q1, "q1", respondents, ordinal=ordinal)

    listed = numpy.array([a for a in answers if a in VALUES])
    on_scale = [a for a in listed if VALUES[a] is not None]
    assert result.respondents == len(answers)
    assert result.answered == len(listed)
    assert result.no_answer == len(answers) - len(listed)  # skipped and unknown codes
    assert result.on_scale == len(on_scale)
    assert [o.code for o in result.options] == [c for c, _ in DEGREE_NA]  # scale order
    for option in result.options:
        expected = int(numpy.sum(listed == option.code)) if len(listed) else 0
        assert option.count == expected
        assert option.on_scale == (VALUES[option.code] is not None)
        if option.on_scale and on_scale:
            assert option.share == pytest.approx(expected / len(on_scale))
        else:
            assert option.share is None
    if on_scale:
        assert sum(o.share or 0 for o in result.options) == pytest.approx(1.0)
    values = [float(VALUES[a]) for a in on_scale]  # "ikke relevant" left out
    if not ordinal or not values:
        assert result.estimate is None
    else:
        assert result.estimate is not None
        check_estimate(result.estimate, values)


def test_not_relevant_is_counted_apart_and_left_out_of_the_mean():
    answers = ["very_high", "very_high", "low", "not_relevant", "not_relevant", None]
    result = summarize_choice(Q1, "q1", [{"q1": a} if a else {} for a in answers], ordinal=True)
    counts = {o.code: o.count for o in result.options}
    assert counts == {"very_high": 2, "high": 0, "some": 0, "low": 1, "not_at_all": 0, "not_relevant": 2}
    assert (result.respondents, result.answered, result.on_scale, result.no_answer) == (6, 5, 3, 1)
    assert result.estimate is not None
    assert result.estimate.mean == pytest.approx(3.0)  # (4 + 4 + 1) / 3
    assert result.estimate.median == 4.0


def test_a_question_without_values_has_every_option_on_its_scale_and_no_mean():
    question = QUESTIONNAIRE.questions["practice_type"]
    answers = ["solo", "partnership", "partnership", None]
    result = summarize_choice(
        question, question.code, [{"practice_type": a} if a else {} for a in answers], ordinal=True
    )
    assert [(o.code, o.count, o.on_scale) for o in result.options] == [("solo", 1, True), ("partnership", 2, True)]
    assert [o.share for o in result.options] == [pytest.approx(1 / 3), pytest.approx(2 / 3)]
    assert result.estimate is None
    assert not result.ordinal


def test_matrix_items_are_summarized_by_item_code():
    respondents = [{"q2_a": "high", "q2_b": "low"}, {"q2_a": "high"}, {"q2_b": "not_relevant"}]
    group = summarize_group(QUESTIONNAIRE, [], respondents)
    assert set(group.choices) == {"practice_type", "q1", "q2_a", "q2_b"}
    a, b = group.choices["q2_a"], group.choices["q2_b"]
    assert (a.answered, a.on_scale, a.no_answer) == (2, 2, 1)
    assert (b.answered, b.on_scale, b.no_answer) == (2, 1, 1)
    assert a.estimate is not None
    assert a.estimate.mean == 3.0


REASONS = ["relief", "economy", "quality"]
ticks = st.one_of(st.none(), st.lists(st.sampled_from([*REASONS, "bogus"]), max_size=4), st.sampled_from(REASONS))


@settings(max_examples=60, deadline=None)
@given(st.lists(ticks, max_size=40))
def test_multiple_choice_counts_and_shares_of_respondents_match_numpy(answers):
    respondents = [{} if a is None else {"reasons": a} for a in answers]
    result = summarize_multiple(QUESTIONNAIRE.questions["reasons"], respondents)

    chosen = [set([a] if isinstance(a, str) else a or []) & set(REASONS) for a in answers]
    matrix = numpy.array([[code in c for code in REASONS] for c in chosen], dtype=int).reshape(len(answers), 3)
    answered = int(numpy.sum(matrix.any(axis=1))) if len(answers) else 0
    assert (result.respondents, result.answered, result.no_answer) == (len(answers), answered, len(answers) - answered)
    for i, option in enumerate(result.options):
        expected = int(matrix[:, i].sum())
        assert (option.code, option.count) == (REASONS[i], expected)
        assert option.share == (pytest.approx(expected / answered) if answered else None)
    # A respondent may tick several: the ticks add up to at least the respondents.
    assert sum(o.count for o in result.options) >= result.answered


def who5_answers(values: list[int | None]) -> dict[str, str]:
    return {f"who5_{i + 1}": str(v) for i, v in enumerate(values) if v is not None}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), min_size=5, max_size=5) | st.just([None] * 5), max_size=31))
def test_who5_index_summary_matches_numpy(groups_of_values):
    document = trivsel()
    definition = who5_index_definition()
    respondents = [who5_answers(v) for v in groups_of_values]
    result = summarize_score(definition, Questionnaire(document), respondents)

    complete = numpy.array([v for v in groups_of_values if None not in v], dtype=float).reshape(-1, 5)
    indices = (complete.sum(axis=1) * 4).tolist()
    assert (result.respondents, result.scored, result.no_score) == (
        len(respondents),
        len(indices),
        len(respondents) - len(indices),
    )
    index_array = numpy.array(indices)
    expected_bands = {
        "high_risk": int(numpy.sum(index_array <= 35)),
        "risk": int(numpy.sum((index_array > 35) & (index_array <= 50))),
        "normal": int(numpy.sum(index_array > 50)),
    }
    assert {b.code: b.count for b in result.bands} == expected_bands
    assert result.unbanded == 0
    if indices:
        assert result.estimate is not None
        check_estimate(result.estimate, indices)
        for band in result.bands:
            assert band.share == pytest.approx(expected_bands[band.code] / len(indices))
    else:
        assert result.estimate is None


def test_who5_worked_example():
    # Raw sums 25, 0, 13, 9, 8, 12, 13 -> indices 100, 0, 52, 36, 32, 48, 52 (WHO-5: raw x 4).
    raw = [[5, 5, 5, 5, 5], [0, 0, 0, 0, 0], [3, 3, 2, 4, 1], [2, 2, 2, 2, 1], [2, 2, 2, 1, 1], [3, 2, 2, 3, 2]]
    raw.append([3, 3, 3, 2, 2])
    result = summarize_score(who5_index_definition(), Questionnaire(trivsel()), [who5_answers(v) for v in raw])
    assert result.scored == 7
    assert {b.code: b.count for b in result.bands} == {"high_risk": 2, "risk": 2, "normal": 3}
    assert result.estimate is not None
    assert result.estimate.mean == pytest.approx(320 / 7)
    assert result.estimate.median == 48
    sd = stdlib_statistics.stdev([100, 0, 52, 36, 32, 48, 52])
    assert result.estimate.sd == pytest.approx(sd)
    assert result.estimate.ci is not None
    assert result.estimate.ci.high - result.estimate.mean == pytest.approx(2.447 * sd / math.sqrt(7), abs=0.01)


def test_estimate_edge_cases():
    assert estimate([]) is None
    single = estimate([3.0])
    assert single is not None
    assert (single.n, single.mean, single.median, single.sd, single.ci) == (1, 3.0, 3.0, None, None)
    constant = estimate([2.0, 2.0, 2.0])
    assert constant is not None
    assert constant.sd == 0
    assert constant.ci is not None
    assert (constant.ci.low, constant.ci.high) == (2.0, 2.0)
    ninety = estimate([1.0, 2.0, 4.0], level=0.90)
    assert ninety is not None
    assert ninety.ci is not None
    assert ninety.ci.high - ninety.mean == pytest.approx(t_quantile(0.95, 2) * ninety.sd / math.sqrt(3))


# Scores as they occur: 0-100 in hundredths (no 1e-124 whose square underflows).
finite = st.integers(min_value=0, max_value=10_000).map(lambda x: x / 100)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=2, max_size=40), st.lists(finite, min_size=2, max_size=40))
def test_welch_difference_matches_an_independent_computation(before_values, after_values):
    before, after = estimate(before_values), estimate(after_values)
    assert before is not None
    assert after is not None
    result = compare(before, after, meaningful_change=10)

    a, b = numpy.array(before_values), numpy.array(after_values)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    difference = float(b.mean() - a.mean())
    assert result.difference == pytest.approx(difference, abs=1e-9)
    assert result.meaningful == (abs(difference) >= 10 - 1e-9)
    assert result.ci is not None
    if va + vb == 0:
        assert (result.ci.low, result.ci.high) == pytest.approx((difference, difference))
        return
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    assert result.df == pytest.approx(df, rel=1e-9)
    half = t_quantile(0.975, df) * math.sqrt(va + vb)
    assert (result.ci.low, result.ci.high) == pytest.approx((difference - half, difference + half), abs=1e-6)
    # Welch's interval is never narrower than the normal one and never wider than the
    # one with the smaller group's degrees of freedom.
    assert t_quantile(0.975, math.inf) <= t_quantile(0.975, df) <= t_quantile(0.975, min(len(a), len(b)) - 1)
    assert result.verdict == (
        WITHIN_NOISE if result.ci.low <= 0 <= result.ci.high else INCREASE if difference > 0 else DECREASE
    )


def test_follow_up_verdicts_in_words():
    # Seed 002: WHO-5 mean 58 last year (38 answers), 63 this year (34 answers).
    before = Estimate(n=38, mean=58.0, median=60.0, sd=18.0, ci=None)
    after = Estimate(n=34, mean=63.0, median=64.0, sd=17.0, ci=None)
    result = compare(before, after, meaningful_change=10)
    assert result.difference == 5.0
    assert result.verdict == WITHIN_NOISE
    assert result.within_noise is True
    assert result.meaningful is False
    assert result.ci is not None
    assert result.ci.low < 0 < result.ci.high

    clear = compare(before, Estimate(n=34, mean=72.0, median=72.0, sd=10.0, ci=None), meaningful_change=10)
    assert (clear.verdict, clear.meaningful, clear.within_noise) == (INCREASE, True, False)
    worse = compare(before, Estimate(n=300, mean=50.0, median=50.0, sd=10.0, ci=None))
    assert (worse.verdict, worse.meaningful) == (DECREASE, None)
    lonely = compare(before, Estimate(n=1, mean=90.0, median=90.0, sd=None, ci=None), meaningful_change=10)
    assert (lonely.verdict, lonely.ci, lonely.within_noise, lonely.meaningful) == (UNKNOWN, None, None, True)


def test_group_summary_of_a_shipped_package():
    document = trivsel()
    questionnaire = Questionnaire(document)
    respondents = [
        {
            "practice_type": "solo",
            **who5_answers([3, 3, 3, 3, 3]),
            "job_satisfaction": "high",
            "work_strains": ["administration"],
        },
        {"practice_type": "partnership", **who5_answers([1, 1, 1, 1, 1]), "job_satisfaction": "low"},
    ]
    group = summarize_group(questionnaire, score_definitions(document), respondents)
    assert group.respondents == 2
    assert {"practice_type", "who5_1", "job_satisfaction"} <= set(group.choices)
    assert set(group.multiples) == {"work_strains", "delegation_reasons"}
    assert group.multiples["work_strains"].answered == 1
    assert group.scores["who5_index"].estimate is not None
    assert group.scores["who5_index"].estimate.mean == 40.0  # (60 + 20) / 2
    assert group.choices["practice_type"].estimate is None  # nominal
    assert group.choices["job_satisfaction"].estimate is not None


def test_free_text_is_collected_raw():
    group = summarize_group(QUESTIONNAIRE, [], [{"comment": "  Godt møde "}, {"comment": ""}, {}])
    assert group.texts == {"comment": ("Godt møde",)}
