"""Prototype of a recommended app change, measured by the benchmark; not the app.

.venv/bin/python bench/survey_load.py --app-settings bench.experiments.tuned_cache_settings
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings


class TunedConfig(AppConfig):
    name = "bench.experiments"
    label = "bench_experiments"

    def ready(self) -> None:
        # The data-access prototype measured here first is now part of the app
        # (surveys/selectors.py invitation_by_id, surveys/services.py save_partial).
        if getattr(settings, "BENCH_PAGE_CACHE", False):
            _cache_fresh_section_pages()


def _cache_fresh_section_pages() -> None:
    """Upper bound of what caching rendered question markup would save.

    A section page seen for the first time (no answers on it, no errors) is the same
    for everyone on the same route but for the CSRF token: keep the rendered page per
    (questionnaire section, language, route, path) and put the request's token in.
    """
    import re

    from django.http import HttpRequest, HttpResponse
    from django.middleware.csrf import get_token
    from django.utils.translation import get_language

    from klyngepakke.surveys import respondent_views

    token_re = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    placeholder = b"\0csrf\0"
    pages: dict[tuple[Any, ...], bytes] = {}
    render_page = respondent_views._page

    def fresh(context: dict[str, Any]) -> bool:
        return not context.get("errors") and not any(
            entry["value"] or any(item["value"] for item in entry["items"]) for entry in context["questions"]
        )

    def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        if template != "surveys/respondent/section.html" or not fresh(context):
            return render_page(request, template, context, status)
        key = (
            id(context["section"]),
            get_language(),
            tuple(entry["q"].code for entry in context["questions"]),
            context["step"],
            context["steps"],
            request.path,
        )
        cached = pages.get(key)
        if cached is None:
            response = render_page(request, template, context, status)
            found = token_re.search(response.content)
            if found:
                pages[key] = response.content.replace(found.group(1), placeholder)
            return response
        response = HttpResponse(cached.replace(placeholder, get_token(request).encode()), status=status)
        response["Referrer-Policy"] = respondent_views.PAGE_REFERRER_POLICY
        return response

    respondent_views._page = page
