"""Writes to the registry: the CSV import (and its export twin) and the demo country."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from klyngepakke.accounts.emails import NEW_LOGIN
from klyngepakke.outbox.services import enqueue

from . import demo, selectors
from .csv_format import CLUSTER_ROLE, EMAIL, ReadResult, RegistryRow, RowError, read_registry_csv, write_registry_csv
from .import_plan import ImportPlan, plan_import
from .models import AccessChange, Cluster, ClusterAssignment, Member, MemberChange, Practice, Region

# -- CSV import and export -------------------------------------------------------------


class RegistryImportInvalid(Exception):
    """The file has errors; nothing was changed. `errors` lists every one, by line."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} fejl i registerfilen")
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RegistryImportStale(Exception):
    """The registry changed since the preview: the plan is no longer the one shown."""


@dataclass
class AccessCounts:
    """What the klyngerolle column changed. `managed` is False for a file without it."""

    managed: bool = False
    logins_created: int = 0
    granted: int = 0
    role_changed: int = 0
    revoked: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.logins_created or self.granted or self.role_changed or self.revoked)


@dataclass
class ImportReport:
    rows: int = 0
    clusters: Counts = field(default_factory=Counts)
    practices: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    access: AccessCounts = field(default_factory=AccessCounts)
    dry_run: bool = False
    plan: ImportPlan | None = None

    @property
    def changed(self) -> bool:
        registry = any(c.created or c.updated for c in (self.clusters, self.practices, self.members))
        return registry or self.access.changed


def read_registry(data: bytes | str, filename: str = "") -> list[RegistryRow]:
    """The file's rows; RegistryImportInvalid with every error when anything is wrong."""
    return _read(data, filename).rows


def _read(data: bytes | str, filename: str = "") -> ReadResult:
    region_codes = set(Region.objects.values_list("code", flat=True))
    result = read_registry_csv(data, region_codes, filename)
    if result.errors:
        raise RegistryImportInvalid(result.errors)
    return result


def import_registry(
    data: bytes | str,
    filename: str = "",
    *,
    dry_run: bool = False,
    expected_digest: str | None = None,
    by: AbstractBaseUser | None = None,
) -> ImportReport:
    """Validate the whole file, then create or update clusters, practices and members by
    code and e-mail in one transaction. Never deletes. Raises RegistryImportInvalid with
    every error when anything is wrong; then nothing is changed. `dry_run` rolls back.

    The report's plan lists what changed, with the local member changes it overwrote
    (import_plan). With `expected_digest` (the staff page's preview) the import is
    refused with RegistryImportStale unless the plan is still exactly that one.

    With a klyngerolle column it also creates logins (mailing each new one a set-password
    link), grants and changes cluster access, and revokes the access of members no longer
    given a role (`_apply_access`); `dry_run` then sends nothing either."""
    result = _read(data, filename)
    rows, has_cluster_roles = result.rows, result.has_cluster_roles
    with transaction.atomic():
        plan = plan_import(rows)
        if expected_digest is not None and plan.digest != expected_digest:
            raise RegistryImportStale(
                "Registret er ændret, siden forhåndsvisningen blev vist. Se forhåndsvisningen igen, før filen indlæses."
            )
        report = _apply(rows, plan.member_matches, has_cluster_roles, filename or "registerfil")
        _record_member_changes(plan, by)
        report.plan = plan
        report.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return report


def _record_member_changes(plan: ImportPlan, by: AbstractBaseUser | None) -> None:
    """One IMPORTED change per member the import changed: the history the members page
    shows, and the point from which later local changes count as local again."""
    by_email = {m.email: m for m in plan.member_matches.values()}
    MemberChange.objects.bulk_create(
        (
            MemberChange(
                member=by_email[entry.key],
                kind=MemberChange.Kind.IMPORTED,
                fields={c.field: [c.before, c.after] for c in entry.changes},
                by=by,
            )
            for entry in plan.members.changed
        ),
        batch_size=500,
    )


