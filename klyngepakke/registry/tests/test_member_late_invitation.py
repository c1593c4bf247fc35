"""A member added after a round opened is invited to it (one action, the normal
invitation e-mail with a fresh link through the outbox); members who left change no
round's figures."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from klyngepakke.cycle.models import OrderEvent
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.registry import member_services
from klyngepakke.registry.member_services import MemberError
from klyngepakke.results.selectors import round_results
from klyngepakke.surveys import selectors as survey_selectors
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation
from klyngepakke.surveys.selectors import invited_count
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(catalogue):
    return factories.open_survey_round(factories.survey_cluster(members=6, solo=1))


def add(round_, email="sen@laege.example"):
    cluster = round_.order.cluster
    return member_services.add_member(
        cluster, name="Sen Læge", email=email, practice=cluster.practices.first(), by=None
    )


def queued(email):
    return OutboxMessage.objects.filter(kind="survey_invitation", to=email).count()


def test_a_member_added_after_opening_is_invited_once(round_):
    member = add(round_)
    assert survey_selectors.uninvited_members(round_) == [member]
    assert services.invite_late(round_, by=None) == 1
    assert Invitation.objects.filter(round=round_, member=member).exists()
    assert queued(member.email) == 1
    assert invited_count(round_) == 7
    assert "1 medlem(mer) inviteret efter åbningen (6 før)" in OrderEvent.objects.latest("pk").note
    with pytest.raises(MemberError, match="Alle aktive medlemmer er allerede inviteret"):
        services.invite_late(round_, by=None)
    assert queued(member.email) == 1


def test_a_member_who_left_is_not_invited_and_not_reminded(round_):
    member = add(round_)
    member_services.mark_left(member, by=None)
    assert survey_selectors.uninvited_members(round_) == []
    invited = round_.invitations.first().member
    member_services.mark_left(invited, by=None)
    from klyngepakke.surveys import reminders

    reminders.send_reminders_now(round_, None)
    reminded = set(OutboxMessage.objects.filter(kind="survey_reminder").values_list("to", flat=True))
    assert len(reminded) == 5
    assert invited.email not in reminded


def test_no_late_invitation_into_a_closed_round(round_):
    services.close_round(round_, None)
    add(round_)
    with pytest.raises(MemberError, match="Runden er lukket"):
        services.invite_late(round_, by=None)
    assert invited_count(round_) == 6


def test_a_member_who_answered_and_left_stays_counted(catalogue):
    cluster = factories.survey_cluster(members=6, solo=1)
    round_ = factories.open_survey_round(cluster)
    for invitation in round_.invitations.order_by("pk"):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"practice_type": "partnership"})
        assert respondent.submit().status_code == 200
    round_ = services.close_round(round_, None)
    before = round_results(round_)
    assert (before.invited, before.publication.group.respondents) == (6, 6)
    member_services.mark_left(round_.invitations.first().member, by=None)
    add(round_)
    after = round_results(round_)
    assert (after.invited, after.publication.group.respondents) == (6, 6)
    assert invited_count(round_) == 6


def test_the_late_invitation_page_action(round_, coordinator_client):
    cluster = round_.order.cluster
    coord = coordinator_client(cluster)
    add(round_)
    page = coord.get(reverse("web:members", args=[cluster.code])).content.decode()
    assert "1 aktivt medlem er ikke inviteret til runden: Sen Læge." in page
    url = reverse("web:member_invite", args=[cluster.code, round_.pk])
    response = coord.post(url, follow=True)
    assert "Ét medlem er inviteret." in response.content.decode()
    again = coord.post(url)
    assert again.status_code == 409
    assert "Alle aktive medlemmer er allerede inviteret" in again.content.decode()
    other = factories.coordinator(factories.cluster())
    outsider = Client()
    outsider.force_login(other)
    assert outsider.post(url).status_code == 404


def test_the_late_invitation_email_arrives_with_a_working_link(round_, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    process_outbox()
    smtp_server.mailbox.wait_for(6)
    first = len(smtp_server.mailbox.messages)
    member = add(round_)
    services.invite_late(round_, by=None)
    report = process_outbox()
    assert report.sent == 1
    messages = smtp_server.mailbox.wait_for(first + 1)
    mail = messages[-1]
    assert mail["To"] == member.email
    assert str(mail["Subject"]).strip().startswith("Spørgeskema til klyngemødet om")
    body = smtp_server.mailbox.text_of(mail)
    assert "Sen Læge" in body
    link = re.search(r"http://testserver(/s/[^/\s]+/)", body).group(1)
    assert Client().get(link).status_code in {200, 302}
