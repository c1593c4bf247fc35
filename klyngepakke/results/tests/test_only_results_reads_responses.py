"""Only the results layer reads stored responses (issue 4: "the only reader of responses").

A static check over the product's source: outside klyngepakke/results/ no module imports
the Answer or Response models, queries them through a manager or a reverse relation, or
aggregates over them in a lookup. The write paths are allowed by name, below.
Tests and migrations are not product code and are not scanned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # .../klyngepakke
ROOT = PACKAGE.parent

# The only modules outside the results layer that may touch Answer/Response rows, and why.
ALLOWED = {
    # Defines the models (related_name="responses"/"answers"); models.py registers them.
    "klyngepakke/surveys/models.py",
    "klyngepakke/surveys/response_models.py",
    # Stores a submission; at close re-stores a round's rows in random order (rewrite, no output).
    "klyngepakke/surveys/services.py",
    # Writes the demo history and digests it to prove a re-run changes nothing (no output).
    "klyngepakke/demo/demo_writer.py",
}

RESPONSE_MODELS = {"Answer", "Response"}
RESPONSE_MODULES = ("surveys.models", "surveys.response_models")
QUERY_METHODS = (
    r"(all|filter|exclude|get|count|values|values_list|aggregate|annotate|exists|first|last|iterator|in_bulk)"
)
PATTERNS = [
    re.compile(r"\b(Answer|Response)\.objects\b"),
    re.compile(r"\.(answers|responses)\." + QUERY_METHODS + r"\b"),
    # Lookups and aggregates through the reverse relations: Count("responses"),
    # filter(responses__...), values("answers__code") ...
    re.compile(r"""["'](answers|responses)(__\w+)?["']"""),
    re.compile(r"""\b(answers|responses)__\w+\s*="""),
]


def product_modules() -> list[Path]:
    skip = {"tests", "migrations"}
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if not skip & set(p.relative_to(PACKAGE).parts[:-1]) and p.relative_to(PACKAGE).parts[0] != "results"
    )


def violations(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source, filename=rel)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(RESPONSE_MODULES):
            for alias in node.names:
                if alias.name in RESPONSE_MODELS or alias.name == "*":
                    found.append(f"{rel}:{node.lineno}: imports {alias.name} from {node.module}")
        relative = isinstance(node, ast.ImportFrom) and node.module in ("models", "response_models") and node.level == 1
        if relative and "surveys" in rel:
            for alias in node.names:
                if alias.name in RESPONSE_MODELS or alias.name == "*":
                    found.append(f"{rel}:{node.lineno}: imports {alias.name} from .{node.module}")
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for pattern in PATTERNS:
            if pattern.search(code):
                found.append(f"{rel}:{number}: {line.strip()}")
                break
    return found


def test_the_scan_sees_the_product_and_the_allowed_writers():
    scanned = {p.relative_to(ROOT).as_posix() for p in product_modules()}
    assert scanned >= ALLOWED, "an allowed module moved: update the allow-list"
    assert "klyngepakke/surveys/views.py" in scanned or "klyngepakke/surveys/respondent_views.py" in scanned
    # The check does find the reads it is meant to find.
    assert violations(PACKAGE / "surveys" / "services.py")
    assert violations(PACKAGE / "results" / "responses.py")


def test_no_module_outside_the_results_layer_reads_responses():
    found = [v for p in product_modules() if p.relative_to(ROOT).as_posix() not in ALLOWED for v in violations(p)]
    assert not found, "Answer/Response rows read outside klyngepakke/results/:\n" + "\n".join(found)
