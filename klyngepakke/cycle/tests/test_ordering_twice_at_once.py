"""Two workers running open_due_rounds at the same moment open each scheduled round once
and invite each member once (PostgreSQL: SQLite has one writer, so it cannot race)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import Order
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import scheduled
from klyngepakke.surveys.models import Invitation, Round
from klyngepakke.tasks.tests.test_two_workers_at_once import at_once
from tests import factories

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="concurrent workers need PostgreSQL (SQLite has one writer)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_workers_open_each_scheduled_round_once():
    factories.shipped_catalogue()
    package = Package.objects.get(code="trivsel-og-arbejdsglaede")
    meeting = timezone.localdate() + timedelta(days=20)  # opens today
    orders = [
        ordering.place_order(factories.survey_cluster(members=4, solo=1), package, ordering.OrderInput(meeting), None)
        for _ in range(4)
    ]
    opened: list[int] = []
    at_once(lambda: opened.append(scheduled.open_due_rounds()), lambda: opened.append(scheduled.open_due_rounds()))
    assert sum(opened) == len(orders)
    assert Round.objects.count() == len(orders)
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.SURVEY_OPEN}
    invitations = Invitation.objects.count()
    assert invitations == 4 * len(orders)
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == invitations
