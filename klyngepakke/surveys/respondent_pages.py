"""Rendering the questionnaire's pages: the markup once, the respondent's answers per request.

A section page is the same for everyone who meets that section on the same route in the
same language, but for the CSRF token, which options are checked and what the text
boxes hold; the review page likewise but for the answers shown. So the templates are
rendered with markers in exactly those places, the result is kept in this process per
(package version, page, route, language), and each request only fills in its own values
(one regular-expression pass). A version used by a round never changes, and the cached
markup is dropped when its template is reloaded, so what is served is what the template
renders. Pages with validation messages are rendered the same way, just not kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import escape

# A marker is NUL, a kind letter, a colon, an argument and NUL. Codes are slugs and the
# markup is HTML, so neither ever contains NUL; escaping leaves markers as they are.
_MARKER = re.compile("\x00([a-z]):([^\x00]*)\x00")
_SEP = "\x01"
CSRF = "\x00k:\x00"


def checked(code: str, option: str) -> str:
    """Where " checked" goes if the answer to `code` is (or includes) `option`."""
    return f"\x00c:{code}{_SEP}{option}\x00"


def text(code: str) -> str:
    """Where the (escaped) text answered to `code` goes."""
    return f"\x00t:{code}\x00"


def answer(question: str, code: str) -> str:
    """Where the review shows the answer to `code` (of question `question`)."""
    return f"\x00a:{question}{_SEP}{code}\x00"


class _Path:
    """Stands in for the request in the rendering context: the templates use its path."""

    def __init__(self, path: str) -> None:
        self.path = path


_PAGES: dict[Hashable, tuple[Any, str]] = {}
_MAX_PAGES = 512


def markup(template_name: str, path: str, context: Callable[[], dict[str, Any]], key: Hashable | None) -> str:
    """The page's markup with markers; kept under `key` unless that is None.

    `key` must determine everything `context()` returns (and the active language and
    path are added to it here).
    """
    from django.utils.translation import get_language

    template = get_template(template_name)
    # The compiled template (the cached loader's; a new one after the loaders are reset
    # because a template was edited while developing, and then the page is rendered again).
    compiled = getattr(template, "template", template)
    full_key = None if key is None else (template_name, key, path, get_language())
    if full_key is not None:
        hit = _PAGES.get(full_key)
        if hit is not None and hit[0] is compiled:
            return hit[1]
    rendered = template.render({**context(), "request": _Path(path), "csrf_token": CSRF})
    if full_key is not None:
        if len(_PAGES) >= _MAX_PAGES:
            _PAGES.clear()
        _PAGES[full_key] = (compiled, rendered)
    return rendered


def fill(request: HttpRequest, page: str, answers: Mapping[str, Any], show: Callable[[str, Any], str]) -> str:
    """Put the request's CSRF token and the respondent's answers into the markers.

    `show(question_code, value)` is the review's text for an answer (not yet escaped).
    """
    token: list[str] = []

    def value(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "k":
            if not token:
                token.append(get_token(request))
            return token[0]
        if kind == "c":
            code, option = argument.split(_SEP)
            given = answers.get(code)
            return " checked" if given == option or (isinstance(given, list) and option in given) else ""
        if kind == "t":
            return escape(answers.get(argument) or "")
        question, code = argument.split(_SEP)
        return escape(show(question, answers.get(code)))

    return _MARKER.sub(value, page)


def respond(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict[str, Any]],
    answers: Mapping[str, Any],
    *,
    key: Hashable | None,
    show: Callable[[str, Any], str] = lambda question, value: "",
    status: int = 200,
) -> HttpResponse:
    page = markup(template_name, request.path, context, key)
    return HttpResponse(fill(request, page, answers, show), status=status)