def export_registry(out: TextIO, *, bom: bool = False) -> int:
    """Write the whole registry in the import format; returns the number of rows."""
    return write_registry_csv(selectors.registry_rows(), out, bom=bom)


def _apply(
    rows: list[RegistryRow], members: Mapping[str, Member] | None, manage_access: bool, source: str
) -> ImportReport:
    report = ImportReport(rows=len(rows))
    # Who was a member of which cluster before this file: someone who moves away from a
    # cluster loses its access too.
    clusters_before = {email.lower(): cid for email, cid in Member.objects.values_list("email", "practice__cluster_id")}
    regions = Region.objects.in_bulk(field_name="code")
    cluster_rows: dict[str, RegistryRow] = {}
    practice_rows: dict[str, RegistryRow] = {}
    member_rows: dict[str, RegistryRow] = {}
    for row in rows:
        cluster_rows.setdefault(row.cluster_code, row)
        if row.practice_code:
            practice_rows.setdefault(row.practice_code, row)
        if row.email:
            member_rows.setdefault(row.email.lower(), row)

    _sync(
        Cluster,
        Cluster.objects.filter(code__in=cluster_rows).in_bulk(field_name="code"),
        {
            code: ({"code": code}, {"name": r.cluster_name, "region_id": regions[r.region].pk})
            for code, r in cluster_rows.items()
        },
        report.clusters,
    )
    cluster_ids = dict(Cluster.objects.filter(code__in=cluster_rows).values_list("code", "pk"))
    _sync(
        Practice,
        Practice.objects.filter(code__in=practice_rows).in_bulk(field_name="code"),
        {
            code: (
                {"code": code},
                {
                    "name": r.practice_name,
                    "cluster_id": cluster_ids[r.cluster_code],
                    "kind": r.practice_kind,
                    "doctor_count": r.doctor_count,
                },
            )
            for code, r in practice_rows.items()
        },
        report.practices,
    )
    practice_ids = dict(Practice.objects.filter(code__in=practice_rows).values_list("code", "pk"))
    _sync(
        Member,
        members if members is not None else _members_by_email(member_rows.values()),
        {
            key: (
                {"email": r.email},
                {
                    "name": r.member_name,
                    "practice_id": practice_ids[r.practice_code],
                    "role": r.role,
                    "active": r.active,
                },
            )
            for key, r in member_rows.items()
        },
        report.members,
    )
    if manage_access:
        report.access = _apply_access(rows, cluster_ids, clusters_before, source)
    return report


