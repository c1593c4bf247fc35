"""A round closed by hand publishes nothing until its reopen window ends (local
midnight), and what it publishes afterwards never changes (docs/anonymity.md, rule 5).

The clock is moved past the window by patching `django.utils.timezone.now`, the only
clock the code reads.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngepakke.cycle import services as cycle_services
from klyngepakke.materials.models import MaterialFile
from klyngepakke.materials.selectors import downloads
from klyngepakke.materials.services import build_missing_materials
from klyngepakke.results import overview, responses, selectors
from klyngepakke.results.models import RoundAggregate
from klyngepakke.results.services import store_missing_aggregates, store_missing_comparisons
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import answer_rows
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.selectors import questionnaire_for
from tests import factories

pytestmark = pytest.mark.django_db

PACKAGE = "trivsel-og-arbejdsglaede"
WHO5 = [f"who5_{i}" for i in range(1, 6)]
NOTICE = "Resultaterne vises fra i morgen kl. 00.00 — indtil da kan runden genåbnes"


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def person(raw: int, job: str = "some") -> dict[str, str]:
    return {"practice_type": "partnership", **dict.fromkeys(WHO5, str(raw)), "job_satisfaction": job}


def answered(round_: Round, people: list[dict[str, str]]) -> None:
    questionnaire = questionnaire_for(round_)
    pending = round_.invitations.filter(answered=False).order_by("pk")
    for invitation, answers in zip(pending, people, strict=False):
        assert services.store_submission(invitation.pk, answer_rows(questionnaire, answers)).stored


def round_with(people: list[dict[str, str]], *, by_hand: bool, members: int = 8, region: str = "syddanmark") -> Round:
    round_ = factories.open_survey_round(factories.survey_cluster(members=members, solo=1, region_code=region), PACKAGE)
    answered(round_, people)
    return services.close_round(round_, None, reopenable=by_hand)


def after_window(round_: Round):
    round_.refresh_from_db()
    assert round_.reopen_until is not None
    return mock.patch("django.utils.timezone.now", return_value=round_.reopen_until + timedelta(minutes=1))


def answered_nationally() -> int:
    uptake = overview.national_overview(timezone.localdate()).uptake
    return sum(u.answered for u in uptake if u.package.code == PACKAGE)


def urls(round_: Round) -> dict[str, str]:
    code = round_.order.cluster.code
    return {
        "page": reverse("results:round", args=[code, round_.pk]),
        "json": reverse("results:round_json", args=[round_.pk]),
        "download": reverse("materials:download", args=[code, round_.pk, "spreadsheet"]),
        "pack": reverse("materials:download_all", args=[code, round_.pk]),
    }


def test_nothing_is_published_inside_the_window_and_everything_after(catalogue, staff_client):
    round_ = round_with([person(3 + i % 3) for i in range(6)], by_hand=True)
    assert responses.in_reopen_window(round_)
    # Every reader refuses, saying when the results come.
    for name, url in urls(round_).items():
        response = staff_client.get(url)
        assert response.status_code == 409, name
        assert NOTICE in response.content.decode(), name
    assert downloads(round_) == []
    with pytest.raises(responses.ResultsNotAvailable):
        selectors.round_results(round_)
    with pytest.raises(responses.ResultsNotAvailable):
        responses.respondents(round_)
    assert responses.round_aggregates([round_.pk], [], withheld=selectors.withheld_tables) == []
    # ... and so do the scheduler's duties.
    assert store_missing_aggregates() == 0
    assert store_missing_comparisons() == 0
    assert build_missing_materials() == 0
    assert not RoundAggregate.objects.filter(round=round_).exists()
    assert not MaterialFile.objects.filter(round=round_).exists()
    assert answered_nationally() == 0  # the national overview counts published rounds only

    with after_window(round_):
        assert responses.is_published(round_)
        assert store_missing_aggregates() == 1
        assert store_missing_comparisons() == 1
        assert build_missing_materials() == 1
        assert downloads(round_)
        assert selectors.round_results(round_).publication.group.respondents == 6
        assert answered_nationally() == 6
    # The pages, a day later (the login's session lives on the real clock: the round's
    # times move a day back instead).
    day = timedelta(days=1)
    Round.objects.filter(pk=round_.pk).update(closed_at=F("closed_at") - day, reopen_until=F("reopen_until") - day)
    for name, url in urls(round_).items():
        assert staff_client.get(url).status_code == 200, name


def test_a_round_in_its_window_never_enters_another_rounds_comparison(catalogue):
    # Y closes by hand; X closes (at its deadline) later the same day, inside Y's window.
    y = round_with([person(2) for _ in range(6)], by_hand=True)
    x = round_with([person(4) for _ in range(6)], by_hand=False)
    before = [dataclasses.asdict(g) for g in selectors.compute_comparisons(x)[0]]
    assert all(group["rounds"] == 0 for group in before)
    with after_window(y):
        # Y is published now, yet X's comparison (anchored at X's close) stays as it was ...
        assert [dataclasses.asdict(g) for g in selectors.compute_comparisons(x)[0]] == before
        # ... while a round closed after Y's window does count Y (so the rule is what keeps X's fixed).
        z = round_with([person(5) for _ in range(6)], by_hand=False)
        counted = [dataclasses.asdict(g) for g in selectors.compute_comparisons(z)[0]]
        assert all(group["rounds"] == 2 for group in counted)  # X and Y


def test_a_follow_up_compares_only_with_a_published_earlier_round(catalogue):
    first = round_with([person(3) for _ in range(6)], by_hand=True)
    cycle_services.record_meeting_held(first.order, None, None)
    later = factories.open_survey_round(first.order.cluster, PACKAGE)
    assert selectors.comparable_rounds(later) == []
    with after_window(first):
        assert selectors.comparable_rounds(later) == [Round.objects.get(pk=first.pk)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(st.integers(0, 5), min_size=0, max_size=7),
    second=st.lists(st.integers(0, 5), min_size=0, max_size=7),
    reopen=st.booleans(),
)
def test_figures_published_after_the_window_never_change(catalogue, first, second, reopen):
    """Whatever happens inside the window (answers, a close by hand, a reopen, more
    answers, another close by hand), once the round is published its figures are fixed:
    no answer, reopen, duty or later read changes them."""
    members = 16
    round_ = factories.open_survey_round(factories.survey_cluster(members=members, solo=1), PACKAGE)
    answered(round_, [person(raw) for raw in first])
    services.close_round(round_, None, reopenable=True)
    if reopen:
        services.reopen_round(round_, timezone.now() + timedelta(days=2), None)
        answered(round_, [person(raw, "high") for raw in second])
        services.close_round(round_, None, reopenable=True)
    assert not responses.is_published(round_)
    with after_window(round_):
        round_.refresh_from_db()
        published = json.dumps(_figures(round_), sort_keys=True)
        with pytest.raises(services.OrderError):
            services.reopen_round(round_, timezone.now() + timedelta(days=2), None)
        late = round_.invitations.filter(answered=False).first()
        if late is not None:
            rows = answer_rows(questionnaire_for(round_), person(5))
            assert not services.store_submission(late.pk, rows).stored
        store_missing_aggregates()
        store_missing_comparisons()
        round_.refresh_from_db()
        assert json.dumps(_figures(round_), sort_keys=True) == published


def _figures(round_: Round) -> dict:
    from klyngepakke.results.serialize import results_as_dict

    return results_as_dict(selectors.round_results(round_))
