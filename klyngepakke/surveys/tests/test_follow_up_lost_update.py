"""mark_follow_ups_due never undoes a consultant's "done" (the lost update of issue 10).

The scheduler lists the orders whose follow-up date has come, then moves them one by
one. A consultant marking one of them done in between must win: the move is a
conditional UPDATE on the state it read, not a save of a stale row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.surveys import services
from tests import factories

State = Order.State


def held_meeting(follow_up_due_on) -> Order:
    cluster = factories.survey_cluster(members=3, solo=1)
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=14), None)
    services.close_round(round_, None)
    return cycle_services.record_meeting_held(order, follow_up_due_on, None)


@pytest.mark.django_db
def test_an_order_marked_done_meanwhile_stays_done(catalogue):
    today = timezone.localdate()
    orders = [held_meeting(today) for _ in range(2)]
    consultant = factories.user(staff=True)
    done_meanwhile: list[int] = []

    def consultant_marks_the_other_done(sender, instance, created, **kwargs):
        # Runs right after the scheduler has moved its first order: the consultant marks
        # the remaining one done before the scheduler gets to it.
        if created and instance.state == State.FOLLOW_UP_DUE and not done_meanwhile:
            other = Order.objects.filter(pk__in=[o.pk for o in orders], state=State.MEETING_HELD).get()
            done_meanwhile.append(other.pk)
            cycle_services.mark_done(other, consultant)

    post_save.connect(consultant_marks_the_other_done, sender=OrderEvent)
    try:
        moved = cycle_services.mark_follow_ups_due(today)
    finally:
        post_save.disconnect(consultant_marks_the_other_done, sender=OrderEvent)

    assert len(done_meanwhile) == 1, "the consultant's step did not run between the scheduler's two moves"
    other = Order.objects.get(pk=done_meanwhile[0])
    assert other.state == State.DONE
    assert not OrderEvent.objects.filter(order=other, state=State.FOLLOW_UP_DUE).exists()
    assert moved == 1
    assert cycle_services.mark_follow_ups_due(today) == 0
