"""Publishing a whole group and its subgroups (rules 1 and 7 of `disclosure`): the entry
point every output uses, `publish`, and `publish_group`. The rules themselves are
documented in `klyngepakke.core.disclosure`, which publishes the single tables."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .disclosure import (
    COMPLEMENT_TOO_SMALL,
    GROUP_TOO_SMALL,
    PARENT_WITHHELD,
    SMALL_CELLS_IN_SUBGROUPS,
    SUBGROUP_TOO_SMALL,
    TOO_FEW_ANSWERS,
    TOO_FEW_TEXTS,
    Count,
    Policy,
    PublicChoice,
    PublicMultiple,
    PublicScore,
    Withheld,
    _is_small,
    publish_choice,
    publish_multiple,
    publish_score,
    publish_texts,
)
from .statistics import GroupSummary, OptionCount

# ---------------------------------------------------------------------------
# Groups and subgroups
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicGroup:
    respondents: int
    choices: Mapping[str, PublicChoice | Withheld]  # by answer code
    multiples: Mapping[str, PublicMultiple | Withheld]  # by question code
    scores: Mapping[str, PublicScore | Withheld]  # by score code
    texts: Mapping[str, tuple[str, ...] | Withheld]  # by question code


@dataclass(frozen=True)
class Publication:
    group: PublicGroup | Withheld
    subgroups: Mapping[str, PublicGroup | Withheld]


def publish_group(summary: GroupSummary, policy: Policy, *, rng: random.Random | None = None) -> PublicGroup | Withheld:
    """The publishable version of one group's summary (rules 1-6 and 8)."""
    if summary.respondents < policy.k:
        return Withheld(GROUP_TOO_SMALL)
    return PublicGroup(
        respondents=summary.respondents,
        choices={code: publish_choice(s, policy) for code, s in summary.choices.items()},
        multiples={code: publish_multiple(s, policy) for code, s in summary.multiples.items()},
        scores={code: publish_score(s, policy) for code, s in summary.scores.items()},
        texts={code: publish_texts(t, summary.respondents, policy, rng) for code, t in summary.texts.items()},
    )


def subgroup_reasons(parent: int, sizes: Mapping[str, int], k: int) -> dict[str, str | None]:
    """Which disjoint subgroups of a parent of `parent` respondents may be shown (rule 1):
    name -> None when shown, else the reason."""
    remainder = parent - sum(sizes.values())
    if remainder < 0:
        raise ValueError("subgroups must be disjoint parts of the group")
    if any(_is_small(size, k) for size in [*sizes.values(), remainder]):
        return dict.fromkeys(sizes, SUBGROUP_TOO_SMALL)
    return {
        name: GROUP_TOO_SMALL if size < k else COMPLEMENT_TOO_SMALL if parent - size < k else None
        for name, size in sizes.items()
    }


def _minus_options(parent: Sequence[OptionCount], parts: Sequence[Sequence[OptionCount]]) -> tuple[OptionCount, ...]:
    return tuple(replace(o, count=o.count - sum(p[i].count for p in parts), share=None) for i, o in enumerate(parent))


def _remainder(parent: GroupSummary, parts: Sequence[GroupSummary]) -> GroupSummary:
    """The parent's respondents outside the given subgroups, as counts (no estimates)."""
    choices = {
        code: replace(
            s,
            respondents=s.respondents - sum(p.choices[code].respondents for p in parts),
            answered=s.answered - sum(p.choices[code].answered for p in parts),
            on_scale=s.on_scale - sum(p.choices[code].on_scale for p in parts),
            options=_minus_options(s.options, [p.choices[code].options for p in parts]),
            estimate=None,
        )
        for code, s in parent.choices.items()
    }
    multiples = {
        code: replace(
            s,
            respondents=s.respondents - sum(p.multiples[code].respondents for p in parts),
            answered=s.answered - sum(p.multiples[code].answered for p in parts),
            options=_minus_options(s.options, [p.multiples[code].options for p in parts]),
        )
        for code, s in parent.multiples.items()
    }
    scores = {
        code: replace(
            s,
            respondents=s.respondents - sum(p.scores[code].respondents for p in parts),
            scored=s.scored - sum(p.scores[code].scored for p in parts),
            unbanded=s.unbanded - sum(p.scores[code].unbanded for p in parts),
            bands=tuple(
                replace(b, count=b.count - sum(p.scores[code].bands[i].count for p in parts), share=None)
                for i, b in enumerate(s.bands)
            ),
            estimate=None,
        )
        for code, s in parent.scores.items()
    }
    texts = {code: ("",) * (len(t) - sum(len(p.texts[code]) for p in parts)) for code, t in parent.texts.items()}
    return GroupSummary(
        respondents=parent.respondents - sum(p.respondents for p in parts),
        choices=choices,
        multiples=multiples,
        scores=scores,
        texts=texts,
    )


