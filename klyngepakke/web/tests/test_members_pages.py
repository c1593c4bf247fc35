"""The members page as a coordinator uses it: add, correct, leave, rejoin; every refusal
shown with its message and a fitting status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngepakke.registry.models import Member, MemberChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord(cluster, coordinator_client):
    return coordinator_client(cluster)


def text(response) -> str:
    return response.content.decode()


def test_the_cluster_page_links_to_the_members_page_for_a_coordinator(cluster, coord):
    assert reverse("web:members", args=[cluster.code]) in text(
        coord.get(reverse("web:cluster_detail", args=[cluster.code]))
    )


def test_add_a_doctor(cluster, coord):
    practice = cluster.practices.first()
    response = coord.post(
        reverse("web:member_add", args=[cluster.code]),
        {"name": "Ny Læge", "email": "ny@laege.example", "practice": practice.pk, "role": "trainee"},
        follow=True,
    )
    assert "Ny Læge er tilføjet til" in text(response)
    member = Member.objects.get(email="ny@laege.example")
    assert (member.practice, member.role, member.active) == (practice, "trainee", True)
    assert member.changes.get().by == coord.user


def test_a_refused_addition_is_shown_with_400(cluster, coord):
    existing = cluster.practices.first().members.first()
    response = coord.post(
        reverse("web:member_add", args=[cluster.code]),
        {"name": "Dublet", "email": existing.email.upper(), "practice": cluster.practices.first().pk, "role": "gp"},
    )
    assert response.status_code == 400
    assert "er allerede medlem af klyngen" in text(response)
    assert not Member.objects.filter(name="Dublet").exists()


def test_a_practice_of_another_cluster_is_refused_with_400(cluster, other_cluster, coord):
    response = coord.post(
        reverse("web:member_add", args=[cluster.code]),
        {"name": "Ny", "email": "ny@laege.example", "practice": other_cluster.practices.first().pk, "role": "gp"},
    )
    assert response.status_code == 400
    assert not Member.objects.filter(email="ny@laege.example").exists()


def test_correct_an_email(cluster, coord):
    member = cluster.practices.first().members.first()
    url = reverse("web:member_email", args=[cluster.code, member.pk])
    assert member.email in text(coord.get(url))
    bad = coord.post(url, {"email": "ikke-en-adresse"})
    assert bad.status_code == 400
    assert "er ikke en gyldig e-mailadresse" in text(bad)
    response = coord.post(url, {"email": "rettet@laege.example"}, follow=True)
    assert "e-mailadresse er rettet" in text(response)
    member.refresh_from_db()
    assert member.email == "rettet@laege.example"


def test_leave_and_rejoin(cluster, coord):
    member = cluster.practices.first().members.first()
    leave = reverse("web:member_leave", args=[cluster.code, member.pk])
    response = coord.post(leave, follow=True)
    assert "er meldt ud" in text(response)
    assert "Meldt ud (1)" in text(response)
    again = coord.post(leave)
    assert again.status_code == 409
    assert "er allerede meldt ud" in text(again)
    coord.post(reverse("web:member_rejoin", args=[cluster.code, member.pk]))
    member.refresh_from_db()
    assert member.active
    assert list(member.changes.order_by("id").values_list("kind", flat=True)) == ["left", "returned"]


def test_the_history_shows_who_changed_what(cluster, coord):
    member = factories.member(cluster.practices.first(), email="gammel@laege.example")
    coord.post(reverse("web:member_email", args=[cluster.code, member.pk]), {"email": "ny@laege.example"})
    page = text(coord.get(reverse("web:members", args=[cluster.code])))
    assert "gammel@laege.example &rarr; ny@laege.example" in page or "gammel@laege.example → ny@laege.example" in page
    assert coord.user.get_username() in page
    assert MemberChange.objects.count() == 1
