"""Survey links: exchanged for a session, never kept in URLs; clear pages for bad links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klyngepakke.support.tokens import hash_token
from klyngepakke.surveys import respondent_throttle, services
from klyngepakke.surveys.models import InvitationToken
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db


def test_link_is_exchanged_for_a_session_and_a_token_free_url(survey_round):
    invitation = survey_round.invitations.first()
    token = factories.issue_link(invitation)
    client = Client()
    response = client.get(f"/s/{token}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:landing")
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert landing["Referrer-Policy"] == "strict-origin"  # origin only: POSTs keep a real Origin
    assert token not in landing.content.decode()


def test_only_the_hash_of_a_token_is_stored(survey_round):
    invitation = survey_round.invitations.first()
    token = factories.issue_link(invitation)
    stored = InvitationToken.objects.get(invitation=invitation)
    assert stored.token_hash == hash_token(token)
    assert token not in stored.token_hash
    assert len(token) >= 22  # at least 128 bits of URL-safe base64


def test_invalid_token_gets_a_clear_404_page(survey_round):
    response = Client().get("/s/" + "x" * 32 + "/")
    assert response.status_code == 404
    assert "Linket virker ikke" in response.content.decode()


def test_malformed_token_is_a_404_not_a_server_error(survey_round):
    for bad in ["abc", "ø" * 32, "a" * 300]:
        response = Client().get(f"/s/{bad}/")
        assert response.status_code == 404, bad
    # A NUL anywhere in a request is refused as bad input before any view (web.middleware).
    assert Client().get("/s/" + "%00" * 11 + "/").status_code == 400


def test_used_token_gets_410_after_submit(survey_round):
    invitation = survey_round.invitations.first()
    token = factories.issue_link(invitation)
    respondent = Respondent(invitation, token)
    respondent.answer_all()
    assert respondent.submit().status_code == 200
    again = Client().get(f"/s/{token}/")
    assert again.status_code == 410
    assert "allerede svaret" in again.content.decode()


def test_closed_round_token_gets_410(survey_round):
    token = factories.issue_link(survey_round.invitations.first())
    services.close_round(survey_round, None)
    response = Client().get(f"/s/{token}/")
    assert response.status_code == 410
    assert "lukket" in response.content.decode()


def test_expired_round_token_gets_410_before_the_scheduler_closes_it(survey_round):
    token = factories.issue_link(survey_round.invitations.first())
    survey_round.closes_at = timezone.now() - timedelta(minutes=1)
    survey_round.save(update_fields=["closes_at"])
    response = Client().get(f"/s/{token}/")
    assert response.status_code == 410


def test_pages_without_the_survey_session_say_to_open_the_link(survey_round):
    for name in ["surveys:landing", "surveys:review"]:
        response = Client().get(reverse(name))
        assert response.status_code == 403
        assert "Åbn linket fra din e-mail" in response.content.decode()


def test_session_expires_with_the_round(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.enter()
    services.close_round(survey_round, None)
    response = respondent.client.get(reverse("surveys:landing"))
    assert response.status_code == 410


def test_guessing_tokens_is_rate_limited(survey_round):
    cache.clear()
    client = Client()
    for _ in range(respondent_throttle.LIMIT):
        assert client.get("/s/" + "y" * 32 + "/").status_code == 404
    blocked = client.get("/s/" + "z" * 32 + "/")
    assert blocked.status_code == 429
    # Even a valid link is refused while blocked, so guessing cannot go on.
    token = factories.issue_link(survey_round.invitations.first())
    assert client.get(f"/s/{token}/").status_code == 429
    cache.clear()
