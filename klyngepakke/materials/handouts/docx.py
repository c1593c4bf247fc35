"""Write a handout as an A4 Word document to fill in (python-docx).

Tables have fixed column widths and a repeated header row; ruled writing space is a
one-column table with only horizontal lines, so typed text lands on the lines. The core
properties carry the data's date and the zip entries a fixed timestamp, so the same
handout gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.font import Font
from docx.text.paragraph import Paragraph as DocxParagraph

from .blocks import Cell, Facts, Handout, Heading, Lines, Paragraph, Question, Table, hex_rgb

FONT = "Calibri"
MARGIN = Cm(1.8)
TEXT = RGBColor(0x21, 0x21, 0x21)
MUTED = RGBColor(0x5F, 0x5F, 0x5F)
RULE = "AFAFAF"
BORDER = "A0A0A0"
WRITE_LINE = Cm(0.85)
TICK = "\u2610"


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*hex_rgb(colour))


def _set_font(font: Font, size: float, colour: RGBColor, *, bold: bool | None = None) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = colour
    if bold is not None:
        font.bold = bold


def _plain_fonts(element: Any) -> None:
    """Drop theme font references so the style's named font applies in Word too."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), FONT)
    fonts.set(qn("w:hAnsi"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _styles(document: DocxDocument, primary: RGBColor) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal.font, 10.5, TEXT)
    _plain_fonts(normal.element)
    for lang in styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "da-DK")  # the document default: Danish spelling
    normal.paragraph_format.space_after = Pt(4)
    for name, size, colour, before in (("Heading 1", 14, primary, 14), ("Heading 2", 11.5, TEXT, 8)):
        style = styles[name]
        _set_font(style.font, size, colour, bold=True)
        _plain_fonts(style.element)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(3)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _set_font(title.font, 22, primary, bold=True)
    _plain_fonts(title.element)
    title.paragraph_format.space_after = Pt(0)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for name in ("List Bullet", "Footer"):
        _plain_fonts(styles[name].element)
    # The template's footer tab stops would catch the page number's tab before ours.
    styles["Footer"].paragraph_format.tab_stops.clear_all()


def _page(document: DocxDocument, handout: Handout) -> None:
    section = document.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    if handout.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.footer_distance = Cm(0.9)
    paragraph = section.footer.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(width - 2 * MARGIN, WD_TAB_ALIGNMENT.RIGHT)
    _run(paragraph, handout.footer, size=8, colour=MUTED)
    _run(paragraph, "\tSide ", size=8, colour=MUTED)
    _field(paragraph, "PAGE")
    _run(paragraph, " af ", size=8, colour=MUTED)
    _field(paragraph, "NUMPAGES")


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    size: float | None = None,
    colour: RGBColor | None = None,
    bold: bool = False,
    italic: bool = False,
) -> None:
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour


# Schema order of the property elements this module adds to (Word refuses misordered ones).
ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
}


def _xml(parent: Any, tag: str, **attributes: str) -> Any:
    """Add a `tag` element to `parent`, in schema order where the parent has one."""
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    sequence = ORDER.get(parent.tag.rsplit("}", 1)[-1], "").split()
    name = tag.split(":", 1)[1]
    if name in sequence:
        later = {qn(f"w:{n}") for n in sequence[sequence.index(name) + 1 :]}
        for child in parent:
            if child.tag in later:
                child.addprevious(element)
                return element
    parent.append(element)
    return element


def _borders(table: DocxTable, **edges: str) -> None:
    """Table borders: each edge ("top", "insideH", ...) "single:COLOUR" or "nil"."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = _xml(tbl_pr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        spec = edges.get(edge, "nil")
        if spec == "nil":
            _xml(borders, f"w:{edge}", val="nil")
        else:
            _xml(borders, f"w:{edge}", val="single", sz="4", space="0", color=spec)


def _widths(table: DocxTable, widths: list[int]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _row_props(row: _Row, *, height: int | None = None, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    _xml(tr_pr, "w:cantSplit")
    if header:
        _xml(tr_pr, "w:tblHeader")
    if height:
        _xml(tr_pr, "w:trHeight", val=str(int(height / 635)), hRule="atLeast")


def _margins(table: DocxTable, *, side_margin: int = 85) -> None:
    """Room between a cell's text and its borders (twips)."""
    margins = _xml(table._tbl.tblPr, "w:tblCellMar")
    for side, size in (("top", 45), ("left", side_margin), ("bottom", 45), ("right", side_margin)):
        _xml(margins, f"w:{side}", w=str(size), type="dxa")


def _shade(cell: _Cell, colour: str) -> None:
    _xml(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=colour)


def _text_width(document: DocxDocument, handout: Handout) -> int:
    section = document.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


