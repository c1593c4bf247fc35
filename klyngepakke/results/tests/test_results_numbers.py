"""The results layer's published numbers against an independent numpy computation.

Random answer sets are stored through `services.store_submission` (the rows the submit
view stores) into a round that is then closed; every figure the results layer publishes
unmasked must equal the same figure computed with numpy from the generated answers.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from klyngepakke.results.selectors import MIN_COMPARISON_ROUNDS, ResultsNotAvailable, round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import answer_rows
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.selectors import questionnaire_for
from tests import factories

pytestmark = pytest.mark.django_db

PACKAGE = "trivsel-og-arbejdsglaede"
JOB = {"very_high": 4, "high": 3, "some": 2, "low": 1}  # the package's scale, in its order
WHO5 = [f"who5_{i}" for i in range(1, 6)]
BANDS = {"high_risk": (0, 35), "risk": (36, 50), "normal": (51, 100)}  # who5.yaml


def t_ppf(p: float, df: float) -> float:
    """Student t quantile by numerical integration of the density (numpy only)."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    x = np.linspace(0.0, 60.0, 600_001)
    density = np.exp(log_c - (df + 1) / 2 * np.log1p(x * x / df))
    cdf = 0.5 + np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(x))])
    return float(np.interp(p, cdf, x))


def test_t_quantile_helper_matches_published_tables():
    # Student t, two-sided 95 %: textbook values.
    for df, t in {2: 4.303, 4: 2.776, 9: 2.262, 19: 2.093, 30: 2.042}.items():
        assert t_ppf(0.975, df) == pytest.approx(t, abs=5e-4)


respondent = st.fixed_dictionaries(
    {
        "practice_type": st.sampled_from(["solo", "partnership"]),
        **{code: st.integers(0, 5) for code in WHO5},
        "job_satisfaction": st.one_of(st.none(), st.sampled_from(list(JOB))),
    }
)


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def closed_round(answers: list[dict], package: str = PACKAGE, cluster=None, members: int | None = None):
    cluster = cluster or factories.survey_cluster(members=members or max(len(answers), 1), solo=1)
    round_ = factories.open_survey_round(cluster, package)
    questionnaire = questionnaire_for(round_)
    for invitation, person in zip(round_.invitations.order_by("pk"), answers, strict=False):
        given_answers = {c: (str(v) if isinstance(v, int) else v) for c, v in person.items() if v is not None}
        assert services.store_submission(invitation.pk, answer_rows(questionnaire, given_answers)).stored
    return services.close_round(round_, None)


