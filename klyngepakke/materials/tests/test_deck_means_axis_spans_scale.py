"""A chart of means spans the item's whole scale. With an automatic axis, a mean of 2,5 on
the 1-4 scale of "I hvilken grad oplever du den arbejdsglæde, du ønsker?" was drawn on an
axis ending at 3 - a nearly full bar - and the WHO-5 items (0-5) on one ending at 4. The
results layer gives each scaled item its range (`scale`), and the deck's axes end there."""

from __future__ import annotations

import pytest

from klyngepakke.materials.context import meeting_materials

from .base import meeting_country
from .deck_base import large_follow_up
from .deck_support import charts, open_deck, subtitle, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def materials():
    meeting_country()
    return meeting_materials(large_follow_up().pk)


def test_mean_charts_end_at_the_top_of_the_scale(materials):
    items = {i["code"]: i for i in materials.results["group"]["items"]}
    assert items["job_satisfaction"]["scale"] == {"min": 1, "max": 4}
    assert items["who5_1"]["scale"] == {"min": 0, "max": 5}
    prs = open_deck(materials)
    (single,) = [s for s in prs.slides if subtitle(s) == items["job_satisfaction"]["text"] and charts(s, "Gennemsnit")]
    assert charts(single, "Gennemsnit")[0].value_axis.maximum_scale == 4
    matrix = [
        s for s in prs.slides if subtitle(s).startswith("Gennemsnit pr. delspørgsmål") and title(s) == "Din trivsel"
    ]
    assert matrix
    axis = charts(matrix[0], "Gennemsnit")[0].value_axis
    assert axis.maximum_scale == 5
    assert "(0–5)" in axis.axis_title.text_frame.text
