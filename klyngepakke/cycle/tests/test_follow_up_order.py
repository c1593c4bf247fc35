"""The follow-up closes the loop: one click orders it, linked; its meeting ends the old order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services
from klyngepakke.cycle.models import MeetingRecord, Order
from klyngepakke.surveys import services as order_services
from tests import factories

from .conftest import decisions

pytestmark = pytest.mark.django_db


def test_one_click_orders_the_decided_package_linked_to_this_order(held_order):
    services.save_decisions(held_order, decisions(held_order), None)
    user = factories.coordinator(held_order.cluster)

    new = services.order_follow_up(held_order, user)

    assert new.follows_up == held_order
    assert new.package.code == "opfoelgning-trivsel-og-arbejdsglaede"
    assert new.cluster == held_order.cluster
    assert new.state == Order.State.ORDERED
    assert new.events.get().by == user


def test_refused_without_a_decided_package_or_twice(held_order):
    with pytest.raises(services.CycleError, match="Registrér først"):
        services.order_follow_up(held_order, None)
    services.save_decisions(held_order, decisions(held_order), None)
    services.order_follow_up(held_order, None)
    with pytest.raises(services.CycleError, match="allerede bestilt"):
        services.order_follow_up(held_order, None)
    assert Order.objects.filter(follows_up=held_order).count() == 1


def test_refused_before_the_meeting_and_after_done(closed_order):
    with pytest.raises(services.CycleError, match="når mødet er holdt"):
        services.order_follow_up(closed_order, None)
    services.mark_done(closed_order, None)
    with pytest.raises(services.CycleError, match="når mødet er holdt"):
        services.order_follow_up(closed_order, None)
    assert Order.objects.filter(follows_up=closed_order).count() == 0


def test_the_old_order_is_done_when_the_follow_ups_meeting_is_recorded(held_order):
    services.save_decisions(held_order, decisions(held_order), None)
    services.mark_follow_ups_due(held_order.follow_up_due_on or timezone.localdate())
    held_order.refresh_from_db()
    new = services.order_follow_up(held_order, None)
    round_ = order_services.open_round(new, timezone.now() + timedelta(days=14), None)
    order_services.close_round(round_, None)
    held_order.refresh_from_db()
    assert held_order.state != Order.State.DONE  # the follow-up survey alone does not end it

    services.record_meeting(
        new,
        services.MeetingFacts(
            held_on=timezone.localdate(), minutes=120, format=MeetingRecord.Format.PHYSICAL, attendees=4, notes=""
        ),
        None,
    )

    held_order.refresh_from_db()
    assert held_order.state == Order.State.DONE
    assert held_order.events.last().note == "Opfølgningens møde er holdt"


def test_bestil_pakke_links_a_follow_up_package_to_the_one_candidate(held_order):
    follow_up = Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede")

    new = services.order_package(held_order.cluster, follow_up, None)

    assert new.follows_up == held_order


def test_bestil_pakke_links_nothing_with_two_candidates_or_none(held_order, closed_order):
    follow_up = Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede")
    # A second order of the first package in the same cluster, also after its meeting.
    second = services.new_order(held_order.cluster, held_order.package, None)
    Order.objects.filter(pk=second.pk).update(state=Order.State.MEETING_HELD)
    assert services.order_package(held_order.cluster, follow_up, None).follows_up is None
    # A package that follows nothing up is never linked.
    other = Package.objects.get(code="samarbejde-og-faellesskab")
    assert services.order_package(factories.survey_cluster(), other, None).follows_up is None


def test_the_order_form_orders_only_the_decided_follow_up_of_its_own_cluster(held_order):
    from klyngepakke.cycle import ordering

    data = ordering.OrderInput(meeting_date=timezone.localdate() + timedelta(days=200))
    follow_up = Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede")
    other = Package.objects.get(code="samarbejde-og-faellesskab")
    with pytest.raises(ordering.OrderingError, match="Registrér først"):
        ordering.place_order(held_order.cluster, follow_up, data, None, follows_up=held_order)
    services.save_decisions(held_order, decisions(held_order), None)
    with pytest.raises(ordering.OrderingError, match="en anden pakke"):
        ordering.place_order(held_order.cluster, other, data, None, follows_up=held_order)
    with pytest.raises(ordering.OrderingError, match="anden klynge"):
        ordering.place_order(factories.cluster(), follow_up, data, None, follows_up=held_order)
    assert not Order.objects.filter(follows_up=held_order).exists()

    new = ordering.place_order(held_order.cluster, follow_up, data, None, follows_up=held_order)

    assert new.follows_up == held_order
    assert new.meeting_date == data.meeting_date
    assert new.survey_opens_on is not None