def _apply_access(
    rows: list[RegistryRow], cluster_ids: dict[str, int], clusters_before: dict[str, int], source: str
) -> AccessCounts:
    """Make the cluster access of the file's clusters what its klyngerolle column says.

    Managed are the assignments of non-staff logins whose e-mail is a member's of that
    cluster (in the file, or before the import). Logins made by hand for someone who is
    not a member, and every staff login, are left as they are. A login is found by its
    e-mail (ignoring case); a missing one is created with the e-mail as username and no
    usable password, and gets one e-mail with a link to set it. Access is revoked by
    removing the assignment; no login is ever deleted. Every change is recorded in
    AccessChange.
    """
    counts = AccessCounts(managed=True)
    user_model = get_user_model()
    file_clusters = {cluster_ids[r.cluster_code] for r in rows}
    managed: dict[int, set[str]] = {cid: set() for cid in file_clusters}
    for email, cid in clusters_before.items():
        if cid in managed:
            managed[cid].add(email)
    wanted: dict[tuple[str, int], RegistryRow] = {}
    for row in rows:
        if row.email:
            managed[cluster_ids[row.cluster_code]].add(row.email.lower())
            if row.cluster_role:
                wanted[(row.email.lower(), cluster_ids[row.cluster_code])] = row
    users_by_email: dict[str, list[Any]] = {}
    for user in user_model.objects.exclude(email=""):
        users_by_email.setdefault(user.email.lower(), []).append(user)
    taken_usernames = {name.lower() for name in user_model.objects.values_list("username", flat=True)}

    errors = []
    new_users = []
    clusters = Cluster.objects.in_bulk(list(file_clusters))
    assignments = {
        (a.user_id, a.cluster_id): a
        for a in ClusterAssignment.objects.filter(cluster_id__in=file_clusters).select_related("user")
    }
    for (email, cid), row in wanted.items():
        found = users_by_email.get(email, [])
        if len(found) > 1:
            names = ", ".join(sorted(u.get_username() for u in found))
            errors.append(
                RowError(row.line, EMAIL, f"flere logins har denne e-mailadresse ({names}); ret det i administrationen")
            )
            continue
        if found:
            user = found[0]
        else:
            username = row.email.lower()
            if username in taken_usernames or len(username) > 150:
                message = f"brugernavnet '{username}' er taget eller for langt; opret login i administrationen"
                errors.append(RowError(row.line, CLUSTER_ROLE, message))
                continue
            user = user_model(username=username, email=row.email, first_name=row.member_name[:150])
            user.set_unusable_password()
            user.save()
            users_by_email[email] = [user]
            taken_usernames.add(username)
            new_users.append(user)
            counts.logins_created += 1
            _log(AccessChange.Change.LOGIN_CREATED, user, None, "", source)
        if user.is_staff:
            continue
        assignment = assignments.get((user.pk, cid))
        if assignment is None:
            ClusterAssignment.objects.create(user=user, cluster=clusters[cid], role=row.cluster_role)
            counts.granted += 1
            _log(AccessChange.Change.GRANTED, user, clusters[cid], row.cluster_role, source)
        elif assignment.role != row.cluster_role:
            assignment.role = row.cluster_role
            assignment.save(update_fields=["role"])
            counts.role_changed += 1
            _log(AccessChange.Change.ROLE_CHANGED, user, clusters[cid], row.cluster_role, source)
    if errors:
        raise RegistryImportInvalid(errors)  # inside the import's transaction: all rolls back

    for (_user_id, cid), assignment in assignments.items():
        user = assignment.user
        email = user.email.lower()
        if user.is_staff or not email or email not in managed[cid] or (email, cid) in wanted:
            continue
        assignment.delete()
        counts.revoked += 1
        _log(AccessChange.Change.REVOKED, user, clusters[cid], assignment.role, source)
    for user in new_users:
        # Queued in this transaction: a failed or dry-run import sends nothing.
        enqueue(NEW_LOGIN, user.email, "Dit login til Klyngepakke", {"user": user.pk})
    return counts


def _log(change: str, user: Any, cluster: Cluster | None, role: str, source: str) -> None:
    AccessChange.objects.create(
        change=change,
        user=user,
        username=user.get_username(),
        cluster=cluster,
        cluster_name=cluster.name if cluster else "",
        role=role,
        source=source[:255],
    )


def _members_by_email(rows: Iterable[RegistryRow]) -> dict[str, Member]:
    """Existing members keyed by the lower-cased e-mail in the file. Matching ignores
    case (as mail does) and keeps the stored spelling; it is done in Python because
    SQLite's lower() only folds ASCII."""
    by_exact: dict[str, Member] = {}
    by_lower: dict[str, Member] = {}
    for member in Member.objects.all():
        by_exact[member.email] = member
        by_lower.setdefault(member.email.lower(), member)
    found = {}
    for row in rows:
        member = by_exact.get(row.email) or by_lower.get(row.email.lower())
        if member is not None:
            found[row.email.lower()] = member
    return found


def _sync(
    model: type[models.Model],
    existing: Mapping[str, Any],
    wanted: dict[str, tuple[dict[str, Any], dict[str, Any]]],
    counts: Counts,
) -> None:
    """Create what is missing and update what differs, in bulk; count each outcome."""
    new = []
    changed = []
    changed_fields: set[str] = set()
    for key, (identity, values) in wanted.items():
        obj = existing.get(key)
        if obj is None:
            new.append(model(**identity, **values))
            continue
        differing = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in differing:
            setattr(obj, name, values[name])
        if differing:
            changed.append(obj)
            changed_fields.update(differing)
        else:
            counts.unchanged += 1
    model._default_manager.bulk_create(new, batch_size=500)
    if changed:
        model._default_manager.bulk_update(changed, sorted(changed_fields), batch_size=500)
    counts.created += len(new)
    counts.updated += len(changed)


