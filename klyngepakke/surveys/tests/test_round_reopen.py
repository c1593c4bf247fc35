"""Reopening a round closed by hand by mistake: allowed the same day only, and refused
with a clear Danish message otherwise (services.reopen_round)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import selectors, services
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.response_models import PartialAnswers
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    factories.shipped_catalogue()
    return factories.open_survey_round(factories.survey_cluster(members=6, solo=1))


def new_close() -> timezone.datetime:
    return timezone.now() + timedelta(days=3)


def test_reopen_the_same_day_restores_an_open_round_without_new_invitations(round_):
    invitation = round_.invitations.first()
    PartialAnswers.objects.create(invitation=invitation, sealed=b"x")
    sent = OutboxMessage.objects.filter(kind="survey_invitation").count()
    services.close_round(round_, None, reopenable=True)
    closes_at = new_close()
    reopened = services.reopen_round(round_, closes_at, None)
    assert reopened.closed_at is None
    assert reopened.reopen_until is None
    assert reopened.closes_at == closes_at
    order = Order.objects.get(pk=round_.order_id)
    assert order.state == Order.State.SURVEY_OPEN
    assert order.events.filter(state=Order.State.SURVEY_OPEN, note__startswith="Runde genåbnet").exists()
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == sent  # nothing resent
    assert not PartialAnswers.objects.exists()  # dropped at the close, stays dropped
    # The links work again: a colleague can answer.
    assert services.store_submission(invitation.pk, [("practice_type", "solo", None, "")]).stored


def test_a_round_closed_by_the_scheduler_cannot_be_reopened(round_):
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.close_due_rounds() == 1
    with pytest.raises(services.OrderError, match="lukkede ved svarfristen og kan ikke genåbnes"):
        services.reopen_round(round_, new_close(), None)
    assert Round.objects.get(pk=round_.pk).closed_at is not None


def test_a_round_closed_by_the_command_cannot_be_reopened(round_):
    services.close_round(round_, None)  # manage.py close_round: published at once
    with pytest.raises(services.OrderError, match="kan ikke genåbnes"):
        services.reopen_round(round_, new_close(), None)


def test_not_after_the_day_it_was_closed(round_):
    services.close_round(round_, None, reopenable=True)
    until = Round.objects.get(pk=round_.pk).reopen_until
    assert until is not None
    with (
        mock.patch("django.utils.timezone.now", return_value=until),
        pytest.raises(services.OrderError, match="kun genåbnes samme dag"),
    ):
        services.reopen_round(round_, until + timedelta(days=3), None)
    assert Round.objects.get(pk=round_.pk).closed_at is not None


def test_not_when_the_order_has_moved_on(round_):
    services.close_round(round_, None, reopenable=True)
    cycle_services.record_meeting_held(round_.order, None, None)
    with pytest.raises(services.OrderError, match="Bestillingen er gået videre \\(møde afholdt\\)"):
        services.reopen_round(round_, new_close(), None)


def test_not_an_open_round_and_not_into_the_past(round_):
    with pytest.raises(services.OrderError, match="Runden er åben"):
        services.reopen_round(round_, new_close(), None)
    services.close_round(round_, None, reopenable=True)
    with pytest.raises(services.OrderError, match="svarfrist skal ligge i fremtiden"):
        services.reopen_round(round_, timezone.now() - timedelta(hours=1), None)
    assert Round.objects.get(pk=round_.pk).closed_at is not None


def test_reopened_and_closed_again_by_the_scheduler_is_final(round_):
    services.close_round(round_, None, reopenable=True)
    services.reopen_round(round_, timezone.now() + timedelta(seconds=1), None)
    later = timezone.now() + timedelta(seconds=2)
    assert services.close_due_rounds(later) == 1
    closed = Round.objects.get(pk=round_.pk)
    assert closed.closed_at is not None
    assert closed.reopen_until is None
    with pytest.raises(services.OrderError, match="kan ikke genåbnes"):
        services.reopen_round(round_, new_close(), None)


def test_closing_and_reopening_does_not_reveal_the_live_count(round_):
    # Today's snapshot says 0; two colleagues have answered since.
    for invitation in round_.invitations.order_by("pk")[:2]:
        assert services.store_submission(invitation.pk, [("practice_type", "solo", None, "")]).stored
    services.close_round(round_, None, reopenable=True)
    closed = Round.objects.get(pk=round_.pk)
    assert selectors.shown_response_count(closed) == 0
    assert not OutboxMessage.objects.filter(kind="round_closed_under_k").exists()
    with mock.patch("django.utils.timezone.now", return_value=closed.reopen_until):
        assert selectors.shown_response_count(closed) == 2  # published: the final count
