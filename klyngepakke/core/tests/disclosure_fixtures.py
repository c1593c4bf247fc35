"""A small questionnaire shared by the disclosure tests."""

from __future__ import annotations

from typing import Any

from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.core.scoring import score_definitions

# ---------------------------------------------------------------------------
# A small questionnaire: practice type (defines the subgroups), an ordinal question with
# "ikke relevant", a two-item matrix whose sum is a score with three bands, a multiple
# choice and a free text.
# ---------------------------------------------------------------------------

Q1_OPTIONS = [("good", 2), ("fair", 1), ("poor", 0), ("not_relevant", None)]
REASONS = ["relief", "economy", "quality"]
DOCUMENT = {
    "questionnaire": {
        "intro": {"da": "Intro"},
        "estimated_minutes": 5,
        "scales": [
            {"code": "three", "options": [{"code": str(v), "label": {"da": str(v)}, "value": v} for v in (2, 1, 0)]},
        ],
        "sections": [
            {
                "code": "s",
                "title": {"da": "S"},
                "questions": [
                    {
                        "code": "practice_type",
                        "type": "single",
                        "text": {"da": "Praksis"},
                        "options": [
                            {"code": "solo", "label": {"da": "Solo"}},
                            {"code": "partnership", "label": {"da": "Kompagniskab"}},
                        ],
                    },
                    {
                        "code": "q1",
                        "type": "single",
                        "text": {"da": "Q1"},
                        "required": False,
                        "options": [{"code": c, "label": {"da": c}, "value": v} for c, v in Q1_OPTIONS],
                    },
                    {
                        "code": "m",
                        "type": "matrix",
                        "text": {"da": "M"},
                        "scale": "three",
                        "items": [{"code": "m1", "text": {"da": "1"}}, {"code": "m2", "text": {"da": "2"}}],
                    },
                    {
                        "code": "reasons",
                        "type": "multiple",
                        "text": {"da": "Hvorfor"},
                        "required": False,
                        "options": [{"code": c, "label": {"da": c}} for c in REASONS],
                    },
                    {"code": "comment", "type": "text", "text": {"da": "Kommentar"}, "required": False},
                ],
            }
        ],
    },
    "scores": [
        {
            "code": "s",
            "label": {"da": "S"},
            "method": "sum",
            "items": ["m1", "m2"],
            "min": 0,
            "max": 4,
            "meaningful_change": 1,
            "bands": [
                {"code": "low", "min": 0, "max": 1, "label": {"da": "lav"}, "meaning": {"da": "lav"}},
                {"code": "mid", "min": 2, "max": 3, "label": {"da": "mellem"}, "meaning": {"da": "mellem"}},
                {"code": "high", "min": 4, "max": 4, "label": {"da": "høj"}, "meaning": {"da": "høj"}},
            ],
        }
    ],
}
QUESTIONNAIRE = Questionnaire(DOCUMENT)
DEFINITIONS = score_definitions(DOCUMENT)
WHO5 = score_definitions(
    {
        "scores": [
            {
                "code": "who5_index",
                "label": {"da": "WHO-5"},
                "method": "sum",
                "items": [f"who5_{i}" for i in range(1, 6)],
                "multiplier": 4,
                "min": 0,
                "max": 100,
                "bands": [
                    {"code": "high_risk", "min": 0, "max": 35, "label": {"da": "x"}, "meaning": {"da": "x"}},
                    {"code": "risk", "min": 36, "max": 50, "label": {"da": "x"}, "meaning": {"da": "x"}},
                    {"code": "normal", "min": 51, "max": 100, "label": {"da": "x"}, "meaning": {"da": "x"}},
                ],
            }
        ]
    }
)[0]


def respondent(
    practice: str | None,
    q1: str | None = None,
    m: tuple[int | None, int | None] = (None, None),
    reasons: list[str] | None = None,
    text: bool = False,
) -> dict[str, Any]:
    """One respondent's answers; None leaves a question unanswered."""
    answers: dict[str, Any] = {}
    if practice:
        answers["practice_type"] = practice
    if q1:
        answers["q1"] = q1
    for code, value in zip(("m1", "m2"), m, strict=True):
        if value is not None:
            answers[code] = str(value)
    if reasons:
        answers["reasons"] = list(reasons)
    if text:
        answers["comment"] = "en kommentar"
    return answers
