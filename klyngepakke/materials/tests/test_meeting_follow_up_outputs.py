"""'Opfølgning fra sidste møde' reads the same in the JSON, on the results page, in the
spreadsheet and on the deck's first slides: one set of strings from the results layer.
A first meeting's deck and note sheet offer the package's measure points to choose."""

from __future__ import annotations

import html
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from klyngepakke.materials.context import meeting_materials
from klyngepakke.materials.handouts.content import notes
from klyngepakke.materials.spreadsheet import render_spreadsheet
from klyngepakke.results.tests.meeting_follow_up_support import TEXTS, whole_cycle
from klyngepakke.web.tests.test_results_pages import client_for
from tests import factories

from .deck_support import open_deck, slide_text, table_rows, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return whole_cycle()


def test_every_output_carries_the_same_strings(cycle, staff_client):
    round_ = cycle.follow_up
    body = staff_client.get(reverse("results:round_json", args=[round_.pk])).content.decode()
    section = json.loads(body)["follow_up_from_meeting"]
    materials = meeting_materials(round_.pk)
    assert materials.meeting_follow_up == section

    point = next(p for p in section["measure_points"] if p["code"] == "q1_leadership_effort")
    strings = [
        point["before"]["text"],
        point["after"]["text"],
        point["change_text"],
        point["change"]["ci_text"],
        point["sentence"],
        *section["plans"]["lines"],
        *section["decisions"]["focus_areas"],
    ]

    page = html.unescape(
        client_for(factories.coordinator(round_.order.cluster))
        .get(reverse("results:round", args=[round_.order.cluster.code, round_.pk]))
        .content.decode()
    )
    assert "Opfølgning fra sidste møde" in page
    for text in [*strings, *TEXTS]:
        assert text in page, text

    book = openpyxl.load_workbook(io.BytesIO(render_spreadsheet(materials).data))
    assert book.sheetnames[1] == "Opfølgning fra sidste møde"
    cells = {str(c.value) for row in book["Opfølgning fra sidste møde"].iter_rows() for c in row if c.value}
    for text in [point["sentence"], *section["decisions"]["focus_areas"], *TEXTS]:
        assert text in cells, text
    sheet_row = next(
        r for r in book["Opfølgning fra sidste møde"].iter_rows(values_only=True) if r[0] == point["label"]
    )
    assert sheet_row[1:6] == (
        point["before"]["mean"],
        point["before"]["n"],
        point["after"]["mean"],
        point["after"]["n"],
        point["change"]["difference"],
    )

    deck = open_deck(materials)
    slides = list(deck.slides)
    assert title(slides[1]) == "Opfølgning fra sidste møde"
    assert title(slides[2]) == "Målepunkter før og efter"
    deck_text = " ".join(slide_text(s) for s in slides[1:6])
    for text in strings:
        assert text in deck_text, text
    rows = table_rows(slides[2], "Målepunkter")
    q1 = next(r for r in rows if r[0] == point["label"])
    assert q1[1:] == [
        point["before"]["text"],
        point["after"]["text"],
        f"{point['change_text']} ({point['change']['ci_text']})",
    ]
    # The generic implementation slide gives way to the follow-up's own opening.
    assert not [s for s in slides if title(s) == "Implementering og opfølgning"]


def test_a_first_meeting_offers_the_measure_points_to_choose(cycle):
    materials = meeting_materials(cycle.first.pk)
    assert materials.meeting_follow_up is None
    codes = [c.code for c in materials.measure_point_choices]
    assert codes[:2] == ["q1_leadership_effort", "q2_leadership_tasks"]
    slides = list(open_deck(materials).slides)
    chosen = [s for s in slides if title(s).startswith("Hvilke målepunkter vil klyngen følge op på?")]
    assert chosen
    rows = [r for s in chosen for r in table_rows(s, "Målepunkter at vælge")[1:]]
    assert [r[1] for r in rows] == [c.hint for c in materials.measure_point_choices]
    assert all(r[0] == "\u2610" for r in rows)
    assert [s for s in slides if title(s) == "Implementering og opfølgning"]

    handout = notes(materials)
    tables = [b for b in handout.blocks if getattr(b, "tick", False)]
    assert len(tables[0].rows) == len(materials.measure_point_choices)
