"""The operator sees a member's change history in the admin and undoes changes there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngepakke.registry import member_services
from klyngepakke.registry.models import MemberChange
from tests import factories

pytestmark = pytest.mark.django_db


def test_history_in_the_admin_and_undo_by_action(staff_client):
    member = factories.member(factories.practice(factories.cluster()), email="a@laege.example")
    member_services.change_email(member, "b@laege.example", by=None)
    member_services.mark_left(member, by=None)
    page = staff_client.get(reverse("admin:registry_member_change", args=[member.pk])).content.decode()
    assert "Udmeldt" in page
    assert "b@laege.example" in page
    changes = reverse("admin:registry_memberchange_changelist")
    assert staff_client.get(changes).status_code == 200
    left = MemberChange.objects.get(kind=MemberChange.Kind.LEFT)
    staff_client.post(changes, {"action": "undo", "_selected_action": [left.pk]})
    member.refresh_from_db()
    assert member.active
    assert member.email == "b@laege.example"
    response = staff_client.post(changes, {"action": "undo", "_selected_action": [left.pk]}, follow=True)
    assert "allerede fortrudt" in response.content.decode()
