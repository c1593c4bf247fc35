"""What a registry import would change, computed without writing (the preview).

The import and its preview share `plan_import`: the staff page shows the plan, the
apply recomputes it in its transaction and refuses unless its digest is the one shown,
so what is applied is exactly what was previewed.

Members are matched by e-mail, ignoring case. A member whose address a coordinator
corrected on the members page is still found by the old address in the file (the
correction is kept: the registry should be corrected at its source). For every other
field the file wins; a field it changes that was changed locally since the member was
last changed by an import is listed as an overwritten local change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .csv_format import KIND_OUT, ROLE_OUT, RegistryRow
from .models import Cluster, Member, MemberChange, Practice, Region

FIELD_LABELS = {
    "name": "navn",
    "region": "region",
    "cluster": "klynge",
    "kind": "praksistype",
    "doctor_count": "antal læger",
    "practice": "praksis",
    "role": "rolle",
    "active": "aktiv",
    "email": "e-mail",
}


def _shown(field_name: str, value: Any) -> str:
    if value is None:
        return "-"
    if field_name == "active":
        return "ja" if value else "nej"
    if field_name == "role":
        return str(ROLE_OUT.get(value, value))
    if field_name == "kind":
        return str(KIND_OUT.get(value, value))
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        return f"{self.label}: {_shown(self.field, self.before)} → {_shown(self.field, self.after)}"


@dataclass(frozen=True)
class Entry:
    """One cluster, practice or member the import creates, changes or leaves alone."""

    key: str
    label: str
    line: int = 0
    changes: tuple[FieldChange, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Overwrite:
    """A local change (members page) the import overwrites."""

    email: str
    name: str
    field: str
    local_value: Any
    file_value: Any
    by: str
    at: Any
    line: int

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def local_shown(self) -> str:
        return _shown(self.field, self.local_value)

    @property
    def file_shown(self) -> str:
        return _shown(self.field, self.file_value)


@dataclass
class Section:
    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    absent: list[Entry] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: int
    clusters: Section
    practices: Section
    members: Section
    leaving: list[Entry]  # members the file marks aktiv = nej who are active now
    overwrites: list[Overwrite]
    old_addresses: list[Entry]  # members found by an address corrected locally
    # lower-cased e-mail in the file -> the existing member it updates
    member_matches: dict[str, Member]

    @property
    def digest(self) -> str:
        """A fingerprint of every change the plan would make (what the preview showed)."""

        def entries(items: Iterable[Entry]) -> list[Any]:
            return [[e.key, [[c.field, repr(c.before), repr(c.after)] for c in e.changes]] for e in items]

        payload = {
            name: [entries(s.new), entries(s.changed), s.unchanged]
            for name, s in (("c", self.clusters), ("p", self.practices), ("m", self.members))
        }
        payload["o"] = [[o.email, o.field, repr(o.local_value)] for o in self.overwrites]
        payload["a"] = [e.key for e in self.old_addresses]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _member_matches(rows: Iterable[RegistryRow]) -> tuple[dict[str, Member], dict[str, Member]]:
    """Existing members keyed by the lower-cased e-mail in the file: exact (ignoring case;
    in Python, as SQLite's lower() folds only ASCII), else by an address corrected
    locally. The second dict holds the latter."""
    by_exact: dict[str, Member] = {}
    by_lower: dict[str, Member] = {}
    members = Member.objects.select_related("practice").all()
    for member in members:
        by_exact[member.email] = member
        by_lower.setdefault(member.email.lower(), member)
    by_old: dict[str, Member] = {}
    by_pk = {m.pk: m for m in by_exact.values()}
    corrected = MemberChange.objects.exclude(kind=MemberChange.Kind.IMPORTED).filter(fields__has_key="email")
    for member_id, fields in corrected.order_by("id").values_list("member_id", "fields"):
        before = fields["email"][0]
        if before and member_id in by_pk:
            by_old[before.lower()] = by_pk[member_id]
    found: dict[str, Member] = {}
    via_old: dict[str, Member] = {}
    taken = set()
    rows = list(rows)
    for row in rows:
        member = by_exact.get(row.email) or by_lower.get(row.email.lower())
        if member is not None:
            found[row.email.lower()] = member
            taken.add(member.pk)
    for row in rows:
        key = row.email.lower()
        if key in found:
            continue
        member = by_old.get(key)
        if member is not None and member.pk not in taken and member.email.lower() != key:
            found[key] = via_old[key] = member
            taken.add(member.pk)
    return found, via_old


def _local_changes(member_ids: Iterable[int]) -> dict[int, dict[str, MemberChange]]:
    """Per member, per field: the latest local change since the member's latest import change."""
    result: dict[int, dict[str, MemberChange]] = {}
    changes = MemberChange.objects.filter(member_id__in=list(member_ids)).select_related("by").order_by("id")
    for change in changes:
        if change.kind == MemberChange.Kind.IMPORTED:
            result.pop(change.member_id, None)
            continue
        fields = result.setdefault(change.member_id, {})
        for name in change.fields:
            fields[name] = change
    return result


def plan_import(rows: list[RegistryRow]) -> ImportPlan:
    """The changes applying `rows` (a valid file) would make, read from the database."""
    regions = {r.pk: r.code for r in Region.objects.all()}
    cluster_rows: dict[str, RegistryRow] = {}
    practice_rows: dict[str, RegistryRow] = {}
    member_rows: dict[str, RegistryRow] = {}
    for row in rows:
        cluster_rows.setdefault(row.cluster_code, row)
        if row.practice_code:
            practice_rows.setdefault(row.practice_code, row)
        if row.email:
            member_rows.setdefault(row.email.lower(), row)

    clusters = Section()
    existing_clusters = Cluster.objects.in_bulk(field_name="code")
    for code, r in cluster_rows.items():
        c = existing_clusters.get(code)
        if c is None:
            clusters.new.append(Entry(code, r.cluster_name, r.line))
            continue
        diff = [
            FieldChange(f, b, a)
            for f, b, a in (("name", c.name, r.cluster_name), ("region", regions[c.region_id], r.region))
            if b != a
        ]
        if diff:
            clusters.changed.append(Entry(code, r.cluster_name, r.line, tuple(diff)))
        else:
            clusters.unchanged += 1
    clusters.absent = [Entry(code, c.name) for code, c in sorted(existing_clusters.items()) if code not in cluster_rows]
    cluster_codes = {c.pk: c.code for c in existing_clusters.values()}

    practices = Section()
    existing_practices = Practice.objects.in_bulk(field_name="code")
    for code, r in practice_rows.items():
        p = existing_practices.get(code)
        if p is None:
            practices.new.append(Entry(code, r.practice_name, r.line))
            continue
        pairs = (
            ("name", p.name, r.practice_name),
            ("cluster", cluster_codes[p.cluster_id], r.cluster_code),
            ("kind", p.kind, r.practice_kind),
            ("doctor_count", p.doctor_count, r.doctor_count),
        )
        diff = [FieldChange(f, b, a) for f, b, a in pairs if b != a]
        if diff:
            practices.changed.append(Entry(code, r.practice_name, r.line, tuple(diff)))
        else:
            practices.unchanged += 1
    practices.absent = [
        Entry(code, p.name) for code, p in sorted(existing_practices.items()) if code not in practice_rows
    ]

    members = Section()
    matches, via_old = _member_matches(member_rows.values())
    local = _local_changes(m.pk for m in matches.values())
    leaving: list[Entry] = []
    overwrites: list[Overwrite] = []
    old_addresses: list[Entry] = []
    practice_code = {p.pk: p.code for p in existing_practices.values()}
    for key, r in member_rows.items():
        m = matches.get(key)
        if m is None:
            members.new.append(Entry(r.email, r.member_name, r.line))
            continue
        if key in via_old:
            old_addresses.append(
                Entry(m.email, m.name, r.line, note=f"står i filen som {r.email}; den rettede adresse beholdes")
            )
        pairs = (
            ("name", m.name, r.member_name),
            ("practice", practice_code[m.practice_id], r.practice_code),
            ("role", m.role, r.role),
            ("active", m.active, r.active),
        )
        diff = [FieldChange(f, b, a) for f, b, a in pairs if b != a]
        if not diff:
            members.unchanged += 1
            continue
        entry = Entry(m.email, r.member_name, r.line, tuple(diff))
        members.changed.append(entry)
        if m.active and r.active is False:
            leaving.append(entry)
        for change in diff:
            made = local.get(m.pk, {}).get(change.field)
            if made is not None:
                by = made.by.get_username() if made.by else ""
                overwrites.append(
                    Overwrite(m.email, m.name, change.field, change.before, change.after, by, made.at, r.line)
                )
    matched = {m.pk for m in matches.values()}
    members.absent = [
        Entry(m.email, m.name, note=m.practice.name)
        for m in Member.objects.select_related("practice").exclude(pk__in=matched).order_by("email")
    ]
    return ImportPlan(
        rows=len(rows),
        clusters=clusters,
        practices=practices,
        members=members,
        leaving=leaving,
        overwrites=overwrites,
        old_addresses=old_addresses,
        member_matches=matches,
    )
