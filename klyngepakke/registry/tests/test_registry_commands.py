"""The import_registry and export_registry commands: thin shells with file:line errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from klyngepakke.registry.models import Member
from klyngepakke.registry.services import import_registry

from .helpers import GOOD_ROWS, csv_text, snapshot

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_applies_a_good_file_and_reports_counts(tmp_path, good_csv):
    path = tmp_path / "register.csv"
    path.write_text(good_csv, encoding="utf-8")

    out, _ = _run("import_registry", str(path))

    assert "clusters: 2 created, 0 updated, 0 unchanged" in out
    assert "members: 4 created, 0 updated, 0 unchanged" in out
    assert Member.objects.count() == 4
    out, _ = _run("import_registry", str(path))
    assert "members: 0 created, 0 updated, 4 unchanged" in out


def test_import_command_prints_every_error_as_file_line_column_and_fails(tmp_path):
    path = tmp_path / "dårlig.csv"
    bad = GOOD_ROWS[1].replace("aase@laege.example", "aase@")
    path.write_text(csv_text(GOOD_ROWS[0].replace(";2;", ";to;"), bad), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("import_registry", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"{path}:2: antal_laeger: skal være et helt tal")
    assert lines[1].startswith(f"{path}:3: email: ugyldig e-mailadresse")
    assert snapshot() == {"clusters": [], "practices": [], "members": []}


def test_import_command_dry_run_changes_nothing(tmp_path, good_csv):
    path = tmp_path / "register.csv"
    path.write_text(good_csv, encoding="utf-8")

    out, _ = _run("import_registry", str(path), "--dry-run")

    assert "members: 4 created" in out
    assert "nothing was changed" in out
    assert Member.objects.count() == 0


def test_import_command_reads_stdin_for_dash(monkeypatch, good_csv):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(good_csv.encode("utf-8"))))

    out, _ = _run("import_registry", "-")

    assert "members: 4 created" in out
    assert Member.objects.count() == 4


def test_import_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"findes-ikke\.csv"):
        call_command("import_registry", str(tmp_path / "findes-ikke.csv"))


def test_export_command_writes_a_file_with_bom_and_stdout_without(tmp_path, good_csv):
    import_registry(good_csv, "register.csv")
    path = tmp_path / "eksport.csv"

    out, _ = _run("export_registry", str(path))
    stdout, _ = _run("export_registry", "-")

    assert "Wrote 4 row(s)" in out
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfregion;klynge_kode;")
    assert data.decode("utf-8-sig") == stdout
    assert "Åse Bøgh" in stdout
    assert stdout.count("\n") == 5
