"""Right after submit the respondent sees their own scores, once, and nothing keeps them.

The landing page and the e-mail promise the private feedback "gemmes ikke": it is the
response to the submit itself, never stored in the session, the cache or anywhere else,
and it cannot be called up again, not even in the same browser.
"""

from __future__ import annotations

import base64
import pickle
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.urls import reverse

from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

LOW_WHO5 = {"who5_1": "1", "who5_2": "2", "who5_3": "1", "who5_4": "2", "who5_5": "1"}  # raw 7 -> 28
SCORE = "WHO-5 trivselsindeks: 28 af 100"
BAND = "Høj risiko for depression eller stress"


def submit(survey_round, overrides):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all(overrides)
    page = respondent.submit()
    assert page.status_code == 200
    return respondent, page


def test_feedback_shows_the_who5_index_its_band_and_where_to_get_help(survey_round):
    _respondent, page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    html = page.content.decode()
    assert SCORE in html
    assert BAND in html
    assert "10 point" in html  # the meaningful-change note from the package
    assert "krisekorps" in html
    assert "Region Syddanmark" in html  # the cluster's own region's unit
    assert "Region Hovedstaden" not in html
    assert "no-store" in page["Cache-Control"]


def stored_sessions() -> list[str]:
    return [repr(s.get_decoded()) for s in Session.objects.all()]


def stored_cache_values() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM klyngepakke_cache")
        return [f"{key} {pickle.loads(base64.b64decode(value))!r}" for key, value in cursor.fetchall()]  # noqa: S301


def test_nothing_of_the_feedback_remains_on_the_server(survey_round):
    respondent, page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    assert SCORE in page.content.decode()
    for stored in stored_sessions() + stored_cache_values():
        assert "28 af 100" not in stored, stored
        assert "WHO-5" not in stored
        assert BAND not in stored
        assert "risiko" not in stored.lower()
    # The session that knew the invitation is gone, and no new one was made.
    assert not Session.objects.exists()
    assert respondent.client.cookies["sessionid"].value == ""


@pytest.mark.parametrize("path", ["surveys:thanks", "surveys:review", "surveys:landing"])
def test_feedback_cannot_be_reopened_in_the_same_browser(survey_round, path):
    respondent, _page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    again = respondent.client.get(reverse(path))
    html = again.content.decode()
    assert again.status_code == 410
    assert "allerede svaret" in html
    assert "28 af 100" not in html
    assert BAND not in html


def test_a_repeated_submit_post_shows_already_answered_without_the_scores(survey_round):
    respondent, _page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    again = respondent.submit()  # a reload of the thanks page re-sends the POST
    assert again.status_code == 410
    assert "allerede svaret" in again.content.decode()
    assert BAND not in again.content.decode()


def test_another_browser_gets_the_open_your_link_page(survey_round):
    submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    assert Client().get(reverse("surveys:thanks")).status_code == 403


def test_feedback_can_be_printed(survey_round):
    _respondent, page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    assert "data-print" in page.content.decode()
    css = Path(finders.find("surveys/survey.css")).read_text()
    assert "@media print" in css


def test_opening_another_link_afterwards_forgets_the_answered_marker(survey_round):
    respondent, _page = submit(survey_round, {"practice_type": "solo", **LOW_WHO5})
    other = survey_round.invitations.order_by("-pk").first()
    assert respondent.client.get(reverse("surveys:enter", args=[factories.issue_link(other)])).status_code == 302
    respondent.client.cookies.pop("sessionid")  # that browser session's questionnaire is lost
    lost = respondent.client.get(reverse("surveys:landing"))
    assert lost.status_code == 403
    assert "Åbn linket fra din e-mail" in lost.content.decode()
