"""The meeting deck (.pptx): the cluster's data with native charts, the program, the
reflection questions, implementation and follow-up, and the offers.

`render(materials)` is a pure function of the materials: the same round gives the same
slides, numbers and bytes (fixed dates inside the file and in its zip entries).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time

from ..context import MeetingMaterials
from ..exporters import Rendered, file_stem, register
from .slides_follow_up import follow_up_slides
from .slides_meeting import (
    help_slide,
    implementation_slide,
    offer_slides,
    program_slide,
    reflection_slides,
    response_slide,
    title_slide,
)
from .slides_meeting_follow_up import measure_point_choice_slide, meeting_follow_up_slides
from .slides_results import theme_slides, too_few_slide, withheld_summary_slide
from .slides_scores import reference_slide, scores_for_theme
from .slides_subgroups import subgroup_slides
from .template import Deck

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def build(materials: MeetingMaterials) -> Deck:
    """Every slide, in the order the meeting uses them."""
    deck = Deck(materials)
    title_slide(deck, materials)
    # A follow-up meeting opens with what the last meeting decided (seed 001's program).
    meeting_follow_up_slides(deck, materials)
    program_slide(deck, materials)
    response_slide(deck, materials)
    follow_up_slides(deck, materials)
    if "withheld" in materials.results["group"]:
        too_few_slide(deck, materials)
    opened_with = _sections_opened_with(materials)
    for theme in materials.themes:
        if theme.code in opened_with:
            continue
        withheld = theme_slides(deck, materials, theme)
        withheld += scores_for_theme(deck, materials, theme.code)
        withheld_summary_slide(deck, theme.title, withheld)
    subgroup_slides(deck, materials)
    reference_slide(deck, materials)
    reflection_slides(deck, materials)
    measure_point_choice_slide(deck, materials)
    if materials.meeting_follow_up is None:
        # A follow-up deck opened with the decisions, measure points and plans instead.
        implementation_slide(deck, materials)
    offer_slides(deck, materials)
    help_slide(deck, materials)
    return deck


def _sections_opened_with(materials: MeetingMaterials) -> set[str]:
    """The questionnaire sections a follow-up deck shows at its start ("Det har praksis
    ændret", the follow-up questions): they get no second slide among the themes."""
    section = materials.meeting_follow_up
    if not section:
        return set()
    answers = section["change_answers"]
    return {entry["section"] for entry in [*answers.get("choices", ()), *answers.get("texts", ())]}


def _core_properties(deck: Deck, materials: MeetingMaterials) -> None:
    props = deck.prs.core_properties
    stamp = datetime.combine(materials.data_date, time(12, 0))
    props.title = f"{materials.package_title}: {materials.cluster_name}"
    props.subject = materials.package_title
    props.author = "Klyngepakke"
    props.last_modified_by = "Klyngepakke"
    props.keywords = f"{materials.cluster_code} {materials.package_code} runde {materials.round_id}"
    props.language = "da-DK"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.comments = materials.footer


def _fixed_zip(data: bytes, stamp: tuple[int, int, int, int, int, int]) -> bytes:
    """The same package with every entry dated `stamp`, so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_bytes(materials: MeetingMaterials) -> bytes:
    deck = build(materials)
    _core_properties(deck, materials)
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    day = materials.data_date
    return _fixed_zip(buffer.getvalue(), (day.year, day.month, day.day, 12, 0, 0))


@register("deck", "Præsentation til mødet (PowerPoint)")
def render(materials: MeetingMaterials) -> Rendered:
    return Rendered(f"{file_stem(materials)}-praesentation.pptx", CONTENT_TYPE, render_bytes(materials))
