"""Small factories for tests: plain functions with sensible defaults."""

from __future__ import annotations

import importlib
import itertools

from django.contrib.auth import get_user_model

from klyngepakke.registry.models import Cluster, ClusterAssignment, Member, Practice, Region

_seq = itertools.count(1)


def region(code: str = "syddanmark") -> Region:
    """One of the five regions. A migration creates them; transactional tests flush the
    database, so they are recreated here from the migration's own data when missing."""
    regions = {c: (name, unit) for c, name, unit in importlib.import_module(_REGIONS_MIGRATION).REGIONS}
    name, unit = regions[code]
    return Region.objects.get_or_create(code=code, defaults={"name": name, "quality_unit": unit})[0]


_REGIONS_MIGRATION = "klyngepakke.registry.migrations.0002_regions"


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
        "program": {
            "default_minutes": 150,
            "blocks": [{"code": "introduction", "title": {"da": "Introduktion"}, "minutes": 150}],
        },
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


def shipped_catalogue():
    """Load the real package files (packages/) into the test database."""
    from django.conf import settings

    from klyngepakke.catalogue.services import load_catalogue

    load_catalogue(settings.CATALOGUE_DIR)


def survey_cluster(members: int = 6, solo: int = 1, region_code: str = "syddanmark") -> Cluster:
    """A cluster with `solo` solo doctors and the rest in two-doctor partnerships."""
    c = cluster(region_code=region_code)
    for _ in range(solo):
        member(practice(c, kind=Practice.Kind.SOLO, doctors=1))
    remaining = members - solo
    while remaining > 0:
        p = practice(c, kind=Practice.Kind.PARTNERSHIP, doctors=2)
        for _ in range(min(2, remaining)):
            member(p)
            remaining -= 1
    return c


def open_survey_round(c: Cluster, package_code: str = "trivsel-og-arbejdsglaede", days: int = 14):
    """Order `package_code` for cluster `c` and open a round (invitations queued)."""
    from datetime import timedelta

    from django.utils import timezone

    from klyngepakke.catalogue.models import Package
    from klyngepakke.cycle.services import new_order
    from klyngepakke.surveys import services

    order = new_order(c, Package.objects.get(code=package_code), None)
    return services.open_round(order, timezone.now() + timedelta(days=days), None)


def issue_link(invitation) -> str:
    """A working survey link token for `invitation`, as an e-mail would carry."""
    from klyngepakke.support.tokens import new_token
    from klyngepakke.surveys.models import InvitationToken

    token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return token
