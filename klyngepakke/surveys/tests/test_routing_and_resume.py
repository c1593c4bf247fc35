"""Routing from the package, validation next to the field, and resuming from the same link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klyngepakke.surveys import drafts
from klyngepakke.surveys.response_models import PartialAnswers
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def samarbejde_round(catalogue):
    return factories.open_survey_round(factories.survey_cluster(members=4, solo=1), "samarbejde-og-faellesskab")


def draft(respondent: Respondent) -> dict:
    """The respondent's saved partial answers, opened with the key from their link."""
    sealed = bytes(PartialAnswers.objects.get(invitation=respondent.invitation).sealed)
    opened = drafts.open_sealed(drafts.key_for_token(respondent.token), respondent.invitation.pk, sealed)
    assert opened is not None
    return opened


def partnership_only_questions(respondent: Respondent) -> set[str]:
    return {
        code
        for code, q in respondent.questionnaire.questions.items()
        if q.show_if is not None and q.show_if.question == "practice_type"
    }


def visible_question_codes(page_html: str, respondent: Respondent) -> set[str]:
    return {
        code
        for code, q in respondent.questionnaire.questions.items()
        if any(f'name="{a}"' in page_html for a in q.answer_codes)
    }


@pytest.mark.parametrize("practice_type", ["solo", "partnership"])
def test_solo_doctors_are_routed_around_leadership_team_questions(samarbejde_round, practice_type):
    invitation = samarbejde_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    seen_pages = []
    respondent.answer_all({"practice_type": practice_type})
    for code in [s.code for s in respondent.questionnaire.sections]:
        page = respondent.client.get(reverse("surveys:section", args=[code]))
        if page.status_code == 200:
            seen_pages.append(visible_question_codes(page.content.decode(), respondent))
    shown = set().union(*seen_pages)
    skipped = partnership_only_questions(respondent)
    if practice_type == "solo":
        assert not skipped & shown
    else:
        assert skipped <= shown


def test_missing_required_answer_shows_a_danish_error_next_to_the_field(samarbejde_round):
    invitation = samarbejde_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.enter()
    first = respondent.questionnaire.sections[0].code
    response = respondent.client.post(reverse("surveys:section", args=[first]), {"nav": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vælg et svar." in html
    assert 'id="fejl-practice_type"' in html
    assert 'aria-describedby="fejl-practice_type"' in html
    assert not PartialAnswers.objects.filter(invitation=invitation).exists()


def test_answers_are_kept_between_pages_and_resume_from_the_same_link(samarbejde_round):
    invitation = samarbejde_round.invitations.first()
    token = factories.issue_link(invitation)
    first = Respondent(invitation, token)
    first.enter()
    sections = first.questionnaire.sections
    first.client.post(
        reverse("surveys:section", args=[sections[0].code]),
        {**first.choose(sections[0].code, {"practice_type": "partnership"}), "nav": "next"},
    )
    # Another device, the same link: the landing page offers to continue where it stopped.
    second = Respondent(invitation, token, Client())
    second.enter()
    landing = second.client.get(reverse("surveys:landing")).content.decode()
    assert "Fortsæt, hvor du slap" in landing
    assert f'href="/svar/side/{sections[1].code}/"' in landing
    page = second.client.get(reverse("surveys:section", args=[sections[0].code])).content.decode()
    assert 'value="partnership" checked' in page


def test_back_button_keeps_answers_without_validating(samarbejde_round):
    invitation = samarbejde_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.enter()
    sections = respondent.questionnaire.visible_sections({"practice_type": "solo"})
    respondent.client.post(
        reverse("surveys:section", args=[sections[0].code]), {"practice_type": "solo", "nav": "next"}
    )
    back = respondent.client.post(reverse("surveys:section", args=[sections[1].code]), {"nav": "back"})
    assert back.status_code == 302
    assert back["Location"] == reverse("surveys:section", args=[sections[0].code])


def test_review_lists_missing_required_sections_and_refuses_submit(samarbejde_round):
    invitation = samarbejde_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.enter()
    review = respondent.client.get(reverse("surveys:review"))
    assert "Der mangler svar" in review.content.decode()
    assert respondent.submit().status_code == 400
    invitation.refresh_from_db()
    assert not invitation.answered


def test_changing_practice_type_drops_answers_that_no_longer_apply(samarbejde_round):
    invitation = samarbejde_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all({"practice_type": "partnership"})
    skipped = partnership_only_questions(respondent)
    skipped_codes = {c for q in skipped for c in respondent.questionnaire.questions[q].answer_codes}
    assert skipped_codes & set(draft(respondent))
    first = respondent.questionnaire.sections[0].code
    respondent.client.post(reverse("surveys:section", args=[first]), {"practice_type": "solo", "nav": "next"})
    assert not skipped_codes & set(draft(respondent))
