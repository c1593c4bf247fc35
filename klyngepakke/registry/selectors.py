"""Reads from the registry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from .csv_format import RegistryRow
from .models import Cluster, ClusterAssignment, Member, Practice


def cluster_overview(cluster: Cluster) -> dict[str, Any]:
    practices = list(cluster.practices.order_by("name"))
    members = list(
        Member.objects.filter(practice__cluster=cluster).select_related("practice").order_by("practice__name", "name")
    )
    assignments = list(
        ClusterAssignment.objects.filter(cluster=cluster).select_related("user").order_by("role", "user__username")
    )
    return {
        "cluster": cluster,
        "practices": practices,
        "members": members,
        "active_member_count": sum(1 for m in members if m.active),
        "solo_count": sum(1 for p in practices if p.kind == p.Kind.SOLO),
        "assignments": assignments,
    }


def registry_rows() -> list[RegistryRow]:
    """The whole registry as CSV rows: one per member, plus one per practice without
    members and per cluster without practices, ordered by region, cluster, practice, e-mail."""
    members_by_practice: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.order_by("email"):
        members_by_practice[member.practice_id].append(member)
    cluster_roles = registry_cluster_roles()
    practices_by_cluster: dict[int, list[Practice]] = defaultdict(list)
    for practice in Practice.objects.order_by("code"):
        practices_by_cluster[practice.cluster_id].append(practice)
    rows = []
    for cluster in Cluster.objects.select_related("region").order_by("region__code", "code"):
        base = {"region": cluster.region.code, "cluster_code": cluster.code, "cluster_name": cluster.name}
        practices = practices_by_cluster.get(cluster.pk, [])
        if not practices:
            rows.append(RegistryRow(**base))
        for practice in practices:
            practice_fields = {
                "practice_code": practice.code,
                "practice_name": practice.name,
                "practice_kind": practice.kind,
                "doctor_count": practice.doctor_count,
            }
            members = members_by_practice.get(practice.pk, [])
            if not members:
                rows.append(RegistryRow(**base, **practice_fields))
            rows.extend(
                RegistryRow(
                    **base,
                    **practice_fields,
                    member_name=m.name,
                    email=m.email,
                    role=m.role,
                    active=m.active,
                    cluster_role=cluster_roles.get((m.email.lower(), cluster.pk), ""),
                )
                for m in members
            )
    return rows


def registry_cluster_roles() -> dict[tuple[str, int], str]:
    """(lower-cased e-mail, cluster id) -> role of each non-staff login's assignment: what
    the registry's klyngerolle column says. Staff logins are not the registry's to manage."""
    assignments = ClusterAssignment.objects.filter(user__is_staff=False).values_list(
        "user__email", "cluster_id", "role"
    )
    return {(email.lower(), cluster_id): role for email, cluster_id, role in assignments if email}


@dataclass(frozen=True)
class DemoLoginView:
    username: str
    exists: bool
    role: str
    clusters: list[str]
    totp_device: TOTPDevice | None


def demo_logins(usernames: list[str]) -> list[DemoLoginView]:
    """The demo logins as they stand in the database (missing ones with exists=False)."""
    users = get_user_model().objects.filter(username__in=usernames).in_bulk(field_name="username")
    views = []
    for username in usernames:
        user = users.get(username)
        if user is None:
            views.append(DemoLoginView(username, False, "", [], None))
            continue
        assignments = (
            ClusterAssignment.objects.filter(user=user)
            .select_related("cluster__region")
            .annotate(members=Count("cluster__practices__members"))
            .order_by("cluster__region__code", "cluster__name")
        )
        clusters = [
            f"{a.cluster.name} ({a.cluster.region.name}, {a.members} medlemmer) som {a.get_role_display().lower()}"
            for a in assignments
        ]
        if user.is_staff:
            role = "staff consultant, superuser" if user.is_superuser else "staff consultant"
        else:
            role = ", ".join(sorted({a.role for a in assignments})) or "no clusters"
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        views.append(DemoLoginView(username, True, role, clusters, device))
    return views
