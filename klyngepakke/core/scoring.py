"""Scores for one respondent (e.g. the WHO-5 index), as the package defines them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .questionnaire import Answers, Questionnaire


@dataclass(frozen=True)
class Band:
    code: str
    min: float
    max: float
    label: dict[str, str]
    meaning: dict[str, str]
    seek_help: bool


@dataclass(frozen=True)
class ScoreDefinition:
    code: str
    label: dict[str, str]
    method: str
    items: tuple[str, ...]
    multiplier: float
    min_answered: int
    min: float
    max: float
    bands: tuple[Band, ...]
    meaningful_change: float | None
    higher_is_better: bool

    def band_for(self, value: float) -> Band | None:
        # Bands may leave gaps between whole numbers (0-35, 36-50); a value inside a
        # gap belongs to the band below it, so no reachable value is left without one.
        for index, band in enumerate(self.bands):
            upper = self.bands[index + 1].min if index + 1 < len(self.bands) else None
            if band.min <= value and (value <= band.max or (upper is not None and value < upper)):
                return band
        return None


@dataclass(frozen=True)
class ScoreResult:
    definition: ScoreDefinition
    value: float
    band: Band | None


def score_definitions(document: Mapping[str, Any]) -> tuple[ScoreDefinition, ...]:
    return tuple(
        ScoreDefinition(
            code=s["code"],
            label=s["label"],
            method=s["method"],
            items=tuple(s["items"]),
            multiplier=float(s.get("multiplier", 1.0)),
            min_answered=int(s.get("min_answered") or len(s["items"])),
            min=float(s["min"]),
            max=float(s["max"]),
            bands=tuple(
                Band(b["code"], float(b["min"]), float(b["max"]), b["label"], b["meaning"], b.get("seek_help", False))
                for b in s.get("bands", [])
            ),
            meaningful_change=s.get("meaningful_change"),
            higher_is_better=s.get("higher_is_better", True),
        )
        for s in document.get("scores", [])
    )


def item_values(questionnaire: Questionnaire, answers: Answers) -> dict[str, float]:
    """Numeric value of every answered single-choice question and matrix item."""
    values: dict[str, float] = {}
    for question in questionnaire.questions.values():
        if question.type not in {"single", "matrix"}:
            continue
        for code in question.answer_codes:
            answer = answers.get(code)
            if isinstance(answer, str):
                option = question.option(answer)
                if option is not None and option.value is not None:
                    values[code] = float(option.value)
    return values


def score_from_sum(definition: ScoreDefinition, total: float, answered: int) -> float:
    """The score from the sum of a respondent's item values and how many were answered."""
    return (total if definition.method == "sum" else total / answered) * definition.multiplier


def compute_score(definition: ScoreDefinition, values: Mapping[str, float]) -> float | None:
    answered = [values[code] for code in definition.items if code in values]
    if len(answered) < definition.min_answered:
        return None
    return score_from_sum(definition, sum(answered), len(answered))


def respondent_scores(document: Mapping[str, Any], answers: Answers) -> list[ScoreResult]:
    questionnaire = Questionnaire(document)
    values = item_values(questionnaire, answers)
    results = []
    for definition in score_definitions(document):
        value = compute_score(definition, values)
        if value is not None:
            results.append(ScoreResult(definition, value, definition.band_for(value)))
    return results
