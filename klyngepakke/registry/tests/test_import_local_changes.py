"""A registry import and the coordinators' local member changes: the file wins for the
fields it carries and says so (preview and command), a corrected address is kept and
the member still found by the old one, nothing is overwritten silently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from klyngepakke.registry import member_services
from klyngepakke.registry.import_plan import plan_import
from klyngepakke.registry.models import Member, MemberChange
from klyngepakke.registry.services import import_registry, read_registry

from .helpers import GOOD_ROWS, csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(good_csv):
    import_registry(good_csv)
    return good_csv


def plan(text):
    return plan_import(read_registry(text))


def soeren():
    return Member.objects.get(email="soeren@laege.example")


def test_reimporting_after_a_local_leave_lists_the_overwrite_and_the_file_wins(imported, capsys):
    member_services.mark_left(soeren(), by=None)
    preview = plan(imported)
    assert [(o.email, o.field, o.local_value, o.file_value, o.line) for o in preview.overwrites] == [
        ("soeren@laege.example", "active", False, True, 2)
    ]
    report = import_registry(imported)
    assert report.plan.overwrites
    assert soeren().active is True
    imported_change = soeren().changes.filter(kind=MemberChange.Kind.IMPORTED).get()
    assert imported_change.fields == {"active": [False, True]}
    # The import is now the latest word: nothing local is pending any more.
    assert plan(imported).overwrites == []


def test_a_file_that_agrees_with_the_local_change_overwrites_nothing(imported):
    member_services.mark_left(soeren(), by=None)
    agreeing = imported.replace(
        "Søren Ærø;soeren@laege.example;praktiserende læge;ja", "Søren Ærø;soeren@laege.example;praktiserende læge;nej"
    )
    preview = plan(agreeing)
    assert preview.overwrites == []
    assert preview.members.changed == []


def test_a_corrected_address_is_kept_and_found_by_the_old_one(imported):
    member_services.change_email(soeren(), "soeren.ny@laege.example", by=None)
    preview = plan(imported)
    assert [e.key for e in preview.old_addresses] == ["soeren.ny@laege.example"]
    assert preview.members.new == []
    report = import_registry(imported)
    assert report.members.created == 0
    assert Member.objects.filter(name="Søren Ærø").get().email == "soeren.ny@laege.example"
    assert not Member.objects.filter(email="soeren@laege.example").exists()


def test_a_locally_added_member_not_in_the_file_is_kept_and_listed(imported):
    practice = soeren().practice
    added = member_services.add_member(
        practice.cluster, name="Lokal", email="lokal@laege.example", practice=practice, by=None
    )
    preview = plan(imported)
    assert "lokal@laege.example" in [e.key for e in preview.members.absent]
    import_registry(imported)
    added.refresh_from_db()
    assert added.active


def test_the_file_moving_a_locally_added_member_lists_the_overwrite(imported):
    practice = soeren().practice
    member_services.add_member(practice.cluster, name="Lokal", email="lokal@laege.example", practice=practice, by=None)
    text = csv_text(
        *GOOD_ROWS,
        "syddanmark;vestfyn;Klynge Vestfyn;vf-02;Læge Jens Holm;solo;1;Lokal;lokal@laege.example;;",
    )
    preview = plan(text)
    assert [(o.field, o.local_value, o.file_value) for o in preview.overwrites] == [("practice", "vf-01", "vf-02")]


def test_the_command_says_what_it_overwrites(imported, tmp_path, capsys):
    member_services.mark_left(soeren(), by=None)
    path = tmp_path / "register.csv"
    path.write_text(imported, encoding="utf-8")
    call_command("import_registry", "--dry-run", str(path))
    out = capsys.readouterr().out
    assert f"{path}:2: would overwrite a local change of soeren@laege.example (aktiv: nej -> ja;" in out
    assert soeren().active is False
