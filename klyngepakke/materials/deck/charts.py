"""Native charts (editable in PowerPoint and LibreOffice) in the deck's style.

Every chart has axis titles, data labels and wrapped category labels. A data label is
the results layer's own string ("3,4", "12 %") as custom label text, so PowerPoint and
LibreOffice print exactly what the slide's text and the results page say (a number
format would be printed with "." by LibreOffice). A value the results layer withholds is
never a zero: its point is blank, and with `withheld` the row gets an outlined, hatched
placeholder bar across the whole axis labelled "skjult"; the caller says why in words.
The embedded workbooks carry a fixed creation date, so the same materials give the
same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE, MSO_PATTERN
from pptx.oxml.ns import qn
from pptx.util import Pt
from xlsxwriter import Workbook

from .template import FONT, MUTED, TEXT, Box, hex_rgb, is_dark

GRID = "D9DEE4"


class _FixedDateWriter(CategoryWorkbookWriter):
    def __init__(self, chart_data: Any, created: datetime) -> None:
        super().__init__(chart_data)
        self._created = created

    @contextmanager
    def _open_worksheet(self, xlsx_file: Any) -> Iterator[tuple[Any, Any]]:
        # Package texts (option labels, item texts) become the categories: text stays
        # text, never a formula (=HYPERLINK(...)) or a link, as in the results spreadsheet.
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties({"created": self._created, "author": "Klyngepakke"})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class FixedChartData(CategoryChartData):
    """Category chart data whose embedded workbook has a fixed creation date."""

    def __init__(self, created: datetime, number_format: str = "General") -> None:
        super().__init__(number_format)
        self._created = created

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _FixedDateWriter(self, self._created)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    # Per-point colours (e.g. one per band), else the series colour.
    point_colours: Sequence[str] | None = None
    # Per-point data label text as the results layer wrote it (None: no label).
    labels: Sequence[str | None] | None = None


WITHHELD_LABEL = "skjult"
WITHHELD_SERIES = "Skjult"
WITHHELD_FILL = "8C959F"


def _style_text(font: Any, size: float, colour: str = TEXT, bold: bool = False) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = hex_rgb(colour)


def _axis_title(axis: Any, title: str, size: float) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = title
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            _style_text(run.font, size, MUTED)


def bar_chart(
    slide: Any,
    box: Box,
    created: datetime,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_title: str,
    category_title: str,
    horizontal: bool = True,
    stacked: bool = False,
    number_format: str = '0" %"',
    maximum: float | None = None,
    legend: bool | None = None,
    font_pt: float = 12,
    hide_below: float | None = None,
    no_labels: Sequence[int] = (),
    inside: bool = False,
    axis_format: str | None = None,
    major_unit: float | None = None,
    withheld: Sequence[int] = (),
    name: str = "",
) -> Any:
    """A clustered or stacked bar/column chart with data labels and axis titles.

    `no_labels`: series whose data labels are left out; `inside`: labels inside the
    bars' base in white (room for error bars at the ends); `withheld`: categories whose
    value is withheld, drawn as a hatched "skjult" placeholder across the axis (needs
    `maximum`, one series)."""
    series = list(series)
    if withheld:
        if maximum is None or len(series) != 1 or stacked:
            raise ValueError("withheld placeholders need one series and a fixed maximum")
        placeholder = [maximum if i in withheld else None for i in range(len(categories))]
        labels = [WITHHELD_LABEL if i in withheld else None for i in range(len(categories))]
        series.append(Series(WITHHELD_SERIES, placeholder, "FFFFFF", labels=labels))
    data = FixedChartData(created, number_format)
    data.categories = list(categories)
    for s in series:
        data.add_series(s.name, list(s.values), number_format)
    if stacked:
        kind = XL_CHART_TYPE.BAR_STACKED if horizontal else XL_CHART_TYPE.COLUMN_STACKED
    else:
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(kind, box.left, box.top, box.width, box.height, data)
    if name:
        frame.name = name
    chart = frame.chart
    chart.has_title = False
    _style_text(chart.font, font_pt)
    plot = chart.plots[0]
    plot.gap_width = 50 if stacked or len(series) > 1 else 70
    plot.overlap = 100 if stacked or withheld else -10
    plot.vary_by_categories = False
    for s, chart_series in zip(series, plot.series, strict=True):
        if s.name == WITHHELD_SERIES and withheld:
            _placeholder(chart_series, font_pt)
            continue
        chart_series.format.fill.solid()
        chart_series.format.fill.fore_color.rgb = hex_rgb(s.colour)
        chart_series.invert_if_negative = False
        for index, colour in enumerate(s.point_colours or []):
            point = chart_series.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = hex_rgb(colour)
        if list(series).index(s) in no_labels:
            chart_series.data_labels.show_value = False
            continue
        labels = chart_series.data_labels
        labels.show_value = True
        labels.number_format = number_format
        labels.number_format_is_linked = False
        if stacked:
            labels.position = XL_LABEL_POSITION.CENTER
        else:
            labels.position = XL_LABEL_POSITION.INSIDE_BASE if inside else XL_LABEL_POSITION.OUTSIDE_END
        label_colour = ("FFFFFF" if is_dark(s.colour) else TEXT) if stacked or inside else TEXT
        _style_text(labels.font, font_pt - 1 if stacked else font_pt, label_colour, bold=not stacked)
        hidden = [i for i, v in enumerate(s.values) if v is not None and v < hide_below] if hide_below else []
        if hidden:
            _hide_labels(chart_series, hidden)
        if s.labels is not None:
            position = labels.position
            for index, text in enumerate(s.labels):
                if text is None or index in hidden or s.values[index] is None:
                    continue
                _custom_label(chart_series.points[index].data_label, text, position)
                _style_label(chart_series, index, font_pt - 1 if stacked else font_pt, label_colour, not stacked)
    value_axis = chart.value_axis
    value_axis.minimum_scale = 0
    if maximum is not None:
        value_axis.maximum_scale = maximum
        if maximum == 100:
            value_axis.major_unit = 20
    if major_unit is not None:
        value_axis.major_unit = major_unit
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = hex_rgb(GRID)
    value_axis.format.line.fill.background()
    value_axis.tick_labels.number_format = axis_format or number_format
    value_axis.tick_labels.number_format_is_linked = False
    _style_text(value_axis.tick_labels.font, font_pt - 1, MUTED)
    _axis_title(value_axis, value_title, font_pt - 1)
    category_axis = chart.category_axis
    category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    category_axis.format.line.color.rgb = hex_rgb(GRID)
    _style_text(category_axis.tick_labels.font, font_pt)
    _axis_title(category_axis, category_title, font_pt - 1)
    show_legend = len(series) > 1 if legend is None else legend
    chart.has_legend = show_legend
    if show_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        _style_text(chart.legend.font, font_pt - 1)
    return chart


def doughnut(
    slide: Any,
    box: Box,
    created: datetime,
    categories: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    name: str = "",
) -> Any:
    data = FixedChartData(created, "0")
    data.categories = list(categories)
    data.add_series("Besvarelser", list(values), "0")
    frame = slide.shapes.add_chart(XL_CHART_TYPE.DOUGHNUT, box.left, box.top, box.width, box.height, data)
    if name:
        frame.name = name
    chart = frame.chart
    chart.has_title = False
    _style_text(chart.font, 14)
    plot = chart.plots[0]
    plot.vary_by_categories = True
    series = plot.series[0]
    for index, colour in enumerate(colours):
        point = series.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = hex_rgb(colour)
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = "0"
    labels.number_format_is_linked = False
    _style_text(labels.font, 16, "FFFFFF", bold=True)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    _style_text(chart.legend.font, 14)
    hole = plot._element.find(qn("c:holeSize"))
    if hole is not None:
        hole.set("val", "55")
    return chart


def set_plot_area(chart: Any, x: float, y: float, w: float, h: float) -> None:
    """Fix the inner plot area (fractions of the chart frame), so shapes drawn over the
    chart (band limits) line up in every renderer."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    old = plot_area.find(qn("c:layout"))
    if old is not None:
        plot_area.remove(old)
    layout = etree.SubElement(plot_area, qn("c:layout"))
    plot_area.remove(layout)
    plot_area.insert(0, layout)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    for tag, value in (("layoutTarget", "inner"), ("xMode", "edge"), ("yMode", "edge")):
        etree.SubElement(manual, qn(f"c:{tag}")).set("val", value)
    for tag, value in (("x", x), ("y", y), ("w", w), ("h", h)):
        etree.SubElement(manual, qn(f"c:{tag}")).set("val", f"{value:.4f}")


