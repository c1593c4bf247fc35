"""The cycle's duties run by two workers at the same moment still send each e-mail once
(PostgreSQL: SQLite has one writer, so it cannot race)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, Order, PracticePlan
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.surveys import services as order_services
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


def held_with_follow_up_today() -> Order:
    round_ = factories.open_survey_round(factories.survey_cluster(members=4, solo=2))
    order_services.close_round(round_, None)
    order = round_.order
    factories.coordinator(order.cluster)
    held_on = timezone.localdate() - timedelta(days=200)
    services.record_meeting(
        order,
        services.MeetingFacts(
            held_on=held_on, minutes=150, format=MeetingRecord.Format.PHYSICAL, attendees=4, notes=""
        ),
        None,
    )
    services.save_decisions(
        order,
        services.DecisionInput(
            measure_points=[],
            focus_areas=[],
            follow_up_package=Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede"),
            follow_up_on=timezone.localdate(),
            topic_meetings="",
        ),
        None,
    )
    return order


def test_two_workers_ask_each_practice_and_tell_each_coordinator_once():
    factories.shipped_catalogue()
    orders = [held_with_follow_up_today() for _ in range(3)]
    OutboxMessage.objects.all().delete()  # the survey invitations are not the point here

    def worker() -> None:
        services.request_plan_statuses()
        notify_follow_ups_due()

    at_once(worker, worker)

    doctors = sum(o.cluster.practices.values_list("members", flat=True).count() for o in orders)
    assert OutboxMessage.objects.filter(kind="practice_plan_status").count() == doctors
    assert OutboxMessage.objects.filter(kind="follow_up_due").count() == len(orders)
    assert Notice.objects.filter(kind="follow_up_due").count() == len(orders)
    assert not PracticePlan.objects.filter(status_request_queued_at__isnull=True).exists()
