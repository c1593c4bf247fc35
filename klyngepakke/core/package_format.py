"""The package file format (format 1), as typed models.

A package file and an instrument file are YAML documents validated against these
models. Unknown keys are errors, so a typo never silently drops content. The field
reference for humans is docs/package-format.md; keep the two in step.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from .survey_schedule import MIN_DAYS_CLOSE_BEFORE_MEETING, MIN_DAYS_OPEN_TO_REMINDER, MIN_SURVEY_DAYS

FORMAT_VERSION = 1

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Text in Danish, optionally with an English translation."""

    da: NonEmpty
    en: NonEmpty | None = None


def _coerce_text(value: object) -> object:
    # A plain string is Danish text; a mapping gives translations.
    return {"da": value} if isinstance(value, str) else value


class Source(Strict):
    """A reference: where a fact, a reference value or an instrument comes from."""

    code: Code
    citation: NonEmpty
    url: str | None = None
    note: str | None = None


class Option(Strict):
    code: Code
    label: Text
    # Numeric value used in scoring; null for answers outside the scale ("ikke relevant").
    value: float | None = None

    _text = field_validator("label", mode="before")(_coerce_text)


class Scale(Strict):
    code: Code
    label: Text
    # True when the seed documents do not give the scale and the product chose it.
    own_choice: bool
    note: str | None = None
    options: list[Option] = Field(min_length=2)

    _text = field_validator("label", mode="before")(_coerce_text)


class Item(Strict):
    code: Code
    text: Text

    _text = field_validator("text", mode="before")(_coerce_text)


class Condition(Strict):
    """Show a section or question only when an earlier single-choice answer is one of `in`."""

    question: Code
    in_: list[Code] = Field(alias="in", min_length=1)


class Question(Strict):
    code: Code
    type: Literal["single", "matrix", "multiple", "text"]
    text: Text
    help: Text | None = None
    required: bool = True
    # A named scale of the questionnaire or instrument, or inline options; exactly one
    # for single, matrix and multiple questions, none for free text.
    scale: Code | None = None
    options: list[Option] | None = None
    items: list[Item] | None = None
    show_if: Condition | None = None
    max_length: int | None = Field(default=None, ge=1, le=10000)

    _text = field_validator("text", "help", mode="before")(_coerce_text)


class Band(Strict):
    """A cut-off band of a score: min <= score <= max."""

    code: Code
    min: float
    max: float
    label: Text
    meaning: Text
    # True where the band should point the respondent to help.
    seek_help: bool = False

    _text = field_validator("label", "meaning", mode="before")(_coerce_text)


class Score(Strict):
    code: Code
    label: Text
    method: Literal["sum", "mean"]
    items: list[Code] = Field(min_length=1)
    multiplier: float = 1.0
    # How many of the items must be answered for a score; defaults to all of them.
    min_answered: int | None = Field(default=None, ge=1)
    min: float
    max: float
    bands: list[Band] = Field(default_factory=list)
    # A change of at least this many points between rounds counts as meaningful.
    meaningful_change: float | None = Field(default=None, gt=0)
    higher_is_better: bool = True

    _text = field_validator("label", mode="before")(_coerce_text)


class InstrumentFile(Strict):
    format: Literal[1]
    kind: Literal["instrument"]
    code: Code
    version: NonEmpty
    title: Text
    attribution: NonEmpty
    sources: list[Source] = Field(default_factory=list)
    scales: list[Scale] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    scores: list[Score] = Field(default_factory=list)

    _text = field_validator("title", mode="before")(_coerce_text)


class InstrumentUse(Strict):
    """Places an instrument's questions at this point of a section."""

    instrument: Code
    show_if: Condition | None = None


def _entry_kind(value: object) -> str:
    if isinstance(value, dict):
        return "InstrumentUse" if "instrument" in value else "Question"
    return "InstrumentUse" if isinstance(value, InstrumentUse) else "Question"


# Tags are capitalised so error locations can drop them (field names are lower case).
SectionEntry = Annotated[
    Annotated[Question, Tag("Question")] | Annotated[InstrumentUse, Tag("InstrumentUse")],
    Discriminator(_entry_kind),
]


