"""The server error page (settings: handler500 in klyngepakke/urls.py).

When the database cannot be reached (a restart, a fail-over) the answer is 503 with
Retry-After and a Danish page that says so, and to a respondent that the answers already
saved are kept; nothing on these pages needs the database. Every other error stays a
500: a programming error is never dressed up as "try again later".
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from klyngepakke.support.database import unreachable

# Long enough for a PostgreSQL restart or a fail-over, short enough for a respondent.
RETRY_AFTER_SECONDS = 30
RESPONDENT_VIEWS = "klyngepakke.surveys.respondent_views"

logger = logging.getLogger("django.request")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]  # Django calls this inside its handler of the exception
    if error is None or not unreachable(error):
        return defaults.server_error(request)
    html = loader.get_template("503.html").render({"respondent": _is_respondent(request)})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # An outage is one event, not an error e-mail to ADMINS per request in flight (the
    # health endpoint reports it): a warning with the class only, and Django's own
    # error log of this response is skipped.
    logger.warning("Database unreachable (503): %s %s", request.path, type(error).__name__)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _is_respondent(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "__module__", "") == RESPONDENT_VIEWS
