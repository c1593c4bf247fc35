"""Writes of the members page: a coordinator (or a consultant) maintains the cluster's
members between registry imports, every change recorded in MemberChange.

Each function checks the rule it enforces and raises MemberError with a Danish message
for the page; nothing is written then. Who may call them is decided by registry.access.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .csv_format import EMAIL_MAX, NAME_MAX
from .models import Cluster, Member, MemberChange, Practice


class MemberError(Exception):
    """A member change that the rules refuse; the message is Danish for the page."""


def _clean_email(value: str) -> str:
    email = value.strip()
    if not email:
        raise MemberError("Skriv lægens e-mailadresse.")
    try:
        validate_email(email)
    except ValidationError:
        raise MemberError(f"'{email}' er ikke en gyldig e-mailadresse.") from None
    if len(email) > EMAIL_MAX:
        raise MemberError(f"E-mailadressen må højst være {EMAIL_MAX} tegn.")
    return email


def _clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise MemberError("Skriv lægens navn.")
    if len(name) > NAME_MAX:
        raise MemberError(f"Navnet må højst være {NAME_MAX} tegn.")
    return name


def _email_taken(email: str, cluster: Cluster, exclude: Member | None = None) -> None:
    """Refuse an address another member has (ignoring case, as mail does)."""
    others = Member.objects.select_related("practice")
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    wanted = email.lower()
    # iexact folds only ASCII on SQLite: a non-ASCII address is compared in Python.
    candidates = (
        list(others.filter(email__iexact=email))
        if email.isascii()
        else [m for m in others if m.email.lower() == wanted]
    )
    for other in candidates:
        if other.practice.cluster_id != cluster.pk:
            raise MemberError(
                f"{email} er medlem af en anden klynge. Kontakt operatøren, hvis lægen har skiftet klynge."
            )
        if not other.active:
            raise MemberError(f"{email} er allerede i klyngen, men meldt ud: genindmeld {other.name} i stedet.")
        raise MemberError(f"{email} er allerede medlem af klyngen ({other.name}).")


@transaction.atomic
def add_member(
    cluster: Cluster,
    *,
    name: str,
    email: str,
    practice: Practice | None,
    role: str = Member.Role.GP,
    by: AbstractBaseUser | None,
) -> Member:
    name = _clean_name(name)
    email = _clean_email(email)
    if practice is None or practice.cluster_id != cluster.pk:
        raise MemberError("Vælg en praksis i klyngen.")
    if role not in Member.Role.values:
        raise MemberError("Vælg lægens rolle.")
    _email_taken(email, cluster)
    member = Member.objects.create(name=name, email=email, practice=practice, role=role)
    MemberChange.objects.create(
        member=member,
        kind=MemberChange.Kind.ADDED,
        fields={"name": [None, name], "email": [None, email], "practice": [None, practice.code], "role": [None, role]},
        by=by,
    )
    return member


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("practice").get(pk=member.pk)


@transaction.atomic
def change_email(member: Member, email: str, *, by: AbstractBaseUser | None) -> Member:
    member = _locked(member)
    email = _clean_email(email)
    if email == member.email:
        raise MemberError("Den nye e-mailadresse er den samme som den gamle.")
    cluster = member.practice.cluster
    if email.lower() != member.email.lower():
        _email_taken(email, cluster, exclude=member)
    before = member.email
    member.email = email
    member.save(update_fields=["email"])
    MemberChange.objects.create(member=member, kind=MemberChange.Kind.CHANGED, fields={"email": [before, email]}, by=by)
    return member


@transaction.atomic
def mark_left(member: Member, *, by: AbstractBaseUser | None) -> Member:
    """The member has left the cluster: kept (their invitations, and so every round's
    invited count, stay as they are), but invited to no new round and reminded no more."""
    member = _locked(member)
    if not member.active:
        raise MemberError(f"{member.name} er allerede meldt ud.")
    member.active = False
    member.save(update_fields=["active"])
    MemberChange.objects.create(member=member, kind=MemberChange.Kind.LEFT, fields={"active": [True, False]}, by=by)
    return member


@transaction.atomic
def mark_returned(member: Member, *, by: AbstractBaseUser | None) -> Member:
    member = _locked(member)
    if member.active:
        raise MemberError(f"{member.name} er ikke meldt ud.")
    member.active = True
    member.save(update_fields=["active"])
    MemberChange.objects.create(member=member, kind=MemberChange.Kind.RETURNED, fields={"active": [False, True]}, by=by)
    return member


def _current(member: Member, field: str) -> Any:
    if field == "practice":
        return member.practice.code
    return getattr(member, field)


@transaction.atomic
def undo_change(change: MemberChange, *, by: AbstractBaseUser | None) -> MemberChange:
    """Put back what a local change changed (the operator's undo). An added member is
    marked as left, not deleted. Refused when the member has changed since, so an undo
    never overwrites a later change unseen."""
    change = MemberChange.objects.select_for_update().select_related("member").get(pk=change.pk)
    if not change.is_local or change.kind == MemberChange.Kind.UNDONE:
        raise MemberError("Kun ændringer foretaget på medlemssiden kan fortrydes.")
    if MemberChange.objects.filter(undoes=change).exists():
        raise MemberError("Ændringen er allerede fortrudt.")
    member = _locked(change.member)
    if change.kind == MemberChange.Kind.ADDED:
        wanted: dict[str, Any] = {"active": False}
        if not member.active:
            raise MemberError(f"{member.name} er allerede meldt ud.")
    else:
        for field, (_before, after) in change.fields.items():
            if _current(member, field) != after:
                raise MemberError(f"{member.name} er ændret siden ({field}); fortryd den seneste ændring først.")
        wanted = {field: before for field, (before, _after) in change.fields.items()}
    if "email" in wanted and wanted["email"] is not None:
        _email_taken(wanted["email"], member.practice.cluster, exclude=member)
    undone = {}
    for field, value in wanted.items():
        undone[field] = [_current(member, field), value]
        if field == "practice":
            member.practice = Practice.objects.get(code=value)
        else:
            setattr(member, field, value)
    member.save()
    return MemberChange.objects.create(
        member=member, kind=MemberChange.Kind.UNDONE, fields=undone, by=by, undoes=change
    )
