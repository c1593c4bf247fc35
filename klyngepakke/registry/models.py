from __future__ import annotations

from django.conf import settings
from django.db import models

from klyngepakke.formats import danish_datetime


class Region(models.Model):
    code = models.SlugField("kode", max_length=32, unique=True)
    name = models.CharField("navn", max_length=100)
    quality_unit = models.CharField("kvalitetsenhed (KAP-enhed)", max_length=200)
    quality_unit_url = models.URLField("kvalitetsenhedens hjemmeside", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "region"
        verbose_name_plural = "regioner"

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    code = models.SlugField("kode", max_length=64, unique=True)
    name = models.CharField("navn", max_length=200)
    region = models.ForeignKey(Region, verbose_name="region", on_delete=models.PROTECT, related_name="clusters")

    class Meta:
        ordering = ["name"]
        verbose_name = "klynge"
        verbose_name_plural = "klynger"

    def __str__(self) -> str:
        return self.name


class Practice(models.Model):
    class Kind(models.TextChoices):
        SOLO = "solo", "Sololæge"
        PARTNERSHIP = "partnership", "Kompagniskab"

    code = models.SlugField("kode", max_length=64, unique=True)
    name = models.CharField("navn", max_length=200)
    cluster = models.ForeignKey(Cluster, verbose_name="klynge", on_delete=models.PROTECT, related_name="practices")
    kind = models.CharField("praksistype", max_length=16, choices=Kind.choices)
    doctor_count = models.PositiveSmallIntegerField("antal læger")

    class Meta:
        ordering = ["name"]
        verbose_name = "praksis"
        verbose_name_plural = "praksis"
        constraints = [
            models.CheckConstraint(condition=models.Q(doctor_count__gte=1), name="practice_has_a_doctor"),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A doctor in a cluster. Members never log in; they answer through e-mailed links."""

    class Role(models.TextChoices):
        GP = "gp", "Praktiserende læge"
        EMPLOYED = "employed", "Ansat læge"
        TRAINEE = "trainee", "Uddannelseslæge"

    email = models.EmailField("e-mail", unique=True)
    name = models.CharField("navn", max_length=200)
    practice = models.ForeignKey(Practice, verbose_name="praksis", on_delete=models.PROTECT, related_name="members")
    role = models.CharField("rolle", max_length=16, choices=Role.choices, default=Role.GP)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "medlem"
        verbose_name_plural = "medlemmer"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ClusterAssignment(models.Model):
    """Gives a login access to one cluster, as its coordinator or as a facilitator."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Klyngekoordinator"
        FACILITATOR = "facilitator", "Facilitator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="login", on_delete=models.CASCADE, related_name="cluster_assignments"
    )
    cluster = models.ForeignKey(Cluster, verbose_name="klynge", on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField("rolle", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "klyngeadgang"
        verbose_name_plural = "klyngeadgange"
        constraints = [
            models.UniqueConstraint(fields=["user", "cluster"], name="one_assignment_per_user_and_cluster"),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.cluster} ({self.get_role_display()})"


class MemberChange(models.Model):
    """One change to a member: by a coordinator or a consultant on the members page, by
    an undo, or by a registry import. The history the operator reads and undoes; a
    registry import lists the local changes it overwrites (docs/registry-csv.md)."""

    class Kind(models.TextChoices):
        ADDED = "added", "Tilføjet"
        CHANGED = "changed", "Ændret"
        LEFT = "left", "Udmeldt"
        RETURNED = "returned", "Genindmeldt"
        UNDONE = "undone", "Fortrudt"
        IMPORTED = "imported", "Ændret af registerimport"

    member = models.ForeignKey(Member, verbose_name="medlem", on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField("ændring", max_length=16, choices=Kind.choices)
    # {field: [before, after]} for the fields it changed (email, name, practice, role, active).
    fields = models.JSONField("felter", default=dict)
    at = models.DateTimeField("tidspunkt", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="af", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undoes = models.OneToOneField(
        "self", verbose_name="fortryder", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "medlemsændring"
        verbose_name_plural = "medlemsændringer"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    @property
    def is_local(self) -> bool:
        return self.kind != self.Kind.IMPORTED


class RegistryUpload(models.Model):
    """A registry CSV uploaded on the staff page: kept between its preview and its apply.

    The apply refuses unless the stored file still has `sha256` and the registry still
    gives the plan the preview showed (its digest comes back with the apply form). The
    file itself (personal data) is dropped once applied; unapplied uploads after a day."""

    filename = models.CharField("filnavn", max_length=255)
    data = models.BinaryField("fil", default=b"")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("uploadet", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="uploadet af", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField("indlæst", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="indlæst af",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField("resultat", default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "registerupload"
        verbose_name_plural = "registeruploads"

    def __str__(self) -> str:
        return f"{self.filename} ({danish_datetime(self.uploaded_at)})"


class AccessChange(models.Model):
    """History of logins and cluster access changed by a registry import.

    Names are copied, so the history still reads after a login or cluster is removed.
    """

    class Change(models.TextChoices):
        LOGIN_CREATED = "login_created", "Login oprettet"
        GRANTED = "granted", "Adgang givet"
        ROLE_CHANGED = "role_changed", "Rolle ændret"
        REVOKED = "revoked", "Adgang fjernet"

    at = models.DateTimeField("tidspunkt", auto_now_add=True)
    change = models.CharField("ændring", max_length=16, choices=Change.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="login",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField("brugernavn", max_length=150)
    cluster = models.ForeignKey(
        Cluster, verbose_name="klynge", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cluster_name = models.CharField("klyngens navn", max_length=200, blank=True)
    role = models.CharField("rolle", max_length=16, choices=ClusterAssignment.Role.choices, blank=True)
    source = models.CharField("kilde", max_length=255, help_text="Registerfilen, ændringen kom fra.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "adgangsændring"
        verbose_name_plural = "adgangsændringer (registerimport)"

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.username}"
