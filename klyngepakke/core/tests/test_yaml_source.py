"""YAML loading with line tracking (klyngepakke/core/yaml_source.py). Pure Python, no Django."""

from __future__ import annotations

from pathlib import Path

import pytest

from klyngepakke.core.yaml_source import PathKey, YamlSyntaxError, load_yaml, parse_yaml

DOCUMENT = """\
# a comment on line 1
format: 1
title: Pakke
sections:
  - code: first
    questions:
      - code: a
        text: Spørgsmål A

      - code: b
        text: >-
          Spørgsmål B,
          over to linjer
  - {code: second, questions: []}
"""


def test_values_are_read_as_plain_data() -> None:
    source = parse_yaml(DOCUMENT, "pakke.yaml")

    assert source.file == "pakke.yaml"
    assert source.data["format"] == 1
    assert source.data["sections"][0]["questions"][1]["text"] == "Spørgsmål B, over to linjer"
    assert source.data["sections"][1] == {"code": "second", "questions": []}


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("format",), 2),
        (("title",), 3),
        (("sections",), 5),  # a sequence starts at its first "-" entry
        (("sections", 0), 5),  # a mapping starts at its first key
        (("sections", 0, "code"), 5),
        (("sections", 0, "questions", 0), 7),
        (("sections", 0, "questions", 1), 10),  # blank lines are counted
        (("sections", 0, "questions", 1, "text"), 11),  # a folded block starts at its indicator
        (("sections", 1), 14),
        (("sections", 1, "code"), 14),
    ],
)
def test_line_numbers_are_1_based_and_point_at_the_node(path: PathKey, line: int) -> None:
    assert parse_yaml(DOCUMENT, "pakke.yaml").line_of(path) == line


def test_line_of_a_missing_path_falls_back_to_the_deepest_existing_parent() -> None:
    source = parse_yaml(DOCUMENT, "pakke.yaml")

    assert source.line_of(("sections", 0, "questions", 1, "scale")) == 10
    assert source.line_of(("sections", 7, "code")) == 5
    assert source.line_of(("nothing", "here")) == 2  # the document itself starts at line 2
    assert source.line_of(()) == 2


def test_duplicate_keys_are_rejected_with_the_line_of_the_second_key() -> None:
    text = "code: a\ntitle: Første\nsections:\n  - code: x\n    code: y\n"

    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text, "dublet.yaml")

    assert caught.value.file == "dublet.yaml"
    assert caught.value.line == 5
    assert caught.value.message == "duplicate key 'code'"
    assert str(caught.value) == "dublet.yaml:5: duplicate key 'code'"


def test_duplicate_top_level_key_is_rejected() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("title: A\nsummary: B\ntitle: C\n", "dublet.yaml")

    assert caught.value.line == 3
    assert caught.value.message == "duplicate key 'title'"


def test_duplicate_key_in_a_flow_mapping_is_rejected() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("options:\n  - {code: a, label: A, code: b}\n", "flow.yaml")

    assert caught.value.line == 2
    assert caught.value.message == "duplicate key 'code'"


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("format: 1\ntitle: Samarbejde: og: fællesskab\n", "fejl.yaml")

    assert caught.value.line == 2
    assert caught.value.message == "YAML syntax: mapping values are not allowed in this context"


def test_unclosed_flow_sequence_is_a_syntax_error() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("format: 1\nitems: [a, b\ntitle: x\n", "fejl.yaml")

    assert caught.value.line is not None
    assert caught.value.message.startswith("YAML syntax: ")


def test_non_scalar_keys_are_rejected() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("format: 1\n? [a, b]\n: value\n", "noegle.yaml")

    assert caught.value.line == 2
    assert caught.value.message == "mapping keys must be plain text"


def test_empty_file_is_an_error() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("# only a comment\n", "tom.yaml")

    assert caught.value.line == 1
    assert caught.value.message == "file is empty"


def test_scalars_keep_yaml_types() -> None:
    data = parse_yaml('a: 1\nb: 1.5\nc: true\nd: null\ne: "2026.1"\nf: 2026.1\n', "t.yaml").data

    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2026.1", "f": 2026.1}


def test_load_yaml_reads_utf8_and_uses_the_display_name(tmp_path: Path) -> None:
    path = tmp_path / "pakke.yaml"
    path.write_text("title: Trivsel og arbejdsglæde\n", encoding="utf-8")

    source = load_yaml(path, "packages/pakke.yaml")

    assert source.file == "packages/pakke.yaml"
    assert source.data == {"title": "Trivsel og arbejdsglæde"}
    assert load_yaml(path).file == str(path)


def test_load_yaml_rejects_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Trivsel og arbejdsglæde\n".encode("latin-1"))

    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(path, "packages/latin1.yaml")

    assert caught.value.file == "packages/latin1.yaml"
    assert caught.value.line is None
    assert caught.value.message.startswith("file is not UTF-8")
