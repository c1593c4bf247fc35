"""core.follow_up.compose: what a follow-up round adds to its package's questionnaire."""

from __future__ import annotations

import copy

import pytest

from klyngepakke.core.follow_up import MEASURE_SECTION, CompositionError, compose
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import respondent_scores

SCALE = {
    "code": "deg",
    "label": {"da": "Grad"},
    "options": [
        {"code": "hi", "label": {"da": "Høj"}, "value": 2},
        {"code": "lo", "label": {"da": "Lav"}, "value": 1},
    ],
}


def _doc(sections, scores=(), scales=(SCALE,), **extra):
    return {
        "questionnaire": {
            "intro": {"da": "Intro"},
            "estimated_minutes": 5,
            "scales": list(scales),
            "sections": sections,
        },
        "scores": list(scores),
        **extra,
    }


EARLIER = _doc(
    [
        {
            "code": "a",
            "title": {"da": "A"},
            "questions": [
                {
                    "code": "kind",
                    "type": "single",
                    "text": {"da": "Type"},
                    "options": [{"code": "x", "label": {"da": "X"}}, {"code": "y", "label": {"da": "Y"}}],
                },
                {
                    "code": "m",
                    "type": "matrix",
                    "text": {"da": "Matrix"},
                    "scale": "deg",
                    "items": [
                        {"code": "m1", "text": {"da": "Et"}},
                        {"code": "m2", "text": {"da": "To"}},
                        {"code": "m3", "text": {"da": "Tre"}},
                    ],
                },
                {
                    "code": "q",
                    "type": "single",
                    "text": {"da": "Spørgsmål"},
                    "scale": "deg",
                    "show_if": {"question": "kind", "in": ["x"]},
                },
            ],
        },
    ],
    scores=[{"code": "s", "label": {"da": "Score"}, "method": "sum", "items": ["m1", "m2"], "min": 2, "max": 4}],
    results={"sensitive": ["s"]},
)
BASE = _doc(
    [
        {
            "code": "b",
            "title": {"da": "B"},
            "questions": [{"code": "own", "type": "single", "text": {"da": "Eget"}, "scale": "deg"}],
        }
    ],
    # The same scale code with other options: the copied question carries the earlier ones inline.
    scales=[{**SCALE, "options": [*SCALE["options"], {"code": "mid", "label": {"da": "Midt"}, "value": 1.5}]}],
    follow_up_questions={
        "code": "since",
        "title": {"da": "Siden"},
        "measure_points_title": {"da": "Målepunkter"},
        "questions": [
            {
                "code": "changed",
                "type": "single",
                "text": {"da": "Ændret?"},
                "options": [{"code": "ja", "label": {"da": "Ja"}}, {"code": "nej", "label": {"da": "Nej"}}],
            }
        ],
    },
)


def test_a_score_brings_its_items_and_definition_with_the_same_codes():
    document = compose(BASE, EARLIER, ["s", "q"], followed_order=7)
    section = next(s for s in document["questionnaire"]["sections"] if s["code"] == MEASURE_SECTION)
    matrix, single = section["questions"]
    assert [i["code"] for i in matrix["items"]] == ["m1", "m2"]
    assert matrix["options"] == SCALE["options"]
    assert "scale" not in matrix
    assert "show_if" not in single  # "kind" is not asked in this round
    assert [s["code"] for s in document["scores"]] == ["s"]
    assert document["results"]["sensitive"] == ["s"]  # its items follow it (core.publication)
    assert document["follow_up"] == {
        "order": 7,
        "measure_points": ["s", "q"],
        "added_items": ["m1", "m2", "q"],
        "added_scores": ["s"],
        "questions_section": "since",
    }
    assert [s["code"] for s in document["questionnaire"]["sections"]] == ["b", MEASURE_SECTION, "since"]
    # The composed document works like any package: its score is computed from the items.
    assert Questionnaire(document).questions["changed"].type == "single"
    (score,) = respondent_scores(document, {"m1": "hi", "m2": "lo"})
    assert score.value == 3


def test_a_point_the_package_asks_itself_is_not_added_and_base_is_untouched():
    base = copy.deepcopy(BASE)
    document = compose(base, EARLIER, ["own"])
    assert base == BASE
    assert [s["code"] for s in document["questionnaire"]["sections"]] == ["b", "since"]


def test_nothing_to_add_gives_none():
    plain = {k: v for k, v in BASE.items() if k != "follow_up_questions"}
    assert compose(plain, EARLIER, []) is None
    assert compose(plain, None, ["s"]) is None


def test_a_code_clash_is_refused():
    clash = copy.deepcopy(BASE)
    clash["follow_up_questions"]["questions"][0]["code"] = "q"
    with pytest.raises(CompositionError, match="'q'"):
        compose(clash, EARLIER, ["q"])
