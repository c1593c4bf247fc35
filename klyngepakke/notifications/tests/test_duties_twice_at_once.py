"""The notification duties run by two workers at the same moment - and the same call
request made twice at once - still queue each notification once (PostgreSQL: SQLite
has one writer, so it cannot race)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.materials.services import build_materials
from klyngepakke.notifications import services as notifications
from klyngepakke.notifications.models import Notice
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import services
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


def test_two_workers_queue_each_notification_once(settings):
    settings.NOTIFY_STAFF_EMAILS = ["konsulenter@example.org"]
    factories.shipped_catalogue()
    package = Package.objects.get(code="trivsel-og-arbejdsglaede")
    tomorrow = timezone.localdate() + timedelta(days=1)
    orders, rounds = [], []
    for _ in range(3):
        cluster = factories.survey_cluster(members=4, solo=2)
        factories.coordinator(cluster)
        factories.coordinator(cluster)
        # A round closing in two days (opened a week ago): due for its response rate.
        order = cycle_services.new_order(cluster, package, None)
        closes = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(12, 0)))
        round_ = services.open_round(order, closes, None)
        round_.opened_at = timezone.now() - timedelta(days=7)
        round_.save(update_fields=["opened_at"])
        rounds.append(round_)
        # A closed round with its files built, its meeting tomorrow.
        built = factories.open_survey_round(factories.survey_cluster(members=4, solo=2))
        services.close_round(built, None)
        factories.coordinator(built.order.cluster)
        cycle_services.plan_meeting(
            built.order, meeting_date=tomorrow, place="", minutes=150, program_notes="", by=None
        )
        build_materials(built.pk)
        orders.append(built.order)
    OutboxMessage.objects.all().delete()

    def worker() -> None:
        notifications.notify_response_rates()
        notifications.notify_meetings_tomorrow()
        notifications.notify_materials_ready()
        notifications.notify_call_request(orders[0], requested_by=None, phone="12345678")

    at_once(worker, worker)

    assert OutboxMessage.objects.filter(kind="response_rate").count() == 2 * len(rounds)
    assert OutboxMessage.objects.filter(kind="meeting_tomorrow").count() == len(orders)
    assert OutboxMessage.objects.filter(kind="materials_ready").count() == len(orders)
    assert OutboxMessage.objects.filter(kind="call_requested").count() == 1
    for kind, count in [("response_rate", 3), ("meeting_tomorrow", 3), ("materials_ready", 3), ("call_requested", 1)]:
        assert Notice.objects.filter(kind=kind).count() == count
