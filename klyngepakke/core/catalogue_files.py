"""Read a folder of package and instrument files into resolved, validated packages.

Every problem found is returned, each naming the file, the path inside it and the
line, so an author can fix a file in one pass. A package is only "resolved" when its
own file, and every instrument it uses, is valid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .package_format import (
    InstrumentFile,
    InstrumentUse,
    PackageFile,
    Question,
    Scale,
    Score,
)
from .regions import REGION_CODES
from .shared_codes import ITEM, SCORE, declarations, definitions, differences
from .yaml_source import PathKey, SourceDocument, YamlSyntaxError, load_yaml


@dataclass(frozen=True)
class FileError:
    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        inside = f" at {self.path}" if self.path else ""
        return f"{where}{inside}: {self.message}"


@dataclass(frozen=True)
class ResolvedPackage:
    code: str
    version: str
    document: dict[str, Any]
    content_hash: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class StoredVersion:
    """A package version already in the catalogue, for the one-code-one-question check.

    locked: a round has used it (its answers will be pooled by code); current: a new
    round would use it.
    """

    package: str
    version: str
    document: dict[str, Any]
    locked: bool
    current: bool


@dataclass
class CatalogueRead:
    packages: list[ResolvedPackage] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Collector:
    def __init__(self, source: SourceDocument) -> None:
        self.source = source
        self.errors: list[FileError] = []

    def add(self, path: PathKey, message: str) -> None:
        self.errors.append(FileError(self.source.file, format_path(path), self.source.line_of(path), message))


def _pydantic_errors(source: SourceDocument, exc: ValidationError) -> list[FileError]:
    errors = []
    for err in exc.errors():
        # Union members add their class name to the location; drop those parts.
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper()))
        loc = tuple("in" if p == "in_" else p.split("[")[0] if isinstance(p, str) else p for p in loc)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against docs/package-format.md)"
        elif err["type"] == "missing":
            message = "required field is missing"
        errors.append(FileError(source.file, format_path(loc), source.line_of(loc), message))
    # One bad field in a union yields an error per member; keep one per location and message.
    unique: dict[tuple[str, str], FileError] = {}
    for e in errors:
        unique.setdefault((e.path, e.message), e)
    return list(unique.values())


def read_catalogue(folder: Path, stored: Sequence[StoredVersion] = ()) -> CatalogueRead:
    """Read every *.yaml file below `folder`; return resolved packages and all errors.

    `stored` are the versions already in the catalogue: a question, matrix item or score
    code must mean the same in every package of the load and in those versions (see
    `shared_codes`), unless a package declares it under `shared_items`.
    """
    result = CatalogueRead()
    if not folder.is_dir():
        result.errors.append(FileError(str(folder), "", None, "catalogue folder does not exist"))
        return result
    instruments: dict[str, tuple[InstrumentFile, SourceDocument]] = {}
    packages: list[tuple[PackageFile, SourceDocument]] = []
    seen_codes: dict[tuple[str, str], str] = {}
    for path in sorted(folder.rglob("*.yaml")):
        name = str(path.relative_to(folder.parent)) if folder.parent != path else str(path)
        try:
            source = load_yaml(path, name)
        except YamlSyntaxError as exc:
            result.errors.append(FileError(exc.file, "", exc.line, exc.message))
            continue
        kind = source.data.get("kind") if isinstance(source.data, dict) else None
        model: type[InstrumentFile] | type[PackageFile]
        if kind == "instrument":
            model = InstrumentFile
        elif kind == "package":
            model = PackageFile
        else:
            result.errors.append(
                FileError(name, "kind", source.line_of(("kind",)), "kind must be 'package' or 'instrument'")
            )
            continue
        try:
            parsed = model.model_validate(source.data)
        except ValidationError as exc:
            result.errors.extend(_pydantic_errors(source, exc))
            continue
        key = (kind, parsed.code)
        if key in seen_codes:
            result.errors.append(
                FileError(
                    name,
                    "code",
                    source.line_of(("code",)),
                    f"{kind} code '{parsed.code}' is also used by {seen_codes[key]}",
                )
            )
            continue
        seen_codes[key] = name
        if isinstance(parsed, InstrumentFile):
            collector = _Collector(source)
            _check_instrument(parsed, collector)
            result.errors.extend(collector.errors)
            if not collector.errors:
                instruments[parsed.code] = (parsed, source)
        else:
            packages.append((parsed, source))
    package_codes = {p.code for p, _ in packages}
    loaded: list[tuple[ResolvedPackage, SourceDocument, dict[tuple[str, str], PathKey]]] = []
    for package, source in packages:
        collector = _Collector(source)
        paths: dict[tuple[str, str], PathKey] = {}
        resolved = _resolve(package, source, instruments, package_codes, collector, paths)
        result.errors.extend(collector.errors)
        if resolved is not None and not collector.errors:
            loaded.append((resolved, source, paths))
    for resolved, source, paths in loaded:
        collector = _Collector(source)
        _check_shared_codes(resolved, paths, loaded, stored, package_codes, collector)
        result.errors.extend(collector.errors)
        if not collector.errors:
            result.packages.append(resolved)
    return result


def _check_shared_codes(
    package: ResolvedPackage,
    paths: dict[tuple[str, str], PathKey],
    loaded: Sequence[tuple[ResolvedPackage, SourceDocument, dict[tuple[str, str], PathKey]]],
    stored: Sequence[StoredVersion],
    package_codes: set[str],
    collector: _Collector,
) -> None:
    """One code, one meaning: compare `package` with the other packages of the load and
    with the stored versions whose answers are or may be pooled with its own."""
    mine = definitions(package.document)
    declared = declarations(package.document)
    in_load = {other.code: (other, source) for other, source, _ in loaded}
    # Stored versions that stay: those a round has used, and the current version of a
    # package this load does not replace. An unused version of a package in the load is
    # replaced (or left unused), so its wording may still be corrected.
    kept = [v for v in stored if v.locked or (v.current and v.package not in package_codes)]
    for index, declaration in enumerate(package.document.get("shared_items", [])):
        here = ("shared_items", index)
        code, target = declaration["code"], declaration["package"]
        if (ITEM, code) not in mine and (SCORE, code) not in mine:
            collector.add((*here, "code"), f"'{code}' is not a question, matrix item or score of this package")
            continue
        documents = [v.document for v in stored if v.package == target]
        if target in in_load:
            documents.append(in_load[target][0].document)
        if not documents:
            collector.add((*here, "package"), f"unknown package '{target}'")
        elif not any((ITEM, code) in definitions(d) or (SCORE, code) in definitions(d) for d in documents):
            collector.add((*here, "package"), f"package '{target}' has no question, matrix item or score '{code}'")
    others: list[tuple[str, str, dict[str, Any]]] = [
        (other.code, f"package '{other.code}' ({source.file})", other.document)
        for other, source, _ in loaded
        if other.code != package.code
    ]
    others.extend(
        (
            v.package,
            f"version {v.version} of this package, which a round has used"
            if v.package == package.code
            else f"package '{v.package}' (version {v.version} in the catalogue)",
            v.document,
        )
        for v in kept
    )
    reported: set[tuple[str, str, str]] = set()
    for other_code, label, document in others:
        theirs = definitions(document)
        accepted_by_them = declarations(document)
        if other_code in in_load:
            accepted_by_them |= declarations(in_load[other_code][0].document)
        for key, definition in mine.items():
            kind, code = key
            other = theirs.get(key)
            if other is None or (kind, code, other_code) in reported:
                continue
            if (code, other_code) in declared or (code, package.code) in accepted_by_them:
                continue
            found = differences(definition, other)
            if not found:
                continue
            reported.add((kind, code, other_code))
            what = "question or item" if kind == ITEM else "score"
            collector.add(
                paths.get(key, ()),
                f"{what} code '{code}' has {' and '.join(found)} in {label}; comparisons and follow-ups pool "
                f"answers by code, so give it a new code or declare it under shared_items "
                f"(code: {code}, package: {other_code})",
            )


def _unique(collector: _Collector, path: PathKey, codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            collector.add((*path, index, "code"), f"{what} code '{code}' is used twice")
        seen.add(code)


def _check_question(question: Question, path: PathKey, scales: dict[str, Scale], collector: _Collector) -> None:
    if question.type == "text":
        if question.scale or question.options or question.items:
            collector.add(path, "a text question takes no scale, options or items")
        return
    if question.max_length is not None:
        collector.add((*path, "max_length"), "max_length applies to text questions only")
    if (question.scale is None) == (question.options is None):
        collector.add(path, f"a {question.type} question needs exactly one of 'scale' or 'options'")
    if question.scale is not None and question.scale not in scales:
        collector.add(
            (*path, "scale"), f"unknown scale '{question.scale}' (known: {', '.join(sorted(scales)) or 'none'})"
        )
    if question.options is not None:
        _unique(collector, (*path, "options"), [o.code for o in question.options], "option")
    if question.type == "matrix":
        if not question.items:
            collector.add(path, "a matrix question needs 'items'")
        else:
            _unique(collector, (*path, "items"), [i.code for i in question.items], "item")
    elif question.items:
        collector.add((*path, "items"), f"a {question.type} question takes no items")


def options_of(question: Question, scales: dict[str, Scale]) -> list[Any]:
    if question.options is not None:
        return list(question.options)
    if question.scale is not None and question.scale in scales:
        return list(scales[question.scale].options)
    return []


def _answer_codes(question: Question) -> list[str]:
    """Codes that hold one answer each: a matrix's items, otherwise the question."""
    if question.type == "matrix" and question.items:
        return [item.code for item in question.items]
    return [question.code]


