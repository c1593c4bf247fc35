"""A package's measure points (målepunkter): each a score, question or item of the
package, each once; the shipped packages offer the ones the seeds name."""

from __future__ import annotations

import pytest

from klyngepakke.catalogue.models import Package

from .helpers import OPFOELGNING, SAMARBEJDE, SHIPPED, TRIVSEL, edit, load_and_capture, run_load, snapshot


@pytest.mark.django_db
def test_the_shipped_packages_offer_their_measure_points():
    run_load(SHIPPED)
    points = {p.code: [m["code"] for m in p.current_version.document["measure_points"]] for p in Package.objects.all()}
    assert points["samarbejde-og-faellesskab"] == [
        "q1_leadership_effort",
        "q2_leadership_tasks",
        "q3_leadership_team",
        "q4_doctors_meetings",
        "q5_meetings",
        "q6_shared_breaks",
        "q7_culture",
        "q8_support_received",
        "q9_support_given",
        "q10_support_activities",
    ]
    assert points["trivsel-og-arbejdsglaede"] == ["who5_index", "job_satisfaction"]
    assert points["opfoelgning-trivsel-og-arbejdsglaede"] == ["who5_index", "job_satisfaction"]
    hint = Package.objects.get(code="trivsel-og-arbejdsglaede").current_version.document["measure_points"][0]["hint"]
    assert hint["da"].startswith("Trivsel")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            SAMARBEJDE,
            "  - code: q3_leadership_team\n    hint:",
            "  - code: q3_nonexistent\n    hint:",
            "packages/samarbejde-og-faellesskab.yaml:{line} at measure_points[2].code: "
            "'q3_nonexistent' is not a score, question or item of this package",
        ),
        (
            TRIVSEL,
            "  - code: job_satisfaction\n    hint: Den",
            "  - code: who5_index\n    hint: Den",
            "packages/trivsel-og-arbejdsglaede.yaml:{line} at measure_points[1].code: "
            "measure point code 'who5_index' is used twice",
        ),
        (
            OPFOELGNING,
            "  - code: job_satisfaction\n    hint: Den",
            "  - code: job_satisfaction\n    colour: Den",
            "packages/opfoelgning-trivsel-og-arbejdsglaede.yaml:{line} at measure_points[1].colour: "
            "unknown field (check the spelling against docs/package-format.md)",
        ),
    ],
    ids=["unknown code", "twice", "unknown field"],
)
def test_a_bad_measure_point_names_file_line_and_path_and_loads_nothing(catalogue_dir, name, old, new, message):
    run_load(SHIPPED)
    before = snapshot()
    line = edit(catalogue_dir, name, old, new)

    errors = load_and_capture(catalogue_dir)

    expected = [message.format(line=line), message.format(line=line + 1)]
    assert any(e in errors for e in expected), errors
    assert snapshot() == before
