"""Reads of the materials app: what a round offers for download."""

from __future__ import annotations

from dataclasses import dataclass

from klyngepakke.results.responses import is_published
from klyngepakke.surveys.models import Round

from .exporters import Exporter, exporters
from .models import MaterialFile


@dataclass(frozen=True)
class Download:
    exporter: Exporter
    # The last build, if any (a download rebuilds it when the meeting plan has changed).
    stored: MaterialFile | None


def downloads(round_: Round) -> list[Download]:
    if not is_published(round_):
        return []
    stored = {f.exporter: f for f in MaterialFile.objects.filter(round=round_).defer("data")}
    return [Download(exporter, stored.get(exporter.code)) for exporter in exporters()]
