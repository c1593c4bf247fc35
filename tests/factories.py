"""Small factories for tests: plain functions with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from klyngepakke.registry.models import Cluster, ClusterAssignment, Member, Practice, Region

_seq = itertools.count(1)


def region(code: str = "syddanmark") -> Region:
    return Region.objects.get(code=code)


def cluster(code: str | None = None, name: str | None = None, region_code: str = "syddanmark") -> Cluster:
    n = next(_seq)
    return Cluster.objects.create(
        code=code or f"klynge-{n}", name=name or f"Klynge {n}", region=region(region_code)
    )


def practice(cluster: Cluster, kind: str = Practice.Kind.PARTNERSHIP, doctors: int = 2, code: str | None = None) -> Practice:
    n = next(_seq)
    return Practice.objects.create(
        code=code or f"praksis-{n}", name=f"Lægehuset {n}", cluster=cluster, kind=kind, doctor_count=doctors
    )


def member(practice: Practice, email: str | None = None, name: str | None = None) -> Member:
    n = next(_seq)
    return Member.objects.create(email=email or f"laege{n}@example.test", name=name or f"Læge {n}", practice=practice)


def user(username: str | None = None, *, staff: bool = False, password: str = "korrekt-hest-batteri-42"):
    n = next(_seq)
    return get_user_model().objects.create_user(
        username=username or f"bruger{n}", password=password, is_staff=staff, email=f"bruger{n}@example.test"
    )


def coordinator(cluster: Cluster, username: str | None = None):
    u = user(username)
    ClusterAssignment.objects.create(user=u, cluster=cluster, role=ClusterAssignment.Role.COORDINATOR)
    return u
