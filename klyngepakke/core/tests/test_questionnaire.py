"""Routing, page parsing and clean-up of stale answers, on the shipped packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from klyngepakke.core.catalogue_files import read_catalogue
from klyngepakke.core.questionnaire import Questionnaire

PACKAGES = Path(__file__).resolve().parents[3] / "packages"


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    read = read_catalogue(PACKAGES)
    assert not read.errors
    return {p.code: p.document for p in read.packages}


@pytest.fixture
def samarbejde(documents) -> Questionnaire:
    return Questionnaire(documents["samarbejde-og-faellesskab"])


def shown_codes(q: Questionnaire, answers: dict) -> set[str]:
    return {question.code for s in q.visible_sections(answers) for question in s.visible_questions(answers)}


def leadership_team_codes(q: Questionnaire) -> set[str]:
    return {
        code
        for code, question in q.questions.items()
        if question.show_if and question.show_if.question == "practice_type"
    }


def test_solo_doctors_skip_the_leadership_team_questions(samarbejde):
    partnership_only = leadership_team_codes(samarbejde)
    assert {c[:2] for c in partnership_only} == {"q3", "q4"}
    assert partnership_only <= shown_codes(samarbejde, {"practice_type": "partnership"})
    assert not partnership_only & shown_codes(samarbejde, {"practice_type": "solo"})


def test_switching_to_solo_drops_answers_to_skipped_questions(samarbejde):
    q4 = samarbejde.questions[next(c for c in leadership_team_codes(samarbejde) if c.startswith("q4"))]
    answers = {"practice_type": "partnership", q4.answer_codes[0]: q4.options[0].code}
    cleaned = samarbejde.clean({**answers, "practice_type": "solo"})
    assert q4.answer_codes[0] not in cleaned
    assert cleaned["practice_type"] == "solo"


def test_page_parsing_reports_required_and_invalid_answers(samarbejde):
    first = samarbejde.sections[0]
    answers, errors = samarbejde.parse_section(first, {}, {})
    assert answers == {}
    assert [(e.code, e.kind) for e in errors] == [("practice_type", "required")]
    answers, errors = samarbejde.parse_section(first, {"practice_type": ["hacked"]}, {})
    assert [(e.code, e.kind) for e in errors] == [("practice_type", "choose_one")]
    answers, errors = samarbejde.parse_section(first, {"practice_type": ["solo"]}, {})
    assert answers == {"practice_type": "solo"}
    assert errors == []


def test_matrix_items_are_answered_one_by_one(documents):
    q = Questionnaire(documents["trivsel-og-arbejdsglaede"])
    section = next(s for s in q.sections if any(question.code == "who5" for question in s.questions))
    data = {f"who5_{i}": ["3"] for i in range(1, 5)}
    answers, errors = q.parse_section(section, data, {"practice_type": "solo"})
    assert {e.code for e in errors} >= {"who5_5"}
    assert answers["who5_1"] == "3"


def test_missing_required_lists_only_visible_questions(samarbejde):
    solo_missing = {code for _, code in samarbejde.missing_required({"practice_type": "solo"})}
    partner_missing = {code for _, code in samarbejde.missing_required({"practice_type": "partnership"})}
    assert solo_missing < partner_missing
