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
    return Cluster.objects.create(code=code or f"klynge-{n}", name=name or f"Klynge {n}", region=region(region_code))


def practice(
    cluster: Cluster, kind: str = Practice.Kind.PARTNERSHIP, doctors: int = 2, code: str | None = None
) -> Practice:
    n = next(_seq)
    return Practice.objects.create(
        code=code or f"praksis-{n}", name=f"Lægehuset {n}", cluster=cluster, kind=kind, doctor_count=doctors
    )


def member(practice: Practice, email: str | None = None, name: str | None = None) -> Member:
    n = next(_seq)
    return Member.objects.create(email=email or f"laege{n}@example.test", name=name or f"Læge {n}", practice=practice)


def user(username: str | None = None, *, staff: bool = False, password: str = "korrekt-hest-batteri-42"):  # noqa: S107
    n = next(_seq)
    return get_user_model().objects.create_user(
        username=username or f"bruger{n}", password=password, is_staff=staff, email=f"bruger{n}@example.test"
    )


def coordinator(cluster: Cluster, username: str | None = None):
    u = user(username)
    ClusterAssignment.objects.create(user=u, cluster=cluster, role=ClusterAssignment.Role.COORDINATOR)
    return u


def package(code: str | None = None, title: str | None = None, document: dict | None = None):
    """A catalogue package with one current version, made directly (no package file)."""
    from django.utils import timezone

    from klyngepakke.catalogue.models import Package, PackageVersion

    n = next(_seq)
    code = code or f"pakke-{n}"
    title = title or f"Pakke {n}"
    doc = document or {
        "code": code,
        "title": {"da": title},
        "summary": {"da": "Et kort resumé af pakken."},
        "questionnaire": {"estimated_minutes": 5, "intro": {"da": "Om spørgeskemaet."}, "sections": []},
        "program": {"default_minutes": 150, "blocks": [{"title": {"da": "Introduktion"}, "minutes": 10}]},
    }
    pkg = Package.objects.create(code=code, title=title)
    version = PackageVersion.objects.create(
        package=pkg,
        number=1,
        declared_version="1.0",
        content_hash=f"{n:064x}",
        document=doc,
        source_files=[],
        loaded_at=timezone.now(),
    )
    pkg.current_version = version
    pkg.save(update_fields=["current_version"])
    return pkg
