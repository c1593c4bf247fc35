"""Submit is exactly-once and atomic: double clicks, two tabs, back button, retries."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation
from klyngepakke.surveys.response_models import Answer, PartialAnswers, Response
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories


@pytest.mark.django_db
def test_submit_stores_one_response_and_deletes_the_partial_answers(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all()
    response = respondent.submit()
    assert response.status_code == 200
    assert "Tak for dit svar" in response.content.decode()
    assert Response.objects.filter(round=survey_round).count() == 1
    assert not PartialAnswers.objects.filter(invitation=invitation).exists()
    invitation.refresh_from_db()
    assert invitation.answered


@pytest.mark.django_db
def test_second_submit_from_the_same_browser_says_it_is_already_answered(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all()
    respondent.submit()
    again = respondent.submit()
    assert again.status_code == 410
    assert "allerede svaret" in again.content.decode()
    assert Response.objects.filter(round=survey_round).count() == 1


@pytest.mark.django_db
def test_second_tab_with_its_own_session_gets_a_friendly_already_answered_page(survey_round):
    invitation = survey_round.invitations.first()
    token = factories.issue_link(invitation)
    tab_one = Respondent(invitation, token)
    tab_two = Respondent(invitation, token, Client())
    tab_one.answer_all()
    tab_two.enter()
    tab_one.submit()
    late = tab_two.submit()
    assert late.status_code == 410
    assert "allerede svaret" in late.content.decode()
    assert Response.objects.filter(round=survey_round).count() == 1


@pytest.mark.django_db
def test_submit_after_close_stores_nothing(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all()
    services.close_round(survey_round, None)
    assert respondent.submit().status_code == 410
    assert not Response.objects.filter(round=survey_round).exists()


@pytest.mark.django_db
def test_a_failing_write_leaves_nothing_behind(survey_round, monkeypatch):
    invitation = survey_round.invitations.first()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Answer.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.store_submission(invitation.pk, [("who5_1", "3", 3.0, "")])
    invitation.refresh_from_db()
    assert not invitation.answered
    assert not Response.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_store_exactly_one_response():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions: runs in the PostgreSQL pass of make test")
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=0))
    invitation = Invitation.objects.filter(round=round_).first()
    rows = [(f"who5_{i}", "3", 3.0, "") for i in range(1, 6)]
    barrier = threading.Barrier(8)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            outcomes.append(services.store_submission(invitation.pk, rows))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(o.stored for o in outcomes) == 1
    assert {o.reason for o in outcomes if not o.stored} == {"already_answered"}
    assert Response.objects.filter(round=round_).count() == 1
    assert Answer.objects.filter(response__round=round_).count() == 5
