"""The registry: every kind has its three templates, is the outbox's renderer for its
name, and is queued at most once per (kind, object, key)."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import get_template

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.notifications import registry
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import _RENDERERS
from tests import factories

from .conftest import queued

pytestmark = pytest.mark.django_db

EXPECTED = {
    "order_placed",
    "call_requested",
    "round_closed_under_k_staff",
    "round_closed_under_k",
    "survey_opened",
    "response_rate",
    "materials_ready",
    "meeting_tomorrow",
    "follow_up_due",
}


def test_every_kind_is_one_template_set_and_an_outbox_renderer():
    assert set(registry.KINDS) == EXPECTED
    for name in registry.KINDS:
        for part in ("subject.txt", "body.txt", "body.html"):
            assert get_template(f"notifications/{name}/{part}")
        assert name in _RENDERERS


def test_an_unknown_kind_or_a_wrong_object_is_refused(catalogue):
    order = cycle_services.new_order(factories.cluster(), Package.objects.first(), None)
    with pytest.raises(ValueError, match="no notification kind"):
        notify("no_such_kind", order)
    with pytest.raises(TypeError, match="is about a Round"):
        notify("survey_opened", order)


def test_each_kind_object_and_key_is_queued_once(catalogue):
    cluster = factories.cluster()
    factories.coordinator(cluster)
    factories.coordinator(cluster)
    order = cycle_services.new_order(cluster, Package.objects.first(), None)
    day = date(2031, 1, 5)
    Order.objects.filter(pk=order.pk).update(meeting_date=day)
    order.refresh_from_db()
    facts = {"meeting_date": day.isoformat()}
    assert notify("meeting_tomorrow", order, key=day.isoformat(), extra=facts) is True
    assert notify("meeting_tomorrow", order, key=day.isoformat(), extra=facts) is False
    assert len(queued("meeting_tomorrow")) == 2  # both coordinators, once
    # Another key of the same object is another notice.
    other = {"meeting_date": "2031-01-06"}
    Order.objects.filter(pk=order.pk).update(meeting_date=date(2031, 1, 6))
    order.refresh_from_db()
    assert notify("meeting_tomorrow", order, key="2031-01-06", extra=other) is True
    assert len(queued("meeting_tomorrow")) == 4
    assert sorted(Notice.objects.filter(kind="meeting_tomorrow").values_list("key", flat=True)) == [
        "2031-01-05",
        "2031-01-06",
    ]


def test_a_notification_that_does_not_fit_is_neither_queued_nor_noted(catalogue):
    cluster = factories.cluster()
    factories.coordinator(cluster)
    order = cycle_services.new_order(cluster, Package.objects.first(), None)
    # Follow-up due, but the order's meeting has not been held.
    assert notify("follow_up_due", order) is False
    assert not Notice.objects.filter(kind="follow_up_due").exists()
    assert not OutboxMessage.objects.filter(kind="follow_up_due").exists()
