"""Right after submit the respondent sees their own scores, in that browser only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from klyngepakke.surveys.respondent_views import SESSION_FEEDBACK, SESSION_INVITATION
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

LOW_WHO5 = {"who5_1": "1", "who5_2": "2", "who5_3": "1", "who5_4": "2", "who5_5": "1"}  # raw 7 -> 28


def submit(survey_round, overrides):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all(overrides)
    response = respondent.submit()
    assert response["Location"] == reverse("surveys:thanks")
    return respondent


def test_feedback_shows_the_who5_index_its_band_and_where_to_get_help(survey_round):
    respondent = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    page = respondent.client.get(reverse("surveys:thanks"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "WHO-5 trivselsindeks: 28 af 100" in html
    assert "Høj risiko for depression eller stress" in html
    assert "10 point" in html  # the meaningful-change note from the package
    assert "krisekorps" in html
    assert "Region Syddanmark" in html  # the cluster's own region's unit
    assert "Region Hovedstaden" not in html
    assert "no-store" in page["Cache-Control"]


def test_feedback_is_in_that_browser_only_and_not_tied_to_the_invitation(survey_round):
    respondent = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    assert Client().get(reverse("surveys:thanks")).status_code == 403
    session_key = respondent.client.cookies["sessionid"].value
    data = Session.objects.get(session_key=session_key).get_decoded()
    assert SESSION_INVITATION not in data
    assert set(data) == {SESSION_FEEDBACK}


def test_feedback_can_be_printed(survey_round):
    respondent = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    html = respondent.client.get(reverse("surveys:thanks")).content.decode()
    assert "data-print" in html
    css = Path(finders.find("surveys/survey.css")).read_text()
    assert "@media print" in css
