"""Plausible synthetic answers for the demo history: one respondent's answers to a
questionnaire, walking the package's routing like a real respondent would."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from klyngepakke.core.questionnaire import Option, Question, Questionnaire
from klyngepakke.registry.models import Practice

# Item offsets on the 0-5 scale: waking rested is the lowest-scored WHO-5 item in most
# populations, "filled with things that interest me" among the highest.
WHO5_ITEM_SHIFT = {"who5_1": 0.15, "who5_2": -0.15, "who5_3": -0.05, "who5_4": -0.40, "who5_5": 0.45}
# Job satisfaction: cut points on a standard normal giving 12 % low, 35 % some, 38 % high
# and 15 % very high at the national mean (seed 002's follow-up distribution).
JOB_SATISFACTION_CUTS = ((-1.175, "low"), (-0.075, "some"), (1.036, "high"))
JOB_SATISFACTION_WHO5_WEIGHT = 0.65
# Multiple choice: chance that a respondent ticks each option.
TICK_CHANCE = {
    # Seed 002: relief 26, economy 15, quality of work 10, meaningful work 8 of 34 answers.
    "delegation_reasons": {"relief": 0.76, "economy": 0.44, "quality_of_work": 0.29, "meaningful_work": 0.24},
    "work_strains": {
        "administration": 0.62,
        "unplanned_tasks": 0.55,
        "complex_contacts": 0.45,
        "practice_management": 0.35,
        "risk_of_errors": 0.25,
    },
}
SKIP_OPTIONAL = 0.05
# Ordinal questions of "Samarbejde og fællesskab": the typical answer (in the scale's
# values) around which a respondent's collaboration climate moves the answer.
TYPICAL_VALUE = {
    "q1_leadership_effort": 2.7,
    "q2_strategic": 1.9,
    "q2_operational": 3.0,
    "q2_personnel": 2.6,
    "q2_professional": 2.9,
    "q3_leadership_team": 2.4,
    "q4_short": 3.9,
    "q4_long": 2.3,
    "q5_briefings": 4.3,
    "q5_teaching": 2.9,
    "q5_staff_supervision": 2.6,
    "q5_trainee_supervision": 3.6,
    "q5_staff_meetings": 3.4,
    "q5_social_events": 2.0,
    "q6_morning": 1.8,
    "q6_lunch": 3.2,
    "q6_afternoon": 1.3,
    "q7_little_complaining": 3.3,
    "q7_useful_feedback": 3.4,
    "q7_difficult_topics": 3.5,
    "q8_support_received": 2.6,
    "q9_support_given": 2.9,
    "q10_courses": 2.4,
    "q10_dge_group": 2.9,
    "q10_supervision_group": 3.0,
    "q10_cluster_meetings": 2.3,
}
AGREEMENT_TYPICAL = 3.9
# Chance of "ikke relevant" where the scale has it (solo doctors rarely supervise trainees).
NOT_RELEVANT_CHANCE = {
    "q5_trainee_supervision": {"partnership": 0.40, "solo": 0.70},
    "q5_staff_supervision": {"partnership": 0.05, "solo": 0.10},
    "q10_courses": {"partnership": 0.08, "solo": 0.08},
    "q10_dge_group": {"partnership": 0.45, "solo": 0.55},
    "q10_supervision_group": {"partnership": 0.50, "solo": 0.50},
    "q10_cluster_meetings": {"partnership": 0.03, "solo": 0.03},
}
DEFAULT_NOT_RELEVANT = 0.05


@dataclass(frozen=True)
class _Respondent:
    kind: str  # solo | partnership: routing only, never stored as a link
    who5: float  # the index this person's WHO-5 answers aim at
    who5_z: float
    satisfaction_z: float
    collaboration: float


def synthetic_answers(questionnaire: Questionnaire, rng: random.Random, person: _Respondent) -> dict[str, Any]:
    """Walk the questionnaire as a respondent would, following its routing."""
    answers: dict[str, Any] = {}
    for section in questionnaire.sections:
        if section.show_if is not None and not section.show_if.holds(answers):
            continue
        for question in section.questions:
            if question.show_if is not None and not question.show_if.holds(answers):
                continue
            for code in question.answer_codes:
                value = _answer(question, code, rng, person)
                if value is not None:
                    answers[code] = value
    answers = questionnaire.clean(answers)
    missing = questionnaire.missing_required(answers)
    if missing:  # a package with a question type this generator cannot answer
        raise ValueError(f"synthetic answers miss required codes: {[code for _s, code in missing]}")
    return answers


def _answer(question: Question, code: str, rng: random.Random, person: _Respondent) -> Any:
    options = question.options
    if code == "practice_type" and question.option(person.kind) is not None:
        return person.kind
    if question.type == "text":
        return None if not question.required else "Ingen bemærkninger."
    if question.type == "multiple":
        return _ticks(question, code, rng, person)
    if code in WHO5_ITEM_SHIFT:
        target = person.who5 / 20 + WHO5_ITEM_SHIFT[code] + rng.gauss(0, 0.55)
        return _nearest(options, target)
    if code == "job_satisfaction" and {o.code for o in options} >= {"low", "some", "high", "very_high"}:
        return next((label for cut, label in JOB_SATISFACTION_CUTS if person.satisfaction_z < cut), "very_high")
    if not any(o.value is not None for o in options):
        return rng.choice(options).code if options else None
    not_relevant = [o for o in options if o.value is None]
    if not_relevant:
        chance = NOT_RELEVANT_CHANCE.get(code, {}).get(person.kind, DEFAULT_NOT_RELEVANT)
        if rng.random() < chance:
            return not_relevant[0].code
    values = [o.value for o in options if o.value is not None]
    low, high = min(values), max(values)
    spread = (high - low) / 5
    typical = TYPICAL_VALUE.get(code)
    if typical is None:
        typical = AGREEMENT_TYPICAL if code.startswith("q7_") else low + 0.6 * (high - low)
    return _nearest(options, typical + spread * person.collaboration + rng.gauss(0, spread * 0.7))


def _nearest(options: Sequence[Option], target: float) -> str:
    numeric = [o for o in options if o.value is not None]
    return min(numeric, key=lambda o: (abs(float(o.value or 0) - target), o.code)).code


def _ticks(question: Question, code: str, rng: random.Random, person: _Respondent) -> list[str] | None:
    if not question.required and rng.random() < SKIP_OPTIONAL:
        return None
    chances = TICK_CHANCE.get(code, {})
    # Lower well-being, more strains ticked; a solo doctor carries the practice's running.
    strain = 1 + 0.35 * max(0.0, -person.who5_z) if code == "work_strains" else 1.0
    ticked = []
    for option in question.options:
        chance = chances.get(option.code, 0.3) * strain
        if code == "work_strains" and option.code == "practice_management" and person.kind == Practice.Kind.SOLO:
            chance += 0.15
        if rng.random() < min(0.95, chance):
            ticked.append(option.code)
    if not ticked and question.required:
        ticked.append(question.options[0].code)
    return ticked or None


# What a practice tells the follow-up round it changed since the meeting (demo texts).
CHANGE_TEXTS = (
    "Vi holder en fælles pause hver formiddag.",
    "Fast lægemøde hver anden uge.",
    "Personalet tager flere af de kroniske kontroller.",
    "Vi har lukket for telefonen i frokostpausen.",
    "Vi taler om arbejdsglæde på personalemøderne.",
    "Færre afbrydelser i konsultationstiden.",
    "Ny fordeling af administrationen mellem lægerne.",
)
CHANGED_WEIGHTS = {"yes_much": 0.2, "yes_some": 0.45, "not_yet": 0.25, "dont_know": 0.1}


def changes_answers(questionnaire: Questionnaire, section_code: str, rng: random.Random) -> dict[str, Any]:
    """Answers to a follow-up round's own section ("Siden klyngemødet",
    `section_code`): whether the practice changed something and, for about half of
    those who did, what."""
    answers: dict[str, Any] = {}
    for section in questionnaire.sections:
        if section.code != section_code:
            continue
        for question in section.questions:
            if question.type == "single":
                codes = [o.code for o in question.options]
                weights = [CHANGED_WEIGHTS.get(code, 0.1) for code in codes]
                answers[question.code] = rng.choices(codes, weights)[0]
            elif question.type == "text":
                changed = any(str(v).startswith("yes") for v in answers.values())
                if changed and rng.random() < 0.6:
                    answers[question.code] = rng.choice(CHANGE_TEXTS)
    return answers
