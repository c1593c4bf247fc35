"""A broken package file gives an error naming file, line and path, and loads nothing.

Each case breaks one thing in a copy of the shipped folder and runs
`manage.py load_catalogue DIR`: the command must fail with CommandError, print the
promised `file:line at path: message`, and leave the Package and PackageVersion tables
exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from klyngepakke.catalogue.models import Package, PackageVersion

from .helpers import (
    OPFOELGNING,
    SAMARBEJDE,
    SHIPPED,
    TRIVSEL,
    WHO5,
    edit,
    line_of,
    load_and_capture,
    run_load,
    snapshot,
)


@dataclass(frozen=True)
class Case:
    file: str
    old: str
    new: str
    # The line the error must name: the edit's first line plus `offset`, or, when
    # `anchor` is set, the line of that fragment in the edited file.
    path: str
    message: str
    offset: int = 0
    anchor: str | None = None

    def expected(self, folder: Path, edited_line: int) -> str:
        line = line_of(folder, self.file, self.anchor) if self.anchor else edited_line + self.offset
        inside = f" at {self.path}" if self.path else ""
        return f"packages/{self.file}:{line}{inside}: {self.message}"


CASES = {
    "yaml syntax error": Case(
        SAMARBEJDE,
        "title: Samarbejde og fællesskab\n",
        "title: Samarbejde: og: fællesskab\n",
        path="",
        message="YAML syntax: mapping values are not allowed in this context",
    ),
    "duplicate yaml key": Case(
        SAMARBEJDE,
        'version: "2026.1"\n',
        'version: "2026.1"\nversion: "2026.2"\n',
        path="",
        message="duplicate key 'version'",
        offset=1,
    ),
    "unknown field": Case(
        SAMARBEJDE,
        "        - code: q3_leadership_team\n",
        "        - code: q3_leadership_team\n          colour: blue\n",
        path="questionnaire.sections[1].questions[2].colour",
        message="unknown field (check the spelling against docs/package-format.md)",
        offset=1,
    ),
    "missing field": Case(
        SAMARBEJDE,
        "      minutes: 25\n",
        "",
        path="program.blocks[4].minutes",
        message="required field is missing",
        anchor="    - code: block2_collegial_support\n",
    ),
    "unknown scale": Case(
        SAMARBEJDE,
        "          scale: agreement\n",
        "          scale: agreemnet\n",
        path="questionnaire.sections[3].questions[0].scale",
        message="unknown scale 'agreemnet' (known: agreement, degree, degree_na, frequency, frequency_na)",
    ),
    "show_if names a later question": Case(
        SAMARBEJDE,
        "lederteamet?\n          scale: degree\n          show_if: {question: practice_type, in: [partnership]}",
        "lederteamet?\n          scale: degree\n          show_if: {question: q8_support_received, in: [high]}",
        path="questionnaire.sections[1].questions[2].show_if.question",
        message="show_if must name an earlier question; 'q8_support_received' is not one",
        offset=2,
    ),
    "program minutes do not add up": Case(
        SAMARBEJDE,
        "      minutes: 35\n",
        "      minutes: 30\n",
        path="program.default_minutes",
        message="default_minutes is 150 but the blocks add up to 145",
        anchor="  default_minutes: 150\n",
    ),
    "duplicate question code": Case(
        SAMARBEJDE,
        "        - code: q9_support_given\n",
        "        - code: q8_support_received\n",
        path="questionnaire.sections[4].questions[1].code",
        message="question or item code 'q8_support_received' is used twice in the questionnaire",
    ),
    "duplicate item code": Case(
        SAMARBEJDE,
        "{code: q6_lunch, ",
        "{code: q6_morning, ",
        path="questionnaire.sections[2].questions[1].items[1].code",
        message="item code 'q6_morning' is used twice",
    ),
    "duplicate offer code": Case(
        SAMARBEJDE,
        "  - code: dge-faglig-ledelse\n",
        "  - code: dge-trivsel-og-arbejdsglaede\n",
        path="offers[2].code",
        message="offer code 'dge-trivsel-og-arbejdsglaede' is used twice",
    ),
    "unknown instrument": Case(
        TRIVSEL,
        "        - instrument: who5\n",
        "        - instrument: who6\n",
        path="questionnaire.sections[1].questions[0].instrument",
        message="unknown or invalid instrument 'who6'",
    ),
    "bands overlap": Case(
        WHO5,
        "        min: 36\n",
        "        min: 35\n",
        path="scores[0].bands[1]",
        message="bands must be in rising order and must not overlap",
        anchor="      - code: risk\n",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_broken_file_names_file_line_and_path_and_changes_nothing(catalogue_dir, case):
    run_load(SHIPPED)  # a catalogue is already loaded; a bad load must leave it alone
    before = snapshot()
    edited_line = edit(catalogue_dir, case.file, case.old, case.new)

    errors = load_and_capture(catalogue_dir)

    assert case.expected(catalogue_dir, edited_line) in errors
    assert snapshot() == before


@pytest.mark.django_db
def test_nothing_is_loaded_into_an_empty_catalogue(catalogue_dir):
    # Only the follow-up package is broken; the two valid packages are not loaded either.
    edit(catalogue_dir, OPFOELGNING, "  default_minutes: 120\n", "  default_minutes: 150\n")

    errors = load_and_capture(catalogue_dir)

    assert len(errors) == 1
    assert errors[0].startswith(f"packages/{OPFOELGNING}:")
    assert Package.objects.count() == 0
    assert PackageVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_broken_instrument_fails_every_package_using_it(catalogue_dir):
    edit(catalogue_dir, WHO5, "        min: 36\n", "        min: 35\n")

    errors = load_and_capture(catalogue_dir)

    for name in (TRIVSEL, OPFOELGNING):
        line = line_of(catalogue_dir, name, "        - instrument: who5\n")
        assert (
            f"packages/{name}:{line} at questionnaire.sections[1].questions[0].instrument: "
            "unknown or invalid instrument 'who5'"
        ) in errors
    assert not any(e.startswith(f"packages/{SAMARBEJDE}") for e in errors)


@pytest.mark.django_db
def test_two_files_with_the_same_package_code(catalogue_dir):
    # Files are read in name order; the later file is the one reported.
    (catalogue_dir / "aaa-kopi.yaml").write_text((catalogue_dir / TRIVSEL).read_text(encoding="utf-8"))

    errors = load_and_capture(catalogue_dir)

    line = line_of(catalogue_dir, TRIVSEL, "\ncode: trivsel-og-arbejdsglaede\n") + 1
    assert (
        f"packages/{TRIVSEL}:{line} at code: package code 'trivsel-og-arbejdsglaede' is also used by "
        "packages/aaa-kopi.yaml"
    ) in errors


@pytest.mark.django_db
def test_missing_folder(tmp_path):
    errors = load_and_capture(tmp_path / "nowhere")

    assert errors == [f"{tmp_path / 'nowhere'}: catalogue folder does not exist"]