def _check_scores(
    scores: list[Score],
    path: PathKey,
    questions: dict[str, Question],
    scales: dict[str, Scale],
    collector: _Collector,
) -> None:
    scorable: dict[str, Question] = {}
    for q in questions.values():
        if q.type in {"single", "matrix"}:
            for code in _answer_codes(q):
                scorable[code] = q
    for index, score in enumerate(scores):
        here = (*path, index)
        for item_index, code in enumerate(score.items):
            if code not in scorable:
                collector.add((*here, "items", item_index), f"'{code}' is not a single-choice question or matrix item")
            elif not any(o.value is not None for o in options_of(scorable[code], scales)):
                collector.add((*here, "items", item_index), f"'{code}' has no options with a numeric value")
        if score.min_answered is not None and score.min_answered > len(score.items):
            collector.add((*here, "min_answered"), "min_answered is larger than the number of items")
        if score.min >= score.max:
            collector.add((*here, "min"), "min must be below max")
        previous_max: float | None = None
        for band_index, band in enumerate(score.bands):
            band_path = (*here, "bands", band_index)
            if band.min > band.max:
                collector.add(band_path, "band min is above its max")
            if band.min < score.min or band.max > score.max:
                collector.add(band_path, f"band lies outside the score's range {score.min:g}-{score.max:g}")
            if previous_max is not None and band.min <= previous_max:
                collector.add(band_path, "bands must be in rising order and must not overlap")
            previous_max = band.max
        _unique(collector, (*here, "bands"), [b.code for b in score.bands], "band")


