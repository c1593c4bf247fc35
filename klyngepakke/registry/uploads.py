"""The registry import from the staff page: upload, preview, apply (registry.services
import_registry, the service the command uses).

An upload is stored with its SHA-256 between the preview and the apply. The apply
refuses unless the posted hash is the stored file's and the registry still gives the
plan the preview showed (its digest), so exactly what was previewed is applied, all or
nothing. The file (names and addresses) is dropped once applied; an upload never
applied is dropped after a day.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .import_plan import ImportPlan, plan_import
from .models import RegistryUpload
from .services import ImportReport, RegistryImportStale, import_registry, read_registry

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
KEEP_UNAPPLIED = timedelta(days=1)


class UploadRefused(Exception):
    """The upload or its apply is refused; the message is Danish for the page."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def store_upload(data: bytes, filename: str, by: AbstractBaseUser | None) -> RegistryUpload:
    """Check the file (RegistryImportInvalid with every error) and keep it for its preview."""
    if not data:
        raise UploadRefused("Filen er tom.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"Filen er for stor: højst {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.")
    read_registry(data, filename)
    RegistryUpload.objects.filter(applied_at__isnull=True, uploaded_at__lt=timezone.now() - KEEP_UNAPPLIED).delete()
    return RegistryUpload.objects.create(filename=filename[:255], data=data, sha256=sha256(data), uploaded_by=by)


def preview(upload: RegistryUpload) -> ImportPlan:
    """What applying the upload would change now (reads only)."""
    return plan_import(read_registry(bytes(upload.data), upload.filename))


def apply_upload(upload: RegistryUpload, *, sha: str, digest: str, by: AbstractBaseUser | None) -> ImportReport:
    with transaction.atomic():
        upload = RegistryUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.applied_at is not None:
            raise UploadRefused("Filen er allerede indlæst.")
        data = bytes(upload.data)
        if not data:
            raise UploadRefused("Filen er ikke længere gemt: upload den igen.")
        if sha != upload.sha256 or sha256(data) != upload.sha256:
            raise UploadRefused("Filen er ikke den, forhåndsvisningen viste: upload den igen.")
        try:
            report = import_registry(data, upload.filename, expected_digest=digest, by=by)
        except RegistryImportStale as exc:
            raise UploadRefused(str(exc)) from exc
        upload.applied_at = timezone.now()
        upload.applied_by = by
        upload.data = b""
        upload.summary = {
            "rows": report.rows,
            "clusters": asdict(report.clusters),
            "practices": asdict(report.practices),
            "members": asdict(report.members),
            "overwrites": len(report.plan.overwrites) if report.plan else 0,
        }
        upload.save(update_fields=["applied_at", "applied_by", "data", "summary"])
    return report
