"""A resolved package's questionnaire as the respondent meets it.

Works on the resolved document stored with a package version (plain JSON), so the
same code serves every package. Answers are a flat mapping from answer code to value:

- single-choice question: its code -> option code
- matrix item: the item's code -> option code
- multiple choice: its code -> list of option codes
- free text: its code -> text
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

AnswerValue = str | list[str]
Answers = Mapping[str, AnswerValue]


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    value: float | None


@dataclass(frozen=True)
class Item:
    code: str
    text: dict[str, str]


@dataclass(frozen=True)
class Condition:
    question: str
    values: tuple[str, ...]

    def holds(self, answers: Answers) -> bool:
        return answers.get(self.question) in self.values


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: dict[str, str]
    help: dict[str, str] | None
    required: bool
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    show_if: Condition | None
    max_length: int
    instrument: str | None

    @property
    def answer_codes(self) -> tuple[str, ...]:
        if self.type == "matrix":
            return tuple(item.code for item in self.items)
        return (self.code,)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: dict[str, str]
    intro: dict[str, str] | None
    show_if: Condition | None
    questions: tuple[Question, ...]

    def visible_questions(self, answers: Answers) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.show_if is None or q.show_if.holds(answers))


@dataclass(frozen=True)
class FieldError:
    """A problem with one answer code. `kind` is one of: required, choose_one,
    choose_listed, too_long (then `limit` is the maximum length). The web layer
    turns kinds into translated messages."""

    code: str
    kind: str
    limit: int = 0


def _condition(raw: Mapping[str, Any] | None) -> Condition | None:
    if raw is None:
        return None
    return Condition(question=raw["question"], values=tuple(raw["in"]))


def _options(raw: Mapping[str, Any], scales: Mapping[str, Any]) -> tuple[Option, ...]:
    source = raw.get("options")
    if source is None and raw.get("scale"):
        source = scales[raw["scale"]]["options"]
    return tuple(Option(o["code"], o["label"], o.get("value")) for o in source or [])


DEFAULT_TEXT_LENGTH = 2000


class Questionnaire:
    def __init__(self, document: Mapping[str, Any]) -> None:
        raw = document["questionnaire"]
        scales = {s["code"]: s for s in raw.get("scales", [])}
        self.intro: dict[str, str] = raw["intro"]
        self.estimated_minutes: int = raw["estimated_minutes"]
        self.sections: tuple[Section, ...] = tuple(
            Section(
                code=s["code"],
                title=s["title"],
                intro=s.get("intro"),
                show_if=_condition(s.get("show_if")),
                questions=tuple(
                    Question(
                        code=q["code"],
                        type=q["type"],
                        text=q["text"],
                        help=q.get("help"),
                        required=q.get("required", True),
                        options=_options(q, scales),
                        items=tuple(Item(i["code"], i["text"]) for i in q.get("items", [])),
                        show_if=_condition(q.get("show_if")),
                        max_length=q.get("max_length") or DEFAULT_TEXT_LENGTH,
                        instrument=q.get("instrument"),
                    )
                    for q in s["questions"]
                ),
            )
            for s in raw["sections"]
        )
        self.questions: dict[str, Question] = {q.code: q for s in self.sections for q in s.questions}

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def visible_sections(self, answers: Answers) -> tuple[Section, ...]:
        """Sections the respondent meets, given the answers so far (routing)."""
        return tuple(
            s for s in self.sections if (s.show_if is None or s.show_if.holds(answers)) and s.visible_questions(answers)
        )

    def parse_section(
        self, section: Section, data: Mapping[str, list[str]], answers_so_far: Answers
    ) -> tuple[dict[str, AnswerValue], list[FieldError]]:
        """Read one page's submitted form data (field name -> list of values).

        Returns the section's answers and errors; routing inside the section is
        evaluated on the answers including this page's own (a question may depend
        on an earlier one on the same page).
        """
        answers: dict[str, AnswerValue] = {}
        errors: list[FieldError] = []
        combined: dict[str, AnswerValue] = dict(answers_so_far)
        for question in section.questions:
            if question.show_if is not None and not question.show_if.holds(combined):
                continue
            for code in question.answer_codes:
                values = [v for v in data.get(code, []) if v != ""]
                value, error = _read(question, code, values)
                if error:
                    errors.append(FieldError(code, error, question.max_length if error == "too_long" else 0))
                elif value is not None:
                    answers[code] = value
                    combined[code] = value
        return answers, errors

    def clean(self, answers: Answers) -> dict[str, AnswerValue]:
        """Keep only answers to questions the routing shows; drop stale ones.

        A respondent who first said "partnership" and then "solo" must not keep
        answers to partnership-only questions.
        """
        kept: dict[str, AnswerValue] = {}
        for section in self.visible_sections(answers):
            for question in section.visible_questions(answers):
                for code in question.answer_codes:
                    if code in answers:
                        kept[code] = answers[code]
        return kept

    def missing_required(self, answers: Answers) -> list[tuple[Section, str]]:
        missing: list[tuple[Section, str]] = []
        for section in self.visible_sections(answers):
            for question in section.visible_questions(answers):
                if question.required:
                    missing.extend((section, code) for code in question.answer_codes if code not in answers)
        return missing


def _read(question: Question, code: str, values: list[str]) -> tuple[AnswerValue | None, str | None]:
    if question.type == "text":
        text = values[0].strip() if values else ""
        if not text:
            return None, ("required" if question.required else None)
        if len(text) > question.max_length:
            return None, "too_long"
        return text, None
    allowed = {o.code for o in question.options}
    if question.type == "multiple":
        chosen = list(dict.fromkeys(values))
        if any(v not in allowed for v in chosen):
            return None, "choose_listed"
        if not chosen:
            return None, ("required" if question.required else None)
        return [o.code for o in question.options if o.code in chosen], None
    if not values:
        return None, ("required" if question.required else None)
    if len(values) > 1 or values[0] not in allowed:
        return None, "choose_one"
    return values[0], None
