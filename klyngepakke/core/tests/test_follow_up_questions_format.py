"""`follow_up_questions` in a package file: validated by the core like every question."""

from __future__ import annotations

from pathlib import Path

import yaml

from klyngepakke.core.catalogue_files import read_catalogue

PACKAGES = Path(__file__).resolve().parents[3] / "packages"


def _catalogue(tmp_path: Path, change) -> list[str]:
    for source in PACKAGES.rglob("*.yaml"):
        target = tmp_path / source.relative_to(PACKAGES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "opfoelgning-trivsel-og-arbejdsglaede.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return [str(e) for e in read_catalogue(tmp_path).errors]


def test_the_shipped_packages_carry_valid_follow_up_questions(tmp_path):
    assert _catalogue(tmp_path, lambda d: None) == []


def test_a_follow_up_question_may_not_reuse_a_questionnaire_code(tmp_path):
    def clash(document):
        document["follow_up_questions"]["questions"][0]["code"] = "job_satisfaction"

    errors = _catalogue(tmp_path, clash)
    assert any("'job_satisfaction' is used by the questionnaire" in e for e in errors)


def test_a_free_text_follow_up_question_needs_free_text_shown(tmp_path):
    def hidden(document):
        document["results"]["show_free_text"] = False

    errors = _catalogue(tmp_path, hidden)
    assert any("needs results.show_free_text: true" in e for e in errors)


def test_a_follow_up_question_has_no_routing_and_no_matrix(tmp_path):
    def routed(document):
        question = document["follow_up_questions"]["questions"][0]
        question["show_if"] = {"question": "practice_type", "in": ["solo"]}
        question["type"] = "matrix"

    errors = _catalogue(tmp_path, routed)
    assert any("is asked of everyone" in e for e in errors)
    assert any("single, multiple or text" in e for e in errors)
