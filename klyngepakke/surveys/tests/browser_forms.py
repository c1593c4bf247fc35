"""Reads a form out of an HTML page the way a browser submits it, for tests that re-post
"exactly what the form shows".

A browser applies the HTML value sanitization algorithm to date and time inputs: a value
that is not a valid ISO date (yyyy-mm-dd) or time (hh:mm[:ss[.fff]]) is shown and sent
as the empty string. The Django test client alone would re-post the raw attribute.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VALID = {
    "date": re.compile(r"^\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    "time": re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$"),
}
UNSENT_TYPES = {"submit", "button", "reset", "image", "file"}


def sanitized(input_type: str, value: str) -> str:
    pattern = VALID.get(input_type)
    if pattern is not None and not pattern.match(value):
        return ""
    return value


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str, str]]] = []  # (name, type, value) per field
        self._form: list[tuple[str, str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in UNSENT_TYPES or (kind in {"checkbox", "radio"} and "checked" not in a):
                return
            self._form.append((a["name"], kind, sanitized(kind, a.get("value", "on" if kind == "checkbox" else ""))))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select is not None and "selected" in a:
            self._form.append((self._select, "select", a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            self._form.append((self._textarea, "textarea", text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[list[tuple[str, str, str]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(html: str, **hidden: str) -> dict[str, list[str]]:
    """The data a browser would submit from the one form whose hidden fields match `hidden`
    (e.g. action="plan"), untouched."""
    matching = [
        form for form in forms_of(html) if all((name, "hidden", value) in form for name, value in hidden.items())
    ]
    assert len(matching) == 1, f"{len(matching)} forms match {hidden}"
    data: dict[str, list[str]] = {}
    for name, _kind, value in matching[0]:
        data.setdefault(name, []).append(value)
    return data


def input_values(html: str, input_type: str) -> dict[str, str]:
    """name -> raw value attribute of every <input type=input_type> (before sanitizing)."""
    found: dict[str, str] = {}

    class _Raw(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "input" and a.get("type") == input_type and a.get("name"):
                found[a["name"]] = a.get("value", "")

    _Raw().feed(html)
    return found
