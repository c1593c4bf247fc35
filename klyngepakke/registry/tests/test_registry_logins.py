"""The klyngerolle column: an import creates logins and cluster access, mails each new
login one set-password link, and revokes the access of those no longer given a role."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.outbox.services import process_outbox
from klyngepakke.registry.csv_format import ALL_COLUMNS
from klyngepakke.registry.models import AccessChange, Cluster, ClusterAssignment
from klyngepakke.registry.services import RegistryImportInvalid, export_registry, import_registry
from tests import factories

from .helpers import VESTFYN, VF01, csv_text

pytestmark = pytest.mark.django_db

HEADER = ";".join(ALL_COLUMNS)
COORDINATOR = ClusterAssignment.Role.COORDINATOR
FACILITATOR = ClusterAssignment.Role.FACILITATOR
User = get_user_model()


def registry(soeren: str = "koordinator", aase: str = "", jens: str = "facilitator", *, aase_active: str = "ja") -> str:
    return csv_text(
        f"{VF01};Søren Ærø;Soeren@Laege.example;praktiserende læge;ja;{soeren}",
        f"{VF01};Åse Bøgh;aase@laege.example;uddannelseslæge;{aase_active};{aase}",
        f"{VESTFYN};vf-02;Læge Jens Holm;solo;1;Jens Holm;jens@laege.example;;;{jens}",
        header=HEADER,
    )


def access() -> set[tuple[str, str, str]]:
    return set(ClusterAssignment.objects.values_list("user__username", "cluster__code", "role"))


def test_roles_create_logins_and_access():
    report = import_registry(registry(), "register.csv")
    assert (report.access.logins_created, report.access.granted, report.access.revoked) == (2, 2, 0)
    assert access() == {
        ("soeren@laege.example", "vestfyn", COORDINATOR),
        ("jens@laege.example", "vestfyn", FACILITATOR),
    }
    soeren = User.objects.get(username="soeren@laege.example")
    assert soeren.email == "Soeren@Laege.example"
    assert soeren.first_name == "Søren Ærø"
    assert not soeren.has_usable_password()
    assert not soeren.is_staff
    assert not User.objects.filter(email__iexact="aase@laege.example").exists()
    changes = set(AccessChange.objects.values_list("change", "username", "cluster_name", "source"))
    assert ("granted", "soeren@laege.example", "Klynge Vestfyn", "register.csv") in changes
    assert ("login_created", "jens@laege.example", "", "register.csv") in changes


def test_each_new_login_gets_one_set_password_mail(smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    import_registry(registry(), "register.csv")
    import_registry(registry(aase="facilitator"), "register.csv")  # Søren and Jens again; Åse new
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == [
        "Soeren@Laege.example",
        "aase@laege.example",
        "jens@laege.example",
    ]
    assert process_outbox().sent == 3
    mails = {m["To"]: m for m in smtp_server.mailbox.wait_for(3)}
    mail = mails["Soeren@Laege.example"]
    assert mail["Subject"] == "Dit login til Klyngepakke"
    text = smtp_server.mailbox.text_of(mail)
    assert "Dit brugernavn er: soeren@laege.example" in text
    assert "Klynge Vestfyn (klyngekoordinator)" in text
    path = re.search(r"http://testserver(/konto/ny-adgangskode/\S+)", text).group(1)
    client = Client()
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "en-god-lang-kode-91", "new_password2": "en-god-lang-kode-91"})
    assert Client().login(username="soeren@laege.example", password="en-god-lang-kode-91")


def test_an_existing_login_is_found_by_email_and_gets_no_mail():
    existing = factories.user("soeren")
    existing.email = "soeren@laege.example"
    existing.save()
    report = import_registry(registry(jens=""), "register.csv")
    assert report.access.logins_created == 0
    assert access() == {("soeren", "vestfyn", COORDINATOR)}
    assert not OutboxMessage.objects.exists()


def test_a_role_change_updates_the_assignment():
    import_registry(registry(), "register.csv")
    report = import_registry(registry(soeren="facilitator"), "register.csv")
    assert (report.access.role_changed, report.access.granted, report.access.logins_created) == (1, 0, 0)
    assert ("soeren@laege.example", "vestfyn", FACILITATOR) in access()


def test_someone_no_longer_given_a_role_loses_access_but_keeps_the_login():
    import_registry(registry(), "register.csv")
    report = import_registry(registry(soeren=""), "ny.csv")
    assert report.access.revoked == 1
    assert access() == {("jens@laege.example", "vestfyn", FACILITATOR)}
    assert User.objects.filter(username="soeren@laege.example", is_active=True).exists()
    revoked = AccessChange.objects.get(change=AccessChange.Change.REVOKED)
    assert (revoked.username, revoked.cluster_name, revoked.role, revoked.source) == (
        "soeren@laege.example",
        "Klynge Vestfyn",
        COORDINATOR,
        "ny.csv",
    )


def test_a_member_who_moved_to_another_cluster_loses_the_old_access():
    import_registry(registry(), "register.csv")
    moved = csv_text(
        "syddanmark;kolding;Klynge Kolding;ko-01;Lægerne Kolding;solo;1;Søren Ærø;soeren@laege.example;;;",
        header=HEADER,
    )
    report = import_registry(moved + "".join(registry().splitlines(True)[2:]), "register.csv")
    assert report.access.revoked == 1
    assert ("soeren@laege.example", "vestfyn", COORDINATOR) not in access()


def test_staff_and_hand_made_logins_of_non_members_are_left_alone(db):
    import_registry(registry(), "register.csv")
    vestfyn = Cluster.objects.get(code="vestfyn")
    consultant = factories.user("konsulent", staff=True)
    consultant.email = "aase@laege.example"  # a staff login that is also a member
    consultant.save()
    ClusterAssignment.objects.create(user=consultant, cluster=vestfyn, role=COORDINATOR)
    helper = factories.user("hjaelper")  # not a member of the cluster
    ClusterAssignment.objects.create(user=helper, cluster=vestfyn, role=FACILITATOR)
    report = import_registry(registry(soeren="", jens="", aase="facilitator"), "register.csv")
    assert report.access.revoked == 2
    assert access() == {("konsulent", "vestfyn", COORDINATOR), (helper.username, "vestfyn", FACILITATOR)}
    assert User.objects.filter(username="konsulent", is_staff=True).exists()


def test_a_file_without_the_column_leaves_access_alone(good_csv):
    import_registry(registry(), "register.csv")
    report = import_registry(good_csv, "register.csv")
    assert not report.access.managed
    assert len(access()) == 2


def test_errors_are_reported_by_line_and_column_and_nothing_changes():
    import_registry(registry(), "register.csv")
    before = access()
    with pytest.raises(RegistryImportInvalid) as caught:
        import_registry(registry(soeren="formand", aase="koordinator", aase_active="nej", jens=""), "x.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "klyngerolle"), (3, "klyngerolle")]
    assert "ukendt klyngerolle 'formand'" in caught.value.errors[0].message
    assert access() == before


def test_two_logins_with_the_same_address_are_an_error_and_nothing_changes():
    for name in ("a", "b"):
        u = factories.user(name)
        u.email = "jens@laege.example"
        u.save()
    with pytest.raises(RegistryImportInvalid) as caught:
        import_registry(registry(), "register.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [(4, "email")]
    assert not ClusterAssignment.objects.exists()
    assert not User.objects.filter(username="soeren@laege.example").exists()
    assert not OutboxMessage.objects.exists()


def test_a_dry_run_creates_no_login_and_sends_nothing():
    report = import_registry(registry(), "register.csv", dry_run=True)
    assert report.access.logins_created == 2
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_export_writes_the_roles_and_reimporting_it_changes_nothing():
    import_registry(registry(), "register.csv")
    out = io.StringIO()
    export_registry(out)
    text = out.getvalue()
    assert text.splitlines()[0].endswith(";klyngerolle")
    assert ";koordinator" in text
    report = import_registry(text, "eksport.csv")
    assert not report.changed
