"""Member maintenance: every refusal of registry.member_services, and that a refused
change writes nothing."""

from __future__ import annotations

import pytest

from klyngepakke.registry import member_services
from klyngepakke.registry.member_services import MemberError
from klyngepakke.registry.models import Member, MemberChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    cluster = factories.cluster()
    practice = factories.practice(cluster)
    member = factories.member(practice, email="kendt@laege.example", name="Kendt Læge")
    other = factories.cluster()
    other_practice = factories.practice(other)
    factories.member(other_practice, email="fremmed@laege.example")
    return cluster, practice, member, other_practice


def add(cluster, default_practice, **overrides):
    values = {"name": "Ny Læge", "email": "ny@laege.example", "practice": default_practice, "by": None}
    return member_services.add_member(cluster, **(values | overrides))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "  "}, "Skriv lægens navn."),
        ({"email": ""}, "Skriv lægens e-mailadresse."),
        ({"email": "ikke-en-adresse"}, "'ikke-en-adresse' er ikke en gyldig e-mailadresse."),
        ({"email": "KENDT@laege.example"}, "KENDT@laege.example er allerede medlem af klyngen (Kendt Læge)."),
        ({"email": "fremmed@laege.example"}, "fremmed@laege.example er medlem af en anden klynge."),
        ({"practice": None}, "Vælg en praksis i klyngen."),
        ({"role": "chef"}, "Vælg lægens rolle."),
    ],
)
def test_add_is_refused(setting, overrides, message):
    cluster, practice, _member, _other = setting
    before = Member.objects.count()
    with pytest.raises(MemberError, match=message.replace("(", r"\(").replace(")", r"\)")):
        add(cluster, practice, **overrides)
    assert Member.objects.count() == before
    assert not MemberChange.objects.exists()


def test_a_practice_of_another_cluster_is_refused(setting):
    cluster, _practice, _member, other_practice = setting
    with pytest.raises(MemberError, match=r"Vælg en praksis i klyngen\."):
        add(cluster, other_practice)
    assert not Member.objects.filter(email="ny@laege.example").exists()


def test_an_address_of_a_member_who_left_says_readmit(setting):
    cluster, practice, member, _other = setting
    member_services.mark_left(member, by=None)
    with pytest.raises(MemberError, match="meldt ud: genindmeld Kendt Læge i stedet"):
        add(cluster, practice, email="kendt@laege.example")


def test_add_records_who_and_what(setting):
    cluster, practice, _member, _other = setting
    user = factories.coordinator(cluster)
    member = add(cluster, practice, name="  Ny   Læge ", by=user)
    assert (member.name, member.active, member.practice) == ("Ny Læge", True, practice)
    change = member.changes.get()
    assert (change.kind, change.by, change.fields["email"]) == (
        MemberChange.Kind.ADDED,
        user,
        [None, "ny@laege.example"],
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("kendt@laege.example", "Den nye e-mailadresse er den samme som den gamle."),
        ("fremmed@laege.example", "er medlem af en anden klynge"),
        ("forkert@", "er ikke en gyldig e-mailadresse"),
    ],
)
def test_change_email_is_refused(setting, email, message):
    _cluster, practice, member, _other = setting
    factories.member(practice, email="nabo@laege.example")
    with pytest.raises(MemberError, match=message):
        member_services.change_email(member, email, by=None)
    member.refresh_from_db()
    assert member.email == "kendt@laege.example"
    assert not member.changes.exists()


def test_change_email_to_a_colleagues_address_is_refused(setting):
    _cluster, practice, member, _other = setting
    factories.member(practice, email="nabo@laege.example", name="Nabo")
    with pytest.raises(MemberError, match=r"allerede medlem af klyngen \(Nabo\)"):
        member_services.change_email(member, "Nabo@laege.example", by=None)


def test_change_email_may_change_only_the_case(setting):
    _cluster, _practice, member, _other = setting
    member_services.change_email(member, "Kendt@laege.example", by=None)
    member.refresh_from_db()
    assert member.email == "Kendt@laege.example"
    assert member.changes.get().fields == {"email": ["kendt@laege.example", "Kendt@laege.example"]}


def test_leaving_twice_and_returning_an_active_member_are_refused(setting):
    _cluster, _practice, member, _other = setting
    with pytest.raises(MemberError, match="er ikke meldt ud"):
        member_services.mark_returned(member, by=None)
    member_services.mark_left(member, by=None)
    with pytest.raises(MemberError, match="er allerede meldt ud"):
        member_services.mark_left(member, by=None)
    member.refresh_from_db()
    assert member.active is False
    assert list(member.changes.values_list("kind", flat=True)) == [MemberChange.Kind.LEFT]
