"""Building and storing a round's meeting files.

Every file of a round is rendered first and stored in one transaction, so a failed
build leaves the earlier files as they were (all or nothing).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from klyngepakke.cycle.models import Order
from klyngepakke.results.responses import published_rounds
from klyngepakke.support.backoff import run_items, waiting_items
from klyngepakke.surveys.models import Round

from .context import MeetingMaterials, meeting_materials
from .exporters import Exporter, Rendered, exporter, exporters, file_stem
from .models import MaterialFile


def render_all(materials: MeetingMaterials, chosen: Iterable[Exporter] | None = None) -> list[tuple[str, Rendered]]:
    return [(exporter.code, exporter.render(materials)) for exporter in (chosen or exporters())]


def store(round_id: int, digest: str, rendered: list[tuple[str, Rendered]]) -> list[MaterialFile]:
    now = timezone.now()
    with transaction.atomic():
        files = []
        for code, file in rendered:
            stored, _ = MaterialFile.objects.update_or_create(
                round_id=round_id,
                exporter=code,
                defaults={
                    "name": file.name,
                    "content_type": file.content_type,
                    "data": file.data,
                    "size": len(file.data),
                    "digest": digest,
                    "built_at": now,
                },
            )
            files.append(stored)
    return files


# "Hent alt": every file of a round in one zip, stored beside them under this code.
PACK = "alle"


def pack(materials: MeetingMaterials, rendered: list[tuple[str, Rendered]]) -> Rendered:
    """One zip of the rendered files, in the download list's order. The same files give
    the same bytes (fixed entry times), so the zip follows the files' digest rules."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for _code, file in rendered:
            entry = zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, file.data)
    return Rendered(name=f"{file_stem(materials)}-alle.zip", content_type="application/zip", data=buffer.getvalue())


def build_materials(round_id: int) -> list[MaterialFile]:
    """Render every format for a closed round, and their zip, and store them (replacing
    older builds)."""
    materials = meeting_materials(round_id)
    rendered = render_all(materials)
    return store(round_id, materials.digest(), [*rendered, (PACK, pack(materials, rendered))])


def current_pack(round_id: int) -> MaterialFile:
    """The stored zip if it was built from today's inputs, else one made now from the
    current files (stored ones where their digest still holds), not stored: a read."""
    materials = meeting_materials(round_id)
    digest = materials.digest()
    stored = {f.exporter: f for f in MaterialFile.objects.filter(round_id=round_id, digest=digest)}
    if PACK in stored:
        return stored[PACK]
    missing = [e for e in exporters() if e.code not in stored]
    fresh = dict(render_all(materials, missing)) if missing else {}
    rendered = [
        (
            e.code,
            fresh[e.code]
            if e.code in fresh
            else Rendered(stored[e.code].name, stored[e.code].content_type, bytes(stored[e.code].data)),
        )
        for e in exporters()
    ]
    return _unsaved(round_id, PACK, pack(materials, rendered), digest)


def current_file(round_id: int, code: str) -> MaterialFile:
    """The stored file if it was built from today's inputs, else the file rendered now.

    A download is a read: a file rendered here is served, not stored (unsaved). The
    inputs change when the consultant or coordinator changes the meeting plan (date,
    time, place, length, program notes), which drops the stored files
    (`drop_materials`) so the scheduler builds them again; the numbers never change
    after the close.
    """
    materials = meeting_materials(round_id)
    digest = materials.digest()
    stored = MaterialFile.objects.filter(round_id=round_id, exporter=code).first()
    if stored is not None and stored.digest == digest:
        return stored
    [(_code, file)] = render_all(materials, [exporter(code)])
    return _unsaved(round_id, code, file, digest)


def _unsaved(round_id: int, code: str, file: Rendered, digest: str) -> MaterialFile:
    """A file rendered for one download: served, never stored (a download is a read)."""
    return MaterialFile(
        round_id=round_id,
        exporter=code,
        name=file.name,
        content_type=file.content_type,
        data=file.data,
        size=len(file.data),
        digest=digest,
        built_at=timezone.now(),
    )


def drop_materials(round_ids: Iterable[int]) -> None:
    """Forget the stored files of rounds whose inputs changed (the meeting plan)."""
    MaterialFile.objects.filter(round_id__in=list(round_ids)).delete()


def drop_planned_meeting_materials(sender: object, order: Order, **kwargs: object) -> None:
    """`cycle.signals.meeting_planned`: the meeting files show the plan, so the closed
    rounds' files are dropped (inside the planning transaction)."""
    drop_materials(Round.objects.filter(order=order, closed_at__isnull=False).values_list("pk", flat=True))


# Rounds closed longer ago are rendered at each download (not stored), not by the scheduler.
RECENT_DAYS = 30


DUTY = "build_missing_materials"


def build_missing_materials(limit: int = 3) -> int:
    """Build the files of recently closed rounds, and of rounds whose meeting is still to
    come, that have none yet (the scheduler runs this a few at a time), so downloads are
    served from storage.

    Each round is claimed first, so two workers never build the same round at once; a
    round whose build fails is logged and backs off (30 s, doubling, at most 30 min), so
    it neither comes first on every pass nor holds up the rounds after it.
    """
    recent = published_rounds().filter(
        Q(closed_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
        | Q(order__meeting_date__gte=timezone.localdate())
    )
    ids = list(
        recent.exclude(pk__in=MaterialFile.objects.values("round_id"))
        .exclude(pk__in=waiting_items(DUTY))
        .order_by("closed_at")
        .values_list("pk", flat=True)[:limit]
    )
    return run_items(DUTY, ids, _build_if_missing).done


def _build_if_missing(round_id: int) -> bool:
    if MaterialFile.objects.filter(round_id=round_id).exists():
        return False  # another worker built it meanwhile
    build_materials(round_id)
    return True
