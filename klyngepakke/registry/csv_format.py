"""The registry CSV format: columns, parsing and writing. Pure functions, no database.

One row per member; a row with empty member columns describes a practice without
members, and one with empty practice columns too a cluster without practices, so an
export holds the whole registry. Reference: docs/registry-csv.md.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import ClusterAssignment, Member, Practice

REGION = "region"
CLUSTER_CODE = "klynge_kode"
CLUSTER_NAME = "klynge_navn"
PRACTICE_CODE = "praksis_kode"
PRACTICE_NAME = "praksis_navn"
PRACTICE_TYPE = "praksis_type"
DOCTORS = "antal_laeger"
NAME = "navn"
EMAIL = "email"
ROLE = "rolle"
ACTIVE = "aktiv"
# The member's login role in their cluster (coordinator, facilitator; empty = none). The
# column is optional: a file without it leaves logins and cluster access untouched.
CLUSTER_ROLE = "klyngerolle"

COLUMNS: tuple[str, ...] = (
    REGION,
    CLUSTER_CODE,
    CLUSTER_NAME,
    PRACTICE_CODE,
    PRACTICE_NAME,
    PRACTICE_TYPE,
    DOCTORS,
    NAME,
    EMAIL,
    ROLE,
    ACTIVE,
)
OPTIONAL_COLUMNS: tuple[str, ...] = (CLUSTER_ROLE,)
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
PRACTICE_COLUMNS = (PRACTICE_CODE, PRACTICE_NAME, PRACTICE_TYPE, DOCTORS)
MEMBER_COLUMNS = (NAME, EMAIL)
MEMBER_OPTIONAL_COLUMNS = (ROLE, ACTIVE, CLUSTER_ROLE)

MAX_DOCTORS = 999
CODE_MAX = 64
NAME_MAX = 200
EMAIL_MAX = 254

# What export writes; import accepts these, the model codes and a few synonyms.
KIND_OUT = {Practice.Kind.SOLO: "solo", Practice.Kind.PARTNERSHIP: "kompagniskab"}
ROLE_OUT = {
    Member.Role.GP: "praktiserende læge",
    Member.Role.EMPLOYED: "ansat læge",
    Member.Role.TRAINEE: "uddannelseslæge",
}
_KIND_IN = {
    "solo": Practice.Kind.SOLO,
    "sololaege": Practice.Kind.SOLO,
    "solopraksis": Practice.Kind.SOLO,
    "kompagniskab": Practice.Kind.PARTNERSHIP,
    "kompagniskabspraksis": Practice.Kind.PARTNERSHIP,
    "partnership": Practice.Kind.PARTNERSHIP,
}
_ROLE_IN = {
    "gp": Member.Role.GP,
    "praktiserende laege": Member.Role.GP,
    "praktiserende": Member.Role.GP,
    "employed": Member.Role.EMPLOYED,
    "ansat laege": Member.Role.EMPLOYED,
    "ansat": Member.Role.EMPLOYED,
    "trainee": Member.Role.TRAINEE,
    "uddannelseslaege": Member.Role.TRAINEE,
}
CLUSTER_ROLE_OUT = {
    ClusterAssignment.Role.COORDINATOR: "koordinator",
    ClusterAssignment.Role.FACILITATOR: "facilitator",
}
_CLUSTER_ROLE_IN = {
    "koordinator": ClusterAssignment.Role.COORDINATOR,
    "klyngekoordinator": ClusterAssignment.Role.COORDINATOR,
    "coordinator": ClusterAssignment.Role.COORDINATOR,
    "facilitator": ClusterAssignment.Role.FACILITATOR,
}
_BOOL_IN = {"ja": True, "j": True, "1": True, "true": True, "yes": True, "nej": False, "n": False, "0": False}
_BOOL_IN |= {"false": False, "no": False}

# Spreadsheets run a cell starting with one of these as a formula; export prefixes an
# apostrophe (OWASP "CSV injection") and import removes it, so values still round-trip.
_FORMULA_START = ("=", "+", "-", "@", "'")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")

Report = Callable[[str, str], None]  # (column, message)


@dataclass(frozen=True)
class RowError:
    """One problem, at a file line (1 = the header) and, when it has one, a column."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.column}: {self.message}" if self.column else f"{self.line}: {self.message}"


