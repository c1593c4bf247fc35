"""Response headers that Django's SecurityMiddleware and django-csp do not set, the
visitor's language, and the refusal of NUL characters in requests."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Pages may hold member lists or survey results: no browser or shared cache may
        # keep them. Only responses marked public (WhiteNoise's static files) are cacheable.
        cache_control = response.get("Cache-Control", "")
        if not cache_control:
            add_never_cache_headers(response)
        elif "public" not in cache_control:
            patch_cache_control(response, no_store=True)
        return response


class LanguageMiddleware:
    """Danish unless the visitor chose English with the language switch (a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language, so a
    doctor with an English browser still meets the Danish questionnaire first, and
    staff pages never mix Danish text with English framework messages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


NUL = "\x00"
NUL_TITLE = "Ugyldigt tegn"
NUL_MESSAGE = (
    "Adressen eller formularen indeholder et nul-tegn (NUL), som ikke kan bruges. "
    "Intet er gemt. Gå tilbage, fjern tegnet (det kommer typisk med, når man kopierer tekst), og prøv igen."
)


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """Answers 400 with a Danish page for a NUL character in the path, the query string,
    the form data or a cookie, before any view, form or query sees the request.

    PostgreSQL refuses NUL in text, so it used to end as a 500 (with the statement, e.g.
    an invitation's answers, in the database log); SQLite would store it. Refusing it
    here covers every search box, list filter (the admin's ?q= too), form and survey
    answer in one place, on both databases. It sits before the session middleware: a
    session cookie is looked up in the database the first time anything reads the
    session (the login check, the page's menu), and Django's cookie parser turns a
    quoted `"\\000"` into a NUL, so `Cookie: sessionid="x\\000..."` was a 500 on every
    page. The refusal page is rendered without the session for the same reason.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or NUL in request.path_info or _has_nul(request.GET):
            return self.refuse(request)
        if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
            return self.refuse(request)
        if request.method == "POST" and _has_nul(request.POST):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        return render(request, "400.html", {"title": NUL_TITLE, "message": NUL_MESSAGE}, status=400)