class Section(Strict):
    code: Code
    title: Text
    intro: Text | None = None
    show_if: Condition | None = None
    questions: list[SectionEntry] = Field(min_length=1)

    _text = field_validator("title", "intro", mode="before")(_coerce_text)


class Questionnaire(Strict):
    intro: Text
    estimated_minutes: int = Field(ge=1, le=120)
    scales: list[Scale] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)

    _text = field_validator("intro", mode="before")(_coerce_text)


class ReflectionQuestion(Strict):
    code: Code
    text: Text
    # False where solo doctors skip this question ("Sololæger svarer kun på ...").
    for_solo: bool = True

    _text = field_validator("text", mode="before")(_coerce_text)


class ProgramBlock(Strict):
    code: Code
    title: Text
    minutes: int = Field(ge=0, le=600)
    description: Text | None = None
    reflection_questions: list[ReflectionQuestion] = Field(default_factory=list)

    _text = field_validator("title", "description", mode="before")(_coerce_text)


class Program(Strict):
    blocks: list[ProgramBlock] = Field(min_length=1)
    # The meeting's length in minutes unless an order adjusts it; must equal the blocks' sum.
    default_minutes: int = Field(ge=1, le=24 * 60)


class RunbookDue(Strict):
    """A task's date, counted in days from a date the order or round knows."""

    from_: Literal["ordered", "survey_opens", "survey_closes", "meeting", "follow_up"] = Field(alias="from")
    days: int = Field(ge=-730, le=730)


class RunbookTask(Strict):
    phase: Literal["before", "during", "after"]
    role: Literal["coordinator", "member", "facilitator", "consultant"]
    when: Text | None = None
    task: Text
    due: RunbookDue | None = None

    _text = field_validator("when", "task", mode="before")(_coerce_text)


class Offer(Strict):
    code: Code
    title: Text
    provider: NonEmpty
    audience: Text
    description: Text
    url: str | None = None
    # Region code for regional offers; absent for national ones.
    region: Code | None = None

    _text = field_validator("title", "audience", "description", mode="before")(_coerce_text)


class HelpContact(Strict):
    code: Code
    name: NonEmpty
    description: Text
    phone: str | None = None
    url: str | None = None
    region: Code | None = None

    _text = field_validator("description", mode="before")(_coerce_text)


class ReferenceValue(Strict):
    code: Code
    label: Text
    value: float
    unit: Literal["percent", "score", "count", "mean"]
    # The score or item code the value compares with, when there is one.
    measure: Code | None = None
    population: Text
    year: int = Field(ge=1990, le=2100)
    source: Code

    _text = field_validator("label", "population", mode="before")(_coerce_text)


HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]


class Style(Strict):
    """The package's colours in its meeting materials (deck, handouts, spreadsheet)."""

    primary: HexColour = "#1F4E79"
    accent: HexColour = "#C55A11"
    # Colours of the comparison series in charts: cluster, region, country, reference.
    series: list[HexColour] = Field(
        default_factory=lambda: ["#1F4E79", "#7FA7CE", "#A5A5A5", "#C55A11"], min_length=4, max_length=8
    )


class ResultsSettings(Strict):
    """How this package's results are disclosed (see docs/package-format.md)."""

    # k: the smallest group, and the fewest answers to a question, whose results are
    # shown; never below 3. Within such a group every count is shown exactly.
    min_group_size: int = Field(default=5, ge=3, le=100)
    # Score codes and question/item codes whose answers are sensitive (e.g. the WHO-5
    # index: its risk bands). A nameable group (the solo doctors, or a cluster in which
    # everyone answered) never shows a sensitive table in which all, or all but one,
    # share one answer (docs/anonymity.md). A sensitive score's items are sensitive too.
    sensitive: list[Code] = Field(default_factory=list)
    show_free_text: bool = False
    # Region and country comparisons take the rounds of any package with the same item and
    # score codes that closed in this many months up to the round's own close.
    comparison_months: int = Field(default=24, ge=1, le=120)


class SharedItem(Strict):
    """Declares that this package's question, matrix item or score `code` is the same as
    the one of that code in package `package`, although its wording or scale differs.

    Comparisons and follow-ups pool answers by item and score code, so the catalogue
    refuses a code that another package (or a version of this package that a round has
    used) defines differently, unless one of the two declares it here.
    """

    code: Code
    package: Code
    # Why the two may be pooled, for the next reader of the file.
    reason: NonEmpty


