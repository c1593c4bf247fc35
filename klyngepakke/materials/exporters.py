"""One small interface for every output file: render(materials) -> name, type, bytes.

An exporter gets the round's `MeetingMaterials` (numbers from the results layer, texts
from the package) and returns one file. Nothing else: no database, no request, no clock,
so the same materials always give the same bytes' content and builds can run in any
process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .context import MeetingMaterials


@dataclass(frozen=True)
class Rendered:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Exporter:
    code: str
    # What the download link says, in Danish.
    label: str
    render: Callable[[MeetingMaterials], Rendered]


_EXPORTERS: dict[str, Exporter] = {}


def register(code: str, label: str) -> Callable[[Callable[[MeetingMaterials], Rendered]], Callable[..., Rendered]]:
    def decorator(render: Callable[[MeetingMaterials], Rendered]) -> Callable[[MeetingMaterials], Rendered]:
        if code in _EXPORTERS:
            raise ValueError(f"exporter {code!r} is registered twice")
        _EXPORTERS[code] = Exporter(code, label, render)
        return render

    return decorator


def exporters() -> tuple[Exporter, ...]:
    """Every registered exporter, in the order the download list shows them."""
    from . import formats  # noqa: F401  (registers the exporters on import)

    return tuple(_EXPORTERS.values())


def exporter(code: str) -> Exporter:
    for candidate in exporters():
        if candidate.code == code:
            return candidate
    raise KeyError(code)


def file_stem(materials: MeetingMaterials) -> str:
    return f"{materials.cluster_code}-{materials.package_code}-runde-{materials.round_id}"
