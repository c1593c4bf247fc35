"""Orders made while `Order` lived in surveys (and back-off rows made while `Backoff`
lived in tasks) are all there, with their links, after migrating forward: the move is
state-only, the tables keep their names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from klyngepakke.cycle.models import MeetingRecord, Order, OrderEvent
from klyngepakke.support.models import Backoff
from klyngepakke.surveys.models import Round
from tests import factories

# The last migrations before the move.
BEFORE = [
    ("surveys", "0004_sealed_partial_answers"),
    ("cycle", "0001_initial"),
    ("tasks", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_orders_rounds_events_and_backoff_rows_survive_the_move():
    # Made with today's models: registry and catalogue did not move.
    cluster = factories.cluster()
    package = factories.package()
    old = _migrate(BEFORE)
    try:
        OldOrder = old.get_model("surveys", "Order")
        first = OldOrder.objects.create(
            cluster_id=cluster.pk, package_id=package.pk, state="meeting_held", meeting_place="Lægehuset"
        )
        follow_up = OldOrder.objects.create(cluster_id=cluster.pk, package_id=package.pk, follows_up=first)
        old.get_model("surveys", "OrderEvent").objects.create(order=first, state="meeting_held", note="Holdt")
        old.get_model("surveys", "Round").objects.create(
            order=first,
            package_version_id=package.current_version_id,
            opened_at=timezone.now() - timedelta(days=30),
            closes_at=timezone.now() - timedelta(days=16),
            closed_at=timezone.now() - timedelta(days=16),
        )
        old.get_model("cycle", "MeetingRecord").objects.create(
            order=first, held_on=date(2026, 11, 2), minutes=150, format="physical", attendees=7
        )
        old.get_model("tasks", "Backoff").objects.create(
            duty="build_missing_materials", item=12, failures=2, next_attempt_at=timezone.now()
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    order = Order.objects.get(pk=first.pk)
    assert (order.state, order.meeting_place) == (Order.State.MEETING_HELD, "Lægehuset")
    assert Order.objects.get(pk=follow_up.pk).follows_up == order
    assert list(OrderEvent.objects.filter(order=order).values_list("note", flat=True)) == ["Holdt"]
    assert Round.objects.get(order=order).closed_at is not None
    assert MeetingRecord.objects.get(order=order).attendees == 7
    assert Backoff.objects.get(duty="build_missing_materials", item=12).failures == 2
    # And the moved models still write to the same tables.
    assert Order._meta.db_table == "surveys_order"
    assert OrderEvent._meta.db_table == "surveys_orderevent"
    assert Backoff._meta.db_table == "tasks_backoff"