def _check_scales(scales: list[Scale], path: PathKey, collector: _Collector) -> None:
    _unique(collector, path, [s.code for s in scales], "scale")
    for index, scale in enumerate(scales):
        _unique(collector, (*path, index, "options"), [o.code for o in scale.options], "option")


def _check_instrument(instrument: InstrumentFile, collector: _Collector) -> None:
    scales = {s.code: s for s in instrument.scales}
    _check_scales(instrument.scales, ("scales",), collector)
    for index, question in enumerate(instrument.questions):
        if question.show_if is not None:
            collector.add(
                ("questions", index, "show_if"),
                "instrument questions cannot be routed; route the instrument where it is used",
            )
        _check_question(question, ("questions", index), scales, collector)
    questions = {q.code: q for q in instrument.questions}
    _check_scores(instrument.scores, ("scores",), questions, scales, collector)


def _check_condition(
    condition: Any, path: PathKey, earlier: dict[str, Question], scales: dict[str, Scale], collector: _Collector
) -> None:
    target = earlier.get(condition.question)
    if target is None:
        collector.add((*path, "question"), f"show_if must name an earlier question; '{condition.question}' is not one")
        return
    if target.type != "single":
        collector.add(
            (*path, "question"), f"show_if must name a single-choice question; '{condition.question}' is {target.type}"
        )
        return
    known = {o.code for o in options_of(target, scales)}
    for index, code in enumerate(condition.in_):
        if code not in known:
            collector.add((*path, "in", index), f"'{code}' is not an option of '{condition.question}'")