def error_bars(chart: Any, series_index: int, plus: Sequence[float | None], minus: Sequence[float | None]) -> None:
    """Custom error bars (e.g. a 95 % confidence interval) on one series."""
    ser = chart.plots[0]._element.findall(qn("c:ser"))[series_index]
    bars = etree.Element(qn("c:errBars"))
    etree.SubElement(bars, qn("c:errBarType")).set("val", "both")
    etree.SubElement(bars, qn("c:errValType")).set("val", "cust")
    etree.SubElement(bars, qn("c:noEndCap")).set("val", "0")
    for tag, values in (("c:plus", plus), ("c:minus", minus)):
        holder = etree.SubElement(bars, qn(tag))
        literal = etree.SubElement(holder, qn("c:numLit"))
        etree.SubElement(literal, qn("c:formatCode")).text = "General"
        etree.SubElement(literal, qn("c:ptCount")).set("val", str(len(values)))
        for index, value in enumerate(values):
            if value is None:
                continue
            point = etree.SubElement(literal, qn("c:pt"))
            point.set("idx", str(index))
            etree.SubElement(point, qn("c:v")).text = f"{value:.2f}"
    sp_pr = etree.SubElement(bars, qn("c:spPr"))
    line = etree.SubElement(sp_pr, qn("a:ln"))
    line.set("w", str(Pt(1.75)))
    etree.SubElement(etree.SubElement(line, qn("a:solidFill")), qn("a:srgbClr")).set("val", TEXT)
    ser.find(qn("c:cat")).addprevious(bars)