def error_line(filename: str, error: RowError) -> str:
    """An error as the import command prints it (and the staff page lists it):
    `FILE:LINE: column: message`, without the column when it has none."""
    column = f" {error.column}:" if error.column else ""
    return f"{filename}:{error.line}:{column} {error.message}"


@dataclass(frozen=True)
class RegistryRow:
    """One parsed row. Practice fields are empty for a cluster-only row, member fields
    for a row without a member."""

    region: str
    cluster_code: str
    cluster_name: str
    practice_code: str = ""
    practice_name: str = ""
    practice_kind: str = ""
    doctor_count: int | None = None
    member_name: str = ""
    email: str = ""
    role: str = ""
    active: bool | None = None
    cluster_role: str = ""
    line: int = field(default=0, compare=False)
    # Columns of this row that had errors; cross-row checks skip them.
    invalid: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass
class ReadResult:
    """Every row that could be split into columns, and every error. Apply the rows only
    when there are no errors."""

    rows: list[RegistryRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Whether the header has the klyngerolle column (then the import manages logins).
    has_cluster_roles: bool = False


def normalise_label(value: str) -> str:
    """Lower case, æ/ø/å spelt ae/oe/aa, runs of spaces, '_' and '-' as one space."""
    value = unicodedata.normalize("NFC", value).strip().lower()
    value = value.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[\s_\-]+", " ", value).strip()


_HEADER_ALIASES = {"e_mail": EMAIL, "e_mailadresse": EMAIL, "emailadresse": EMAIL}


def _header_key(value: str) -> str:
    key = normalise_label(value).replace(" ", "_")
    return _HEADER_ALIASES.get(key, key)


# -- reading ---------------------------------------------------------------------------


def decode(data: bytes | str, filename: str = "") -> tuple[str | None, list[RowError]]:
    """The file as text, or None and an error for every line that is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    if (
        data.startswith(b"PK\x03\x04")
        or data.startswith(b"\xd0\xcf\x11\xe0")
        or filename.lower().endswith((".xlsx", ".xls"))
    ):
        return None, [RowError(1, "", "filen er et regneark, ikke CSV: gem den som 'CSV UTF-8' og prøv igen")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    errors = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            errors.append(RowError(number, "", "linjen er ikke gyldig UTF-8: gem filen som 'CSV UTF-8'"))
    return None, errors


def detect_delimiter(header_line: str) -> str:
    """';' or ',' - whichever the header line has more of (';' when tied)."""
    return "," if header_line.count(",") > header_line.count(";") else ";"


def read_registry_csv(data: bytes | str, region_codes: Collection[str], filename: str = "") -> ReadResult:
    """Parse and check a whole file. Any error means the file must not be applied."""
    text, errors = decode(data, filename)
    if text is None:
        return ReadResult(errors=errors)
    result = parse(text, region_codes)
    result.errors.extend(check_consistency(result.rows))
    result.errors.sort(key=lambda e: (e.line, _column_order(e.column)))
    return result


def _column_order(column: str) -> int:
    return ALL_COLUMNS.index(column) if column in ALL_COLUMNS else -1


def parse(text: str, region_codes: Collection[str]) -> ReadResult:
    """Every row that splits into the header's columns, and every error in a row or the header."""
    result = ReadResult()
    if not text.strip():
        result.errors.append(RowError(1, "", "filen er tom: første linje skal være overskriften"))
        return result
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        result.errors.append(RowError(1, "", f"overskriften kan ikke læses: {exc}"))
        return result
    positions, header_errors = _read_header(header)
    result.errors.extend(header_errors)
    if any(column not in positions for column in COLUMNS):
        return result  # rows cannot be read without all columns
    result.has_cluster_roles = CLUSTER_ROLE in positions
    needed = max(positions.values()) + 1
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(RowError(reader.line_num, "", f"linjen kan ikke læses: {exc}"))
            previous_end = reader.line_num
            continue
        line = previous_end + 1  # a quoted value may span lines: report where the row starts
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < needed or any(cell.strip() for cell in cells[len(header) :]):
            result.errors.append(
                RowError(line, "", f"rækken har {len(cells)} felter, men overskriften har {len(header)}")
            )
            continue
        values = {column: _unescape(cells[index].strip()) for column, index in positions.items()}
        values.setdefault(CLUSTER_ROLE, "")
        row, row_errors = _parse_row(values, line, region_codes)
        result.errors.extend(row_errors)
        result.rows.append(row)
    return result


def _read_header(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors = []
    for index, raw in enumerate(header):
        key = _header_key(raw)
        if not key:
            continue  # spreadsheets leave empty trailing header cells
        if key not in ALL_COLUMNS:
            errors.append(RowError(1, raw.strip(), f"ukendt kolonne; kolonnerne er: {', '.join(ALL_COLUMNS)}"))
        elif key in positions:
            errors.append(RowError(1, key, "kolonnen står to gange i overskriften"))
        else:
            positions[key] = index
    errors.extend(
        RowError(1, column, "kolonnen mangler i overskriften") for column in COLUMNS if column not in positions
    )
    return positions, errors


def _parse_row(values: dict[str, str], line: int, region_codes: Collection[str]) -> tuple[RegistryRow, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    for column, value in values.items():
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            error(column, "værdien indeholder et linjeskift eller et andet kontroltegn")

    region = normalise_label(values[REGION]).removeprefix("region ").replace(" ", "")
    if not values[REGION]:
        error(REGION, "skal udfyldes")
    elif region not in region_codes:
        error(REGION, f"ukendt region '{values[REGION]}'; brug en af: {', '.join(sorted(region_codes))}")
    _check_code(values, CLUSTER_CODE, error)
    _check_name(values, CLUSTER_NAME, error)

    has_practice = any(values[c] for c in PRACTICE_COLUMNS)
    has_member = any(values[c] for c in MEMBER_COLUMNS)
    kind = ""
    doctors: int | None = None
    if has_practice or has_member:
        _check_code(values, PRACTICE_CODE, error)
        _check_name(values, PRACTICE_NAME, error)
        if not values[PRACTICE_TYPE]:
            error(PRACTICE_TYPE, "skal udfyldes")
        elif (kind := _KIND_IN.get(normalise_label(values[PRACTICE_TYPE]).replace(" ", ""), "")) == "":
            error(PRACTICE_TYPE, f"ukendt praksistype '{values[PRACTICE_TYPE]}'; brug solo eller kompagniskab")
        doctors = _parse_doctors(values[DOCTORS], error)

    role = ""
    active: bool | None = None
    cluster_role = ""
    if has_member:
        _check_name(values, NAME, error)
        email = values[EMAIL]
        if not email:
            error(EMAIL, "skal udfyldes")
        elif len(email) > EMAIL_MAX or not _valid_email(email):
            error(EMAIL, f"ugyldig e-mailadresse '{email}'")
        role = Member.Role.GP
        if values[ROLE] and (role := _ROLE_IN.get(normalise_label(values[ROLE]), "")) == "":
            error(ROLE, f"ukendt rolle '{values[ROLE]}'; brug {', '.join(ROLE_OUT.values())}")
        active = True
        if values[ACTIVE] and (active := _BOOL_IN.get(normalise_label(values[ACTIVE]))) is None:
            error(ACTIVE, f"skal være ja eller nej, ikke '{values[ACTIVE]}'")
        if values[CLUSTER_ROLE]:
            cluster_role = _CLUSTER_ROLE_IN.get(normalise_label(values[CLUSTER_ROLE]), "")
            if not cluster_role:
                error(
                    CLUSTER_ROLE,
                    f"ukendt klyngerolle '{values[CLUSTER_ROLE]}'; "
                    "brug koordinator, facilitator eller lad feltet stå tomt",
                )
            elif active is False:
                error(CLUSTER_ROLE, "et medlem med aktiv = nej kan ikke have en klyngerolle (og dermed et login)")
    else:
        for column in MEMBER_OPTIONAL_COLUMNS:
            if values[column]:
                error(column, "skal være tom, når rækken ikke har et medlem (navn og email)")

    return (
        RegistryRow(
            region=region,
            cluster_code=values[CLUSTER_CODE],
            cluster_name=values[CLUSTER_NAME],
            practice_code=values[PRACTICE_CODE],
            practice_name=values[PRACTICE_NAME],
            practice_kind=kind,
            doctor_count=doctors,
            member_name=values[NAME],
            email=values[EMAIL],
            role=role,
            active=active,
            cluster_role=cluster_role,
            line=line,
            invalid=frozenset(e.column for e in errors),
        ),
        errors,
    )


def _check_code(values: dict[str, str], column: str, error: Report) -> None:
    value = values[column]
    if not value:
        error(column, "skal udfyldes")
    elif len(value) > CODE_MAX or not _SLUG.match(value):
        error(
            column,
            f"ugyldig kode '{value}': kun a-z, A-Z, 0-9, - og _ (ikke æøå eller mellemrum), højst {CODE_MAX} tegn",
        )


def _check_name(values: dict[str, str], column: str, error: Report) -> None:
    if not values[column]:
        error(column, "skal udfyldes")
    elif len(values[column]) > NAME_MAX:
        error(column, f"højst {NAME_MAX} tegn")


def _parse_doctors(value: str, error: Report) -> int | None:
    if not value:
        error(DOCTORS, "skal udfyldes")
        return None
    if not value.isascii() or not value.isdigit():
        error(DOCTORS, f"skal være et helt tal, ikke '{value}'")
        return None
    number = int(value)
    if not 1 <= number <= MAX_DOCTORS:
        error(DOCTORS, f"skal være mellem 1 og {MAX_DOCTORS}, ikke {number}")
        return None
    return number


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def check_consistency(rows: Iterable[RegistryRow]) -> list[RowError]:
    """Errors where rows disagree about one cluster or practice, or repeat a member."""
    errors = []
    clusters: dict[str, RegistryRow] = {}
    practices: dict[str, RegistryRow] = {}
    emails: dict[str, RegistryRow] = {}
    for row in rows:
        if row.cluster_code and CLUSTER_CODE not in row.invalid:
            first = clusters.setdefault(row.cluster_code, row)
            for column, attr in ((CLUSTER_NAME, "cluster_name"), (REGION, "region")):
                if _differs(row, first, column, attr):
                    errors.append(_conflict(row, first, column, "klyngen", row.cluster_code, getattr(first, attr)))
        if row.practice_code and PRACTICE_CODE not in row.invalid:
            first = practices.setdefault(row.practice_code, row)
            for column, attr in (
                (CLUSTER_CODE, "cluster_code"),
                (PRACTICE_NAME, "practice_name"),
                (PRACTICE_TYPE, "practice_kind"),
                (DOCTORS, "doctor_count"),
            ):
                if _differs(row, first, column, attr):
                    shown = KIND_OUT.get(first.practice_kind, "") if attr == "practice_kind" else getattr(first, attr)
                    errors.append(_conflict(row, first, column, "praksis", row.practice_code, shown))
        if row.email and EMAIL not in row.invalid:
            first = emails.setdefault(row.email.lower(), row)
            if first is not row:
                errors.append(RowError(row.line, EMAIL, f"e-mailadressen står også i linje {first.line}"))
    return errors


def _differs(row: RegistryRow, first: RegistryRow, column: str, attr: str) -> bool:
    if column in row.invalid or column in first.invalid:
        return False
    return bool(getattr(row, attr) != getattr(first, attr))


def _conflict(row: RegistryRow, first: RegistryRow, column: str, what: str, code: str, value: object) -> RowError:
    return RowError(
        row.line, column, f"{what} '{code}' har '{value}' i linje {first.line}; værdien skal være den samme"
    )


# -- writing ---------------------------------------------------------------------------


def _escape(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _unescape(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def row_cells(row: RegistryRow) -> list[str]:
    cells = [
        row.region,
        row.cluster_code,
        row.cluster_name,
        row.practice_code,
        row.practice_name,
        KIND_OUT.get(row.practice_kind, ""),
        "" if row.doctor_count is None else str(row.doctor_count),
        row.member_name,
        row.email,
        ROLE_OUT.get(row.role, "") if row.email else "",
        ("ja" if row.active else "nej") if row.email else "",
        CLUSTER_ROLE_OUT.get(row.cluster_role, "") if row.email else "",
    ]
    return [_escape(cell) for cell in cells]


def write_registry_csv(rows: Iterable[RegistryRow], out: TextIO, *, bom: bool = False) -> int:
    """Write the header and `rows` with ';'; returns the number of rows written."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(ALL_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row_cells(row))
        count += 1
    return count
