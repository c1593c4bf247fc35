"""Aggregated results as an .xlsx: one sheet per theme, the scores, the follow-up, and a
sheet saying what the data are and under which disclosure rules. Only published figures
from the results layer; never a row per person.

Every figure is the results layer's rounded value as a number with a number format,
never text: whole percents with `0" %"`, means, medians and interval bounds with `0.0`
(Excel and LibreOffice print the decimal comma of the reader's locale, "3,4" in Danish).
A withheld figure is "skjult" with the reason, grey and italic.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from .context import MeetingMaterials
from .exporters import Rendered, file_stem, register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUPPRESSED_FILL = PatternFill("solid", fgColor="EDEDED")
SUPPRESSED_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
# Columns per group: answers (count) and share in percent.
GROUP_COLUMNS = 2
PERCENT_FORMAT = '0" %"'
DECIMAL_FORMAT = "0.0"


@dataclass(frozen=True)
class Number:
    """A figure and the number format it is shown with."""

    value: float | int | None
    format: str


def pct(value: int | None) -> Number:
    return Number(value, PERCENT_FORMAT)


def dec(value: float | None) -> Number:
    return Number(value, DECIMAL_FORMAT)


def withheld_text(reason: str) -> str:
    return f"skjult: {reason}"


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    base = re.sub(r"[\[\]:*?/\\]", "-", title).strip()[:31] or "Ark"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Every value goes into the workbook here. Text is stored as text: a registry name or
    package text starting with = + - or @ must never become a live formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


class _Sheet:
    """Writes rows top-down and marks withheld cells the same way everywhere."""

    def __init__(self, sheet: Worksheet, header_fill: PatternFill) -> None:
        self.sheet = sheet
        self.row = 1
        self.header_fill = header_fill

    def write(self, *values: Any, bold: bool = False, header: bool = False) -> None:
        for column, value in enumerate(values, start=1):
            if isinstance(value, Number):
                cell = _put(self.sheet, self.row, column, value.value)
                cell.number_format = value.format
                continue
            cell = _put(self.sheet, self.row, column, value)
            if bold or header:
                cell.font = Font(bold=True, color="FFFFFF" if header else None)
            if header:
                cell.fill = self.header_fill
            if isinstance(value, str) and len(value) > 40:
                cell.alignment = WRAP
        self.row += 1

    def suppressed(self, column: int, text: str) -> None:
        """A withheld figure: its reason in the cell, grey and italic, never a number."""
        cell = _put(self.sheet, self.row - 1, column, text)
        cell.fill = SUPPRESSED_FILL
        cell.font = SUPPRESSED_FONT

    def blank(self) -> None:
        self.row += 1


def _groups(materials: MeetingMaterials) -> list[tuple[str, dict[str, Any]]]:
    results = materials.results
    groups = [(materials.cluster_name, results["group"])]
    for sub in results["subgroups"].values():
        groups.append((sub["label"], sub))
    return groups


def _items_by_code(group: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in group.get("items", [])}


def _theme_sheet(out: _Sheet, materials: MeetingMaterials, theme_code: str) -> None:
    results = materials.results
    groups = _groups(materials)
    main_items = [i for i in results["group"].get("items", []) if i["section"] == theme_code]
    header = ["Spørgsmål / svar"]
    for label, _group in groups:
        header += [f"{label}: antal", f"{label}: andel (%)"]
    out.write(*header, header=True)
    for label, group in groups[1:]:
        if "withheld" in group:
            out.write(f"{label}: {group['text']}")
            out.suppressed(1, f"{label}: {withheld_text(group['text'])}")
    comparisons = results["comparisons"]
    for item in main_items:
        out.blank()
        out.write(item["text"], bold=True)
        # A withheld subgroup stands in for its items, so its cells carry its reason.
        by_group = [group if "withheld" in group else _items_by_code(group).get(item["code"]) for _l, group in groups]
        if "withheld" in item:
            out.write("Vises ikke")
            out.suppressed(2, item["reason"])
            continue
        for option in item["options"]:
            row: list[Any] = [option["label"]]
            for entry in by_group:
                match = next((o for o in (entry or {}).get("options", []) if o["code"] == option["code"]), None)
                row += [match["count"], pct(match["percent"])] if match else [None, None]
            out.write(*row)
            for column, entry in enumerate(by_group):
                if entry is not None and "withheld" in entry:
                    # A withheld group says why in "text", a withheld item in "reason".
                    why = entry.get("reason") if "reason" in entry else entry.get("text", "Vises ikke.")
                    out.suppressed(2 + GROUP_COLUMNS * column, withheld_text(why))
        if item["type"] == "choice":
            out.write("Ikke besvaret / ikke relevant", item.get("no_answer"))
        out.write("Besvaret i alt", item.get("answered"))
        estimate = item.get("estimate")
        if isinstance(estimate, dict) and "mean" in estimate:
            out.write("Gennemsnit", dec(estimate["mean"]))
            if estimate["ci_low"] is not None:
                out.write("95 %-konfidensinterval, nedre", dec(estimate["ci_low"]))
                out.write("95 %-konfidensinterval, øvre", dec(estimate["ci_high"]))
            out.write("Median", dec(estimate["median"]))
        elif isinstance(estimate, dict) and "withheld" in estimate:
            out.write("Gennemsnit", None)
            out.suppressed(2, withheld_text(estimate["text"]))
        for comparison in comparisons:
            if "withheld" in comparison:
                continue
            mean = comparison["item_means"].get(item["code"])
            if mean is not None:
                out.write(f"Gennemsnit, {comparison['label']}", dec(mean))


def _scores_sheet(out: _Sheet, materials: MeetingMaterials) -> None:
    results = materials.results
    out.write("Mål", "Antal med score", "Gennemsnit", "95 %-KI, nedre", "95 %-KI, øvre", "Median", header=True)
    scores = results["group"].get("scores", [])
    for score in scores:
        estimate = score.get("estimate") or {}
        if "withheld" in score:
            out.write(score["label"])
            out.suppressed(2, withheld_text(score["text"]))
            continue
        if "mean" in estimate:
            out.write(
                score["label"],
                score["scored"],
                dec(estimate["mean"]),
                dec(estimate["ci_low"]),
                dec(estimate["ci_high"]),
                dec(estimate["median"]),
            )
        else:
            out.write(score["label"], score["scored"])
            out.suppressed(3, withheld_text(estimate.get("text", "Vises ikke.")))
    for score in scores:
        bands = score.get("bands")
        out.blank()
        out.write(f"{score['label']}: fordeling", "Antal", "Andel (%)", header=True)
        if not isinstance(bands, list):
            out.write("Intervaller")
            out.suppressed(2, withheld_text(score.get("text", "Vises ikke.")))
            continue
        for band in bands:
            out.write(band["label"], band["count"], pct(band["percent"]))
    out.blank()
    out.write("Sammenligning", "Runder", "Besvarelser", *[s["label"] for s in scores], header=True)
    for comparison in results["comparisons"]:
        if "withheld" in comparison:
            out.write(comparison["label"], comparison["rounds"])
            out.suppressed(3, withheld_text(comparison["text"]))
            continue
        out.write(
            comparison["label"],
            comparison["rounds"],
            comparison["respondents"],
            *[dec(comparison["score_means"].get(s["code"])) for s in scores],
        )
    for reference in results["reference_values"]:
        source = materials.sources.get(reference["source"], {})
        out.write(
            f"Referenceværdi: {reference['label']}",
            Number(reference["value"], PERCENT_FORMAT if reference["unit"] == "percent" else DECIMAL_FORMAT),
            f"{source.get('citation', reference['source']).strip()} ({reference['year']})",
        )


def _follow_up_sheet(out: _Sheet, follow_up: dict[str, Any]) -> None:
    before, after = follow_up["before"], follow_up["after"]
    out.write("Udvikling siden sidste runde", header=True)
    before_round = follow_up["before_round"]
    # The earlier round by its package and close date (a date cell), never its id.
    closed = date.fromisoformat(before_round["closed_on"]) if before_round["closed_on"] else ""
    out.write("Sammenlignet med (lukket)", before_round["package_title"], closed)
    out.write("Besvarelser før", before["respondents"], f"af {before['invited']}")
    out.write("Besvarelser efter", after["respondents"], f"af {after['invited']}")
    out.blank()
    out.write("Mål", *FOLLOW_UP_COLUMNS, "Vurdering", header=True)
    for change in follow_up["changes"]:
        b, a, c = change["before"] or {}, change["after"] or {}, change["comparison"] or {}
        figures = [
            dec(side.get(key))
            for side, mean in ((b, "mean"), (a, "mean"), (c, "difference"))
            for key in (mean, "ci_low", "ci_high")
        ]
        out.write(change["label"], *figures, change["sentence"])
        for column, side in ((2, b), (5, a)):
            if "withheld" in side:
                out.suppressed(column, withheld_text(side["text"]))
    for change in follow_up["changes"]:
        if not change["bands"]:
            continue
        out.blank()
        out.write(f"{change['label']}: antal pr. interval", "Før", "Før (%)", "Efter", "Efter (%)", header=True)
        for row in change["bands"]:
            out.write(row["label"], row["before"], pct(row["before_percent"]), row["after"], pct(row["after_percent"]))
    for distribution in follow_up["distributions"]:
        out.blank()
        out.write(distribution["text"], "Før", "Før (%)", "Efter", "Efter (%)", header=True)
        for row in distribution["rows"]:
            out.write(row["label"], row["before"], pct(row["before_percent"]), row["after"], pct(row["after_percent"]))


def _meeting_follow_up_sheet(out: _Sheet, section: dict[str, Any]) -> None:
    """'Opfølgning fra sidste møde': the results layer's strings and rounded figures."""
    decisions = section["decisions"]
    out.write(section["title"], "", header=True)
    out.write("Klyngemødet blev holdt", section["meeting_on_text"] or "")
    for area in decisions["focus_areas"]:
        out.write("Fokusområde", area)
    out.write("Opfølgning med", decisions["follow_up_package"] or "")
    out.write("Opfølgning omkring", decisions["follow_up_on_text"] or "")
    if decisions["topic_meetings"]:
        out.write("Temamøder", decisions["topic_meetings"])
    out.blank()
    out.write(
        "Målepunkt",
        "Før",
        "Før, n",
        "Nu",
        "Nu, n",
        "Forskel",
        "95 %-KI nedre",
        "95 %-KI øvre",
        "Vurdering",
        header=True,
    )
    for point in section["measure_points"]:
        before, after, change = point["before"], point["after"], point["change"] or {}
        out.write(
            point["label"],
            dec(before.get("mean")),
            before.get("n"),
            dec(after.get("mean")),
            after.get("n"),
            dec(change.get("difference")),
            dec(change.get("ci_low")),
            dec(change.get("ci_high")),
            point["sentence"],
        )
        for column, side in ((2, before), (4, after)):
            if "withheld" in side:
                out.suppressed(column, withheld_text(side["text"]))
    out.blank()
    plans = section["plans"]
    out.write("Praksissernes planer (kun antal)", "Antal", header=True)
    for label, key in (
        ("Praksisser i klyngen", "practices"),
        ("Har lavet en plan", "made"),
        ("I gang", "under_way"),
        ("Gennemført", "done"),
        ("Droppet", "dropped"),
    ):
        out.write(label, plans[key])
    answers = section["change_answers"]
    out.blank()
    if "withheld" in answers:
        out.write("Det har praksis ændret", header=True)
        out.write("")
        out.suppressed(1, answers["text"])
        return
    for choice in answers["choices"]:
        out.write(choice["text"], "Antal", "Andel", header=True)
        if "options" not in choice:
            out.write("")
            out.suppressed(1, choice["reason"])
        else:
            for option in choice["options"]:
                out.write(option["label"], option["count"], pct(option["percent"]))
        out.blank()
    _texts_sheet(out, answers["texts"])


