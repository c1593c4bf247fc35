"""A round whose materials fail to build backs off; the rounds after it are built.

Before, the scheduler took the oldest round without files first on every pass, so one
broken round raised on every pass and no later round was ever built.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.materials.models import MaterialFile
from klyngepakke.materials.services import build_missing_materials
from klyngepakke.support.backoff import retry_delay
from klyngepakke.support.models import Backoff
from klyngepakke.surveys.models import Round
from klyngepakke.tasks.tests.helpers import broken_closed_round, closed_round
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


def test_a_broken_round_backs_off_and_the_others_are_built(catalogue, caplog):
    broken = broken_closed_round()
    good = closed_round()
    # The broken round closed first, so it comes first in the scheduler's order.
    Round.objects.filter(pk=broken.pk).update(closed_at=timezone.now() - timedelta(hours=1))

    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="klyngepakke.tasks"):
        assert build_missing_materials() == 1
    after = timezone.now()
    assert MaterialFile.objects.filter(round=good).exists()
    assert not MaterialFile.objects.filter(round=broken).exists()
    failure = Backoff.objects.get(duty="build_missing_materials", item=broken.pk)
    assert failure.failures == 1
    assert failure.leased_until is None
    assert before + retry_delay(1) <= failure.next_attempt_at <= after + retry_delay(1)
    assert f"event=item_failed duty=build_missing_materials item={broken.pk} error=KeyError failures=1" in caplog.text

    # Within its back-off the broken round is not tried again.
    assert build_missing_materials() == 0
    assert Backoff.objects.get(pk=failure.pk).failures == 1

    # Once the wait is over it is tried again, and waits twice as long after failing again.
    Backoff.objects.filter(pk=failure.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    before = timezone.now()
    assert build_missing_materials() == 0
    failure.refresh_from_db()
    assert failure.failures == 2
    assert failure.next_attempt_at >= before + retry_delay(2)
    assert retry_delay(2) == 2 * retry_delay(1)