def _resolve(
    package: PackageFile,
    source: SourceDocument,
    instruments: dict[str, tuple[InstrumentFile, SourceDocument]],
    package_codes: set[str],
    collector: _Collector,
    paths: dict[tuple[str, str], PathKey],
) -> ResolvedPackage | None:
    document = package.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not document["shared_items"]:
        # Absent rather than empty, so files without declarations keep their content hash.
        del document["shared_items"]
    scales: dict[str, Scale] = {s.code: s for s in package.questionnaire.scales}
    _check_scales(package.questionnaire.scales, ("questionnaire", "scales"), collector)
    used_instruments: list[InstrumentFile] = []
    files = [source.file]
    all_scores: list[Score] = list(package.scores)
    earlier: dict[str, Question] = {}
    answer_codes: list[tuple[str, PathKey]] = []
    resolved_sections = []
    for s_index, section in enumerate(package.questionnaire.sections):
        s_path: PathKey = ("questionnaire", "sections", s_index)
        if section.show_if is not None:
            _check_condition(section.show_if, (*s_path, "show_if"), earlier, scales, collector)
        section_doc = document["questionnaire"]["sections"][s_index]
        resolved_questions: list[dict[str, Any]] = []
        for q_index, entry in enumerate(section.questions):
            q_path: PathKey = (*s_path, "questions", q_index)
            if isinstance(entry, InstrumentUse):
                found = instruments.get(entry.instrument)
                if found is None:
                    collector.add((*q_path, "instrument"), f"unknown or invalid instrument '{entry.instrument}'")
                    continue
                instrument, instrument_source = found
                if instrument in used_instruments:
                    collector.add((*q_path, "instrument"), f"instrument '{instrument.code}' is used twice")
                    continue
                used_instruments.append(instrument)
                files.append(instrument_source.file)
                for scale in instrument.scales:
                    if scale.code in scales and scales[scale.code] != scale:
                        collector.add(
                            (*q_path, "instrument"),
                            f"scale '{scale.code}' of instrument '{instrument.code}' "
                            "clashes with a package scale of the same code",
                        )
                    scales[scale.code] = scale
                if entry.show_if is not None:
                    _check_condition(entry.show_if, (*q_path, "show_if"), earlier, scales, collector)
                all_scores.extend(instrument.scores)
                paths.update(((SCORE, score.code), (*q_path, "instrument")) for score in instrument.scores)
                for question in instrument.questions:
                    q_doc = question.model_dump(mode="json", by_alias=True, exclude_none=True)
                    q_doc["instrument"] = instrument.code
                    if entry.show_if is not None:
                        q_doc["show_if"] = entry.show_if.model_dump(mode="json", by_alias=True)
                    resolved_questions.append(q_doc)
                    earlier[question.code] = question
                    answer_codes.extend((code, q_path) for code in _answer_codes(question))
                    paths.update(((ITEM, code), (*q_path, "instrument")) for code in _answer_codes(question))
                continue
            _check_question(entry, q_path, scales, collector)
            if entry.show_if is not None:
                _check_condition(entry.show_if, (*q_path, "show_if"), earlier, scales, collector)
            resolved_questions.append(section_doc["questions"][q_index])
            earlier[entry.code] = entry
            if entry.type == "matrix" and entry.items:
                answer_codes.extend((i.code, (*q_path, "items", n, "code")) for n, i in enumerate(entry.items))
            else:
                answer_codes.append((entry.code, (*q_path, "code")))
        section_doc["questions"] = resolved_questions
        resolved_sections.append(section_doc)
    _unique(collector, ("questionnaire", "sections"), [s.code for s in package.questionnaire.sections], "section")
    seen_answers: dict[str, PathKey] = {}
    for code, path in answer_codes:
        if code in seen_answers:
            collector.add(path, f"question or item code '{code}' is used twice in the questionnaire")
        seen_answers[code] = path
        paths.setdefault((ITEM, code), path)
    paths.update(((SCORE, score.code), ("scores", index, "code")) for index, score in enumerate(package.scores))
    _check_scores(package.scores, ("scores",), earlier, scales, collector)
    score_codes = [s.code for s in all_scores]
    _unique(collector, ("scores",), score_codes, "score")
    _check_follow_up_questions(package, seen_answers, scales, collector)
    _check_rest(package, set(score_codes) | set(seen_answers), set(earlier), package_codes, collector)
    if collector.errors:
        return None
    document["questionnaire"]["sections"] = resolved_sections
    document["questionnaire"]["scales"] = [
        s.model_dump(mode="json", by_alias=True, exclude_none=True) for s in scales.values()
    ]
    document["scores"] = [s.model_dump(mode="json", by_alias=True, exclude_none=True) for s in all_scores]
    document["instruments"] = [
        {
            "code": i.code,
            "version": i.version,
            "title": i.title.model_dump(exclude_none=True),
            "attribution": i.attribution,
            "sources": [s.model_dump(mode="json", exclude_none=True) for s in i.sources],
        }
        for i in used_instruments
    ]
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return ResolvedPackage(
        code=package.code,
        version=package.version,
        document=document,
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        files=tuple(files),
    )


