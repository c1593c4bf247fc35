"""Publishing a whole group and its subgroups: the entry point every output uses,
`publish`, and `publish_group`. The rules for single tables are documented in
`klyngepakke.core.disclosure`; this module adds the rules that stop differencing:

7. Subgroups. Subgroups are disjoint parts of a group (the solo doctors and the
   partnerships of a cluster); respondents in none of them form the remainder. They are
   shown only if every part - each subgroup and the remainder - is empty or has at least
   k respondents; otherwise none is ("subgroup_too_small"). An empty subgroup, or one
   that is the whole group (its complement is empty), is not shown either. So no group
   of 1..k-1 respondents is the difference of shown groups.

8. Subgroups' tables. A subgroup's table is shown only when, for that table, the parent
   shows it, every shown subgroup shows it, and the number who answered it is 0 or at
   least k in every shown subgroup and in the remainder; otherwise it is withheld in every
   subgroup ("subgroup_differencing"). The remainder's table is the parent's minus the
   subgroups', so this keeps it a table of 0 or at least k answers too, and a table
   withheld in one subgroup (say for homogeneity) cannot be recovered by subtracting the
   others from the parent.

9. Subgroups are nameable sets (the registry says who is solo), so rule 4 of
   `disclosure` (homogeneity of sensitive answers) always applies to them; to the whole
   group only when the caller says it is nameable (everyone invited answered).

10. A score's items go with the score. When a sensitive score's table is withheld for
    homogeneity, the tables of the items it is made of are withheld with it in that group
    ("withheld_with_score"): their means add up to the score's mean.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from .disclosure import (
    COMPLEMENT_TOO_SMALL,
    GROUP_TOO_SMALL,
    HOMOGENEOUS_SENSITIVE,
    PARENT_WITHHELD,
    SUBGROUP_DIFFERENCING,
    SUBGROUP_TOO_SMALL,
    TOO_FEW_TEXTS,
    WITHHELD_WITH_SCORE,
    Policy,
    PublicChoice,
    PublicMultiple,
    PublicScore,
    Withheld,
    is_small,
    publish_choice,
    publish_multiple,
    publish_score,
    publish_texts,
)
from .statistics import GroupSummary, OptionCount

T = TypeVar("T")

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


def with_score_items(policy: Policy, score_items: Mapping[str, Sequence[str]] | None) -> Policy:
    """The policy with the items of every sensitive score marked sensitive too (rule 10)."""
    items = {item for code in policy.sensitive for item in (score_items or {}).get(code, ())}
    return replace(policy, sensitive=policy.sensitive | items) if items - policy.sensitive else policy


def publish_group(
    summary: GroupSummary,
    policy: Policy,
    *,
    nameable: bool = False,
    nameable_tables: Collection[str] = (),
    score_items: Mapping[str, Sequence[str]] | None = None,
    rng: random.Random | None = None,
) -> PublicGroup | Withheld:
    """The publishable version of one group's summary (the rules of `disclosure` and
    rule 10). nameable: the group's respondents can be named as a set; nameable_tables:
    tables (answer, question or score codes) whose answerers can be named as a set even
    though the group's cannot; score_items: the answer codes each score is made of."""
    if summary.respondents < policy.k:
        return Withheld(GROUP_TOO_SMALL)
    policy = with_score_items(policy, score_items)
    choices: dict[str, PublicChoice | Withheld] = {
        code: publish_choice(s, policy, nameable=nameable or code in nameable_tables)
        for code, s in summary.choices.items()
    }
    scores = {
        code: publish_score(s, policy, nameable=nameable or code in nameable_tables)
        for code, s in summary.scores.items()
    }
    for code, table in scores.items():
        if isinstance(table, Withheld) and table.reason == HOMOGENEOUS_SENSITIVE:
            for item in (score_items or {}).get(code, ()):
                if item in choices and not isinstance(choices[item], Withheld):
                    choices[item] = Withheld(WITHHELD_WITH_SCORE)
    return PublicGroup(
        respondents=summary.respondents,
        choices=choices,
        multiples={
            code: publish_multiple(s, policy, nameable=nameable or code in nameable_tables)
            for code, s in summary.multiples.items()
        },
        scores=scores,
        texts={code: publish_texts(t, summary.respondents, policy, rng) for code, t in summary.texts.items()},
    )


