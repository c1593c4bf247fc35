"""The one place that decides which clusters a login may reach.

Views never filter clusters themselves: they call these helpers. Another cluster's
objects answer 404, so their existence does not leak.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from .models import Cluster


def visible_clusters(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Cluster]:
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_staff:
        return Cluster.objects.all()
    return Cluster.objects.filter(assignments__user=user).distinct()


def cluster_for(user: AbstractBaseUser | AnonymousUser, code: str) -> Cluster:
    """The cluster with `code` if `user` may reach it; Http404 otherwise."""
    cluster = visible_clusters(user).select_related("region").filter(code=code).first()
    if cluster is None:
        raise Http404("Klyngen findes ikke.")
    return cluster
