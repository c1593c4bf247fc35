"""Draw a handout as an A4 PDF for printing (fpdf2, core fonts, no files on disk).

The core fonts (Helvetica) cover Danish through Windows-1252; the few characters outside
it are replaced by their nearest plain form. The creation date is the data's date and
fpdf2 derives the file id from the content, so the same handout gives the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from .blocks import Block, Cell, Facts, Handout, Heading, Lines, Paragraph, Question, Table, hex_rgb

FONT = "Helvetica"
ENCODING = "windows-1252"
MARGIN = 18.0
LINE = 5.0  # body line height (mm) at 10 pt
SMALL_LINE = 4.2
WRITE_LINE = 8.0  # distance of ruled lines for handwriting
PAD = 2.0
TEXT = (33, 33, 33)
MUTED = (95, 95, 95)
RULE = (175, 175, 175)
BORDER = (160, 160, 160)
REPLACEMENTS = {"≥": ">=", "≤": "<=", "\u2212": "-", "→": "->", "\u2009": " ", "\u202f": " ", "\u2011": "-"}


def safe(text: str) -> str:
    """`text` with every character the core fonts cannot show replaced."""
    out = []
    for char in text:
        char = REPLACEMENTS.get(char, char)
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            char = "?"
        out.append(char)
    return "".join(out)


class _Document(FPDF):
    def __init__(self, handout: Handout) -> None:
        super().__init__(orientation="L" if handout.landscape else "P", unit="mm", format="A4")
        self.handout = handout
        self.primary = hex_rgb(handout.primary)
        self.accent = hex_rgb(handout.accent)
        self.core_fonts_encoding = ENCODING
        self.set_margins(MARGIN, 15, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_creation_date(datetime.combine(handout.created, time(12, 0), tzinfo=UTC))
        self.set_title(safe(f"{handout.title} - {handout.subtitle}"))
        self.set_subject(safe(handout.footer))
        self.set_creator("Klyngepakke")
        self.set_producer("Klyngepakke")
        self.set_lang("da-DK")
        self.set_text_color(*TEXT)

    # Page furniture -------------------------------------------------------------------

    def header(self) -> None:
        self.set_fill_color(*self.primary)
        self.rect(0, 0, self.w, 4, style="F")
        if self.page_no() > 1:
            self.set_y(8)
            self._font(8, muted=True)
            self.cell(0, 4, safe(f"{self.handout.title} · {self.handout.subtitle}"), align="L")
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(-11)
        self._font(8, muted=True)
        width = self.epw - 25
        text = safe(self.handout.footer)
        if self.get_string_width(text) > width:
            self.set_font_size(7)
        while self.get_string_width(text) > width and len(text) > 10:
            text = text[:-4].rstrip() + "..."
        self.cell(width, 4, text, align="L")
        self._font(8, muted=True)
        self.cell(25, 4, f"Side {self.page_no()} af {{nb}}", align="R")

    def _font(self, size: float, *, bold: bool = False, italic: bool = False, muted: bool = False) -> None:
        self.set_font(FONT, ("B" if bold else "") + ("I" if italic else ""), size)
        self.set_text_color(*(MUTED if muted else TEXT))

    def _lines(self, text: str, width: float, line: float) -> int:
        return len(self.multi_cell(width, line, safe(text), align="L", dry_run=True, output=MethodReturnValue.LINES))

    def _room(self, needed: float) -> None:
        """Start a new page unless `needed` mm are left on this one."""
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()

    # Blocks ---------------------------------------------------------------------------

    def title_block(self) -> None:
        self.set_y(self.t_margin + 2)
        self._font(20, bold=True)
        self.set_text_color(*self.primary)
        self.multi_cell(0, 9, safe(self.handout.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self._font(11, muted=True)
        self.multi_cell(0, 6, safe(self.handout.subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_draw_color(*self.accent)
        self.set_line_width(0.8)
        y = self.get_y() + 2
        self.line(self.l_margin, y, self.l_margin + 30, y)
        self.set_y(y + 5)

    def heading(self, block: Heading, following: Block | None) -> None:
        size, before = (13.5, 5.0) if block.level == 1 else (11, 3.0)
        self._room(before + 8 + self._estimate(following))
        self.ln(before)
        self._font(size, bold=True)
        if block.level == 1:
            self.set_text_color(*self.primary)
        self.multi_cell(0, size * 0.5, safe(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(1.5 if block.level == 1 else 0.8)

    def paragraph(self, block: Paragraph) -> None:
        self._font(9.5 if block.muted else 10, bold=block.bold, muted=block.muted)
        if block.bullet:
            self.set_x(self.l_margin + 2)
            self.cell(4, LINE, "\u2022")
            self.multi_cell(0, LINE, safe(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        else:
            self.multi_cell(0, LINE, safe(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(1.6)

    def facts(self, block: Facts) -> None:
        if block.inline:
            self._inline_facts(block)
            return
        self._font(10, bold=True)
        label_w = max(self.get_string_width(safe(label)) for label, _ in block.rows) + 5
        for label, value in block.rows:
            self._room(7)
            self._font(10, bold=True)
            y = self.get_y()
            self.cell(label_w, 7, safe(label) + ":")
            if value:
                self._font(10)
                self.multi_cell(0, 7, safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
            else:
                start = self.l_margin + label_w
                self._rule(start, min(start + 100, self.w - self.r_margin), y + 6)
                self.set_xy(self.l_margin, y + 7)
        self.ln(3)

    def _inline_facts(self, block: Facts) -> None:
        self._room(9)
        y = self.get_y()
        part = self.epw / len(block.rows)
        for index, (label, value) in enumerate(block.rows):
            x = self.l_margin + index * part
            self._font(10, bold=True)
            label_w = self.get_string_width(safe(label) + ":") + 2
            self.set_xy(x, y)
            self.cell(label_w, 7, safe(label) + ":")
            self._font(10)
            self.cell(part - label_w - 6, 7, safe(value))
            if not value:
                self._rule(x + label_w, x + part - 6, y + 6)
        self.set_xy(self.l_margin, y + 10)

    def _rule(self, x1: float, x2: float, y: float) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.25)
        self.line(x1, y, x2, y)

    def _cell_height(self, cell: Cell, width: float) -> float:
        height = 0.0
        if cell.text:
            self._font(9.5, bold=cell.bold, muted=cell.muted)
            height += self._lines(cell.text, width, LINE) * LINE
        if cell.detail:
            self._font(8.5, muted=True)
            height += self._lines(cell.detail, width, SMALL_LINE) * SMALL_LINE + (1 if cell.text else 0)
        return height

    def _table_header(self, block: Table, widths: list[float]) -> None:
        self._font(9.5, bold=True)
        self.set_text_color(255, 255, 255)
        self.set_fill_color(*self.primary)
        self.set_draw_color(*BORDER)
        self.set_line_width(0.2)
        height = max(self._lines(c.label, w - 2 * PAD, LINE) for c, w in zip(block.columns, widths, strict=True))
        height = height * LINE + 2 * PAD
        y = self.get_y()
        x = self.l_margin
        for column, width in zip(block.columns, widths, strict=True):
            self.rect(x, y, width, height, style="DF")
            self.set_xy(x + PAD, y + PAD)
            self.multi_cell(width - 2 * PAD, LINE, safe(column.label), align="L")
            x += width
        self.set_xy(self.l_margin, y + height)
        self.set_text_color(*TEXT)

    def table(self, block: Table) -> None:
        total = sum(c.width for c in block.columns)
        widths = [self.epw * c.width / total for c in block.columns]
        inner = [w - 2 * PAD for w in widths]
        self._room(12 + min(40.0, self._row_height(block, block.rows[0], inner) if block.rows else 20))
        self._table_header(block, widths)
        rows: list[tuple[Cell, ...] | None] = [*block.rows, *([None] * block.blank_rows)]
        for row in rows:
            height = self._row_height(block, row, inner)
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                self._table_header(block, widths)
            self._row(block, row, widths, height)
        self.ln(3)

    def _row_height(self, block: Table, row: tuple[Cell, ...] | None, inner: list[float]) -> float:
        if row is None:
            return block.blank_height * WRITE_LINE + 2
        return max(self._cell_height(c, w) for c, w in zip(row, inner, strict=True)) + 2 * PAD

    def _row(self, block: Table, row: tuple[Cell, ...] | None, widths: list[float], height: float) -> None:
        y = self.get_y()
        x = self.l_margin
        self.set_draw_color(*BORDER)
        self.set_line_width(0.2)
        for index, width in enumerate(widths):
            self.rect(x, y, width, height)
            if block.tick and index == 0:
                self.set_line_width(0.35)
                self.set_draw_color(*TEXT)
                self.rect(x + (width - 4) / 2, y + PAD + 0.5, 4, 4)
                self.set_draw_color(*BORDER)
                self.set_line_width(0.2)
            elif row is not None:
                self._cell(row[index], x + PAD, y + PAD, width - 2 * PAD)
            else:
                self.set_draw_color(*RULE)
                for n in range(1, block.blank_height):
                    self.line(x + PAD, y + 1 + n * WRITE_LINE, x + width - PAD, y + 1 + n * WRITE_LINE)
                self.set_draw_color(*BORDER)
            x += width
        self.set_xy(self.l_margin, y + height)

    def _cell(self, cell: Cell, x: float, y: float, width: float) -> None:
        self.set_xy(x, y)
        if cell.text:
            self._font(9.5, bold=cell.bold, muted=cell.muted)
            self.multi_cell(width, LINE, safe(cell.text), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
            self.set_xy(x, self.get_y() + 1)
        if cell.detail:
            self._font(8.5, muted=True)
            self.multi_cell(width, SMALL_LINE, safe(cell.detail), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")

    def question(self, block: Question) -> None:
        self._font(10, bold=True)
        text_h = self._lines(block.text, self.epw, LINE) * LINE
        self._room(text_h + (LINE if block.note else 0) + block.lines * WRITE_LINE + 2)
        self.multi_cell(0, LINE, safe(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        if block.note:
            self._font(9, italic=True)
            self.set_text_color(*self.accent)
            self.multi_cell(0, LINE, safe(block.note), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ruled(block.lines)

    def ruled(self, count: int) -> None:
        self._room(count * WRITE_LINE)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        y = self.get_y()
        for n in range(1, count + 1):
            self.line(self.l_margin, y + n * WRITE_LINE, self.w - self.r_margin, y + n * WRITE_LINE)
        self.set_y(y + count * WRITE_LINE + 4)

    def _estimate(self, block: Block | None) -> float:
        """Roughly how much of `block` must follow its heading on the same page."""
        if isinstance(block, Question):
            return 2 * LINE + min(block.lines, 3) * WRITE_LINE
        if isinstance(block, Lines):
            return min(block.count, 3) * WRITE_LINE
        if isinstance(block, Table):
            total = sum(c.width for c in block.columns)
            inner = [self.epw * c.width / total - 2 * PAD for c in block.columns]
            first = block.rows[0] if block.rows else None
            return 12 + min(60.0, self._row_height(block, first, inner))
        return 2 * LINE


def render_pdf(handout: Handout) -> bytes:
    pdf = _Document(handout)
    pdf.add_page()
    pdf.title_block()
    blocks = handout.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            pdf.heading(block, blocks[index + 1] if index + 1 < len(blocks) else None)
        elif isinstance(block, Paragraph):
            pdf.paragraph(block)
        elif isinstance(block, Facts):
            pdf.facts(block)
        elif isinstance(block, Table):
            pdf.table(block)
        elif isinstance(block, Question):
            pdf.question(block)
        else:
            pdf.ruled(block.count)
    return bytes(pdf.output())
