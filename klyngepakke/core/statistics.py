"""Group statistics over respondents' answers, before disclosure control.

Everything here is "raw": exact counts, however small. Nothing from this module may be
shown to anyone before it has passed through `klyngepakke.core.publication.publish`.

Input is a sequence of respondents, each the `Answers` mapping of
`klyngepakke.core.questionnaire` (answer code -> option code, or a list of option codes
for a multiple-choice question, or the text of a free-text answer). A question the
respondent skipped or never saw (routing) has no entry; it is counted as "no answer".

- Single-choice questions and matrix items (`summarize_choice`): counts per option in
  the questionnaire's order; options without a value ("ikke relevant") are counted apart
  from the scale when the question has valued options; shares are of the answers on the
  scale; mean, median and a Student-t confidence interval of the option values when the
  caller says the scale is ordinal.
- Multiple choice (`summarize_multiple`): respondents who ticked at least one option,
  ticks per option, shares of those respondents (a respondent may tick several).
- Scores (`summarize_score`): one value per respondent from `scoring.compute_score`,
  then n, mean with confidence interval, median and counts per band.
- Change between two groups (`compare`): Welch interval for the difference of means
  and a plain verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .questionnaire import Answers, Question, Questionnaire
from .scoring import ScoreDefinition, compute_score, item_values
from .t_distribution import t_quantile

Respondents = Sequence[Answers]

# ---------------------------------------------------------------------------
# Estimates: mean, median, confidence interval
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Estimate:
    """Mean of n values with its confidence interval (Student t), and the median.

    sd is the sample standard deviation (n - 1); sd and ci are None when n < 2.
    """

    n: int
    mean: float
    median: float
    sd: float | None
    ci: Interval | None
    level: float = 0.95

    @property
    def standard_error(self) -> float | None:
        return None if self.sd is None else self.sd / math.sqrt(self.n)


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """Median; with an even number of values the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def sample_sd(values: Sequence[float]) -> float:
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


