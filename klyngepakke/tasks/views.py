from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .selectors import health as health_report


@require_GET
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers and the scheduler
    and a worker have beaten recently, else 503. No login; no personal data."""
    found = health_report()
    return JsonResponse(found.report, status=200 if found.healthy else 503)
