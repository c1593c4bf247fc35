from __future__ import annotations

from django.db import models

from klyngepakke.surveys.models import Round


class MaterialFile(models.Model):
    """A built meeting file of a closed round: aggregated results and package texts only.

    `digest` fingerprints every input (results, package version, meeting plan); a file
    whose inputs have changed since it was built is rebuilt before it is handed out.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="material_files")
    exporter = models.CharField("format", max_length=40)
    name = models.CharField("filnavn", max_length=200)
    content_type = models.CharField(max_length=120)
    data = models.BinaryField()
    size = models.PositiveIntegerField("størrelse (bytes)")
    digest = models.CharField(max_length=64)
    built_at = models.DateTimeField("bygget")

    class Meta:
        verbose_name = "mødemateriale"
        verbose_name_plural = "mødematerialer"
        constraints = [models.UniqueConstraint(fields=["round", "exporter"], name="one_file_per_round_and_format")]

    def __str__(self) -> str:
        return self.name