def _custom_label(label: Any, text: str, position: Any) -> None:
    """A point's data label as fixed text (the results layer's string)."""
    label.text_frame.text = text
    if position is not None:
        label.position = position


def _style_label(chart_series: Any, index: int, size: float, colour: str, bold: bool) -> None:
    for paragraph in chart_series.points[index].data_label.text_frame.paragraphs:
        for run in paragraph.runs:
            _style_text(run.font, size, colour, bold)


def _placeholder(chart_series: Any, font_pt: float) -> None:
    """The "skjult" series: a light hatched bar with a dashed outline and the word."""
    fill = chart_series.format.fill
    fill.patterned()
    fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
    fill.fore_color.rgb = hex_rgb("C9CED4")
    fill.back_color.rgb = hex_rgb("FFFFFF")
    line = chart_series.format.line
    line.color.rgb = hex_rgb(WITHHELD_FILL)
    line.width = Pt(1)
    line.dash_style = MSO_LINE.DASH
    chart_series.invert_if_negative = False
    chart_series.data_labels.show_value = False
    for index, value in enumerate(chart_series.values):
        if value is None:
            continue
        _custom_label(chart_series.points[index].data_label, WITHHELD_LABEL, XL_LABEL_POSITION.INSIDE_BASE)
        _style_label(chart_series, index, font_pt, TEXT, True)


def _hide_labels(chart_series: Any, indexes: list[int]) -> None:
    """Delete the data labels of tiny segments, where a label cannot be read."""
    d_lbls = chart_series._element.find(qn("c:dLbls"))
    for index in reversed(indexes):
        label = etree.Element(qn("c:dLbl"))
        etree.SubElement(label, qn("c:idx")).set("val", str(index))
        etree.SubElement(label, qn("c:delete")).set("val", "1")
        d_lbls.insert(0, label)


def chart_values(chart: Any) -> list[tuple[str, list[str], list[float | None]]]:
    """(series name, categories, values) of each series: what a test reads back."""
    result = []
    for plot in chart.plots:
        categories = [str(c) for c in plot.categories]
        for s in plot.series:
            result.append((s.name, categories, list(s.values)))
    return result
