"""Package files cannot exhaust the loader: no anchors or aliases (a billion-laughs file
expands to gigabytes, a self-referencing alias never ends), a bounded size and a bounded
nesting depth. Each is refused quickly with file:line, before any tree is built."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from klyngepakke.core.yaml_source import MAX_BYTES, MAX_DEPTH, YamlSyntaxError, load_yaml, parse_yaml

# 13 lines; fully expanded, 9^9 (~387 million) strings.
BILLION_LAUGHS = """\
format: 1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
kind: package
code: bombe
title: Bombe
"""


def refused(text: str, name: str = "bombe.yaml") -> YamlSyntaxError:
    started = time.monotonic()
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text, name)
    assert time.monotonic() - started < 5, "refused, but not quickly"
    assert caught.value.file == name
    return caught.value


def test_billion_laughs_is_refused_at_its_first_anchor() -> None:
    error = refused(BILLION_LAUGHS)
    assert error.line == 2
    assert error.message == "anchors (&a) are not allowed in package files"
    assert str(error) == "bombe.yaml:2: anchors (&a) are not allowed in package files"


def test_a_self_referencing_alias_is_refused() -> None:
    error = refused("format: 1\nkind: package\nloop: &loop [1, *loop]\n")
    assert error.line == 3
    assert "are not allowed in package files" in error.message


def test_an_alias_to_an_undefined_anchor_is_refused_by_its_line() -> None:
    error = refused("format: 1\ntitle: *nowhere\n")
    assert error.line == 2


def test_an_anchor_without_any_alias_is_refused_too() -> None:
    error = refused("format: 1\ntitle: &t Trivsel\n")
    assert (error.line, error.message) == (2, "anchors (&t) are not allowed in package files")


@pytest.mark.parametrize(
    "text",
    [
        "deep: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "deep: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "deep:\n" + "".join("  " * level + "- \n" for level in range(0, 200)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    error = refused(text)
    assert error.message == f"nested deeper than {MAX_DEPTH} levels"
    assert error.line is not None


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    data = parse_yaml(text, "dyb.yaml").data  # the document's mapping and 49 sequences: 50 levels
    for _ in range(MAX_DEPTH):
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == 1


def test_an_oversized_file_is_refused_without_reading_all_of_it(tmp_path: Path) -> None:
    path = tmp_path / "stor.yaml"
    line = "- " + "x" * 98 + "\n"  # 101 bytes a line
    path.write_text("items:\n" + line * (2 * MAX_BYTES // len(line)), encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(path, "packages/stor.yaml")
    error = caught.value
    assert error.message == "file is larger than 1024 KiB (the limit for a package file)"
    assert error.line == 1 + (MAX_BYTES - len("items:\n")) // len(line) + 1
    assert str(error).startswith(f"packages/stor.yaml:{error.line}: file is larger than")


def test_the_size_limit_counts_bytes_not_characters() -> None:
    text = "title: " + "æ" * (MAX_BYTES // 2) + "\n"  # fewer characters than MAX_BYTES, more bytes
    assert len(text) < MAX_BYTES < len(text.encode("utf-8"))
    assert refused(text).message.startswith("file is larger than")
