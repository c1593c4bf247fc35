"""The deck's template: 16:9 slides on the blank layout, a title and body style in the
package's colours, a footer with the package, cluster and data date, and slide numbers.

Every text box is sized from an estimate of its text (see text.py): a box gets the
largest font size at which its text fits, between the style's maximum and minimum, and
word wrap is on, so nothing runs out of its box in PowerPoint or LibreOffice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..context import MeetingMaterials
from .text import INSET_PT, Para, fit_size, paragraphs_height, run_size

FONT = "Arial"
SLIDE_W = Emu(12192000)  # 13.333 in: the standard 16:9 width
SLIDE_H = Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_TOP = Inches(0.3)
TITLE_H = Inches(0.85)
RULE_TOP = Inches(1.2)
SUBTITLE_TOP = Inches(1.3)
SUBTITLE_H = Inches(0.62)
BODY_BOTTOM = Inches(6.85)
FOOTER_TOP = Inches(7.02)
FOOTER_H = Inches(0.33)
TEXT = "1B1F24"
MUTED = "5A6470"
LIGHT = "F2F4F7"


def hex_rgb(value: str) -> RGBColor:
    return RGBColor.from_string(value.lstrip("#").upper())


def mix(colour: str, other: str, t: float) -> str:
    """`colour` moved a fraction `t` towards `other` (hex strings, no #)."""
    a = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(other.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b, strict=True))


def is_dark(colour: str) -> bool:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def right(self) -> int:
        return self.left + self.width

    def split_h(self, fraction: float, gap: int = Inches(0.3)) -> tuple[Box, Box]:
        first = int((self.width - gap) * fraction)
        return (
            Box(self.left, self.top, first, self.height),
            Box(self.left + first + gap, self.top, self.width - first - gap, self.height),
        )

    def split_v(self, height: int, gap: int = Inches(0.15)) -> tuple[Box, Box]:
        return (
            Box(self.left, self.top, self.width, height),
            Box(self.left, self.top + height + gap, self.width, max(0, self.height - height - gap)),
        )


def pt(emu: int) -> float:
    return Emu(emu).pt


class Deck:
    """A presentation being built; `slide()` adds a slide in the template."""

    def __init__(self, materials: MeetingMaterials) -> None:
        self.materials = materials
        self.prs = Presentation()
        self.prs.slide_width = SLIDE_W
        self.prs.slide_height = SLIDE_H
        style = materials.style
        self.primary = str(style["primary"]).lstrip("#").upper()
        self.accent = str(style["accent"]).lstrip("#").upper()
        self.series = [str(c).lstrip("#").upper() for c in style.get("series") or [self.primary]]
        self._blank = self.prs.slide_layouts[6]
        # Dates inside the file (core properties, chart workbooks) are the data's date.
        self.created = datetime.combine(materials.data_date, time(12, 0))

    # -- slides -----------------------------------------------------------------------

    def slide(self, title: str, subtitle: str = "") -> tuple[Any, Box]:
        """A slide with title (and subtitle), footer and number; returns it and its body box."""
        slide = self.prs.slides.add_slide(self._blank)
        self.text(
            slide,
            Box(MARGIN, TITLE_TOP, CONTENT_W, TITLE_H),
            [Para(title, bold=True, color=self.primary)],
            max_pt=30,
            min_pt=18,
            anchor=MSO_ANCHOR.BOTTOM,
            name="Titel",
        )
        self.rect(slide, Box(MARGIN, RULE_TOP, CONTENT_W, Inches(0.04)), self.accent)
        top = RULE_TOP + Inches(0.18)
        if subtitle:
            self.text(
                slide,
                Box(MARGIN, SUBTITLE_TOP, CONTENT_W, SUBTITLE_H),
                [Para(subtitle, color=MUTED)],
                max_pt=18,
                min_pt=12,
                name="Undertitel",
            )
            top = SUBTITLE_TOP + SUBTITLE_H + Inches(0.08)
        self.footer(slide)
        return slide, Box(MARGIN, top, CONTENT_W, BODY_BOTTOM - top)

    def footer(self, slide: Any, light: bool = False) -> None:
        colour = "FFFFFF" if light else MUTED
        width = CONTENT_W - Inches(0.9)
        self.text(
            slide,
            Box(MARGIN, FOOTER_TOP, width, FOOTER_H),
            [Para(self.materials.footer, color=colour)],
            max_pt=10,
            min_pt=7,
            anchor=MSO_ANCHOR.MIDDLE,
            name="Sidefod",
        )
        number = len(self.prs.slides)
        shape = self.text(
            slide,
            Box(MARGIN + width, FOOTER_TOP, Inches(0.9), FOOTER_H),
            [Para(str(number), color=colour)],
            max_pt=10,
            min_pt=10,
            anchor=MSO_ANCHOR.MIDDLE,
            align=PP_ALIGN.RIGHT,
            name="Slidenummer",
        )
        _slide_number_field(shape, number)

    # -- shapes -----------------------------------------------------------------------

    def rect(self, slide: Any, box: Box, fill: str, line: str | None = None) -> Any:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, box.width, box.height)
        shape.fill.solid()
        shape.fill.fore_color.rgb = hex_rgb(fill)
        if line:
            shape.line.color.rgb = hex_rgb(line)
            shape.line.width = Pt(0.75)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def text(
        self,
        slide: Any,
        box: Box,
        paras: list[Para],
        *,
        max_pt: float = 20,
        min_pt: float = 11,
        anchor: Any = MSO_ANCHOR.TOP,
        align: Any = PP_ALIGN.LEFT,
        name: str = "",
        fill: str | None = None,
    ) -> Any:
        """A text box sized to its text: the largest size in [min_pt, max_pt] that fits.

        When even `min_pt` does not fit, the text is shortened (an ellipsis), never left
        to overflow; callers paginate long lists before they get here.
        """
        width, height = pt(box.width), pt(box.height)
        size = fit_size(paras, width, height, max_pt, min_pt)
        if size is None:
            size = min_pt
            paras = _shorten(paras, width, height, size)
        shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        if name:
            shape.name = name
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = hex_rgb(fill)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        inset = Pt(INSET_PT)
        frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = inset
        for index, para in enumerate(paras):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            self.fill_paragraph(paragraph, para, size, align)
            if index < len(paras) - 1:
                paragraph.space_after = Pt(round(para.space_after * run_size(size, para.scale), 1))
        return shape

    def fill_paragraph(self, paragraph: Any, para: Para, size: float, align: Any = PP_ALIGN.LEFT) -> None:
        paragraph.alignment = align
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = para.text
        font = run.font
        font.name = FONT
        font.size = Pt(run_size(size, para.scale))
        font.bold = para.bold
        font.italic = para.italic
        font.color.rgb = hex_rgb(para.color or TEXT)
        if para.bullet:
            _bullet(paragraph, self.accent)

    def table(
        self,
        slide: Any,
        box: Box,
        header: list[str],
        rows: list[list[Cell]],
        widths: list[float],
        *,
        max_pt: float = 16,
        min_pt: float = 10,
        align_right: tuple[int, ...] = (),
        name: str = "",
    ) -> Any:
        """A native table whose font is the largest at which every row fits `box`.

        `widths` are fractions of the box width. Returns the graphic frame (its height is
        the estimated height, never more than the box).
        """
        col_w = [int(box.width * w) for w in widths]
        size = min_pt
        heights: list[float] = []
        for candidate in _halves(max_pt, min_pt):
            heights = [_row_height(r, col_w, candidate, bold=i == 0) for i, r in enumerate([header, *rows])]
            size = candidate
            if sum(heights) <= pt(box.height):
                break
        total = Pt(sum(heights))
        frame = slide.shapes.add_table(len(rows) + 1, len(header), box.left, box.top, box.width, min(total, box.height))
        if name:
            frame.name = name
        table = frame.table
        for index, width in enumerate(col_w):
            table.columns[index].width = width
        for r, values in enumerate([header, *rows]):
            table.rows[r].height = Pt(heights[r])
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = Pt(INSET_PT)
                cell.margin_top = cell.margin_bottom = Pt(2)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.fill.solid()
                cell.fill.fore_color.rgb = hex_rgb(self.primary if r == 0 else ("FFFFFF" if r % 2 else LIGHT))
                cell.text_frame.word_wrap = True
                paras = _cell_paras(value, header=r == 0)
                for index, para in enumerate(paras):
                    paragraph = cell.text_frame.paragraphs[0] if index == 0 else cell.text_frame.add_paragraph()
                    self.fill_paragraph(paragraph, para, size, PP_ALIGN.RIGHT if c in align_right else PP_ALIGN.LEFT)
                    if index < len(paras) - 1:
                        paragraph.space_after = Pt(round(para.space_after * run_size(size, para.scale), 1))
        # No banding from the table style: our fills are explicit.
        tbl_pr = table._tbl.tblPr
        tbl_pr.set("bandRow", "0")
        tbl_pr.set("firstRow", "1")
        return frame


