"""A good registry file is applied: creates, updates, re-applies without change, never deletes."""

import pytest
from django.conf import settings

from klyngepakke.registry.models import Cluster, Member, Practice
from klyngepakke.registry.services import import_registry
from tests import factories

from .helpers import GOOD_ROWS, HEADER, csv_text, snapshot

pytestmark = pytest.mark.django_db


def test_good_file_creates_everything(good_csv):
    report = import_registry(good_csv, "register.csv")

    assert (report.clusters.created, report.practices.created, report.members.created) == (2, 3, 4)
    assert report.rows == 4
    assert report.changed
    vestfyn = Cluster.objects.get(code="vestfyn")
    assert (vestfyn.name, vestfyn.region.code) == ("Klynge Vestfyn", "syddanmark")
    vf01 = Practice.objects.get(code="vf-01")
    assert (vf01.name, vf01.kind, vf01.doctor_count, vf01.cluster) == (
        "Lægehuset Østergade",
        Practice.Kind.PARTNERSHIP,
        2,
        vestfyn,
    )
    assert Practice.objects.get(code="vf-02").kind == Practice.Kind.SOLO
    mette = Member.objects.get(email="mette@laege.example")
    assert (mette.name, mette.role, mette.active, mette.practice.code) == (
        "Mette Lund",
        Member.Role.EMPLOYED,
        False,
        "ao-01",
    )
    assert Member.objects.get(email="aase@laege.example").role == Member.Role.TRAINEE


def test_reapplying_the_same_file_changes_nothing(good_csv):
    import_registry(good_csv, "register.csv")
    before = snapshot()

    report = import_registry(good_csv, "register.csv")

    assert (report.clusters.unchanged, report.practices.unchanged, report.members.unchanged) == (2, 3, 4)
    assert not report.changed
    assert snapshot() == before
    assert (Cluster.objects.count(), Practice.objects.count(), Member.objects.count()) == (2, 3, 4)


def test_changes_are_updates_by_code_and_email(good_csv):
    import_registry(good_csv, "register.csv")
    changed = csv_text(
        # cluster renamed; practice vf-02 grows; Jens moves from vf-02 to vf-01 and goes inactive
        "syddanmark;vestfyn;Klynge Vestfyn og Ærø;vf-01;Lægehuset Østergade;kompagniskab;3;"
        "Jens Holm;jens@laege.example;praktiserende læge;nej",
        # practice ao-01 moves to a new cluster in another region
        "nordjylland;thy;Klynge Thy;ao-01;Lægerne Torvet;kompagniskab;3;Mette Lund;mette@laege.example;ansat læge;nej",
    )  # fmt: skip

    report = import_registry(changed, "register.csv")

    assert (report.clusters.created, report.clusters.updated) == (1, 1)
    assert (report.practices.updated, report.practices.unchanged) == (2, 0)
    assert (report.members.updated, report.members.unchanged) == (1, 1)
    assert Cluster.objects.get(code="vestfyn").name == "Klynge Vestfyn og Ærø"
    assert Practice.objects.get(code="ao-01").cluster.code == "thy"
    jens = Member.objects.get(email="jens@laege.example")
    assert (jens.practice.code, jens.active) == ("vf-01", False)
    assert Member.objects.filter(email="jens@laege.example").count() == 1


def test_rows_left_out_are_never_deleted(good_csv):
    import_registry(good_csv, "register.csv")

    import_registry(csv_text(GOOD_ROWS[0]), "register.csv")

    assert (Cluster.objects.count(), Practice.objects.count(), Member.objects.count()) == (2, 3, 4)


@pytest.mark.parametrize("delimiter", [";", ","])
def test_both_delimiters_are_read_from_the_header(delimiter):
    text = csv_text(*GOOD_ROWS, delimiter=delimiter)

    report = import_registry(text, "register.csv")

    assert report.members.created == 4
    assert Member.objects.get(email="soeren@laege.example").name == "Søren Ærø"


def test_a_comma_file_may_quote_values_that_hold_commas():
    header = HEADER.replace(";", ",")
    row = 'syddanmark,odense,"Klynge Odense, Syd",od-1,"Lægerne ""Ved Åen""",solo,1,"Holm, Jens",j@laege.example,,'
    import_registry(f"{header}\n{row}\n", "register.csv")

    assert Cluster.objects.get(code="odense").name == "Klynge Odense, Syd"
    assert Practice.objects.get(code="od-1").name == 'Lægerne "Ved Åen"'
    assert Member.objects.get(email="j@laege.example").name == "Holm, Jens"


