"""Disclosure control: the one place that decides what of a group's statistics may be shown.

Every output (results pages, charts, PowerPoint, spreadsheet, JSON) calls `publish` (in
`klyngepakke.core.publication`, which adds the rules about subgroups) on the raw summaries
of `klyngepakke.core.statistics` and renders only what comes back; this module publishes
the single tables of one group. The threat model behind the rules is `docs/anonymity.md`.

The principle: protect people, not numbers. A count inside a table of a group that is
large enough ("3 of you are under 35" in a group of 34) names no one, and it is exactly
what a cluster meeting needs; what must never be published is a statistic (a
distribution, a mean, an answer) of a set of 1..k-1 respondents, or the fact that every
member of a nameable set shares one sensitive answer. With k = `Policy.k` (default 5,
never below 3):

1. Group size. A group is published only with at least k respondents ("group_too_small").

2. Answers after routing. A table is a statistic of those who answered it: a question
   that routing showed to fewer people, or that few answered, is published only when at
   least k answered it (answered, for a score: scored); 1..k-1 answers withhold the
   table ("too_few_answers"). Within a published table every count is shown exactly,
   zeros and small counts alike, with its share, and so is "no answer".

3. Location statistics. An item's mean, median and confidence interval are shown with
   its table: they are functions of its counts, which are shown anyway, so they reveal
   nothing more (also when few of the answers are on the scale, "ikke relevant" being
   off it). A score's mean, median and interval are shown with its table.

4. Homogeneity of sensitive answers. The package marks tables as sensitive (`sensitive`:
   answer codes and score codes; the items a sensitive score is made of are sensitive
   with it). When the caller says the group's respondents can be named as a set
   (`nameable`: a subgroup defined by the registry, such as the solo doctors, or a group
   in which everyone invited answered), a sensitive table is withheld
   ("homogeneous_sensitive") whenever its answers are nearly homogeneous: all, or all
   but one, of those who answered share one option or band - whichever it is, sensitive
   or not. Counting every option (not only the risk bands) and allowing one exception
   makes the withholding itself deniable: a reader learns only that nearly everyone
   gave the same answer, not which, and a member who knows their own answer cannot tell
   "all of us" from "all but one". With the table go the mean, median and interval,
   which could otherwise pin the band.

5. Multiple choice. Ticks per option are shown exactly with their shares of those who
   answered, under rules 2 and 4 (homogeneity: an option ticked by all or all but one,
   or by none or one, of those who answered).

6. Free text. Not shown unless the package enables it; then only for groups of at least
   k, only when the number who wrote and the number who did not are each 0 or at least
   k, and always shuffled.

Rules for subgroups and for differencing between them are in `publication`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .statistics import (
    ChoiceSummary,
    Estimate,
    MultipleChoiceSummary,
    ScoreSummary,
)

MIN_K = 3

# Reasons for Withheld.
GROUP_TOO_SMALL = "group_too_small"
COMPLEMENT_TOO_SMALL = "complement_too_small"
SUBGROUP_TOO_SMALL = "subgroup_too_small"
PARENT_WITHHELD = "parent_withheld"
TOO_FEW_ANSWERS = "too_few_answers"
HOMOGENEOUS_SENSITIVE = "homogeneous_sensitive"
WITHHELD_WITH_SCORE = "withheld_with_score"
SUBGROUP_DIFFERENCING = "subgroup_differencing"
FREE_TEXT_OFF = "free_text_off"
TOO_FEW_TEXTS = "too_few_texts"


@dataclass(frozen=True)
class Policy:
    """k: the smallest group (and the fewest answers to a table) that may be shown; at
    least 3.

    sensitive: answer codes and score codes whose tables fall under the homogeneity rule
    (rule 4) in nameable groups.
    show_free_text: the package enables showing free-text answers.
    """

    k: int = 5
    sensitive: frozenset[str] = frozenset()
    show_free_text: bool = False

    def __post_init__(self) -> None:
        if self.k < MIN_K:
            raise ValueError(f"k must be at least {MIN_K}, got {self.k}")

    def is_sensitive(self, code: str) -> bool:
        return code in self.sensitive


@dataclass(frozen=True)
class Withheld:
    """A group, table or figure that is not shown at all, and why (one of the reason
    constants of this module)."""

    reason: str


def is_small(count: int, k: int) -> bool:
    """1..k-1: a number of people too small to publish a statistic of."""
    return 0 < count < k


def nearly_homogeneous(counts: Sequence[int]) -> bool:
    """All, or all but one, of the counted answers fall in one cell (rule 4)."""
    answered = sum(counts)
    return answered > 0 and max(counts) >= answered - 1


# ---------------------------------------------------------------------------
# Publishable tables
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicOption:
    code: str
    on_scale: bool
    count: int
    share: float | None  # None when off the scale (single choice)


@dataclass(frozen=True)
class PublicChoice:
    code: str
    respondents: int
    answered: int
    no_answer: int
    on_scale: int
    options: tuple[PublicOption, ...]
    estimate: Estimate | None  # None: not an ordinal scale, or no answers on it


@dataclass(frozen=True)
class PublicMultiple:
    code: str
    respondents: int
    answered: int
    no_answer: int
    options: tuple[PublicOption, ...]  # share of `answered`


@dataclass(frozen=True)
class PublicBand:
    code: str
    count: int
    share: float | None


@dataclass(frozen=True)
class PublicScore:
    code: str
    respondents: int
    scored: int
    no_score: int
    bands: tuple[PublicBand, ...]
    unbanded: int
    estimate: Estimate | Withheld


def publish_choice(summary: ChoiceSummary, policy: Policy, *, nameable: bool = False) -> PublicChoice | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if is_small(summary.answered, k):
        return Withheld(TOO_FEW_ANSWERS)
    counts = [o.count for o in summary.options]
    if nameable and policy.is_sensitive(summary.code) and nearly_homogeneous(counts):
        return Withheld(HOMOGENEOUS_SENSITIVE)
    return PublicChoice(
        code=summary.code,
        respondents=summary.respondents,
        answered=summary.answered,
        no_answer=summary.no_answer,
        on_scale=summary.on_scale,
        options=tuple(PublicOption(o.code, o.on_scale, o.count, o.share) for o in summary.options),
        estimate=summary.estimate if summary.ordinal else None,
    )


def publish_score(summary: ScoreSummary, policy: Policy, *, nameable: bool = False) -> PublicScore | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if is_small(summary.scored, k):
        return Withheld(TOO_FEW_ANSWERS)
    counts = [b.count for b in summary.bands] + [summary.unbanded]
    if nameable and policy.is_sensitive(summary.code) and summary.bands and nearly_homogeneous(counts):
        return Withheld(HOMOGENEOUS_SENSITIVE)
    return PublicScore(
        code=summary.code,
        respondents=summary.respondents,
        scored=summary.scored,
        no_score=summary.no_score,
        bands=tuple(PublicBand(b.code, b.count, b.share) for b in summary.bands),
        unbanded=summary.unbanded,
        estimate=summary.estimate if summary.estimate is not None else Withheld(TOO_FEW_ANSWERS),
    )


def publish_multiple(
    summary: MultipleChoiceSummary, policy: Policy, *, nameable: bool = False
) -> PublicMultiple | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if is_small(summary.answered, k):
        return Withheld(TOO_FEW_ANSWERS)
    # Per option the answers are "ticked" or "not ticked": nearly homogeneous when all or
    # all but one ticked it, or none or one did.
    if (
        nameable
        and policy.is_sensitive(summary.code)
        and any(nearly_homogeneous([o.count, summary.answered - o.count]) for o in summary.options)
    ):
        return Withheld(HOMOGENEOUS_SENSITIVE)
    return PublicMultiple(
        code=summary.code,
        respondents=summary.respondents,
        answered=summary.answered,
        no_answer=summary.no_answer,
        options=tuple(PublicOption(o.code, True, o.count, o.share) for o in summary.options),
    )


def publish_texts(
    texts: Sequence[str], respondents: int, policy: Policy, rng: random.Random | None = None
) -> tuple[str, ...] | Withheld:
    """Free-text answers of a group, shuffled, or Withheld (rule 6)."""
    if not policy.show_free_text:
        return Withheld(FREE_TEXT_OFF)
    if respondents < policy.k:
        return Withheld(GROUP_TOO_SMALL)
    written = [t for t in texts if t.strip()]
    if is_small(len(written), policy.k) or is_small(respondents - len(written), policy.k):
        return Withheld(TOO_FEW_TEXTS)
    (rng or random.SystemRandom()).shuffle(written)
    return tuple(written)
