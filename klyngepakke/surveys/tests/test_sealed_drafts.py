"""Saved partial answers are sealed with a key that only the respondent's link gives.

The server keeps only the SHA-256 of a link token, so without the link a stored draft
is bytes no one can read; the key travels in a browser-session cookie, never into the
database.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from klyngepakke.surveys import drafts
from klyngepakke.surveys.respondent_views import DRAFT_KEY_COOKIE
from klyngepakke.surveys.response_models import PartialAnswers
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

CODES = ["practice_type", "partnership", "who5_1", "who5_2", "job_satisfaction", "Fritekst"]


def answer_first_pages(respondent: Respondent, pages: int = 3) -> None:
    respondent.enter()
    for section in respondent.questionnaire.sections[:pages]:
        posted = respondent.client.post(
            reverse("surveys:section", args=[section.code]),
            {**respondent.choose(section.code, {"practice_type": "partnership"}), "nav": "next"},
        )
        assert posted.status_code == 302


def stored_draft(invitation) -> bytes:
    return bytes(PartialAnswers.objects.get(invitation=invitation).sealed)


def test_a_stored_draft_holds_none_of_the_answer_codes_or_options(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    answer_first_pages(respondent)
    sealed = stored_draft(invitation)
    for code in CODES:
        assert code.encode() not in sealed
    # ... nor does the table as a dump shows it (every field, base64 for the bytes).
    out = io.StringIO()
    call_command("dumpdata", "surveys.partialanswers", format="json", stdout=out)
    dump = out.getvalue()
    assert '"sealed"' in dump
    for code in CODES:
        assert code not in dump
    # Opened with the key of the link, it is the answers.
    opened = drafts.open_sealed(drafts.key_for_token(respondent.token), invitation.pk, sealed)
    assert opened is not None
    assert opened["practice_type"] == "partnership"


def test_the_key_is_never_in_the_database(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    answer_first_pages(respondent, 1)
    key = respondent.client.cookies[DRAFT_KEY_COOKIE].value
    assert drafts.decode_key(key) == drafts.key_for_token(respondent.token)
    assert respondent.client.cookies[DRAFT_KEY_COOKIE]["expires"] == ""  # a browser-session cookie
    assert respondent.client.cookies[DRAFT_KEY_COOKIE]["httponly"]
    for session in Session.objects.all():
        assert key not in repr(session.get_decoded())
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    assert key not in out.getvalue()


def test_resume_from_the_link_in_another_browser(survey_round):
    invitation = survey_round.invitations.first()
    token = factories.issue_link(invitation)
    first = Respondent(invitation, token)
    answer_first_pages(first, 1)
    second = Respondent(invitation, token, Client())
    second.enter()
    landing = second.client.get(reverse("surveys:landing")).content.decode()
    assert "Fortsæt, hvor du slap" in landing
    code = first.questionnaire.sections[0].code
    page = second.client.get(reverse("surveys:section", args=[code])).content.decode()
    assert 'value="partnership" checked' in page


def test_a_draft_cannot_be_opened_with_another_invitations_link(survey_round):
    mine, other = survey_round.invitations.order_by("pk")[:2]
    respondent = Respondent(mine, factories.issue_link(mine))
    answer_first_pages(respondent, 1)
    other_token = factories.issue_link(other)
    sealed = stored_draft(mine)
    assert drafts.open_sealed(drafts.key_for_token(other_token), mine.pk, sealed) is None
    # Nor moved to the other invitation's row and opened there with the right key.
    assert drafts.open_sealed(drafts.key_for_token(respondent.token), other.pk, sealed) is None
    # Through the pages: the other doctor's link shows no answers of this one.
    stranger = Respondent(other, other_token)
    stranger.enter()
    PartialAnswers.objects.create(invitation=other, sealed=sealed)  # a draft copied across
    code = respondent.questionnaire.sections[0].code
    page = stranger.client.get(reverse("surveys:section", args=[code])).content.decode()
    assert "checked" not in page


def test_a_draft_saved_under_one_e_mails_link_is_not_readable_from_a_reminders_link(survey_round):
    """Each e-mail carries a fresh token, so a reminder's link has another key: the
    questionnaire starts empty (the earlier e-mail's link still resumes), and saving
    replaces the draft, sealed under the new key."""
    invitation = survey_round.invitations.first()
    first_link = factories.issue_link(invitation)
    first = Respondent(invitation, first_link)
    answer_first_pages(first, 1)
    reminder = Respondent(invitation, factories.issue_link(invitation), Client())
    reminder.enter()
    code = reminder.questionnaire.sections[0].code
    assert "checked" not in reminder.client.get(reverse("surveys:section", args=[code])).content.decode()
    again = Respondent(invitation, first_link, Client())
    again.enter()
    assert 'value="partnership" checked' in again.client.get(reverse("surveys:section", args=[code])).content.decode()


def test_without_the_key_cookie_the_pages_ask_for_the_link_again(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    answer_first_pages(respondent, 1)
    del respondent.client.cookies[DRAFT_KEY_COOKIE]  # the browser session ended
    page = respondent.client.get(reverse("surveys:landing"))
    assert page.status_code == 403
    assert "Åbn linket fra din e-mail" in page.content.decode()
    assert PartialAnswers.objects.filter(invitation=invitation).exists()  # kept for the link


def test_drafts_are_deleted_at_submit(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all({})
    assert PartialAnswers.objects.filter(invitation=invitation).exists()
    assert respondent.submit().status_code == 200
    assert not PartialAnswers.objects.filter(invitation=invitation).exists()
    assert DRAFT_KEY_COOKIE not in respondent.client.cookies or not respondent.client.cookies[DRAFT_KEY_COOKIE].value