def _clean(table: object) -> bool:
    """A published table that hides nothing."""
    if isinstance(table, PublicChoice):
        counts: list[Count] = [table.answered, table.no_answer, table.on_scale, *(o.count for o in table.options)]
    elif isinstance(table, PublicMultiple):
        counts = [table.answered, table.no_answer, *(o.count for o in table.options)]
    elif isinstance(table, PublicScore):
        if isinstance(table.bands, Withheld) or table.unbanded is None:
            return False
        counts = [table.scored, table.no_score, table.unbanded, *(b.count for b in table.bands)]
    else:
        return False
    return all(isinstance(c, int) for c in counts)


def _zero_or_k(count: int, k: int) -> bool:
    return not _is_small(count, k)


def publish(
    summary: GroupSummary,
    policy: Policy,
    *,
    subgroups: Mapping[str, GroupSummary] | None = None,
    rng: random.Random | None = None,
) -> Publication:
    """The publishable version of a group and of disjoint subgroups of it (all rules).

    subgroups: raw summaries of disjoint parts of the group (e.g. {"solo": ...,
    "partnership": ...} from the same round); respondents in none of them (e.g. who did
    not answer the practice type) form the remainder.
    """
    k = policy.k
    group = publish_group(summary, policy, rng=rng)
    parts = dict(subgroups or {})
    if isinstance(group, Withheld):
        return Publication(group, {name: Withheld(PARENT_WITHHELD) for name in parts})
    reasons = subgroup_reasons(summary.respondents, {name: s.respondents for name, s in parts.items()}, k)
    shown = {name: parts[name] for name, reason in reasons.items() if reason is None}
    remainder = _remainder(summary, list(shown.values()))
    members = [*shown.values(), remainder]
    # A package's exact small counts are a choice about the whole group ("3 under 35" in
    # a cluster); inside a subgroup such a count would point at far fewer people.
    part_policy = replace(policy, exact_small_bands=frozenset())
    published = {name: publish_group(s, part_policy, rng=rng) for name, s in shown.items()}
    # The remainder is never shown, but with every subgroup shown its tables follow by
    # subtraction, so they must need no hiding either (rule 7).
    others = [publish_group(remainder, part_policy)] if remainder.respondents else []
    comparands = [group, *others, *published.values()]

    def clean_everywhere(kind: str, code: str) -> bool:
        return all(isinstance(g, PublicGroup) and _clean(getattr(g, kind)[code]) for g in comparands)

    result: dict[str, PublicGroup | Withheld] = {
        name: Withheld(reason) for name, reason in reasons.items() if reason is not None
    }
    for name, child in published.items():
        if not isinstance(child, PublicGroup):  # pragma: no cover - shown subgroups have >= k
            result[name] = child
            continue
        raw = shown[name]
        choices = {
            code: table if clean_everywhere("choices", code) else Withheld(SMALL_CELLS_IN_SUBGROUPS)
            for code, table in child.choices.items()
        }
        multiples = {
            code: table if clean_everywhere("multiples", code) else Withheld(SMALL_CELLS_IN_SUBGROUPS)
            for code, table in child.multiples.items()
        }
        scores: dict[str, PublicScore | Withheld] = {}
        for code, score_table in child.scores.items():
            if clean_everywhere("scores", code):
                scores[code] = score_table
                continue
            parent_score = group.scores[code]
            counts_safe = all(
                _zero_or_k(m.scores[code].scored, k) and _zero_or_k(m.scores[code].no_score, k) for m in members
            )
            if counts_safe and isinstance(parent_score, PublicScore) and isinstance(parent_score.no_score, int):
                own = raw.scores[code]
                scores[code] = PublicScore(
                    code=code,
                    respondents=own.respondents,
                    scored=own.scored,
                    no_score=own.no_score,
                    bands=Withheld(SMALL_CELLS_IN_SUBGROUPS),
                    unbanded=None,
                    estimate=own.estimate if own.estimate is not None else Withheld(TOO_FEW_ANSWERS),
                )
            else:
                scores[code] = Withheld(SMALL_CELLS_IN_SUBGROUPS)
        texts: dict[str, tuple[str, ...] | Withheld] = {}
        for code, text_table in child.texts.items():
            counts_ok = all(
                _zero_or_k(len(m.texts[code]), k) and _zero_or_k(m.respondents - len(m.texts[code]), k) for m in members
            )
            if isinstance(text_table, Withheld) or (counts_ok and not isinstance(group.texts[code], Withheld)):
                texts[code] = text_table
            else:
                texts[code] = Withheld(TOO_FEW_TEXTS)
        result[name] = PublicGroup(child.respondents, choices, multiples, scores, texts)
    return Publication(group, {name: result[name] for name in parts})
