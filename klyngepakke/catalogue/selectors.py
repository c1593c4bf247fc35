"""Reads from the package catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Package, PackageVersion


def available_packages() -> QuerySet[Package]:
    return Package.objects.filter(current_version__isnull=False).select_related("current_version")


def current_version(package_code: str) -> PackageVersion:
    """The version a new round of this package will use; raises Package.DoesNotExist."""
    package = available_packages().get(code=package_code)
    assert package.current_version is not None
    return package.current_version
