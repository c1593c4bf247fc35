"""Rendering many rounds' materials in parallel processes (build_materials, the benchmark)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.db import connections

from .context import meeting_materials
from .exporters import Rendered, exporters
from .services import render_all

RoundFiles = tuple[int, str, str, list[tuple[str, Rendered]]]


def _render_round(round_id: int, codes: tuple[str, ...] | None) -> RoundFiles:
    """In a worker process: the round's materials rendered in every format (or `codes`)."""
    materials = meeting_materials(round_id)
    chosen = [e for e in exporters() if codes is None or e.code in codes]
    return round_id, materials.cluster_code, materials.digest(), render_all(materials, chosen)


def _close_connections() -> None:
    # A forked worker must not share the parent's database connection.
    connections.close_all()


def render_rounds(ids: list[int], jobs: int, codes: tuple[str, ...] | None = None) -> Iterator[RoundFiles]:
    """Render rounds in `jobs` processes (forked, each with its own connection), yielding
    each round's files as it is done. bench/materials.py times this same path."""
    if jobs == 1 or len(ids) <= 1:
        for round_id in ids:
            yield _render_round(round_id, codes)
        return
    _close_connections()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_close_connections) as pool:
        futures = [pool.submit(_render_round, round_id, codes) for round_id in ids]
        for future in as_completed(futures):
            yield future.result()
