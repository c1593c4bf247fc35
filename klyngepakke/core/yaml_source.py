"""YAML loading that remembers where every value came from.

Validation errors must name the file, the path inside it and the line, so the loader
keeps a map from each path (a tuple of keys and indexes) to the 1-based line of the
node it was read from.

Package files are plain data, so the loader refuses what only an attacker needs:
anchors and aliases (a few nested aliases expand to gigabytes, a self-referencing one
never ends), files over MAX_BYTES and nesting deeper than MAX_DEPTH. All three are
checked on the event stream before any tree is built, each with its file:line; so are
characters YAML cannot hold (a NUL), before the stream is read at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50


@dataclass
class SourceDocument:
    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest node on `path` that exists in the file."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


class YamlSyntaxError(Exception):
    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (a silent overwrite loses data)."""


_SCALARS = _StrictLoader("")
# libyaml's composer is several times faster; scalars are still built by the safe loader.
_COMPOSER = getattr(yaml, "CSafeLoader", _StrictLoader)


def _build(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError(file, key_node.start_mark.line + 1, "mapping keys must be plain text")
            name = str(key_node.value)
            if name in result:
                raise YamlSyntaxError(file, key_node.start_mark.line + 1, f"duplicate key '{name}'")
            result[name] = _build(value_node, (*path, name), lines, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, (*path, index), lines, file) for index, child in enumerate(node.value)]
    return _SCALARS.construct_object(node, deep=True)


def _too_large(file: str, head: bytes) -> YamlSyntaxError:
    line = head[:MAX_BYTES].count(b"\n") + 1
    return YamlSyntaxError(file, line, f"file is larger than {MAX_BYTES // 1024} KiB (the limit for a package file)")


def load_yaml(path: Path, display_name: str | None = None) -> SourceDocument:
    name = display_name or str(path)
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)  # never more than the limit into memory
    if len(raw) > MAX_BYTES:
        raise _too_large(name, raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(name, None, f"file is not UTF-8 ({exc.reason})") from exc
    return parse_yaml(text, name)


def _syntax_error(file: str, exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    return YamlSyntaxError(file, line, f"YAML syntax: {exc.problem or exc}")


def _check_events(text: str, file: str) -> None:
    """Refuse anchors, aliases and deep nesting, reading events only (no tree, no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=_COMPOSER):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            raise YamlSyntaxError(file, line, f"aliases (*{event.anchor}) are not allowed in package files")
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise YamlSyntaxError(file, line, f"anchors (&{event.anchor}) are not allowed in package files")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(file, line, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_characters(text: str, file: str) -> None:
    """Refuse what YAML cannot hold (control characters such as NUL, lone surrogates) by
    its line: the reader's own error has no line (libyaml counts a byte offset)."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        message = f"control character U+{ord(bad.group()):04X} is not allowed in a package file"
        raise YamlSyntaxError(file, line, message)


def parse_yaml(text: str, file: str) -> SourceDocument:
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_BYTES:
        raise _too_large(file, encoded)
    _check_characters(text, file)
    try:
        _check_events(text, file)
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(file, exc) from exc
    except yaml.YAMLError as exc:  # the reader's errors carry no mark
        raise YamlSyntaxError(file, None, f"YAML: {exc}") from exc
    if node is None:
        raise YamlSyntaxError(file, 1, "file is empty")
    lines: dict[PathKey, int] = {}
    data = _build(node, (), lines, file)
    return SourceDocument(file=file, data=data, lines=lines)
