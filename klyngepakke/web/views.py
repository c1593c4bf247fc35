from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from klyngepakke.catalogue.selectors import available_packages
from klyngepakke.registry.access import cluster_for, visible_clusters
from klyngepakke.registry.selectors import cluster_overview


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
    return render(request, "web/cluster_detail.html", cluster_overview(cluster))


@login_required
def package_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/package_list.html", {"packages": available_packages()})


@login_required
def package_detail(request: HttpRequest, code: str) -> HttpResponse:
    package = available_packages().filter(code=code).first()
    if package is None:
        raise Http404("Pakken findes ikke.")
    return render(request, "web/package_detail.html", {"package": package, "doc": package.current_version.document})