# -- The demo country ------------------------------------------------------------------


class DemoRefused(Exception):
    """seed_demo will not run here (the registry holds other data)."""


@dataclass
class SeedReport:
    seed: int
    created: bool
    clusters: int
    practices: int
    members: int
    logins_created: list[str] = field(default_factory=list)


def seed_demo(seed: int = demo.DEFAULT_SEED) -> SeedReport:
    """Build the demo country for `seed` and its logins; a no-op when it is already there.

    Only ever fills an empty registry, so it can never mix demo rows into real data.
    Existing logins keep their password; missing demo logins and assignments are added.
    """
    plan = demo.plan_country(seed)
    codes = [c.code for c in plan]
    # The marker: every planned cluster and the plan's first member exist.
    marker_email = plan[0].practices[0].members[0].email
    with transaction.atomic():
        present = (
            Cluster.objects.filter(code__in=codes).count() == len(codes)
            and Member.objects.filter(email=marker_email).exists()
        )
        if not present:
            if Cluster.objects.exists() or Practice.objects.exists() or Member.objects.exists():
                raise DemoRefused(
                    f"The registry already holds data that is not the demo country for seed {seed}; "
                    "seed_demo only fills an empty registry."
                )
            _create_country(plan)
        logins_created = _ensure_logins(demo.plan_logins(plan))
    return SeedReport(
        seed=seed,
        created=not present,
        clusters=len(plan),
        practices=sum(len(c.practices) for c in plan),
        members=sum(c.doctor_count for c in plan),
        logins_created=logins_created,
    )


def _create_country(plan: list[demo.DemoCluster]) -> None:
    regions = Region.objects.in_bulk(field_name="code")
    missing = sorted({c.region for c in plan} - set(regions))
    if missing:
        raise DemoRefused(f"Regions missing ({', '.join(missing)}); run `manage.py migrate` first.")
    Cluster.objects.bulk_create(Cluster(code=c.code, name=c.name, region=regions[c.region]) for c in plan)
    cluster_ids = dict(Cluster.objects.values_list("code", "pk"))
    Practice.objects.bulk_create(
        (
            Practice(code=p.code, name=p.name, kind=p.kind, doctor_count=len(p.members), cluster_id=cluster_ids[c.code])
            for c in plan
            for p in c.practices
        ),
        batch_size=1000,
    )
    practice_ids = dict(Practice.objects.values_list("code", "pk"))
    Member.objects.bulk_create(
        (
            Member(email=m.email, name=m.name, role=m.role, active=m.active, practice_id=practice_ids[p.code])
            for c in plan
            for p in c.practices
            for m in p.members
        ),
        batch_size=1000,
    )


def _ensure_logins(logins: list[demo.DemoLogin]) -> list[str]:
    """Add missing demo users, assignments and the consultant's TOTP device. Returns the
    usernames created."""
    user_model = get_user_model()
    existing = user_model.objects.filter(username__in=[login.username for login in logins]).in_bulk(
        field_name="username"
    )
    clusters = Cluster.objects.in_bulk(field_name="code")
    password_hash = ""
    created = []
    for login in logins:
        user = existing.get(login.username)
        if user is None:
            # Every demo login has the same published password: hash it once (it is slow by design).
            password_hash = password_hash or make_password(demo.DEMO_PASSWORD)
            user = user_model(
                username=login.username,
                email=f"{login.username}@klyngepakke.example",
                is_staff=login.is_staff,
                is_superuser=login.is_staff,
                password=password_hash,
            )
            user.save()
            created.append(login.username)
        for cluster_code, role in login.assignments:
            ClusterAssignment.objects.get_or_create(user=user, cluster=clusters[cluster_code], defaults={"role": role})
        if login.is_staff and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name=demo.DEMO_TOTP_DEVICE_NAME, key=demo.DEMO_TOTP_KEY_HEX, confirmed=True
            )
    return created
