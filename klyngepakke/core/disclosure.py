"""Disclosure control: the one place that decides what of a group's statistics may be shown.

Every output (results pages, charts, PowerPoint, JSON) calls `publish` (or `publish_group`,
both in `klyngepakke.core.publication`, which applies rules 1 and 7 below) on the raw
summaries of `klyngepakke.core.statistics` and renders only what comes back; this module
publishes the single tables.

The rules, with k = `Policy.k` (default 5, never below 3):

1. Groups. A group is shown only with at least k respondents. Subgroups (disjoint parts
   of a group, e.g. solo doctors and partnerships within a cluster) are shown only if
   every part - each subgroup and the remainder outside all of them - is empty or has at
   least k respondents; otherwise none is ("subgroup_too_small"). An empty subgroup, or
   one that is the whole group (its complement is empty), is not shown either. So no
   group smaller than k can be obtained by subtracting shown groups from each other, and
   the subgroup sizes agree with the parent's table of the question that defines them
   (whose cells are then all 0 or at least k, so it hides nothing they could reveal).

2. Tables. Every table is a row of counts that adds up to the group's respondents: the
   options of a question plus "no answer" (skipped, or not shown by the routing: that
   count would otherwise reveal how many gave the routing answer), the bands of a score
   plus "outside every band" and "no score". A table with fewer than k answers is
   withheld ("too_few_answers").

3. Small counts. A count from 1 to k-1 is hidden and shown as "< k" (`MaskedCount(k)`),
   unless the package allows the exact count for that band or option (`exact_small_bands`,
   e.g. seed 002's "3 under 35"). Zeros are shown.

4. Complementary hiding. Hiding one count is useless when it equals the total minus the
   other counts, and hiding two small counts is useless when their sum is small too. So
   whenever a row hides a small count, it also hides exactly one more: the count of at
   least k nearest to a small one in the row's order, a neighbouring option (shown as a
   dash, `MaskedCount(None)`; with no such count the row is withheld). The result is
   then tested against a reader who knows the total, every shown count, that each "< k"
   is 1..k-1 and that the dash is at least k: if that reader could pin any hidden count,
   or any sum of hidden counts, to a value in 1..k-1, the whole row is withheld
   ("cannot_mask"). Boxed cells with a known total take every sum between their bounds,
   so this test is exact. Which cells are hidden, and whether the row is withheld,
   depends only on what the row would show - never on the value of a hidden count - so
   a reader who knows this algorithm learns no more than the test assumes (checked by
   exhaustive enumeration in the tests). The one case such a reader can still decode is
   a withheld row in which every cell, "no answer" included, is exactly k-1 (and the
   like for multiple choice: every option ticked by exactly k-1, "no answer" 0 or k-1) -
   possible only in groups of a few times k.

5. Derived figures. Answered, on-scale and scored counts are shown only when they follow
   from shown counts anyway; shares only when their count and denominator are shown.
   The mean, median and confidence interval of an item are shown only when every count
   on its scale is shown (they are functions of those counts: with a hidden count, the
   mean would let a reader solve for it). A score's mean/median/CI need at least k
   scores and a shown number of scores; they relate to the band counts only through
   inequalities (scores vary within a band), which this module does not police.

6. Multiple choice. Per option, the ticks, the non-ticks among those who answered and
   the non-ticks in the whole group must not be 1..k-1: a small tick count is shown as
   "< k", an option that few did not tick as a dash; if few did not answer at all, the
   number answering is hidden (rule 4 on the row answered + no answer) and with it every
   share. Everyone who answered ticked at least once, so the ticks bound the number who
   answered; if a reader could pin a small figure with that, the question is withheld
   ("cannot_mask").

7. Subgroups' tables. A subgroup's table is shown only if the same table needs no hidden
   count at all in the parent, in every shown subgroup and in the remainder; otherwise it
   is withheld for all subgroups ("small_cells_in_subgroups"). Then parent = sum of
   subgroups + remainder holds between figures that are all shown, and nothing hidden
   can be recovered by subtraction. A subgroup's score mean is shown without its band
   counts when every shown subgroup and the remainder have a number of scores and of
   missing scores that is 0 or at least k, and the parent shows its missing scores.

8. Free text. Not shown unless the package enables it; then only for groups of at least
   k, only when the number who wrote and the number who did not are each 0 or at least k,
   and always shuffled.

Not modelled (documented limits): relations between different questions of a group
(routing beyond the "no answer" cell, score bands versus the items they are made from),
and comparisons of different rounds or overlapping groups that are not declared as
subgroups (e.g. cluster versus region: the caller publishes those through `publish` with
the cluster as a subgroup of the region, or accepts that region - cluster is large).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .statistics import (
    ChoiceSummary,
    Estimate,
    MultipleChoiceSummary,
    ScoreSummary,
)

MIN_K = 3
NO_ANSWER = "_no_answer"
UNBANDED = "_unbanded"
NO_SCORE = "_no_score"

# Reasons for Withheld.
GROUP_TOO_SMALL = "group_too_small"
COMPLEMENT_TOO_SMALL = "complement_too_small"
SUBGROUP_TOO_SMALL = "subgroup_too_small"
PARENT_WITHHELD = "parent_withheld"
TOO_FEW_ANSWERS = "too_few_answers"
CANNOT_MASK = "cannot_mask"
HIDDEN_COUNTS = "hidden_counts"
SMALL_CELLS_IN_SUBGROUPS = "small_cells_in_subgroups"
FREE_TEXT_OFF = "free_text_off"
TOO_FEW_TEXTS = "too_few_texts"


@dataclass(frozen=True)
class Policy:
    """k: the smallest group (and count) that may be shown; at least 3.

    exact_small_bands: counts a package allows to show exactly even below k. A bare code
    matches a score band of that code (e.g. "high_risk"); "table:cell" matches one cell of
    one table, e.g. "who5_index:high_risk" or "job_satisfaction:low" for an option.
    show_free_text: the package enables showing free-text answers.
    """

    k: int = 5
    exact_small_bands: frozenset[str] = frozenset()
    show_free_text: bool = False

    def __post_init__(self) -> None:
        if self.k < MIN_K:
            raise ValueError(f"k must be at least {MIN_K}, got {self.k}")

    def allows_exact(self, table: str, cell: str, *, band: bool = False) -> bool:
        return f"{table}:{cell}" in self.exact_small_bands or (band and cell in self.exact_small_bands)


@dataclass(frozen=True)
class MaskedCount:
    """A count that is not shown. below=k: the count is between 1 and k-1 (show "< k");
    below=None: hidden so that another figure cannot be worked out (show a dash)."""

    below: int | None = None

    def __str__(self) -> str:
        return f"< {self.below}" if self.below is not None else "\u2013"


Count = int | MaskedCount


@dataclass(frozen=True)
class Withheld:
    """A group, table or figure that is not shown at all, and why (one of the reason
    constants of this module)."""

    reason: str


# ---------------------------------------------------------------------------
# One row of counts that adds up to a shown total
# ---------------------------------------------------------------------------


def _pins(total: int, small: int, complements: int, ceiling: int, k: int) -> bool:
    """Can a reader pin a sum of hidden counts to a value in 1..k-1?

    The reader knows the sum `total` of the hidden counts of a row, that `small` of them
    are 1..k-1 and `complements` of them k..ceiling. Cells with equal bounds are
    interchangeable, so it suffices to look at i small and j complementary cells: with
    box bounds and a fixed total their sum takes every value between low and high.
    """
    for i in range(small + 1):
        for j in range(complements + 1):
            if i == j == 0:
                continue
            low = max(i + j * k, total - (small - i) * (k - 1) - (complements - j) * ceiling)
            high = min(i * (k - 1) + j * ceiling, total - (small - i) - (complements - j) * k)
            if low == high and 0 < low < k:
                return True
    return False


def mask_row(counts: Sequence[int], k: int, exact: Sequence[bool] | None = None) -> list[Count] | None:
    """Hide counts of a row whose total is shown (rules 3 and 4); None: withhold the row.

    exact[i] allows count i to be shown even when it is below k. When a count is hidden
    for being small, exactly one more count is hidden with it: the count of at least k
    nearest to a small one in the row's order (ties: the earlier), i.e. a neighbouring
    answer option. Which cells are hidden therefore depends on nothing a reader cannot
    see: the positions of the small counts and of the counts of at least k. The result
    is then tested against a reader who knows everything shown (`_pins`); if that reader
    could pin a hidden count or a sum of them to 1..k-1 the row is withheld - a decision
    again made only from what the row would show. (Hiding "one more until safe" would
    not do: the reader would learn that the previous step failed, and from that pin the
    small counts. Taking the smallest count as complement would not either: it tells
    the reader that the dash is at most the smallest count left shown.)
    """
    allowed = list(exact) if exact is not None else [False] * len(counts)
    small = [i for i, c in enumerate(counts) if 0 < c < k and not allowed[i]]
    if not small:
        return list(counts)
    candidates = [i for i, c in enumerate(counts) if c >= k]
    if not candidates:
        return None
    complement = min(candidates, key=lambda i: (min(abs(i - j) for j in small), i))
    total = sum(counts[i] for i in small) + counts[complement]
    if _pins(total, len(small), 1, total, k):
        return None
    hidden = {i: MaskedCount(k) for i in small} | {complement: MaskedCount(None)}
    return [hidden.get(i, c) for i, c in enumerate(counts)]


def _derived(shown: Sequence[Count], part: set[int], value: int) -> Count:
    """A sum of some cells of a row: shown when it follows from shown counts anyway."""
    inside = all(isinstance(shown[i], int) for i in part)
    outside = all(isinstance(c, int) for i, c in enumerate(shown) if i not in part)
    return value if inside or outside else MaskedCount(None)


def _is_small(count: int, k: int) -> bool:
    return 0 < count < k


# ---------------------------------------------------------------------------
# Publishable tables
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicOption:
    code: str
    on_scale: bool
    count: Count
    share: float | None  # None when not shown (or off the scale)


@dataclass(frozen=True)
class PublicChoice:
    code: str
    respondents: int
    answered: Count
    no_answer: Count
    on_scale: Count
    options: tuple[PublicOption, ...]
    estimate: Estimate | Withheld | None  # None: not an ordinal scale, or no answers on it


@dataclass(frozen=True)
class PublicMultiple:
    code: str
    respondents: int
    answered: Count
    no_answer: Count
    options: tuple[PublicOption, ...]  # share of `answered`


@dataclass(frozen=True)
class PublicBand:
    code: str
    count: Count
    share: float | None


@dataclass(frozen=True)
class PublicScore:
    code: str
    respondents: int
    scored: Count
    no_score: Count
    bands: tuple[PublicBand, ...] | Withheld
    unbanded: Count | None  # None when the bands are withheld
    estimate: Estimate | Withheld


def publish_choice(summary: ChoiceSummary, policy: Policy) -> PublicChoice | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if _is_small(summary.answered, k):
        return Withheld(TOO_FEW_ANSWERS)
    options = summary.options
    counts = [o.count for o in options] + [summary.no_answer]
    exact = [policy.allows_exact(summary.code, o.code) for o in options] + [
        policy.allows_exact(summary.code, NO_ANSWER)
    ]
    shown = mask_row(counts, k, exact)
    if shown is None:
        return Withheld(CANNOT_MASK)
    scale = {i for i, o in enumerate(options) if o.on_scale}
    on_scale = _derived(shown, scale, summary.on_scale)
    estimate: Estimate | Withheld | None = None
    if summary.ordinal and summary.estimate is not None:
        estimate = summary.estimate if all(isinstance(shown[i], int) for i in scale) else Withheld(HIDDEN_COUNTS)
    return PublicChoice(
        code=summary.code,
        respondents=summary.respondents,
        answered=_derived(shown, set(range(len(options))), summary.answered),
        no_answer=shown[-1],
        on_scale=on_scale,
        options=tuple(
            PublicOption(
                o.code,
                o.on_scale,
                shown[i],
                o.share if isinstance(shown[i], int) and isinstance(on_scale, int) else None,
            )
            for i, o in enumerate(options)
        ),
        estimate=estimate,
    )


def publish_score(summary: ScoreSummary, policy: Policy) -> PublicScore | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if _is_small(summary.scored, k):
        return Withheld(TOO_FEW_ANSWERS)
    counts = [b.count for b in summary.bands] + [summary.unbanded, summary.no_score]
    exact = [policy.allows_exact(summary.code, b.code, band=True) for b in summary.bands] + [
        policy.allows_exact(summary.code, UNBANDED),
        policy.allows_exact(summary.code, NO_SCORE),
    ]
    shown = mask_row(counts, k, exact)
    if shown is None:
        return Withheld(CANNOT_MASK)
    scored = _derived(shown, set(range(len(counts) - 1)), summary.scored)
    estimate: Estimate | Withheld
    if summary.estimate is None:
        estimate = Withheld(TOO_FEW_ANSWERS)
    elif not isinstance(scored, int):
        estimate = Withheld(HIDDEN_COUNTS)
    else:
        estimate = summary.estimate
    return PublicScore(
        code=summary.code,
        respondents=summary.respondents,
        scored=scored,
        no_score=shown[-1],
        bands=tuple(
            PublicBand(b.code, shown[i], b.share if isinstance(shown[i], int) and isinstance(scored, int) else None)
            for i, b in enumerate(summary.bands)
        ),
        unbanded=shown[-2],
        estimate=estimate,
    )


# Multiple choice ------------------------------------------------------------

_SMALL, _FEW_UNTICKED = "small", "few_unticked"


def _multiple_pins(
    respondents: int, answered: int, answered_hidden: bool, ticks: Sequence[int], hidden: Mapping[int, str], k: int
) -> bool:
    """Can a reader pin a small figure of a multiple-choice table (rule 6)?

    Small figures: who did not answer (n - r), an option's ticks t, who answered but did
    not tick it (r - t) and who did not tick it at all (n - t). The reader knows the group
    size n, the shown counts, that a "< k" option has 1..k-1 ticks, that a dashed option
    has at least k ticks and few who did not tick it (r-k+1..r-1 ticks when r is shown,
    n-k+1..n-1 when it is hidden), that a hidden number answering r lies in
    max(k, n-k+1)..n-1 (few did not answer), that no option has more than r ticks and
    that the ticks add up to at least r (everyone who answered ticked something). For a
    fixed r every option's possible ticks form an interval, so the sets collected here
    are exact. Only shown figures and the kind of each hidden one are used.
    """
    possible_r = range(max(k, respondents - k + 1), respondents) if answered_hidden else range(answered, answered + 1)
    seen_r: set[int] = set()
    seen_ticks: dict[int, set[int]] = {i: set() for i in hidden}
    seen_unticked: dict[int, set[int]] = {i: set() for i in range(len(ticks))}
    seen_never: dict[int, set[int]] = {i: set() for i in range(len(ticks))}
    for r in possible_r:
        bounds: list[tuple[int, int]] = []
        for i, t in enumerate(ticks):
            kind = hidden.get(i)
            if kind is None:
                bounds.append((t, t))
            elif kind == _SMALL:
                bounds.append((1, min(k - 1, r)))
            else:
                base = respondents if answered_hidden else r
                bounds.append((max(k, base - k + 1), min(base - 1, r)))
        top = sum(high for _, high in bounds)
        if top < r or any(low > high for low, high in bounds):
            continue
        seen_r.add(r)
        for i, (low, high) in enumerate(bounds):
            values = range(max(low, r - (top - high)), high + 1)
            if i in hidden:
                seen_ticks[i].update(values)
            seen_unticked[i].update(r - v for v in values)
            seen_never[i].update(respondents - v for v in values)
    if answered_hidden and len(seen_r) < 2:
        return True
    if any(hidden[i] == _SMALL and len(values) < 2 for i, values in seen_ticks.items()):
        return True
    return any(
        len(values) == 1 and _is_small(min(values), k) for values in [*seen_unticked.values(), *seen_never.values()]
    )


def publish_multiple(summary: MultipleChoiceSummary, policy: Policy) -> PublicMultiple | Withheld:
    k = policy.k
    if summary.respondents < k:
        return Withheld(GROUP_TOO_SMALL)
    if _is_small(summary.answered, k):
        return Withheld(TOO_FEW_ANSWERS)
    top = mask_row([summary.answered, summary.no_answer], k)
    if top is None:
        return Withheld(CANNOT_MASK)
    answered_hidden = isinstance(top[0], MaskedCount)
    ticks = [o.count for o in summary.options]
    hidden: dict[int, str] = {}
    for i, o in enumerate(summary.options):
        if _is_small(o.count, k) and not policy.allows_exact(summary.code, o.code):
            hidden[i] = _SMALL
        elif o.count >= k and _is_small((summary.respondents if answered_hidden else summary.answered) - o.count, k):
            # With the number answering hidden, judge by the whole group only: a decision
            # that used the hidden number would give it away.
            hidden[i] = _FEW_UNTICKED
    # As in mask_row: no further hiding that depends on the result of the test.
    if _multiple_pins(summary.respondents, summary.answered, answered_hidden, ticks, hidden, k):
        return Withheld(CANNOT_MASK)
    return PublicMultiple(
        code=summary.code,
        respondents=summary.respondents,
        answered=top[0],
        no_answer=top[1],
        options=tuple(
            PublicOption(o.code, True, o.count, None if answered_hidden else o.share)
            if i not in hidden
            else PublicOption(o.code, True, MaskedCount(k if hidden[i] == _SMALL else None), None)
            for i, o in enumerate(summary.options)
        ),
    )


def publish_texts(
    texts: Sequence[str], respondents: int, policy: Policy, rng: random.Random | None = None
) -> tuple[str, ...] | Withheld:
    """Free-text answers of a group, shuffled, or Withheld (rule 8)."""
    if not policy.show_free_text:
        return Withheld(FREE_TEXT_OFF)
    if respondents < policy.k:
        return Withheld(GROUP_TOO_SMALL)
    written = [t for t in texts if t.strip()]
    if _is_small(len(written), policy.k) or _is_small(respondents - len(written), policy.k):
        return Withheld(TOO_FEW_TEXTS)
    (rng or random.SystemRandom()).shuffle(written)
    return tuple(written)
