"""Who reaches the members page and its actions: the cluster's coordinators and staff;
a facilitator 403; a coordinator of another cluster (or anonymous) never."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.registry.models import ClusterAssignment, Member, MemberChange
from tests import factories

pytestmark = pytest.mark.django_db


def urls(cluster, member):
    code = cluster.code
    return {
        "page": ("get", reverse("web:members", args=[code]), {}),
        "add": ("post", reverse("web:member_add", args=[code]), {"name": "X", "email": "x@l.example"}),
        "email": ("post", reverse("web:member_email", args=[code, member.pk]), {"email": "ny@l.example"}),
        "leave": ("post", reverse("web:member_leave", args=[code, member.pk]), {}),
        "rejoin": ("post", reverse("web:member_rejoin", args=[code, member.pk]), {}),
    }


def call(client, how):
    method, url, data = how
    return getattr(client, method)(url, data)


@pytest.fixture
def facilitator_client(cluster):
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    client = Client()
    login(client, user)
    return client


def test_the_coordinator_of_another_cluster_gets_404_and_changes_nothing(cluster, other_cluster, coordinator_client):
    client = coordinator_client(other_cluster)
    member = cluster.practices.first().members.first()
    for name, how in urls(cluster, member).items():
        assert call(client, how).status_code == 404, name
    member.refresh_from_db()
    assert member.active
    assert not MemberChange.objects.exists()


def test_a_member_of_another_cluster_is_404_on_the_own_clusters_address(cluster, other_cluster, coordinator_client):
    client = coordinator_client(cluster)
    stranger = Member.objects.get(practice__cluster=other_cluster)
    for name in ("email", "leave", "rejoin"):
        assert call(client, urls(cluster, stranger)[name]).status_code == 404, name
    stranger.refresh_from_db()
    assert stranger.active


def test_a_facilitator_gets_403(cluster, facilitator_client):
    member = cluster.practices.first().members.first()
    for name, how in urls(cluster, member).items():
        assert call(facilitator_client, how).status_code == 403, name


def test_anonymous_is_sent_to_login(cluster):
    member = cluster.practices.first().members.first()
    response = call(Client(), urls(cluster, member)["page"])
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_only_staff_may_undo(cluster, coordinator_client, staff_client):
    member = cluster.practices.first().members.first()
    coordinator = coordinator_client(cluster)
    assert coordinator.post(urls(cluster, member)["leave"][1]).status_code == 302
    change = MemberChange.objects.get()
    undo = reverse("web:member_undo", args=[cluster.code, change.pk])
    assert coordinator.post(undo).status_code == 403
    assert "Fortryd" not in coordinator.get(reverse("web:members", args=[cluster.code])).content.decode()
    page = staff_client.get(reverse("web:members", args=[cluster.code])).content.decode()
    assert "Fortryd" in page
    assert staff_client.post(undo).status_code == 302
    member.refresh_from_db()
    assert member.active
    # An undo of a change in another cluster's history is 404 on this cluster's address.
    other = factories.cluster()
    assert staff_client.post(reverse("web:member_undo", args=[other.code, change.pk])).status_code == 404
