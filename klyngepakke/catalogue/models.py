from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Package(models.Model):
    """A cluster package, identified by its stable code across versions."""

    code = models.SlugField("kode", max_length=64, unique=True)
    title = models.CharField("titel", max_length=200)
    current_version = models.ForeignKey(
        "PackageVersion",
        verbose_name="gældende version",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The operator's override of the package file's results.comparison_months.
    comparison_months = models.PositiveSmallIntegerField(
        "sammenligningsperiode (måneder)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=(
            "Region og land sammenlignes med runder, der er lukket i så mange måneder op til rundens egen "
            "lukning. Tom: pakkefilens indstilling."
        ),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "pakke"
        verbose_name_plural = "pakker"

    def __str__(self) -> str:
        return self.title


class PackageVersion(models.Model):
    """One resolved, validated content of a package file.

    Once a round has used a version (`locked_at` set) its document never changes: a
    changed file becomes a new version and the old one stays readable.
    """

    package = models.ForeignKey(Package, verbose_name="pakke", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("versionsnummer")
    declared_version = models.CharField("version i filen", max_length=64)
    content_hash = models.CharField("indholdets fingeraftryk (SHA-256)", max_length=64)
    document = models.JSONField("indhold")
    source_files = models.JSONField("kildefiler", default=list)
    loaded_at = models.DateTimeField("indlæst")
    locked_at = models.DateTimeField("låst (brugt af en runde)", null=True, blank=True)

    class Meta:
        ordering = ["package__code", "number"]
        verbose_name = "pakkeversion"
        verbose_name_plural = "pakkeversioner"
        constraints = [
            models.UniqueConstraint(fields=["package", "number"], name="package_version_number_unique"),
            models.UniqueConstraint(fields=["package", "content_hash"], name="package_version_content_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.package.code} v{self.number} ({self.declared_version})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
