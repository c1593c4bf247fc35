""" "Luk runden nu": the confirmation page (response rate, what closing means, a danger
button), and that only its POST closes the round, reopenable until local midnight."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.registry.models import ClusterAssignment
from klyngepakke.surveys import services
from klyngepakke.surveys.models import ResponseCountSnapshot, Round
from klyngepakke.surveys.response_models import PartialAnswers
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    factories.shipped_catalogue()
    return factories.open_survey_round(factories.survey_cluster(members=6, solo=1))


def close_url(round_: Round) -> str:
    return reverse("web:round_close", args=[round_.order.cluster.code, round_.pk])


def round_url(round_: Round) -> str:
    return reverse("surveys:round_detail", args=[round_.order.cluster.code, round_.pk])


def test_the_round_page_links_to_the_confirmation_in_danger_style(round_, coordinator_client):
    html = coordinator_client(round_.order.cluster).get(round_url(round_)).content.decode()
    assert f'<a class="button danger" href="{close_url(round_)}">Luk runden nu</a>' in html


def test_the_confirmation_shows_the_daily_rate_k_and_what_closing_means(round_, coordinator_client):
    # Today's count is the one a coordinator sees (the daily snapshot): 2 of 6 = 33 %.
    ResponseCountSnapshot.objects.filter(round=round_).update(count=2)
    response = coordinator_client(round_.order.cluster).get(close_url(round_))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>2 af 6</strong> har svaret (33 %)" in html
    assert "Resultaterne vises kun, hvis mindst 5 har svaret" in html
    assert "Måske for få svar til resultater." in html  # 2 < k = 5
    assert "Invitationer og påmindelser holder op" in html
    assert "går tabt — også hvis runden genåbnes" in html
    assert "Resultaterne vises fra i morgen kl. 00.00" in html
    assert '<button type="submit" class="danger">Ja, luk runden nu</button>' in html
    assert_accessible_and_csp_clean(response)
    round_.refresh_from_db()
    assert round_.closed_at is None  # looking closes nothing


def test_the_rate_is_rounded_half_up_once_and_no_warning_at_k(round_, coordinator_client):
    for _ in range(2):  # 8 invited
        factories.member(factories.practice(round_.order.cluster))
    services.invite_members(round_)
    ResponseCountSnapshot.objects.filter(round=round_).update(count=5)  # 5/8 = 62.5 % -> 63 %
    html = coordinator_client(round_.order.cluster).get(close_url(round_)).content.decode()
    assert "<strong>5 af 8</strong> har svaret (63 %)" in html
    assert "for få svar til resultater." not in html


def test_posting_the_confirmation_closes_reopenable_until_local_midnight(round_, coordinator_client):
    invitation = round_.invitations.first()
    PartialAnswers.objects.create(invitation=invitation, sealed=b"x")
    client = coordinator_client(round_.order.cluster)
    response = client.post(close_url(round_), follow=True)
    html = response.content.decode()
    assert "Runden er lukket. Resultaterne vises fra i morgen kl. 00.00" in html
    assert "Genåbn runden" in html
    assert "Se resultater" not in html
    round_.refresh_from_db()
    assert round_.closed_at is not None
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(round_.closed_at) + timedelta(days=1), time()))
    assert round_.reopen_until == midnight
    assert not PartialAnswers.objects.filter(invitation__round=round_).exists()
    assert_accessible_and_csp_clean(response)


def test_a_closed_round_is_not_closed_again(round_, coordinator_client):
    services.close_round(round_, None)
    closed_at = Round.objects.get(pk=round_.pk).closed_at
    response = coordinator_client(round_.order.cluster).get(close_url(round_))
    assert response.status_code == 302
    assert response["Location"] == round_url(round_)
    assert Round.objects.get(pk=round_.pk).closed_at == closed_at


def test_only_those_who_manage_the_cluster_may_close(round_, coordinator_client):
    facilitator = factories.user()
    ClusterAssignment.objects.create(
        user=facilitator, cluster=round_.order.cluster, role=ClusterAssignment.Role.FACILITATOR
    )
    from django.test import Client

    from conftest import login

    client = Client()
    login(client, facilitator)
    assert client.post(close_url(round_)).status_code in {403, 404}
    assert coordinator_client().post(close_url(round_)).status_code in {403, 404}  # another cluster's coordinator
    assert Round.objects.get(pk=round_.pk).closed_at is None