def test_utf8_with_bom_and_danish_letters_as_bytes(good_csv):
    data = "\ufeff".encode() + good_csv.encode("utf-8")

    import_registry(data, "register.csv")

    assert Member.objects.get(email="aase@laege.example").name == "Åse Bøgh"
    assert Cluster.objects.get(code="amager-oest").name == "Klynge Amager Øst"
    assert Practice.objects.get(code="vf-01").name == "Lægehuset Østergade"


def test_windows_line_endings_and_blank_lines_are_fine(good_csv):
    text = good_csv.replace("\n", "\r\n") + ";;;;;;;;;;\r\n\r\n"

    assert import_registry(text, "register.csv").members.created == 4


def test_columns_in_any_order_and_headers_spelt_loosely():
    header = "E-mail;Navn;Aktiv;Rolle;Antal læger;Praksis type;Praksis navn;Praksis kode;Klynge navn;Klynge kode;Region"
    row = "bo@laege.example;Bo Ravn;;;1;Sololæge;Læge Bo Ravn;p-1;Klynge Skive;skive;Region Midtjylland"

    import_registry(csv_text(row, header=header), "register.csv")

    bo = Member.objects.get(email="bo@laege.example")
    assert (bo.role, bo.active) == (Member.Role.GP, True)  # empty role and active mean gp and ja
    assert bo.practice.kind == Practice.Kind.SOLO
    assert bo.practice.cluster.region.code == "midtjylland"


@pytest.mark.parametrize(
    ("region", "kind", "role", "active", "expected"),
    [
        ("sjaelland", "partnership", "gp", "1", ("sjaelland", "partnership", "gp", True)),
        ("Region Sjælland", "Kompagniskab", "Praktiserende læge", "JA", ("sjaelland", "partnership", "gp", True)),
        ("Sjælland", "solo", "employed", "nej", ("sjaelland", "solo", "employed", False)),
        ("SJAELLAND", "sololaege", "uddannelseslaege", "0", ("sjaelland", "solo", "trainee", False)),
        ("region-sjaelland", "kompagniskab", "trainee", "false", ("sjaelland", "partnership", "trainee", False)),
    ],
)
def test_danish_labels_and_codes_are_both_accepted(region, kind, role, active, expected):
    row = f"{region};koege;Klynge Køge;k-1;Lægerne Køge;{kind};2;Ida Juul;ida@laege.example;{role};{active}"

    import_registry(csv_text(row), "register.csv")

    ida = Member.objects.select_related("practice__cluster__region").get(email="ida@laege.example")
    assert (ida.practice.cluster.region.code, ida.practice.kind, ida.role, ida.active) == expected


def test_rows_without_member_or_practice_create_empty_practices_and_clusters():
    text = csv_text(
        "syddanmark;fanoe;Klynge Fanø;fa-01;Lægerne Fanø;kompagniskab;2;;;;",
        "syddanmark;aeroe;Klynge Ærø;;;;;;;;",
    )

    report = import_registry(text, "register.csv")

    assert (report.clusters.created, report.practices.created, report.members.created) == (2, 1, 0)
    assert Practice.objects.get(code="fa-01").members.count() == 0
    assert Cluster.objects.get(code="aeroe").practices.count() == 0


def test_email_matches_an_existing_member_ignoring_case_and_keeps_its_spelling():
    practice = factories.practice(factories.cluster(code="vestfyn", name="Klynge Vestfyn"), code="vf-01", doctors=2)
    factories.member(practice, email="Soeren@Laege.Example", name="Søren Ærø")

    report = import_registry(csv_text(GOOD_ROWS[0]), "register.csv")

    assert report.members.unchanged == 1
    assert list(Member.objects.values_list("email", flat=True)) == ["Soeren@Laege.Example"]


def test_dry_run_counts_but_changes_nothing(good_csv):
    report = import_registry(good_csv, "register.csv", dry_run=True)

    assert report.members.created == 4
    assert report.dry_run
    assert snapshot() == {"clusters": [], "practices": [], "members": []}


def test_a_leading_apostrophe_is_the_spreadsheet_formula_guard_and_is_removed():
    row = "syddanmark;vestfyn;Klynge Vestfyn;vf-01;'=Lægerne;solo;1;'-Bo;bo@laege.example;;"

    import_registry(csv_text(row), "register.csv")

    assert Practice.objects.get(code="vf-01").name == "=Lægerne"
    assert Member.objects.get(email="bo@laege.example").name == "-Bo"


def test_the_documented_example_is_a_valid_file():
    doc = (settings.BASE_DIR / "docs" / "registry-csv.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]

    report = import_registry(example, "registry-csv.md")

    assert (report.clusters.created, report.practices.created, report.members.created) == (3, 4, 4)
    assert Practice.objects.get(code="ao-02").name == 'Lægerne "Ved Søen"'
    assert Cluster.objects.get(code="thy").practices.count() == 0
