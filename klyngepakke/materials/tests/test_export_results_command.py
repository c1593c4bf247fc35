"""manage.py export_results: a round's published figures without a browser.

JSON is the staff API's response body byte for byte; xlsx is the materials' results
spreadsheet; an unknown or open round or an unwritable path is a clear error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.exporters import exporter
from tests import factories

from .base import meeting_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    return meeting_country()


def api_body(client, round_id: int) -> bytes:
    response = client.get(reverse("results:round_json", args=[round_id]))
    assert response.status_code == 200
    return response.content


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_results", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_on_stdout_is_the_api_body(country, staff_client):
    for round_ in (country.first_round, country.follow_up_round):
        body = api_body(staff_client, round_.pk)

        assert export("--round", str(round_.pk)).encode("utf-8") == body
        assert export("--round", str(round_.pk), "--format", "json", "--out", "-").encode("utf-8") == body


def test_json_to_a_file_is_the_api_body(country, staff_client, tmp_path):
    target = tmp_path / "runde.json"

    printed = export("--round", str(country.follow_up_round.pk), "--out", str(target))

    assert printed == ""
    assert target.read_bytes() == api_body(staff_client, country.follow_up_round.pk)
    assert [p.name for p in tmp_path.iterdir()] == ["runde.json"]  # no temporary file left


def test_json_on_a_binary_stdout_is_the_api_body(country, staff_client, capsysbinary):
    call_command("export_results", "--round", str(country.first_round.pk))

    assert capsysbinary.readouterr().out == api_body(staff_client, country.first_round.pk)


def test_xlsx_opens_and_is_the_materials_spreadsheet(country, tmp_path):
    target = tmp_path / "runde.xlsx"

    export("--round", str(country.follow_up_round.pk), "--format", "xlsx", "--out", str(target))

    book = load_workbook(target)
    rendered = exporter("spreadsheet").render(meeting_materials(country.follow_up_round.pk))
    expected = load_workbook(io.BytesIO(rendered.data))
    assert book.sheetnames == expected.sheetnames
    assert "Om dataene" in book.sheetnames
    for name in book.sheetnames:
        assert list(book[name].iter_rows(values_only=True)) == list(expected[name].iter_rows(values_only=True))


def test_xlsx_on_a_binary_stdout(country, capsysbinary):
    call_command("export_results", "--round", str(country.first_round.pk), "--format", "xlsx")

    book = load_workbook(io.BytesIO(capsysbinary.readouterr().out))
    assert book.sheetnames[0] == "Om dataene"


def test_xlsx_refuses_a_text_stdout(country):
    with pytest.raises(CommandError, match="regneark er binært"):
        export("--round", str(country.first_round.pk), "--format", "xlsx")


def test_an_unknown_round(db):
    with pytest.raises(CommandError, match="Ukendt runde: 999999"):
        export("--round", "999999")


def test_an_open_round(db, tmp_path):
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=5))
    target = tmp_path / "runde.json"

    with pytest.raises(CommandError, match="results exist only for closed rounds"):
        export("--round", str(round_.pk), "--out", str(target))

    assert not target.exists()


@pytest.mark.parametrize("where", ["missing folder", "a folder", "below a file"])
def test_an_unwritable_path_loses_nothing(country, tmp_path, where):
    if where == "missing folder":
        target = tmp_path / "nowhere" / "runde.json"
    elif where == "a folder":
        target = tmp_path / "folder"
        target.mkdir()
    else:
        (tmp_path / "fil.txt").write_text("x")
        target = tmp_path / "fil.txt" / "runde.json"
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))

    with pytest.raises(CommandError, match=f"Kan ikke skrive {target}"):
        export("--round", str(country.first_round.pk), "--out", str(target))

    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


def test_an_existing_file_is_replaced_whole(country, staff_client, tmp_path):
    target = tmp_path / "runde.json"
    target.write_text("gammelt indhold " * 10_000)

    export("--round", str(country.first_round.pk), "--out", str(target))

    assert target.read_bytes() == api_body(staff_client, country.first_round.pk)


def test_a_relative_path_in_the_working_folder(country, staff_client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    export("--round", str(country.first_round.pk), "--out", "runde.json")

    assert Path(tmp_path / "runde.json").read_bytes() == api_body(staff_client, country.first_round.pk)
