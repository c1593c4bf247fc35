"""A bad registry file is rejected whole, with every error by line and column, and
nothing in the database changes."""

import pytest

from klyngepakke.registry.services import RegistryImportInvalid, import_registry

from .helpers import GOOD_ROWS, HEADER, csv_text, snapshot

pytestmark = pytest.mark.django_db

GOOD = GOOD_ROWS[0]  # syddanmark;vestfyn;Klynge Vestfyn;vf-01;...;soeren@laege.example;...


def _with(row: str, **changes: str) -> str:
    """GOOD with some columns replaced, by column name."""
    cells = row.split(";")
    names = HEADER.split(";")
    for column, value in changes.items():
        cells[names.index(column)] = value
    return ";".join(cells)


@pytest.fixture
def registry_before(good_csv):
    """An applied registry, and a snapshot of it, to prove a bad file changes nothing."""
    import_registry(good_csv, "register.csv")
    return snapshot()


def _errors(data, filename="register.csv"):
    with pytest.raises(RegistryImportInvalid) as caught:
        import_registry(data, filename)
    return [(e.line, e.column) for e in caught.value.errors], caught.value.errors


# Line 2 of each bad file is a valid change to the applied registry, so an import that
# wrongly applied part of a file would show in the snapshot.
VALID_CHANGE = _with(GOOD_ROWS[3], navn="Mette Lund-Hansen", aktiv="ja")
CASES = {
    "bad e-mail": ([_with(GOOD, email="soeren@")], [(2, "email")]),
    "unknown region": ([_with(GOOD, region="Grønland")], [(2, "region")]),
    "unknown practice type": ([_with(GOOD, praksis_type="gruppepraksis")], [(2, "praksis_type")]),
    "non-integer doctors": ([_with(GOOD, antal_laeger="2,5")], [(2, "antal_laeger")]),
    "zero doctors": ([_with(GOOD, antal_laeger="0")], [(2, "antal_laeger")]),
    "unknown role": ([_with(GOOD, rolle="sekretær")], [(2, "rolle")]),
    "bad active": ([_with(GOOD, aktiv="måske")], [(2, "aktiv")]),
    "bad code": ([_with(GOOD, praksis_kode="vf 01")], [(2, "praksis_kode")]),
    "empty region": ([_with(GOOD, region="")], [(2, "region")]),
    "empty cluster code": ([_with(GOOD, klynge_kode="")], [(2, "klynge_kode")]),
    "empty cluster name": ([_with(GOOD, klynge_navn="")], [(2, "klynge_navn")]),
    "empty practice name and type": (
        [_with(GOOD, praksis_navn="", praksis_type="")],
        [(2, "praksis_navn"), (2, "praksis_type")],
    ),
    "member without e-mail": ([_with(GOOD, email="")], [(2, "email")]),
    "e-mail without name": ([_with(GOOD, navn="")], [(2, "navn")]),
    "member without practice": (
        [_with(GOOD, praksis_kode="", praksis_navn="", praksis_type="", antal_laeger="")],
        [(2, "praksis_kode"), (2, "praksis_navn"), (2, "praksis_type"), (2, "antal_laeger")],
    ),
    "role without member": ([_with(GOOD, navn="", email="", rolle="ansat læge", aktiv="")], [(2, "rolle")]),
    "duplicate e-mail": ([GOOD, _with(GOOD, navn="Søren Anden", email="SOEREN@laege.example")], [(3, "email")]),
    "practice with another name": ([GOOD, _with(GOOD_ROWS[1], praksis_navn="Lægehuset Vest")], [(3, "praksis_navn")]),
    "practice with another type": ([GOOD, _with(GOOD_ROWS[1], praksis_type="solo")], [(3, "praksis_type")]),
    "practice in another cluster": (
        [GOOD, _with(GOOD_ROWS[1], klynge_kode="odense", klynge_navn="Klynge Odense")],
        [(3, "klynge_kode")],
    ),
    "practice with other doctors": ([GOOD, _with(GOOD_ROWS[1], antal_laeger="3")], [(3, "antal_laeger")]),
    "cluster with another name": ([GOOD, _with(GOOD_ROWS[2], klynge_navn="Klynge Fyn")], [(3, "klynge_navn")]),
    "cluster in another region": ([GOOD, _with(GOOD_ROWS[2], region="sjaelland")], [(3, "region")]),
    "too few fields": ([GOOD, "syddanmark;vestfyn"], [(3, "")]),
    "control character": ([_with(GOOD, navn="Søren\tÆrø")], [(2, "navn")]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_error_kind_names_line_and_column_and_changes_nothing(registry_before, case):
    rows, expected = CASES[case]
    # The case's rows start at line 3, after VALID_CHANGE.
    expected = [(line + 1, column) for line, column in expected]

    found, errors = _errors(csv_text(VALID_CHANGE, *rows))

    assert found == expected, [str(e) for e in errors]
    assert all(e.message for e in errors)
    assert snapshot() == registry_before


def test_every_error_in_the_file_is_listed_in_line_order(registry_before):
    data = csv_text(
        _with(GOOD, region="atlantis", antal_laeger="to"),
        _with(GOOD_ROWS[1], praksis_type="trio", email="soeren@laege.example"),
        _with(GOOD_ROWS[2], klynge_navn="Klynge Fyn", email="ikke-en-adresse"),
        GOOD_ROWS[3],
    )

    found, _ = _errors(data)

    assert found == [
        (2, "region"),
        (2, "antal_laeger"),
        (3, "praksis_type"),
        (3, "email"),
        (4, "klynge_navn"),
        (4, "email"),
    ]
    assert snapshot() == registry_before


def test_a_row_starting_on_a_later_line_is_reported_where_it_starts(registry_before):
    quoted = _with(GOOD_ROWS[1], praksis_navn='"Lægehuset\nØstergade"', email="x@")
    found, _ = _errors(csv_text(GOOD, quoted))

    assert (3, "praksis_navn") in found  # the name holds a line break
    assert (3, "email") in found
    assert snapshot() == registry_before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace(";aktiv", ""), [(1, "aktiv")]),
        (HEADER + ";telefon", [(1, "telefon")]),
        (HEADER + ";email", [(1, "email")]),
        ("region;klynge_kode", [(1, c) for c in HEADER.split(";")[2:]]),
    ],
    ids=["missing column", "unknown column", "column twice", "many missing"],
)
def test_header_problems_are_reported_on_line_1(registry_before, header, expected):
    cells = len(header.split(";"))
    row = ";".join((GOOD.split(";") + [""] * cells)[:cells])

    found, _ = _errors(csv_text(row, header=header))

    assert found == expected
    assert snapshot() == registry_before


def test_wrong_encoding_is_reported_for_each_line(registry_before):
    data = csv_text(GOOD, GOOD_ROWS[1], GOOD_ROWS[2]).encode("cp1252")

    found, errors = _errors(data)

    assert found == [(2, ""), (3, ""), (4, "")]
    assert "UTF-8" in errors[0].message
    assert snapshot() == registry_before


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"PK\x03\x04rest-of-a-zip", "register.xlsx"), (b"region;klynge_kode\n", "register.xlsx"), (b"", "x.csv")],
    ids=["xlsx bytes", "xlsx name", "empty"],
)
def test_spreadsheets_and_empty_files_are_refused(registry_before, data, filename):
    found, _ = _errors(data, filename)

    assert found == [(1, "")]
    assert snapshot() == registry_before