class _Writer:
    def __init__(self, handout: Handout) -> None:
        self.handout = handout
        self.document = Document()
        self.primary = _rgb(handout.primary)
        self.accent = _rgb(handout.accent)
        _styles(self.document, self.primary)
        _page(self.document, handout)
        self.width = _text_width(self.document, handout)
        body = self.document.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)

    def title(self) -> None:
        self.document.add_paragraph(self.handout.title, style="Title")
        subtitle = self.document.add_paragraph()
        _run(subtitle, self.handout.subtitle, size=12, colour=MUTED)
        ppr = subtitle._p.get_or_add_pPr()
        _xml(_xml(ppr, "w:pBdr"), "w:bottom", val="single", sz="12", space="4", color=self.handout.accent[1:])
        subtitle.paragraph_format.space_after = Pt(10)

    def heading(self, block: Heading) -> None:
        self.document.add_heading(block.text, level=block.level)

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.document.add_paragraph(style="List Bullet" if block.bullet else None)
        _run(
            paragraph,
            block.text,
            size=9.5 if block.muted else None,
            colour=MUTED if block.muted else None,
            bold=block.bold,
        )

    def facts(self, block: Facts) -> None:
        count = len(block.rows)
        label_w = int(Cm(0.7 + 0.24 * max(len(label) for label, _ in block.rows)))
        if block.inline:
            table = self.document.add_table(rows=1, cols=2 * count)
            _widths(table, [label_w, self.width // count - label_w] * count)
            cells = [(table.rows[0].cells[2 * i], table.rows[0].cells[2 * i + 1]) for i in range(count)]
        else:
            table = self.document.add_table(rows=count, cols=2)
            _widths(table, [label_w, int(Cm(10))])
            cells = [(row.cells[0], row.cells[1]) for row in table.rows]
        _borders(table)
        for row in table.rows:
            _row_props(row, height=int(Cm(0.75)))
        for (label_cell, value_cell), (label, value) in zip(cells, block.rows, strict=True):
            label_cell.vertical_alignment = value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            _run(label_cell.paragraphs[0], f"{label}:", bold=True)
            if value:
                _run(value_cell.paragraphs[0], value)
            else:
                tc_borders = _xml(value_cell._tc.get_or_add_tcPr(), "w:tcBorders")
                _xml(tc_borders, "w:bottom", val="single", sz="4", space="0", color=RULE)
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)

    def table(self, block: Table) -> None:
        total = sum(c.width for c in block.columns)
        widths = [int(self.width * c.width / total) for c in block.columns]
        table = self.document.add_table(rows=1 + len(block.rows) + block.blank_rows, cols=len(block.columns))
        _borders(table, **dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), BORDER))
        _widths(table, widths)
        header = table.rows[0]
        _row_props(header, header=True)
        for cell, column in zip(header.cells, block.columns, strict=True):
            _shade(cell, self.handout.primary[1:])
            _run(cell.paragraphs[0], column.label, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF), size=10)
        _margins(table)
        for row, cells in zip(table.rows[1:], block.rows, strict=False):
            blanks = any(not (c.text or c.detail) for c in cells[1 if block.tick else 0 :])
            _row_props(row, height=int(WRITE_LINE) if blanks else None)
            for index, (cell, content) in enumerate(zip(row.cells, cells, strict=True)):
                if block.tick and index == 0:
                    _run(cell.paragraphs[0], TICK, size=13)
                else:
                    self._cell(cell, content)
        for row in table.rows[1 + len(block.rows) :]:
            _row_props(row, height=block.blank_height * int(WRITE_LINE))
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)

    def _cell(self, cell: _Cell, content: Cell) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(1)
        if content.text:
            _run(paragraph, content.text, bold=content.bold, colour=MUTED if content.muted else None, size=10)
        if content.detail:
            detail = cell.add_paragraph() if content.text else paragraph
            detail.paragraph_format.space_after = Pt(2)
            _run(detail, content.detail, size=9, colour=MUTED)

    def question(self, block: Question) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(0 if block.note else 2)
        _run(paragraph, block.text, bold=True)
        if block.note:
            note = self.document.add_paragraph()
            note.paragraph_format.keep_with_next = True
            note.paragraph_format.space_after = Pt(2)
            _run(note, block.note, italic=True, size=9.5, colour=self.accent)
        self.lines(Lines(block.lines))

    def lines(self, block: Lines) -> None:
        table = self.document.add_table(rows=block.count, cols=1)
        _borders(table, bottom=RULE, insideH=RULE)
        _widths(table, [self.width])
        _margins(table, side_margin=0)  # the lines start at the text's margin
        for index, row in enumerate(table.rows):
            _row_props(row, height=int(WRITE_LINE))
            if index < block.count - 1:
                row.cells[0].paragraphs[0].paragraph_format.keep_with_next = True
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)

    def save(self) -> bytes:
        created = datetime.combine(self.handout.created, time(12, 0))
        props = self.document.core_properties
        props.title = f"{self.handout.title} - {self.handout.subtitle}"
        props.subject = self.handout.footer
        props.author = props.last_modified_by = "Klyngepakke"
        props.comments = ""
        props.keywords = ""
        props.language = "da-DK"
        props.created = props.modified = created
        props.last_printed = created
        props.revision = 1
        buffer = io.BytesIO()
        self.document.save(buffer)
        return _fixed_zip(buffer.getvalue(), created)


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same archive with every entry's timestamp set to `when`."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def render_docx(handout: Handout) -> bytes:
    writer = _Writer(handout)
    writer.title()
    for block in handout.blocks:
        if isinstance(block, Heading):
            writer.heading(block)
        elif isinstance(block, Paragraph):
            writer.paragraph(block)
        elif isinstance(block, Facts):
            writer.facts(block)
        elif isinstance(block, Table):
            writer.table(block)
        elif isinstance(block, Question):
            writer.question(block)
        else:
            writer.lines(block)
    return writer.save()
