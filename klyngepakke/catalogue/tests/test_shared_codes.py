"""One item code, one question; one score code, one score, across the catalogue.

Comparisons and follow-ups pool answers by item and score code, so the catalogue refuses
a code that another package of the load, a package already in the catalogue, or a version
of the same package that a round has used, defines with another text, scale or score
definition - unless a file declares the pair the same under `shared_items`. Errors come
in the usual `file:line at path: message` form, and a refused load changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from klyngepakke.catalogue.models import Package, PackageVersion
from klyngepakke.catalogue.services import load_catalogue, lock_version

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

pytestmark = pytest.mark.django_db

JOB_TEXT = "          text: I hvilken grad oplever du den arbejdsglæde, du ønsker?\n"
NEW_JOB_TEXT = "          text: Hvor glad er du for dit arbejde?\n"
JOB_CODE = "        - code: job_satisfaction\n"
JOB_PATH = "questionnaire.sections[2].questions[0].code"
POOL = "comparisons and follow-ups pool answers by code, so give it a new code or declare it under shared_items"


def where(folder: Path, name: str, fragment: str, path: str) -> str:
    return f"packages/{name}:{line_of(folder, name, fragment)} at {path}: "


def declare(folder: Path, name: str, *entries: tuple[str, str]) -> None:
    lines = "".join(
        f"  - code: {code}\n    package: {package}\n    reason: Samme spørgsmål, kun ordlyden er rettet.\n"
        for code, package in entries
    )
    edit(folder, name, "\nprogram:\n", f"\nshared_items:\n{lines}program:\n")


def test_the_shipped_packages_share_who5_and_job_satisfaction_without_declarations(catalogue_dir):
    # WHO-5 comes from one instrument file; job satisfaction is written out identically in
    # both packages. Both count as the same question, so the folder loads as it is.
    report = load_catalogue(catalogue_dir)

    assert len(report.created) == 3
    assert all("shared_items" not in v.document for v in PackageVersion.objects.all())


def test_a_different_text_under_the_same_code_is_refused(catalogue_dir):
    run_load(SHIPPED)
    before = snapshot()
    edit(catalogue_dir, OPFOELGNING, JOB_TEXT, NEW_JOB_TEXT)

    errors = load_and_capture(catalogue_dir)

    assert (
        where(catalogue_dir, OPFOELGNING, JOB_CODE, JOB_PATH)
        + "question or item code 'job_satisfaction' has a different text "
        "('I hvilken grad oplever du den arbejdsglæde, du ønsker?') in package 'trivsel-og-arbejdsglaede' "
        f"(packages/{TRIVSEL}); {POOL} (code: job_satisfaction, package: trivsel-og-arbejdsglaede)"
    ) in errors
    # The other side is told too, naming the file that differs.
    assert any(
        e.startswith(where(catalogue_dir, TRIVSEL, JOB_CODE, JOB_PATH)) and f"(packages/{OPFOELGNING})" in e
        for e in errors
    )
    assert snapshot() == before


def test_a_different_scale_under_the_same_code_is_refused(catalogue_dir):
    edit(
        catalogue_dir,
        OPFOELGNING,
        "        - {code: low, label: I ringe grad, value: 1}\n",
        "        - {code: low, label: I ringe grad, value: 0}\n",
    )

    errors = load_and_capture(catalogue_dir)

    assert (
        where(catalogue_dir, OPFOELGNING, JOB_CODE, JOB_PATH)
        + "question or item code 'job_satisfaction' has a different scale (options very_high=4, high=3, some=2, "
        "low=1, here very_high=4, high=3, some=2, low=0) in package 'trivsel-og-arbejdsglaede' "
        f"(packages/{TRIVSEL}); {POOL} (code: job_satisfaction, package: trivsel-og-arbejdsglaede)"
    ) in errors
    assert Package.objects.count() == 0


def test_a_different_label_only_is_the_same_question(catalogue_dir):
    # Labels and translations are presentation; the codes, values and wording decide.
    edit(
        catalogue_dir,
        OPFOELGNING,
        "        - {code: low, label: I ringe grad, value: 1}\n",
        "        - {code: low, label: I lav grad, value: 1}\n",
    )

    assert len(load_catalogue(catalogue_dir).created) == 3


def test_a_score_code_with_another_definition_is_refused(catalogue_dir):
    edit(
        catalogue_dir,
        SAMARBEJDE,
        "\nprogram:\n",
        "\nscores:\n  - code: who5_index\n    label: Ledelse\n    method: mean\n"
        "    items: [q1_leadership_effort]\n    min: 0\n    max: 4\nprogram:\n",
    )

    errors = load_and_capture(catalogue_dir)

    assert (
        where(catalogue_dir, SAMARBEJDE, "  - code: who5_index\n", "scores[0].code")
        + "score code 'who5_index' has a different definition (method, items, multiplier, min_answered, range, "
        f"bands) in package 'opfoelgning-trivsel-og-arbejdsglaede' (packages/{OPFOELGNING}); {POOL} "
        "(code: who5_index, package: opfoelgning-trivsel-og-arbejdsglaede)"
    ) in errors
    # The instrument's side points at the line that brings the score in.
    instrument = "questionnaire.sections[1].questions[0].instrument"
    assert any(
        e.startswith(where(catalogue_dir, TRIVSEL, "        - instrument: who5\n", instrument))
        and "score code 'who5_index'" in e
        for e in errors
    )
    assert Package.objects.count() == 0


def test_a_declared_pair_is_accepted_and_stored(catalogue_dir):
    edit(catalogue_dir, OPFOELGNING, JOB_TEXT, NEW_JOB_TEXT)
    declare(catalogue_dir, OPFOELGNING, ("job_satisfaction", "trivsel-og-arbejdsglaede"))

    report = load_catalogue(catalogue_dir)

    assert len(report.created) == 3
    document = Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede").current_version.document
    assert document["shared_items"] == [
        {
            "code": "job_satisfaction",
            "package": "trivsel-og-arbejdsglaede",
            "reason": "Samme spørgsmål, kun ordlyden er rettet.",
        }
    ]


@pytest.mark.parametrize(
    ("code", "package", "field", "message"),
    [
        ("job_satisfaction", "trivsel", "package", "unknown package 'trivsel'"),
        (
            "job_satisfaction",
            "samarbejde-og-faellesskab",
            "package",
            "package 'samarbejde-og-faellesskab' has no question, matrix item or score 'job_satisfaction'",
        ),
        (
            "job_satisfactoin",
            "trivsel-og-arbejdsglaede",
            "code",
            "'job_satisfactoin' is not a question, matrix item or score of this package",
        ),
    ],
    ids=["unknown package", "package without the code", "code not in this package"],
)
def test_a_declaration_pointing_nowhere_is_refused(catalogue_dir, code, package, field, message):
    declare(catalogue_dir, OPFOELGNING, (code, package))

    errors = load_and_capture(catalogue_dir)

    fragment = f"  - code: {code}\n" if field == "code" else f"    package: {package}\n"
    assert f"{where(catalogue_dir, OPFOELGNING, fragment, f'shared_items[0].{field}')}{message}" in errors
    assert Package.objects.count() == 0


def test_a_package_already_in_the_catalogue_counts_though_its_file_is_not_loaded(catalogue_dir, tmp_path):
    load_catalogue(catalogue_dir)
    alone = tmp_path / "alone" / "packages"
    alone.mkdir(parents=True)
    (alone / SAMARBEJDE).write_text((catalogue_dir / SAMARBEJDE).read_text(encoding="utf-8"), encoding="utf-8")
    edit(
        alone,
        SAMARBEJDE,
        "          text: Arbejder du i en solopraksis eller i et kompagniskab?\n",
        "          text: Er du sololæge?\n",
    )
    before = snapshot()

    errors = load_and_capture(alone)

    fragment = "        - code: practice_type\n"
    start = where(alone, SAMARBEJDE, fragment, "questionnaire.sections[0].questions[0].code")
    assert [e.split(" in package ")[1].split(";")[0] for e in errors if e.startswith(start)] == [
        "'opfoelgning-trivsel-og-arbejdsglaede' (version 2026.1 in the catalogue)",
        "'trivsel-og-arbejdsglaede' (version 2026.1 in the catalogue)",
    ]
    assert snapshot() == before


def test_an_unused_version_may_correct_its_wording(catalogue_dir):
    load_catalogue(catalogue_dir)
    for name in (TRIVSEL, OPFOELGNING):
        edit(catalogue_dir, name, JOB_TEXT, NEW_JOB_TEXT)

    report = load_catalogue(catalogue_dir)

    assert sorted(report.updated) == [
        "opfoelgning-trivsel-og-arbejdsglaede (2026.1)",
        "trivsel-og-arbejdsglaede (2026.1)",
    ]
    assert PackageVersion.objects.count() == 3


def test_a_new_version_of_the_same_package_may_not_reword_a_used_question_undeclared(catalogue_dir):
    load_catalogue(catalogue_dir)
    for code in ("trivsel-og-arbejdsglaede", "opfoelgning-trivsel-og-arbejdsglaede"):
        version = Package.objects.get(code=code).current_version
        lock_version(version)
    before = snapshot()
    for name in (TRIVSEL, OPFOELGNING):
        edit(catalogue_dir, name, JOB_TEXT, NEW_JOB_TEXT)
        edit(catalogue_dir, name, 'version: "2026.1"', 'version: "2026.2"')

    errors = load_and_capture(catalogue_dir)

    assert (
        where(catalogue_dir, TRIVSEL, JOB_CODE, JOB_PATH)
        + "question or item code 'job_satisfaction' has a different text "
        "('I hvilken grad oplever du den arbejdsglæde, du ønsker?') in version 2026.1 of this package, which a "
        f"round has used; {POOL} (code: job_satisfaction, package: trivsel-og-arbejdsglaede)"
    ) in errors
    assert snapshot() == before


def test_a_new_version_of_the_same_package_rewording_a_used_question_declared(catalogue_dir):
    load_catalogue(catalogue_dir)
    for code in ("trivsel-og-arbejdsglaede", "opfoelgning-trivsel-og-arbejdsglaede"):
        lock_version(Package.objects.get(code=code).current_version)
    for name in (TRIVSEL, OPFOELGNING):
        edit(catalogue_dir, name, JOB_TEXT, NEW_JOB_TEXT)
        edit(catalogue_dir, name, 'version: "2026.1"', 'version: "2026.2"')
    # Each declares its own used version; the follow-up also the first package's, which
    # covers the pair from both sides.
    declare(catalogue_dir, TRIVSEL, ("job_satisfaction", "trivsel-og-arbejdsglaede"))
    declare(
        catalogue_dir,
        OPFOELGNING,
        ("job_satisfaction", "opfoelgning-trivsel-og-arbejdsglaede"),
        ("job_satisfaction", "trivsel-og-arbejdsglaede"),
    )

    report = load_catalogue(catalogue_dir)

    assert sorted(report.new_versions) == [
        "opfoelgning-trivsel-og-arbejdsglaede (2026.2)",
        "trivsel-og-arbejdsglaede (2026.2)",
    ]


def test_a_changed_instrument_is_checked_against_the_versions_rounds_used(catalogue_dir):
    # Both packages take WHO-5 from the instrument file, so they stay equal to each other;
    # but their used versions asked the old wording and computed the old score.
    load_catalogue(catalogue_dir)
    lock_version(Package.objects.get(code="trivsel-og-arbejdsglaede").current_version)
    before = snapshot()
    edit(catalogue_dir, WHO5, "været glad og i godt humør}", "været glad}")
    edit(catalogue_dir, WHO5, "    multiplier: 4\n", "    multiplier: 5\n")

    errors = load_and_capture(catalogue_dir)

    start = where(
        catalogue_dir, TRIVSEL, "        - instrument: who5\n", "questionnaire.sections[1].questions[0].instrument"
    )
    mine = [e.removeprefix(start) for e in errors if e.startswith(start)]
    assert [e.split(";")[0] for e in mine] == [
        "question or item code 'who5_1' has a different text ('Angiv for hvert af de fem udsagn, hvad der bedst "
        "beskriver, hvordan du har haft det i de sidste 2 uger. / I de sidste 2 uger har jeg været glad og i godt "
        "humør') in version 2026.1 of this package, which a round has used",
        "score code 'who5_index' has a different definition (multiplier) in version 2026.1 of this package, which a "
        "round has used",
    ]
    # The follow-up's current version was never used: it is compared with the first
    # package's used version only.
    assert any(
        e.startswith(f"packages/{OPFOELGNING}:") and "in package 'trivsel-og-arbejdsglaede'" in e for e in errors
    )
    assert snapshot() == before


def test_a_broken_file_still_replaces_its_unused_version(catalogue_dir):
    # All three packages reword practice_type alike, which their unused versions allow;
    # one file has an unrelated error. Its old, unused version must not be compared as
    # if it stayed: the only error is the real one.
    load_catalogue(catalogue_dir)
    old = "          text: Arbejder du i en solopraksis eller i et kompagniskab?\n"
    for name in (TRIVSEL, OPFOELGNING, SAMARBEJDE):
        edit(catalogue_dir, name, old, "          text: Er du sololæge eller i et kompagniskab?\n")
    edit(catalogue_dir, SAMARBEJDE, "  default_minutes: 150\n", "  default_minutes: 155\n")

    errors = load_and_capture(catalogue_dir)

    assert len(errors) == 1
    assert errors[0].startswith(f"packages/{SAMARBEJDE}:")
    assert "default_minutes is 155" in errors[0]