FOLLOW_UP_COLUMNS = (
    "Før",
    "Før, 95 %-KI nedre",
    "Før, 95 %-KI øvre",
    "Efter",
    "Efter, 95 %-KI nedre",
    "Efter, 95 %-KI øvre",
    "Forskel",
    "Forskel, 95 %-KI nedre",
    "Forskel, 95 %-KI øvre",
)


def _texts_sheet(out: _Sheet, texts: list[dict[str, Any]]) -> None:
    """The free-text answers the results layer published (shuffled), one per row."""
    for entry in texts:
        out.write(entry["text"], header=True)
        if entry.get("shown_texts"):
            for answer in entry["shown_texts"]:
                out.write(answer)
        elif "shown_texts" in entry:
            out.write(entry["reason"])
        else:
            out.write("")
            out.suppressed(1, entry["reason"])
        out.blank()


def _about_sheet(out: _Sheet, materials: MeetingMaterials) -> None:
    results = materials.results
    disclosure = results["disclosure"]
    out.write("Om dataene", "", header=True)
    rows: list[tuple[str, Any]] = [
        ("Pakke", materials.package_title),
        ("Pakkens kode", materials.package_code),
        ("Pakkeversion", f"{materials.package_version} (katalogversion {materials.package_version_number})"),
        ("Klynge", f"{materials.cluster_name} ({materials.cluster_code})"),
        ("Region", materials.region_name),
        ("Måling", materials.round_name),
        ("Spørgeskemaet åbnede", materials.opened_on),
        ("Spørgeskemaet lukkede (data pr.)", materials.closed_on),
        ("Inviterede", results["invited"]),
        ("Besvarelser", results["group"].get("respondents")),
        ("Mindste gruppe, der vises (k)", disclosure["threshold"]),
        ("Følsomme spørgsmål og scorer", ", ".join(disclosure["sensitive"]) or "Ingen"),
        ("Fritekstsvar vises", "Ja" if disclosure["show_free_text"] else "Nej"),
        ("Sammenligningsperiode (måneder)", disclosure["comparison_months"]),
    ]
    for label, value in rows:
        out.write(label, value)
    out.blank()
    for line in (
        "Regnearket indeholder kun samlede tal for grupper på mindst k besvarelser, aldrig svar fra den enkelte.",
        "Celler med grå kursiv («skjult») vises ikke; cellen siger hvorfor.",
        "Andele er i hele procent af dem, der har besvaret spørgsmålet; gennemsnit med én decimal.",
    ):
        out.write(line)