def subgroup_reasons(parent: int, sizes: Mapping[str, int], k: int) -> dict[str, str | None]:
    """Which disjoint subgroups of a parent of `parent` respondents may be shown (rule 1):
    name -> None when shown, else the reason."""
    remainder = parent - sum(sizes.values())
    if remainder < 0:
        raise ValueError("subgroups must be disjoint parts of the group")
    if any(is_small(size, k) for size in [*sizes.values(), remainder]):
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


def _answered(summary: GroupSummary, kind: str, code: str) -> int:
    """How many of a group answered one table: the people a statistic of it describes."""
    if kind == "choices":
        return summary.choices[code].answered
    if kind == "multiples":
        return summary.multiples[code].answered
    return summary.scores[code].scored


def publish(
    summary: GroupSummary,
    policy: Policy,
    *,
    subgroups: Mapping[str, GroupSummary] | None = None,
    nameable: bool = False,
    score_items: Mapping[str, Sequence[str]] | None = None,
    rng: random.Random | None = None,
) -> Publication:
    """The publishable version of a group and of disjoint subgroups of it (all rules).

    subgroups: raw summaries of disjoint parts of the group (e.g. {"solo": ...,
    "partnership": ...} from the same round); respondents in none of them (e.g. who did
    not answer the practice type) form the remainder. nameable: every respondent of the
    group can be named as a set (everyone invited answered); subgroups always can.
    """
    k = policy.k
    parts = dict(subgroups or {})
    # A group that is all one subgroup (every respondent solo, say: its practice-type
    # table says so) is as nameable as that subgroup.
    nameable = nameable or any(s.respondents == summary.respondents for s in parts.values())
    # Likewise a table that only one subgroup answered (a question routed to the
    # partnerships): the group's table is that subgroup's.
    nameable_tables = {
        code
        for kind, tables in (("choices", summary.choices), ("multiples", summary.multiples), ("scores", summary.scores))
        for code in tables
        if any(0 < _answered(s, kind, code) == _answered(summary, kind, code) for s in parts.values())
    }
    group = publish_group(
        summary, policy, nameable=nameable, nameable_tables=nameable_tables, score_items=score_items, rng=rng
    )
    if isinstance(group, Withheld):
        return Publication(group, {name: Withheld(PARENT_WITHHELD) for name in parts})
    reasons = subgroup_reasons(summary.respondents, {name: s.respondents for name, s in parts.items()}, k)
    shown = {name: parts[name] for name, reason in reasons.items() if reason is None}
    remainder = _remainder(summary, list(shown.values()))
    members = [*shown.values(), *([remainder] if remainder.respondents else [])]
    published = {
        name: publish_group(s, policy, nameable=True, score_items=score_items, rng=rng) for name, s in shown.items()
    }

    def consistent(kind: str, code: str) -> bool:
        """Rule 8: the table is shown in the parent and every shown subgroup, and every
        part (the remainder included) has 0 or at least k answers to it."""
        tables = [getattr(g, kind)[code] if isinstance(g, PublicGroup) else g for g in [group, *published.values()]]
        if any(isinstance(t, Withheld) for t in tables):
            return False
        return not any(is_small(_answered(m, kind, code), k) for m in members)

    result: dict[str, PublicGroup | Withheld] = {
        name: Withheld(reason) for name, reason in reasons.items() if reason is not None
    }
    for name, child in published.items():
        if not isinstance(child, PublicGroup):  # pragma: no cover - shown subgroups have >= k
            result[name] = child
            continue

        def keep(kind: str, code: str, table: T) -> T | Withheld:
            # A table withheld by the subgroup's own rules keeps its reason: a homogeneity
            # reason is deniable by design (rule 4), the others say only a count.
            if isinstance(table, Withheld):
                return table
            return table if consistent(kind, code) else Withheld(SUBGROUP_DIFFERENCING)

        choices = {code: keep("choices", code, t) for code, t in child.choices.items()}
        multiples = {code: keep("multiples", code, t) for code, t in child.multiples.items()}
        scores = {code: keep("scores", code, t) for code, t in child.scores.items()}
        texts: dict[str, tuple[str, ...] | Withheld] = {}
        for code, text_table in child.texts.items():
            counts_ok = all(
                not is_small(len(m.texts[code]), k) and not is_small(m.respondents - len(m.texts[code]), k)
                for m in members
            )
            if isinstance(text_table, Withheld) or (counts_ok and not isinstance(group.texts[code], Withheld)):
                texts[code] = text_table
            else:
                texts[code] = Withheld(TOO_FEW_TEXTS)
        result[name] = PublicGroup(child.respondents, choices, multiples, scores, texts)
    return Publication(group, {name: result[name] for name in parts})