def _halves(high: float, low: float) -> list[float]:
    values = []
    size = high
    while size >= low:
        values.append(size)
        size -= 0.5
    return values


Cell = str | list[Para]


def _cell_paras(value: Cell, header: bool) -> list[Para]:
    if isinstance(value, str):
        colour = "FFFFFF" if header else TEXT
        return [Para(line, bold=header, color=colour, space_after=0) for line in value.split("\n")]
    return value


def _row_height(values: list[Cell], widths: list[int], size: float, bold: bool) -> float:
    tallest = 0.0
    for value, width in zip(values, widths, strict=True):
        paras = _cell_paras(value, header=bold)
        tallest = max(tallest, paragraphs_height(paras, pt(width), size) - 2 * INSET_PT)
    return tallest + 4 + 3  # cell margins and a little air


def table_fits(header: list[str], rows: list[list[Cell]], widths: list[float], box: Box, size: float) -> bool:
    col_w = [int(box.width * w) for w in widths]
    heights = [_row_height(r, col_w, size, bold=i == 0) for i, r in enumerate([header, *rows])]
    return sum(heights) <= pt(box.height)


def _shorten(paras: list[Para], width: float, height: float, size: float) -> list[Para]:
    kept = list(paras)
    while kept and paragraphs_height(kept, width, size) > height:
        last = kept[-1]
        # Without the ellipsis of an earlier cut, so every round drops at least a word.
        words = last.text.removesuffix(" …").split(" ")
        if len(words) <= 2:
            kept.pop()
            continue
        kept[-1] = replace(last, text=" ".join(words[: len(words) * 3 // 4]) + " …")
    return kept


def _bullet(paragraph: Any, colour: str) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(Pt(18)))
    p_pr.set("indent", str(-Pt(18)))
    clr = etree.SubElement(p_pr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr")).set("val", colour)
    etree.SubElement(p_pr, qn("a:buFont")).set("typeface", FONT)
    etree.SubElement(p_pr, qn("a:buChar")).set("char", "•")


def _slide_number_field(shape: Any, number: int) -> None:
    """Turn the number's run into a slide-number field (it stays right when reordered)."""
    paragraph = shape.text_frame.paragraphs[0]._p
    run = paragraph.find(qn("a:r"))
    field = etree.Element(qn("a:fld"))
    field.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    field.set("type", "slidenum")
    for child in list(run):
        field.append(child)
    paragraph.replace(run, field)
    field.find(qn("a:t")).text = str(number)
