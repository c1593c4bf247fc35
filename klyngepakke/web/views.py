from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from klyngepakke.cycle.models import Order
from klyngepakke.registry.access import can_manage, cluster_for, visible_clusters
from klyngepakke.registry.selectors import cluster_overview
from klyngepakke.surveys.selectors import orders_for_cluster

from .work_queue import work_queue

# The states whose order page has "Efter mødet" (the meeting, decisions and plans).
AFTER_SURVEY = (
    Order.State.SURVEY_CLOSED,
    Order.State.MEETING_HELD,
    Order.State.FOLLOW_UP_DUE,
    Order.State.DONE,
)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff: the work queue (web/work_queue.py). Others: their clusters."""
    if request.user.is_staff:
        return work_queue(request)
    return cluster_list(request)


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    """Every visible cluster, alphabetically by region and name, with a search."""
    clusters = (
        visible_clusters(request.user)
        .select_related("region")
        .annotate(
            practice_count=Count("practices", distinct=True),
            member_count=Count("practices__members", distinct=True),
        )
    )
    query = request.GET.get("q", "").strip()
    if query:
        clusters = clusters.filter(name__icontains=query)
    page = Paginator(clusters.order_by("region__name", "name"), 50).get_page(request.GET.get("side"))
    return render(request, "web/home.html", {"page": page, "query": query})


@login_required
def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    cluster = cluster_for(request.user, code)
    context = cluster_overview(cluster)
    # Facilitators see the orders but not the links to the pages that manage them.
    context["orders"] = orders_for_cluster(cluster.pk)
    context["can_manage"] = can_manage(request.user, cluster)
    # A facilitator records the meeting, decisions and plans: those pages are linked here.
    context["after_meeting_states"] = AFTER_SURVEY
    return render(request, "web/cluster_detail.html", context)
