"""Who a notification goes to: the consultants (the operator's list, else the active
staff users) or the active coordinators of the object's cluster."""

from __future__ import annotations

import pytest

from klyngepakke.notifications.services import coordinator_recipients, staff_recipients
from klyngepakke.registry.models import ClusterAssignment
from tests import factories

pytestmark = pytest.mark.django_db


def addresses(recipients) -> list[str]:
    return [r.address for r in recipients]


def test_staff_are_the_active_staff_users_with_an_address(settings):
    settings.NOTIFY_STAFF_EMAILS = []
    active = factories.user(staff=True)
    inactive = factories.user(staff=True)
    inactive.is_active = False
    inactive.save()
    no_address = factories.user(staff=True)
    no_address.email = ""
    no_address.save()
    factories.user()  # not staff
    assert addresses(staff_recipients()) == [active.email]
    assert {r.language for r in staff_recipients()} == {"da"}


def test_the_operators_list_replaces_the_staff_users(settings):
    factories.user(staff=True)
    settings.NOTIFY_STAFF_EMAILS = ["konsulenter@example.org", "vagt@example.org"]
    assert addresses(staff_recipients()) == ["konsulenter@example.org", "vagt@example.org"]


def test_coordinators_are_the_clusters_active_coordinators_only():
    cluster = factories.cluster()
    first = factories.coordinator(cluster)
    gone = factories.coordinator(cluster)
    gone.is_active = False
    gone.save()
    facilitator = factories.user()
    ClusterAssignment.objects.create(user=facilitator, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    factories.coordinator(factories.cluster())  # another cluster's
    factories.user(staff=True)
    assert addresses(coordinator_recipients(cluster.pk)) == [first.email]