def estimate(values: Sequence[float], level: float = 0.95) -> Estimate | None:
    """Mean, median and the level confidence interval of the mean; None for no values."""
    if not values:
        return None
    n = len(values)
    centre = mean(values)
    if n < 2:
        return Estimate(n, centre, median(values), None, None, level)
    sd = sample_sd(values)
    half = t_quantile(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    return Estimate(n, centre, median(values), sd, Interval(centre - half, centre + half), level)


# ---------------------------------------------------------------------------
# Single-choice questions and matrix items
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    """One answer option. on_scale is False for an option without a value ("ikke
    relevant") on a question whose other options have values; share is of the answers
    on the scale (single choice) or of the respondents to the question (multiple
    choice), None for options off the scale or when nobody answered."""

    code: str
    count: int
    on_scale: bool
    share: float | None


@dataclass(frozen=True)
class ChoiceSummary:
    code: str  # answer code: the question's code, or a matrix item's code
    respondents: int  # people in the group
    answered: int  # answered with a listed option, on or off the scale
    on_scale: int  # answered with an option on the scale
    options: tuple[OptionCount, ...]  # in the questionnaire's (scale) order
    ordinal: bool
    estimate: Estimate | None  # of option values: ordinal scales with answers only

    @property
    def no_answer(self) -> int:
        """Skipped, not shown by the routing, or an unknown option code."""
        return self.respondents - self.answered


def is_valued(question: Question) -> bool:
    """True when at least one option carries a numeric value."""
    return any(o.value is not None for o in question.options)


def on_scale_codes(question: Question) -> tuple[str, ...]:
    """Options on the scale: valued options; every option of a question without values."""
    valued = is_valued(question)
    return tuple(o.code for o in question.options if o.value is not None or not valued)


def chosen_option(question: Question, answer: object) -> str | None:
    """The option code of a single-choice answer, or None when it is not one."""
    if isinstance(answer, str) and question.option(answer) is not None:
        return answer
    return None


def summarize_choice(
    question: Question, code: str, respondents: Respondents, *, ordinal: bool, level: float = 0.95
) -> ChoiceSummary:
    """Counts, shares and (ordinal scales only) mean/median/CI of one answer code."""
    counts = dict.fromkeys((o.code for o in question.options), 0)
    for answers in respondents:
        option = chosen_option(question, answers.get(code))
        if option is not None:
            counts[option] += 1
    scale = set(on_scale_codes(question))
    on_scale = sum(counts[c] for c in scale)
    options = tuple(
        OptionCount(
            o.code,
            counts[o.code],
            o.code in scale,
            counts[o.code] / on_scale if o.code in scale and on_scale else None,
        )
        for o in question.options
    )
    values = [float(o.value) for o in question.options if o.value is not None for _ in range(counts[o.code])]
    use_mean = ordinal and is_valued(question)
    return ChoiceSummary(
        code=code,
        respondents=len(respondents),
        answered=sum(counts.values()),
        on_scale=on_scale,
        options=options,
        ordinal=use_mean,
        estimate=estimate(values, level) if use_mean else None,
    )


# ---------------------------------------------------------------------------
# Multiple choice
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MultipleChoiceSummary:
    code: str
    respondents: int  # people in the group
    answered: int  # ticked at least one listed option
    options: tuple[OptionCount, ...]  # ticks per option; share of `answered`

    @property
    def no_answer(self) -> int:
        return self.respondents - self.answered


def ticked_options(question: Question, answer: object) -> set[str]:
    chosen = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
    return {c for c in chosen if isinstance(c, str) and question.option(c) is not None}


def summarize_multiple(question: Question, respondents: Respondents) -> MultipleChoiceSummary:
    counts = dict.fromkeys((o.code for o in question.options), 0)
    answered = 0
    for answers in respondents:
        ticked = ticked_options(question, answers.get(question.code))
        answered += bool(ticked)
        for option in ticked:
            counts[option] += 1
    return MultipleChoiceSummary(
        code=question.code,
        respondents=len(respondents),
        answered=answered,
        options=tuple(
            OptionCount(o.code, counts[o.code], True, counts[o.code] / answered if answered else None)
            for o in question.options
        ),
    )


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BandCount:
    code: str
    count: int
    share: float | None  # of the respondents with a score


@dataclass(frozen=True)
class ScoreSummary:
    code: str
    respondents: int  # people in the group
    scored: int  # people with a score (enough items answered)
    bands: tuple[BandCount, ...]  # in the definition's order
    unbanded: int  # scores outside every band (0 for a well-formed definition)
    estimate: Estimate | None

    @property
    def no_score(self) -> int:
        return self.respondents - self.scored


def score_values(
    definition: ScoreDefinition, questionnaire: Questionnaire, respondents: Respondents
) -> list[float | None]:
    """Each respondent's score (None when too few items were answered)."""
    return [compute_score(definition, item_values(questionnaire, answers)) for answers in respondents]


def summarize_score_values(
    definition: ScoreDefinition, values: Sequence[float | None], level: float = 0.95
) -> ScoreSummary:
    """Summary of one score over respondents' values (None: no score), e.g. from score_values."""
    scores = [v for v in values if v is not None]
    counts = dict.fromkeys((b.code for b in definition.bands), 0)
    unbanded = 0
    for value in scores:
        band = definition.band_for(value)
        if band is None:
            unbanded += 1
        else:
            counts[band.code] += 1
    return ScoreSummary(
        code=definition.code,
        respondents=len(values),
        scored=len(scores),
        bands=tuple(BandCount(code, count, count / len(scores) if scores else None) for code, count in counts.items()),
        unbanded=unbanded,
        estimate=estimate(scores, level),
    )


def summarize_score(
    definition: ScoreDefinition, questionnaire: Questionnaire, respondents: Respondents, level: float = 0.95
) -> ScoreSummary:
    return summarize_score_values(definition, score_values(definition, questionnaire, respondents), level)


# ---------------------------------------------------------------------------
# Free text and whole groups
# ---------------------------------------------------------------------------


def free_texts(code: str, respondents: Respondents) -> tuple[str, ...]:
    """The non-empty free-text answers to one question, in respondent order (raw!)."""
    texts = (answers.get(code) for answers in respondents)
    return tuple(t.strip() for t in texts if isinstance(t, str) and t.strip())


@dataclass(frozen=True)
class GroupSummary:
    """Raw statistics of one group of respondents (a round, a subgroup, a region ...)."""

    respondents: int
    choices: Mapping[str, ChoiceSummary]  # by answer code
    multiples: Mapping[str, MultipleChoiceSummary]  # by question code
    scores: Mapping[str, ScoreSummary]  # by score code
    texts: Mapping[str, tuple[str, ...]]  # by question code


def summarize_group(
    questionnaire: Questionnaire,
    definitions: Iterable[ScoreDefinition],
    respondents: Respondents,
    *,
    ordinal: Callable[[Question], bool] = is_valued,
    level: float = 0.95,
) -> GroupSummary:
    """Every question, item and score of a questionnaire over one group.

    `ordinal` says for which single-choice questions and matrices a mean is meaningful;
    by default those whose options carry values.
    """
    choices: dict[str, ChoiceSummary] = {}
    multiples: dict[str, MultipleChoiceSummary] = {}
    texts: dict[str, tuple[str, ...]] = {}
    for question in questionnaire.questions.values():
        if question.type in {"single", "matrix"}:
            for code in question.answer_codes:
                choices[code] = summarize_choice(question, code, respondents, ordinal=ordinal(question), level=level)
        elif question.type == "multiple":
            multiples[question.code] = summarize_multiple(question, respondents)
        elif question.type == "text":
            texts[question.code] = free_texts(question.code, respondents)
    return GroupSummary(
        respondents=len(respondents),
        choices=choices,
        multiples=multiples,
        scores={d.code: summarize_score(d, questionnaire, respondents, level) for d in definitions},
        texts=texts,
    )


# ---------------------------------------------------------------------------
# Comparing two groups (e.g. a round and its follow-up)
# ---------------------------------------------------------------------------

WITHIN_NOISE = "within_noise"
INCREASE = "increase"
DECREASE = "decrease"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Comparison:
    """after.mean - before.mean with its Welch interval.

    verdict: "within_noise" (the interval contains 0), "increase" or "decrease" (it does
    not), "unknown" (no interval: a group has fewer than 2 values). meaningful: whether
    the size of the difference reaches the score's meaningful change (None when the
    score defines none).
    """

    before: Estimate
    after: Estimate
    difference: float
    ci: Interval | None
    df: float | None
    verdict: str
    meaningful_change: float | None
    meaningful: bool | None

    @property
    def within_noise(self) -> bool | None:
        return None if self.verdict == UNKNOWN else self.verdict == WITHIN_NOISE


def welch_df(a: Estimate, b: Estimate) -> float | None:
    """Welch-Satterthwaite degrees of freedom; None when a group has fewer than 2 values."""
    if a.sd is None or b.sd is None:
        return None
    va, vb = a.sd**2 / a.n, b.sd**2 / b.n
    denominator = va**2 / (a.n - 1) + vb**2 / (b.n - 1)
    if denominator == 0:  # no spread at all, or so little that its square underflows
        return math.inf
    return (va + vb) ** 2 / denominator


def difference_interval(before: Estimate, after: Estimate, level: float = 0.95) -> tuple[Interval, float] | None:
    """Welch interval for after.mean - before.mean, with its degrees of freedom."""
    df = welch_df(before, after)
    if df is None or before.sd is None or after.sd is None:
        return None
    se = math.sqrt(before.sd**2 / before.n + after.sd**2 / after.n)
    difference = after.mean - before.mean
    half = t_quantile(0.5 + level / 2.0, df) * se if se else 0.0
    return Interval(difference - half, difference + half), df


def compare(
    before: Estimate, after: Estimate, *, meaningful_change: float | None = None, level: float = 0.95
) -> Comparison:
    difference = after.mean - before.mean
    interval = difference_interval(before, after, level)
    if interval is None:
        ci, df, verdict = None, None, UNKNOWN
    else:
        ci, df = interval
        verdict = WITHIN_NOISE if ci.contains(0.0) else INCREASE if difference > 0 else DECREASE
    return Comparison(
        before=before,
        after=after,
        difference=difference,
        ci=ci,
        df=df,
        verdict=verdict,
        meaningful_change=meaningful_change,
        meaningful=None if meaningful_change is None else abs(difference) >= meaningful_change - 1e-9,
    )
