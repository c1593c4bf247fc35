"""The duties after the meeting: each practice is asked to mark its plan's status three
weeks before the follow-up, and the coordinators are told at the follow-up date; each
e-mail once, however often the duties run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import services
from klyngepakke.cycle.models import PracticePlan
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.outbox.services import process_outbox
from klyngepakke.tasks.duties import DUTIES, run_duty
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db


def run(name: str) -> dict[str, int]:
    outcome = run_duty(name, respect_backoff=False)
    assert outcome.ok, outcome
    return outcome.summary


def test_both_are_duties():
    assert {"notify_follow_ups_due", "request_plan_statuses"} <= {d.name for d in DUTIES}


def test_each_practice_is_asked_once_three_weeks_before(held_order, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    services.save_decisions(held_order, decisions(held_order), None)
    held_order.refresh_from_db()
    too_early = held_order.follow_up_due_on - timedelta(days=22)
    assert services.request_plan_statuses(too_early) == 0

    day = held_order.follow_up_due_on - timedelta(days=21)
    assert services.request_plan_statuses(day) == PracticePlan.objects.filter(order=held_order).count()
    assert services.request_plan_statuses(day) == 0
    process_outbox()
    process_outbox()

    members = set(held_order.cluster.practices.values_list("members__email", flat=True))
    messages = smtp_server.mailbox.wait_for(len(members))
    assert len(messages) == len(members)
    assert {str(m["To"]) for m in messages} == members
    assert all("http://testserver/p/" in smtp_server.mailbox.text_of(m) for m in messages)
    assert {str(m["Subject"]) for m in messages} == {"Hvordan går det med jeres implementeringsplan?"}


def test_the_coordinators_are_told_once_at_the_follow_up_date(held_order, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    coordinator = factories.coordinator(held_order.cluster)
    factories.coordinator(factories.cluster())  # another cluster's coordinator hears nothing
    services.save_decisions(held_order, decisions(held_order), None)
    held_order.refresh_from_db()
    assert notify_follow_ups_due(held_order.follow_up_due_on - timedelta(days=1)) == 0

    assert notify_follow_ups_due(held_order.follow_up_due_on) == 1
    assert notify_follow_ups_due(held_order.follow_up_due_on + timedelta(days=3)) == 0
    process_outbox()
    process_outbox()

    messages = smtp_server.mailbox.wait_for(1)
    assert [str(m["To"]) for m in messages] == [coordinator.email]
    text = smtp_server.mailbox.text_of(messages[0])
    link = f"http://testserver/klynger/{held_order.cluster.code}/bestillinger/{held_order.pk}/"
    assert link in text
    assert str(messages[0]["Subject"]).strip() == f"Tid til opfølgning: {held_order.package.title}"
    due = held_order.follow_up_due_on
    months = ["jan.", "feb.", "marts", "april", "maj", "juni", "juli", "aug.", "sept.", "okt.", "nov.", "dec."]
    assert f"{due.day}. {months[due.month - 1]} {due.year}. Nu er det tid." in " ".join(text.split())
    html = smtp_server.mailbox.html_of(messages[0])
    assert f'<a href="{link}"' in html
    assert "Bestil opfølgningen" in html
    assert Notice.objects.filter(kind="follow_up_due", object_id=held_order.pk).count() == 1


def test_the_duties_run_twice_send_nothing_twice(held_order, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    factories.coordinator(held_order.cluster)
    services.save_decisions(held_order, decisions(held_order), None)
    from klyngepakke.cycle.models import Order

    # The follow-up date has come.
    Order.objects.filter(pk=held_order.pk).update(follow_up_due_on=timezone.localdate())
    for _ in range(2):
        run("request_plan_statuses")
        run("notify_follow_ups_due")
        run("process_outbox")
    plans = PracticePlan.objects.filter(order=held_order).count()
    doctors = held_order.cluster.practices.values_list("members", flat=True).count()
    messages = smtp_server.mailbox.wait_for(doctors + 1)
    assert len(messages) == doctors + 1
    assert plans == 2 + 2  # two solo practices, two partnerships (fixture cluster)
