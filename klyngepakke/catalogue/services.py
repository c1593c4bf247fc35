"""Writes to the package catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from klyngepakke.core.catalogue_files import FileError, ResolvedPackage, StoredVersion, read_catalogue

from .models import Package, PackageVersion


class CatalogueInvalid(Exception):
    """The catalogue folder has errors; nothing was loaded."""

    def __init__(self, errors: list[FileError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the package files")
        self.errors = errors


@dataclass
class CatalogueLoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def load_catalogue(folder: Path) -> CatalogueLoadReport:
    """Load every package in `folder`, all or nothing.

    The same content twice is a no-op. Changed content updates the current version in
    place while no round has used it, and otherwise becomes a new version. A question,
    matrix item or score code must mean the same as in the stored versions that stay
    (see `klyngepakke.core.shared_codes`) unless the file declares it under shared_items.
    """
    read = read_catalogue(folder, _stored_versions())
    if read.errors:
        raise CatalogueInvalid(read.errors)
    if not read.packages:
        raise CatalogueInvalid([FileError(str(folder), "", None, "no package files found")])
    report = CatalogueLoadReport()
    with transaction.atomic():
        for resolved in read.packages:
            _store(resolved, report)
    return report


def _stored_versions() -> list[StoredVersion]:
    current = set(Package.objects.exclude(current_version=None).values_list("current_version", flat=True))
    return [
        StoredVersion(
            package=version.package.code,
            version=version.declared_version,
            document=version.document,
            locked=version.is_locked,
            current=version.pk in current,
        )
        for version in PackageVersion.objects.select_related("package").order_by("package__code", "number")
    ]


def _store(resolved: ResolvedPackage, report: CatalogueLoadReport) -> None:
    now = timezone.now()
    title = resolved.document["title"]["da"]
    package, created = Package.objects.select_for_update().get_or_create(code=resolved.code, defaults={"title": title})
    if package.title != title:
        package.title = title
        package.save(update_fields=["title"])
    label = f"{resolved.code} ({resolved.version})"
    same = package.versions.filter(content_hash=resolved.content_hash).first()
    if same is not None:
        if package.current_version_id != same.pk:
            package.current_version = same
            package.save(update_fields=["current_version"])
            report.updated.append(label)
        else:
            report.unchanged.append(label)
        return
    current = package.current_version
    if current is not None and not current.is_locked:
        current.declared_version = resolved.version
        current.content_hash = resolved.content_hash
        current.document = resolved.document
        current.source_files = list(resolved.files)
        current.loaded_at = now
        current.save()
        report.updated.append(label)
        return
    last = package.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PackageVersion.objects.create(
        package=package,
        number=last + 1,
        declared_version=resolved.version,
        content_hash=resolved.content_hash,
        document=resolved.document,
        source_files=list(resolved.files),
        loaded_at=now,
    )
    package.current_version = version
    package.save(update_fields=["current_version"])
    (report.created if created else report.new_versions).append(label)


def lock_version(version: PackageVersion) -> None:
    """Freeze a version because a round uses it. Idempotent."""
    PackageVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(locked_at=timezone.now())
    version.refresh_from_db(fields=["locked_at"])
