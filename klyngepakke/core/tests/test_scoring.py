"""WHO-5 scoring checked against worked examples and an independent computation."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klyngepakke.core.catalogue_files import read_catalogue
from klyngepakke.core.scoring import respondent_scores

PACKAGES = Path(__file__).resolve().parents[3] / "packages"


@functools.cache
def trivsel_document() -> dict:
    read = read_catalogue(PACKAGES)
    assert not read.errors
    return next(p.document for p in read.packages if p.code == "trivsel-og-arbejdsglaede")


@pytest.fixture
def trivsel() -> dict:
    return trivsel_document()


def who5_answers(values: list[int]) -> dict[str, str]:
    return {f"who5_{i + 1}": str(v) for i, v in enumerate(values)}


@pytest.mark.parametrize(
    ("values", "index", "band"),
    [
        ([5, 5, 5, 5, 5], 100, "normal"),
        ([0, 0, 0, 0, 0], 0, "high_risk"),
        ([3, 3, 2, 4, 1], 52, "normal"),  # raw 13 x 4
        ([2, 2, 2, 2, 1], 36, "risk"),  # raw 9 x 4: first value of the risk band
        ([2, 2, 2, 1, 1], 32, "high_risk"),  # raw 8 x 4
        ([3, 2, 2, 3, 2], 48, "risk"),  # "under 50"
        ([3, 3, 3, 2, 2], 52, "normal"),
    ],
)
def test_who5_worked_examples(trivsel, values, index, band):
    (result,) = [r for r in respondent_scores(trivsel, who5_answers(values)) if r.definition.code == "who5_index"]
    assert result.value == index
    assert result.band is not None
    assert result.band.code == band


def test_who5_needs_all_five_items(trivsel):
    answers = who5_answers([5, 5, 5, 5, 5])
    del answers["who5_5"]
    assert not [r for r in respondent_scores(trivsel, answers) if r.definition.code == "who5_index"]


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5))
def test_who5_index_is_four_times_the_raw_sum(values):
    document = trivsel_document()
    (result,) = [r for r in respondent_scores(document, who5_answers(values)) if r.definition.code == "who5_index"]
    assert result.value == 4 * sum(values)
    # Independent band rule from the domain: 0-35 high risk, 36-50 risk, over 50 normal.
    expected = "high_risk" if result.value <= 35 else "risk" if result.value <= 50 else "normal"
    assert result.band is not None
    assert result.band.code == expected