def _check_follow_up_questions(
    package: PackageFile, answers: dict[str, PathKey], scales: dict[str, Scale], collector: _Collector
) -> None:
    """The follow-up questions: single, multiple or text, no routing, codes of their own."""
    extra = package.follow_up_questions
    if extra is None:
        return
    path: PathKey = ("follow_up_questions",)
    if extra.code in {s.code for s in package.questionnaire.sections}:
        collector.add((*path, "code"), f"section code '{extra.code}' is used by the questionnaire")
    _unique(collector, (*path, "questions"), [q.code for q in extra.questions], "question")
    for index, question in enumerate(extra.questions):
        q_path: PathKey = (*path, "questions", index)
        if question.type not in {"single", "multiple", "text"}:
            collector.add((*q_path, "type"), "a follow-up question is single, multiple or text")
        if question.show_if is not None:
            collector.add((*q_path, "show_if"), "a follow-up question is asked of everyone (no show_if)")
        if question.code in answers:
            collector.add((*q_path, "code"), f"question code '{question.code}' is used by the questionnaire")
        if question.type == "text" and not package.results.show_free_text:
            collector.add(
                (*q_path, "type"),
                "a free-text follow-up question needs results.show_free_text: true (else no one reads the answers)",
            )
        _check_question(question, q_path, scales, collector)


def _check_rest(
    package: PackageFile, measures: set[str], questions: set[str], package_codes: set[str], collector: _Collector
) -> None:
    # `measures`: score codes and answer codes (a matrix's items); `questions`: every
    # question code, a matrix's own included (a measure point may be a whole matrix).
    program = package.program
    _unique(collector, ("program", "blocks"), [b.code for b in program.blocks], "block")
    total = sum(b.minutes for b in program.blocks)
    if total != program.default_minutes:
        collector.add(
            ("program", "default_minutes"),
            f"default_minutes is {program.default_minutes} but the blocks add up to {total}",
        )
    seen: set[str] = set()
    for b_index, block in enumerate(program.blocks):
        for r_index, question in enumerate(block.reflection_questions):
            if question.code in seen:
                collector.add(
                    ("program", "blocks", b_index, "reflection_questions", r_index, "code"),
                    f"reflection question code '{question.code}' is used twice",
                )
            seen.add(question.code)
    _unique(collector, ("offers",), [o.code for o in package.offers], "offer")
    _unique(collector, ("help_contacts",), [h.code for h in package.help_contacts], "help contact")
    _unique(collector, ("reference_values",), [r.code for r in package.reference_values], "reference value")
    _unique(collector, ("sources",), [s.code for s in package.sources], "source")
    for index, offer in enumerate(package.offers):
        if offer.region is not None and offer.region not in REGION_CODES:
            collector.add(
                ("offers", index, "region"), f"unknown region '{offer.region}' (known: {', '.join(REGION_CODES)})"
            )
    for index, contact in enumerate(package.help_contacts):
        if contact.region is not None and contact.region not in REGION_CODES:
            collector.add(
                ("help_contacts", index, "region"),
                f"unknown region '{contact.region}' (known: {', '.join(REGION_CODES)})",
            )
    source_codes = {s.code for s in package.sources}
    for index, value in enumerate(package.reference_values):
        if value.source not in source_codes:
            collector.add(
                ("reference_values", index, "source"), f"unknown source '{value.source}'; list it under 'sources'"
            )
        if value.measure is not None and value.measure not in measures:
            collector.add(
                ("reference_values", index, "measure"),
                f"'{value.measure}' is not a score, question or item of this package",
            )
    for index, code in enumerate(package.results.sensitive):
        if code not in measures:
            collector.add(("results", "sensitive", index), f"'{code}' is not a score, question or item of this package")
    _unique(collector, ("measure_points",), [m.code for m in package.measure_points], "measure point")
    for index, point in enumerate(package.measure_points):
        if point.code not in measures and point.code not in questions:
            collector.add(
                ("measure_points", index, "code"), f"'{point.code}' is not a score, question or item of this package"
            )
    if package.sales is not None:
        _unique(collector, ("sales", "sample_items"), package.sales.sample_items, "sample item")
        for index, code in enumerate(package.sales.sample_items):
            if code not in measures and code not in questions:
                collector.add(("sales", "sample_items", index), f"'{code}' is not a question or item of this package")
    if package.follows_up is not None:
        if package.follows_up == package.code:
            collector.add(("follows_up",), "a package cannot follow up itself")
        elif package.follows_up not in package_codes:
            collector.add(("follows_up",), f"unknown package '{package.follows_up}'")