def half_up(value: float, decimals: int = 1) -> float:
    """The published rounding: half up on the decimal value."""
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def check_estimate(published: dict, values: np.ndarray) -> None:
    n = values.size
    assert published["n"] == n
    assert published["mean"] == half_up(values.mean())
    assert published["median"] == half_up(np.median(values))
    assert published["mean_text"] == f"{half_up(values.mean()):.1f}".replace(".", ",")
    if n >= 2:
        half = t_ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
        # numpy and the core may differ in the last bits: allow the rounding step itself.
        assert published["ci_low"] == pytest.approx(values.mean() - half, abs=0.051)
        assert published["ci_high"] == pytest.approx(values.mean() + half, abs=0.051)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    blocks=st.lists(respondent, min_size=1, max_size=4),
    extras=st.lists(respondent, max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_published_numbers_equal_numpy(catalogue, blocks, extras, order):
    # Answer sets repeated five times, plus a few single ones: groups of 5-25 with some
    # counts of at least k and some below, all published exactly.
    people = [p for p in blocks for _ in range(5)] + extras
    order.shuffle(people)
    with transaction.atomic():
        round_ = closed_round(people)
        data = results_as_dict(round_results(round_))
        transaction.set_rollback(True)

    group = data["group"]
    assert group["respondents"] == len(people)
    checked = 0

    # Job satisfaction: counts, shares of the answers on the scale, mean/median/CI.
    job = next(i for i in group["items"] if i["code"] == "job_satisfaction")
    chosen = np.array([p["job_satisfaction"] or "" for p in people])
    counts = {code: int((chosen == code).sum()) for code in JOB}
    if "withheld" not in job:
        on_scale = sum(counts.values())
        assert job["no_answer"] == len(people) - on_scale
        for option in job["options"]:
            assert option["count"] == counts[option["code"]]
            expected = half_up(100 * counts[option["code"]] / on_scale, 0) if on_scale else None
            assert option["percent"] == expected
            checked += 1
        if job["estimate"] and "withheld" not in job["estimate"]:
            check_estimate(job["estimate"], np.repeat([float(v) for v in JOB.values()], list(counts.values())))
            checked += 1

    # WHO-5 items (matrix): counts per option and their means.
    for code in WHO5:
        item = next(i for i in group["items"] if i["code"] == code)
        values = np.array([p[code] for p in people], dtype=float)
        if "withheld" in item:
            continue
        for option in item["options"]:
            assert option["count"] == int((values == int(option["code"])).sum())
        if item["estimate"] and "withheld" not in item["estimate"]:
            check_estimate(item["estimate"], values)
            checked += 1

    # WHO-5 index: 4 x the raw sum per respondent; mean, median, CI and band counts.
    index = np.array([4 * sum(p[c] for c in WHO5) for p in people], dtype=float)
    who5 = next(s for s in group["scores"] if s["code"] == "who5_index")
    if "withheld" not in who5:
        if "withheld" not in who5["estimate"]:
            check_estimate(who5["estimate"], index)
            checked += 1
        if isinstance(who5["bands"], list):
            for band in who5["bands"]:
                low, high = BANDS[band["code"]]
                expected = int(((index >= low) & (index <= high)).sum())
                assert band["count"] == expected
                assert band["percent"] == half_up(100 * expected / index.size, 0)
                checked += 1
    # How much each example could compare (tiny groups may publish little but masks).
    event(f"figures compared: {min(checked, 5)}+" if checked >= 5 else f"figures compared: {checked}")


def test_open_round_has_no_results(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster(members=6), PACKAGE)
    with pytest.raises(ResultsNotAvailable):
        round_results(round_)


def test_a_round_under_k_respondents_is_withheld_whole(catalogue):
    people = [{"practice_type": "solo", **dict.fromkeys(WHO5, 3), "job_satisfaction": "high"}] * 4
    data = results_as_dict(round_results(closed_round(people, members=10)))
    assert data["group"]["withheld"] == "group_too_small"
    assert "items" not in data["group"]
    assert "scores" not in data["group"]
    assert all(g.get("withheld") for g in data["subgroups"].values())


def test_comparison_groups_need_three_other_eligible_rounds(catalogue):
    def people(raw: int, n: int = 5) -> list[dict]:
        return [{"practice_type": "partnership", **dict.fromkeys(WHO5, raw), "job_satisfaction": "some"}] * n

    def other(raw: int, region: str) -> None:
        # One of six invited did not answer and one is solo: no nameable set, so the
        # homogeneity rule withholds nothing and every table enters the pools.
        answers = [{**people(raw, 1)[0], "practice_type": "solo"}, *people(raw, 4)]
        closed_round(answers, cluster=factories.survey_cluster(members=6, region_code=region))

    own = closed_round(people(3))
    country = "Hele landet (andre klynger)"

    def comparison() -> dict:
        # The comparison period ends at the round's close: let it close after the others.
        Round.objects.filter(pk=own.pk).update(closed_at=timezone.now())
        own.refresh_from_db()
        return next(c for c in results_as_dict(round_results(own))["comparisons"] if c["label"] == country)

    other(1, "nordjylland")
    other(2, "hovedstaden")
    closed_round(people(5, n=4), cluster=factories.survey_cluster(members=5, region_code="sjaelland"))  # < k
    assert MIN_COMPARISON_ROUNDS == 3
    assert comparison()["withheld"] == "too_few_rounds"
    assert comparison()["rounds"] == 2  # the round under k does not count

    other(4, "midtjylland")
    shown = comparison()
    assert "withheld" not in shown
    assert (shown["rounds"], shown["respondents"]) == (3, 15)
    # Means over the three eligible rounds (raw item value 1, 2, 4 -> index 20, 40, 80).
    # (Rounded once, to one decimal.)
    assert shown["score_means"]["who5_index"] == half_up(np.mean([20, 40, 80]))
    assert shown["item_means"]["who5_1"] == half_up(np.mean([1, 2, 4]))
    assert shown["item_means"]["job_satisfaction"] == pytest.approx(2.0)
    region = next(c for c in results_as_dict(round_results(own))["comparisons"] if c["label"] != country)
    assert region["withheld"] == "too_few_rounds"  # no other cluster in the own region