@register("spreadsheet", "Resultater som regneark (Excel)")
def render_spreadsheet(materials: MeetingMaterials) -> Rendered:
    workbook = Workbook()
    header_fill = PatternFill("solid", fgColor=materials.style["primary"].lstrip("#").upper())
    taken: set[str] = set()
    about = workbook.active
    assert about is not None
    about.title = _sheet_title("Om dataene", taken)
    _about_sheet(_Sheet(about, header_fill), materials)
    if materials.meeting_follow_up:
        sheet = workbook.create_sheet(_sheet_title(materials.meeting_follow_up["title"], taken))
        _meeting_follow_up_sheet(_Sheet(sheet, header_fill), materials.meeting_follow_up)
    group = materials.results["group"]
    if "withheld" in group:
        out = _Sheet(workbook.create_sheet(_sheet_title("Resultater", taken)), header_fill)
        out.write("Resultater", header=True)
        out.write("Vises ikke")
        out.suppressed(1, group["text"])
    else:
        sections = {item["section"] for item in group["items"]}
        for theme in materials.themes:
            if theme.code in sections:
                sheet = workbook.create_sheet(_sheet_title(theme.title, taken))
                _theme_sheet(_Sheet(sheet, header_fill), materials, theme.code)
        if group.get("scores"):
            _scores_sheet(_Sheet(workbook.create_sheet(_sheet_title("Scorer", taken)), header_fill), materials)
        if any("shown_texts" in entry for entry in group.get("texts", [])):
            _texts_sheet(_Sheet(workbook.create_sheet(_sheet_title("Fritekst", taken)), header_fill), group["texts"])
    if materials.follow_up:
        _follow_up_sheet(
            _Sheet(workbook.create_sheet(_sheet_title("Udvikling", taken)), header_fill), materials.follow_up
        )
    for sheet in workbook.worksheets:
        sheet.column_dimensions["A"].width = 60
        for letter in "BCDEFGHIJK":
            sheet.column_dimensions[letter].width = 16
        sheet.freeze_panes = "B2"
    # Fixed dates: the same round gives the same workbook.
    stamp = datetime.combine(materials.data_date, time(0, 0))
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "Klyngepakke"
    workbook.properties.title = f"{materials.package_title}: {materials.cluster_name}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Rendered(f"{file_stem(materials)}-resultater.xlsx", XLSX, buffer.getvalue())