class MeasurePoint(Strict):
    """A score, question or item the cluster may choose to follow up after the meeting
    (seed 001, "Målepunkter"), with an optional Danish hint for the meeting room."""

    code: Code
    hint: Text | None = None

    _text = field_validator("hint", mode="before")(_coerce_text)


class FollowUpQuestions(Strict):
    """What a follow-up round of this package adds (issue 11): a last section asking each
    respondent, anonymously, what their practice has changed since the meeting, and the
    title of the section that carries the measure points the meeting chose when this
    package does not ask them itself. Only single, multiple and text questions."""

    code: Code
    title: Text
    intro: Text | None = None
    measure_points_title: Text
    questions: list[Question] = Field(min_length=1)

    _text = field_validator("title", "intro", "measure_points_title", mode="before")(_coerce_text)


class Sales(Strict):
    """What the package pages show a coordinator to help them choose (the rest comes
    from `summary`, `materials` and `program`)."""

    # Who the package is for, in a sentence or two.
    audience: Text
    # Question or item codes shown as sample questions (at most six).
    sample_items: list[Code] = Field(default_factory=list, max_length=6)

    _text = field_validator("audience", mode="before")(_coerce_text)


class SurveySchedule(Strict):
    """When the survey runs, counted from the meeting date (klyngepakke.core.survey_schedule)."""

    opens_weeks_before: int = Field(default=4, ge=1, le=26)
    closes_days_before: int = Field(default=5, ge=MIN_DAYS_CLOSE_BEFORE_MEETING, le=60)
    # Reminders to those who have not answered, in days before the close.
    reminders_days_before_close: list[int] = Field(default_factory=lambda: [7, 2], max_length=5)

    @model_validator(mode="after")
    def _fits(self) -> SurveySchedule:
        length = self.opens_weeks_before * 7 - self.closes_days_before + 1
        if length < MIN_SURVEY_DAYS:
            raise ValueError(f"the survey would be open {length} days; at least {MIN_SURVEY_DAYS}")
        if len(set(self.reminders_days_before_close)) != len(self.reminders_days_before_close):
            raise ValueError("a reminder day is listed twice")
        for days in self.reminders_days_before_close:
            if days < 1 or length - 1 - days < MIN_DAYS_OPEN_TO_REMINDER:
                raise ValueError(
                    f"a reminder {days} days before the close is not between 1 day before the close "
                    f"and {MIN_DAYS_OPEN_TO_REMINDER} days after the opening"
                )
        return self


class PackageFile(Strict):
    format: Literal[1]
    kind: Literal["package"]
    code: Code
    version: NonEmpty
    title: Text
    summary: Text
    purpose: list[Text] = Field(default_factory=list)
    # For a follow-up package: the code of the package it follows up.
    follows_up: Code | None = None
    materials: list[Text] = Field(default_factory=list)
    contact: Text | None = None
    questionnaire: Questionnaire
    scores: list[Score] = Field(default_factory=list)
    program: Program
    runbook: list[RunbookTask] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    help_contacts: list[HelpContact] = Field(default_factory=list)
    reference_values: list[ReferenceValue] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    # Codes that are the same question or score as in another package despite a
    # different text, scale or definition (see SharedItem).
    shared_items: list[SharedItem] = Field(default_factory=list)
    results: ResultsSettings = Field(default_factory=ResultsSettings)
    # The scores, questions and items a cluster may choose as its measure points
    # (målepunkter) when it decides how to follow up (docs/package-format.md).
    measure_points: list[MeasurePoint] = Field(default_factory=list)
    # Asked in a round of an order that follows up an earlier one (core.follow_up).
    follow_up_questions: FollowUpQuestions | None = None
    style: Style = Field(default_factory=Style)
    # The package pages' sales texts (docs/package-format.md, "Sales").
    sales: Sales | None = None
    # When the survey opens and closes relative to the meeting date.
    schedule: SurveySchedule = Field(default_factory=SurveySchedule)

    _text = field_validator("title", "summary", "contact", mode="before")(_coerce_text)

    @field_validator("purpose", "materials", mode="before")
    @classmethod
    def _texts(cls, value: object) -> object:
        return [_coerce_text(v) for v in value] if isinstance(value, list) else value
