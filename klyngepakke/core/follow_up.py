"""A follow-up round's questionnaire: the follow-up package plus what the meeting chose.

`compose` works on plain resolved documents (no database): the package version the
follow-up round uses (`base`), the document the earlier round asked (`earlier`, its own
frozen document or its pinned package version's), the measure point codes the cluster
chose at that meeting, and the base package's `follow_up_questions` (package data, see
docs/package-format.md). The result is stored with the round when it opens
(`Round.document`) and never changes, so the round's results always read the
questionnaire its respondents met.

- A chosen measure point the base package asks already (same answer or score code) is
  left as it is: the catalogue guarantees a code means the same thing in every package.
- Otherwise it is copied from the earlier document with the SAME codes, texts and
  options, so the two rounds compare code by code; a score brings the questions of its
  items, and a matrix item brings its matrix with just the needed items.
- The follow-up questions (what has your practice changed since the meeting?) come last,
  in their own section. They are answered anonymously like every other question.

`document["follow_up"]` records what was added, for the results layer.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

MEASURE_SECTION = "follow_up_measure_points"


class CompositionError(ValueError):
    """The chosen measure points cannot be added (a code clash); the message says which."""


def _answer_codes(question: Mapping[str, Any]) -> list[str]:
    if question["type"] == "matrix":
        return [item["code"] for item in question.get("items", [])]
    return [question["code"]]


def _questions(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [q for s in document["questionnaire"]["sections"] for q in s["questions"]]


def _asked(document: Mapping[str, Any]) -> set[str]:
    """Every question code, answer code and score code of a document."""
    codes: set[str] = set()
    for question in _questions(document):
        codes.add(question["code"])
        codes.update(_answer_codes(question))
    codes.update(s["code"] for s in document.get("scores", []))
    return codes


def _needed_answers(earlier: Mapping[str, Any], codes: Iterable[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """The answer codes (and whole question codes) the chosen points need, and the scores to add."""
    scores = {s["code"]: s for s in earlier.get("scores", [])}
    needed: list[str] = []
    added_scores: list[dict[str, Any]] = []
    for code in codes:
        if code in scores:
            added_scores.append(scores[code])
            needed.extend(scores[code]["items"])
        else:
            needed.append(code)
    return list(dict.fromkeys(needed)), added_scores


def compose(
    base: Mapping[str, Any],
    earlier: Mapping[str, Any] | None,
    measure_points: Iterable[str],
    *,
    followed_order: int | None = None,
) -> dict[str, Any] | None:
    """The follow-up round's document, or None when nothing is added to `base`."""
    document = copy.deepcopy(dict(base))
    asked = _asked(document)
    chosen = list(dict.fromkeys(measure_points))
    extra = document.get("follow_up_questions")
    added_codes: list[str] = []
    new_questions: list[dict[str, Any]] = []
    new_scores: list[dict[str, Any]] = []
    if earlier is not None and chosen:
        missing_points = [code for code in chosen if code not in asked]
        needed, scores = _needed_answers(earlier, missing_points)
        needed = [code for code in needed if code not in asked]
        earlier_scales = {s["code"]: s for s in earlier["questionnaire"].get("scales", [])}
        own_scales = {s["code"]: s for s in document["questionnaire"].get("scales", [])}
        for question in _questions(earlier):
            if question["code"] in needed:
                take = _answer_codes(question)
            else:
                take = [c for c in _answer_codes(question) if c in needed]
            if not take:
                continue
            copied = copy.deepcopy(question)
            if copied["type"] == "matrix":
                copied["items"] = [item for item in copied["items"] if item["code"] in take]
            # A condition on a question this round does not ask would hide it from everyone.
            condition = copied.get("show_if")
            if condition is not None and condition["question"] not in asked:
                del copied["show_if"]
            scale = copied.get("scale")
            if scale is not None:
                if scale not in own_scales:
                    own_scales[scale] = earlier_scales[scale]
                    document["questionnaire"].setdefault("scales", []).append(earlier_scales[scale])
                elif own_scales[scale] != earlier_scales[scale]:
                    # Same scale code, other options: carry the earlier options inline.
                    del copied["scale"]
                    copied["options"] = copy.deepcopy(earlier_scales[scale]["options"])
            new_questions.append(copied)
            added_codes.extend(take)
        for score in scores:
            if score["code"] not in asked:
                new_scores.append(copy.deepcopy(score))
        sensitive = set(earlier.get("results", {}).get("sensitive", []))
        carried = [c for c in [*added_codes, *(s["code"] for s in new_scores)] if c in sensitive]
        if carried:
            settings = document.setdefault("results", {})
            settings["sensitive"] = sorted(set(settings.get("sensitive", [])) | set(carried))
    if not new_questions and not new_scores and extra is None:
        return None
    sections = document["questionnaire"]["sections"]
    if new_questions:
        title = (extra or {}).get("measure_points_title") or {"da": "Målepunkter fra sidste møde"}
        sections.append({"code": MEASURE_SECTION, "title": title, "questions": new_questions})
    if extra is not None:
        section = {"code": extra["code"], "title": extra["title"], "questions": copy.deepcopy(extra["questions"])}
        if extra.get("intro"):
            section["intro"] = extra["intro"]
        sections.append(section)
    document["scores"] = [*document.get("scores", []), *new_scores]
    seen: set[str] = set()
    for question in _questions(document):
        for code in {question["code"], *_answer_codes(question)}:
            if code in seen:
                raise CompositionError(f"Koden '{code}' findes to gange i opfølgningens spørgeskema.")
            seen.add(code)
    document["follow_up"] = {
        "order": followed_order,
        "measure_points": chosen,
        "added_items": added_codes,
        "added_scores": [s["code"] for s in new_scores],
        "questions_section": extra["code"] if extra is not None else None,
    }
    return document
