"""One item code, one question; one score code, one score - across the whole catalogue.

Comparisons (rest of the region, the country) and follow-ups pool answers by item code
and score code over rounds of different packages and package versions. That is only
sound when a code means the same everywhere. This module says what "the same" is, on
resolved package documents (the JSON the catalogue stores), so a file being loaded and
a version stored long ago compare alike:

- an item (a single question's code, a matrix item's code, a multiple-choice or text
  question's code) is its kind of answer, its Danish wording (a matrix item: the
  question's and the item's) and its scale: the option codes with their values, in
  order. Labels and translations may be corrected freely.
- a score is its method, items, multiplier, how many items must be answered, its range
  and its bands (codes and limits). Labels, meanings and help flags may change.

A package declares a code the same as another package's under `shared_items`; the
declaration of either side accepts the pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ITEM = "item"
SCORE = "score"


@dataclass(frozen=True)
class ItemDefinition:
    kind: str  # "choice" (single question or matrix item), "multiple" or "text"
    text: tuple[str, ...]
    scale: tuple[tuple[str, float | None], ...]

    def differences(self, other: ItemDefinition) -> list[str]:
        out = []
        if self.kind != other.kind:
            out.append(f"a different kind of answer ({other.kind}, here {self.kind})")
        if self.text != other.text:
            out.append(f"a different text ({' / '.join(other.text)!r})")
        if self.scale != other.scale:
            out.append(f"a different scale (options {_scale_text(other.scale)}, here {_scale_text(self.scale)})")
        return out


@dataclass(frozen=True)
class ScoreIdentity:
    method: str
    items: tuple[str, ...]
    multiplier: float
    min_answered: int
    range: tuple[float, float]
    bands: tuple[tuple[str, float, float], ...]

    def differences(self, other: ScoreIdentity) -> list[str]:
        names = [
            name
            for name in ("method", "items", "multiplier", "min_answered", "range", "bands")
            if getattr(self, name) != getattr(other, name)
        ]
        return [f"a different definition ({', '.join(names)})"] if names else []


def _scale_text(scale: tuple[tuple[str, float | None], ...]) -> str:
    return ", ".join(f"{code}={'-' if value is None else f'{value:g}'}" for code, value in scale) or "none"


def _value(raw: object) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


def item_definitions(document: Mapping[str, Any]) -> dict[str, ItemDefinition]:
    """Every answer code of a resolved package document with what it means."""
    questionnaire = document["questionnaire"]
    scales = {s["code"]: s for s in questionnaire.get("scales", [])}
    out: dict[str, ItemDefinition] = {}
    for section in questionnaire["sections"]:
        for question in section["questions"]:
            options = question.get("options")
            if options is None:
                options = scales.get(question.get("scale", ""), {}).get("options", [])
            scale = tuple((o["code"], _value(o.get("value"))) for o in options)
            text = question["text"]["da"]
            kind = question["type"]
            if kind == "matrix":
                for item in question.get("items", []):
                    out[item["code"]] = ItemDefinition("choice", (text, item["text"]["da"]), scale)
            else:
                out[question["code"]] = ItemDefinition("choice" if kind == "single" else kind, (text,), scale)
    return out


def score_definitions(document: Mapping[str, Any]) -> dict[str, ScoreIdentity]:
    out: dict[str, ScoreIdentity] = {}
    for score in document.get("scores", []):
        items = tuple(sorted(score["items"]))
        out[score["code"]] = ScoreIdentity(
            method=score["method"],
            items=items,
            multiplier=float(score.get("multiplier", 1.0)),
            min_answered=int(score.get("min_answered") or len(items)),
            range=(float(score["min"]), float(score["max"])),
            bands=tuple((b["code"], float(b["min"]), float(b["max"])) for b in score.get("bands", [])),
        )
    return out


def definitions(document: Mapping[str, Any]) -> dict[tuple[str, str], ItemDefinition | ScoreIdentity]:
    """Items and scores of a document, keyed by (ITEM or SCORE, code)."""
    out: dict[tuple[str, str], ItemDefinition | ScoreIdentity] = {}
    out.update(((ITEM, code), d) for code, d in item_definitions(document).items())
    out.update(((SCORE, code), d) for code, d in score_definitions(document).items())
    return out


def declarations(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(code, package) pairs the document declares the same under `shared_items`."""
    return {(d["code"], d["package"]) for d in document.get("shared_items", [])}


def differences(here: ItemDefinition | ScoreIdentity, there: ItemDefinition | ScoreIdentity) -> list[str]:
    """What differs between two definitions of one (kind, code) key."""
    if isinstance(here, ItemDefinition):
        assert isinstance(there, ItemDefinition)
        return here.differences(there)
    assert isinstance(there, ScoreIdentity)
    return here.differences(there)
