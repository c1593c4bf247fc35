"""Seed 002, the follow-up report, reproduced through the real respondent flow.

A cluster of 42 doctors answered Trivsel og arbejdsglæde (38 answers, mean WHO-5 58),
then the follow-up package a year later (34 answers, mean WHO-5 63; 8 under 50 of whom
3 under 35; job satisfaction 15/38/35/12 %; delegation reasons 26/15/10/8). Every answer
goes through the respondent's pages in the Django test client; the results layer must
report exactly the seed's figures, as far as the disclosure rules let it publish them.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.core.statistics import summarize_group
from klyngepakke.cycle import services as cycle_services
from klyngepakke.results import responses
from klyngepakke.results.selectors import follow_up_for, round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.results.serialize_follow_up import follow_up_as_dict
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import answer_rows
from klyngepakke.surveys.selectors import questionnaire_for
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

INVITED = 42

# WHO-5 raw sums (0-25; index = 4 x raw). First round: 38 answers, total 551 -> mean 58;
# none under 35 and 5 under 50 (the seed does not give last year's bands).
FIRST_RAW = [10, 11, 12, 12, 12] + [13] * 4 + [14] * 9 + [15] * 9 + [16] * 7 + [17] * 3 + [18]
# Follow-up: 34 answers, total 535 -> mean 62.94 ("63"). 3 under 35 (index <= 32), 5 more
# under 50 (index 36-48), 26 normal, one "helt i top" (100).
FOLLOW_HIGH_RISK = [6, 7, 8]
FOLLOW_RISK = [9, 10, 11, 12, 12]
FOLLOW_NORMAL = [25, 20, 19, 20, 20, 19, 19, 19, 18, 18, 18, 18, 18, 18, 17, 17, 17, 17, 17, 17, 16, 16, 15, 15, 14, 13]
FOLLOW_RAW = FOLLOW_HIGH_RISK + FOLLOW_RISK + FOLLOW_NORMAL

# Job satisfaction in the follow-up: 5/13/12/4 of 34 -> 15/38/35/12 %.
FOLLOW_JOB = ["very_high"] * 5 + ["high"] * 13 + ["some"] * 12 + ["low"] * 4
FIRST_JOB = ["very_high"] * 6 + ["high"] * 12 + ["some"] * 13 + ["low"] * 7

# Delegation reasons (several may be ticked): relief 26, economy 15, quality 10,
# meaningful 8; every respondent ticks at least one.
REASONS = {"relief": 26, "economy": 15, "quality_of_work": 10, "meaningful_work": 8}


def t_ppf(p: float, df: float) -> float:
    """Student t quantile by numerical integration of the density (numpy only): an
    independent check of the statistics module's incomplete-beta implementation."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    x = np.linspace(0.0, 60.0, 600_001)
    density = np.exp(log_c - (df + 1) / 2 * np.log1p(x * x / df))
    cdf = 0.5 + np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(x))])
    return float(np.interp(p, cdf, x))


def who5_items(raw: int, shift: int) -> dict[str, str]:
    """Five item answers (0-5) summing to `raw`; `shift` rotates where the extra points go."""
    base, extra = divmod(raw, 5)
    values = [base + (1 if (i - shift) % 5 < extra else 0) for i in range(5)]
    assert sum(values) == raw
    assert all(0 <= v <= 5 for v in values)
    return {f"who5_{i + 1}": str(v) for i, v in enumerate(values)}


def delegation_ticks(n: int) -> list[list[str]]:
    """Relief 0-25, economy 19-33, quality of work 0-9, meaningful work 10-17."""
    spans = {
        "relief": range(26),
        "economy": range(19, 34),
        "quality_of_work": range(10),
        "meaningful_work": range(10, 18),
    }
    ticks = [[reason for reason, span in spans.items() if i in span] for i in range(n)]
    assert all(ticks)
    assert {r: sum(r in t for t in ticks) for r in REASONS} == REASONS
    return ticks


def answer_round(round_, answers: list[dict]) -> None:
    """Each answer set through the respondent's pages (enter, every section, review, submit)."""
    invitations = list(round_.invitations.order_by("pk")[: len(answers)])
    for invitation, overrides in zip(invitations, answers, strict=True):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all(overrides)
        submitted = respondent.submit()
        assert submitted.status_code == 200, submitted.status_code


