"""The operator's undo of a member change: puts back what it changed, never twice, and
never over a later change."""

from __future__ import annotations

import pytest

from klyngepakke.registry import member_services
from klyngepakke.registry.member_services import MemberError
from klyngepakke.registry.models import MemberChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return factories.member(factories.practice(factories.cluster()), email="a@laege.example")


def test_undo_a_leave_makes_the_member_active_again(member):
    left = MemberChange.objects.get(member=member_services.mark_left(member, by=None))
    undo = member_services.undo_change(left, by=None)
    member.refresh_from_db()
    assert member.active is True
    assert (undo.kind, undo.undoes, undo.fields) == (MemberChange.Kind.UNDONE, left, {"active": [False, True]})
    with pytest.raises(MemberError, match="allerede fortrudt"):
        member_services.undo_change(left, by=None)
    with pytest.raises(MemberError, match="Kun ændringer foretaget på medlemssiden"):
        member_services.undo_change(undo, by=None)


def test_undo_an_email_correction_puts_the_old_address_back(member):
    member_services.change_email(member, "b@laege.example", by=None)
    change = member.changes.get()
    member_services.undo_change(change, by=None)
    member.refresh_from_db()
    assert member.email == "a@laege.example"


def test_undo_is_refused_when_the_member_changed_since(member):
    member_services.change_email(member, "b@laege.example", by=None)
    first = member.changes.get()
    member_services.change_email(member, "c@laege.example", by=None)
    with pytest.raises(MemberError, match="ændret siden"):
        member_services.undo_change(first, by=None)
    member.refresh_from_db()
    assert member.email == "c@laege.example"


def test_undo_an_email_correction_is_refused_when_the_old_address_is_taken_again(member):
    member_services.change_email(member, "b@laege.example", by=None)
    change = member.changes.get()
    factories.member(member.practice, email="a@laege.example")
    with pytest.raises(MemberError, match="allerede medlem af klyngen"):
        member_services.undo_change(change, by=None)


def test_undo_an_addition_marks_the_member_as_left_and_keeps_it(member):
    added = member_services.add_member(
        member.practice.cluster, name="Ny", email="ny@laege.example", practice=member.practice, by=None
    )
    member_services.undo_change(added.changes.get(), by=None)
    added.refresh_from_db()
    assert added.active is False


def test_an_import_change_cannot_be_undone(member):
    change = MemberChange.objects.create(member=member, kind=MemberChange.Kind.IMPORTED, fields={"name": ["x", "y"]})
    with pytest.raises(MemberError, match="Kun ændringer foretaget på medlemssiden"):
        member_services.undo_change(change, by=None)
