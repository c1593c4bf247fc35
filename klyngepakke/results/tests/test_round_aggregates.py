"""Stored per-round aggregates: computed once per closed round, equal to a fresh count."""

from __future__ import annotations

import pytest

from klyngepakke.core.scoring import score_definitions
from klyngepakke.results import responses
from klyngepakke.results.models import RoundAggregate
from klyngepakke.results.services import store_missing_aggregates
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(db):
    factories.shipped_catalogue()
    return factories.open_survey_round(factories.survey_cluster(members=6, solo=1))


def test_the_scheduler_stores_each_closed_round_once_and_counts_match(survey_round):
    answered = list(survey_round.invitations.all()[:5])
    for invitation in answered:
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"practice_type": "solo"})
        respondent.submit()
    assert store_missing_aggregates() == 0  # open rounds are never aggregated
    survey_round = services.close_round(survey_round, None)
    assert store_missing_aggregates() == 1
    assert store_missing_aggregates() == 0
    aggregate = RoundAggregate.objects.get(round=survey_round)
    assert aggregate.respondents == 5
    assert aggregate.option_counts["practice_type"] == {"solo": 5}
    people = responses.respondents(survey_round)
    for code in ("who5_1", "job_satisfaction"):
        expected: dict[str, int] = {}
        for answers in people:
            if code in answers:
                expected[answers[code]] = expected.get(answers[code], 0) + 1
        assert aggregate.option_counts[code] == expected
    definition = next(d for d in score_definitions(survey_round.package_version.document) if d.code == "who5_index")
    values = [4 * sum(int(p[c]) for c in definition.items) for p in people]
    assert aggregate.score_sums["who5_index"] == [float(sum(values)), len(values)]