def store_directly(round_, answers: list[dict]) -> None:
    questionnaire = questionnaire_for(round_)
    invitations = list(round_.invitations.order_by("pk")[: len(answers)])
    for invitation, overrides in zip(invitations, answers, strict=True):
        full = {"delegation_reasons": ["relief"], "work_strains": ["administration"], **overrides}
        assert services.store_submission(invitation.pk, answer_rows(questionnaire, full)).stored


def test_fixture_matches_the_seed_figures():
    assert len(FIRST_RAW) == 38
    assert sum(FIRST_RAW) == 551
    assert len(FOLLOW_RAW) == 34
    assert sum(FOLLOW_RAW) == 535
    follow = np.array(FOLLOW_RAW) * 4
    assert round(follow.mean()) == 63
    assert (follow < 50).sum() == 8
    assert (follow < 35).sum() == 3
    assert [round(100 * FOLLOW_JOB.count(c) / 34) for c in ("very_high", "high", "some", "low")] == [15, 38, 35, 12]


@pytest.fixture
def seed002(db):
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=INVITED, solo=12)
    first = factories.open_survey_round(cluster, "trivsel-og-arbejdsglaede")
    # A questionnaire through the test client takes ~130 ms here, so the first round (38)
    # is stored with the same rows the submit view stores (answer_rows ->
    # store_submission); the follow-up, whose figures the seed reports, goes through the
    # real respondent flow.
    store_directly(
        first,
        [
            {
                "practice_type": "solo" if i % 3 == 0 else "partnership",
                **who5_items(raw, i),
                "job_satisfaction": FIRST_JOB[i],
            }
            for i, raw in enumerate(FIRST_RAW)
        ],
    )
    first = services.close_round(first, None)

    order = cycle_services.new_order(cluster, Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede"), None)
    order.follows_up = first.order
    order.save(update_fields=["follows_up"])
    follow = services.open_round(order, timezone.now() + timedelta(days=14), None)
    ticks = delegation_ticks(34)
    answer_round(
        follow,
        [
            {
                "practice_type": "solo" if i % 3 == 1 else "partnership",
                **who5_items(raw, i),
                "job_satisfaction": FOLLOW_JOB[(i * 7) % 34],  # not aligned with the WHO-5 order
                "delegation_reasons": ticks[i],
            }
            for i, raw in enumerate(FOLLOW_RAW)
        ],
    )
    follow = services.close_round(follow, None)
    return first, follow


def by_code(entries: list[dict], code: str) -> dict:
    return next(e for e in entries if e["code"] == code)


def test_seed002_follow_up_report(seed002):
    first, follow = seed002
    before = results_as_dict(round_results(first))
    after = results_as_dict(round_results(follow))

    # "34 besvarelser (ud af 42 mulige) mod 38 sidste år".
    assert (before["group"]["respondents"], after["group"]["respondents"]) == (38, 34)
    assert before["invited"] == after["invited"] == INVITED

    # Mean WHO-5: 58 last year, 63 this year (62.94).
    who5_before = by_code(before["group"]["scores"], "who5_index")
    who5_after = by_code(after["group"]["scores"], "who5_index")
    assert who5_before["estimate"]["mean"] == 58.0
    assert who5_after["estimate"]["mean"] == 62.9  # rounded once, to one decimal
    assert who5_after["estimate"]["mean_text"] == "62,9"
    assert round(who5_after["estimate"]["mean"]) == 63
    assert who5_after["scored"] == 34

    # "8 af jer ligger under 50, heraf 3 under 35": the high-risk count is below k=5 and
    # shown exactly, as every count inside a group of at least k.
    bands = {b["code"]: b["count"] for b in who5_after["bands"]}
    assert bands == {"high_risk": 3, "risk": 5, "normal": 26}
    assert bands["high_risk"] + bands["risk"] == 8
    shares = {b["code"]: b["percent"] for b in who5_after["bands"]}
    assert shares["high_risk"] == 9  # 3 / 34 = 8.8 %

    # Job satisfaction 15/38/35/12 %. "low" is 4 of 34, below k = 5, and shown exactly
    # with the whole distribution and its mean.
    raw = summarize_group(
        round_results(follow).questionnaire, round_results(follow).scores, responses.respondents(follow)
    )
    assert [round(100 * o.share) for o in raw.choices["job_satisfaction"].options] == [15, 38, 35, 12]
    job = by_code(after["group"]["items"], "job_satisfaction")
    assert [o["code"] for o in job["options"]] == ["very_high", "high", "some", "low"]
    assert [o["count"] for o in job["options"]] == [5, 13, 12, 4]
    assert [o["percent"] for o in job["options"]] == [15, 38, 35, 12]
    assert job["no_answer"] == 0
    assert job["estimate"]["mean"] == 2.6  # 87 / 34 = 2.56, values 4/3/2/1
    assert job["estimate"]["mean_text"] == "2,6"

    # Delegation: "Aflastning: 26, Økonomi: 15, Kvalitet i arbejde: 10, Meningsfyldt arbejde: 8".
    reasons = by_code(after["group"]["items"], "delegation_reasons")
    assert {o["code"]: o["count"] for o in reasons["options"]} == REASONS
    assert reasons["answered"] == 34

    # One cluster only: no region/country comparison yet.
    assert all(c.get("withheld") == "too_few_rounds" for c in after["comparisons"])

    check_change_since_last_round(first, follow)
    check_bands_side_by_side(first, follow, before, after)


def check_bands_side_by_side(first, follow, before, after):
    """The follow-up shows each round's counts per band next to each other, exactly as
    each round published them (seed 002: "8 under 50, heraf 3 under 35")."""
    data = follow_up_as_dict(follow_up_for(follow))
    who5 = by_code(data["changes"], "who5_index")
    rows = {r["code"]: r for r in who5["bands"]}
    assert [r["code"] for r in who5["bands"]] == ["high_risk", "risk", "normal"]
    published_before = {b["code"]: b["count"] for b in by_code(before["group"]["scores"], "who5_index")["bands"]}
    assert {code: r["before"] for code, r in rows.items()} == published_before
    assert {code: r["after"] for code, r in rows.items()} == {"high_risk": 3, "risk": 5, "normal": 26}
    # Independently: the first round's indices (raw x 4) per band.
    first_index = np.array(FIRST_RAW) * 4
    assert rows["normal"]["before"] == int((first_index > 50).sum()) == 33
    assert rows["normal"]["after_percent"] == round(100 * 26 / 34)
    assert data["before"] == {"respondents": 38, "invited": INVITED}
    assert data["after"] == {"respondents": 34, "invited": INVITED}
    assert who5["comparison"]["verdict"] == "within_noise"
    assert "inden for den tilfældige variation" in who5["sentence"]


def check_change_since_last_round(first, follow):
    change = follow_up_for(follow)
    assert change is not None
    assert change.before.round == first
    assert "who5_index" in {c.definition.code for c in change.changes}
    assert {"who5", "job_satisfaction", "practice_type"} <= set(change.common_items)
    who5 = next(c for c in change.changes if c.definition.code == "who5_index")
    comparison = who5.comparison

    a, b = np.array(FIRST_RAW) * 4.0, np.array(FOLLOW_RAW) * 4.0
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = t_ppf(0.975, df) * math.sqrt(va + vb)
    difference = b.mean() - a.mean()

    assert difference == pytest.approx(4.94, abs=0.005)
    assert comparison.difference == pytest.approx(difference, abs=1e-9)
    assert comparison.df == pytest.approx(df, rel=1e-9)
    assert comparison.ci.low == pytest.approx(difference - half, abs=1e-6)
    assert comparison.ci.high == pytest.approx(difference + half, abs=1e-6)
    # The interval contains 0: the rise from 58 to 63 is within noise for groups this
    # small, and below the 10 points WHO-5 counts as a meaningful change.
    assert comparison.ci.low < 0 < comparison.ci.high
    assert comparison.verdict == "within_noise"
    assert comparison.meaningful is False
    assert comparison.meaningful_change == 10
