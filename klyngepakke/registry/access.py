"""The one place that decides which clusters a login may reach.

Views never filter clusters themselves: they call these helpers. Another cluster's
objects answer 404, so their existence does not leak.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Cluster, ClusterAssignment, Member


def visible_clusters(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Cluster]:
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_staff:
        return Cluster.objects.all()
    return Cluster.objects.filter(assignments__user=user).distinct()


def can_manage(user: AbstractBaseUser | AnonymousUser, cluster: Cluster) -> bool:
    """Staff and the cluster's coordinators may order, open rounds and remind;
    facilitators only read."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return ClusterAssignment.objects.filter(
        user=user, cluster=cluster, role=ClusterAssignment.Role.COORDINATOR
    ).exists()


def cluster_for(user: AbstractBaseUser | AnonymousUser, code: str, *, manage: bool = False) -> Cluster:
    """The cluster with `code` if `user` may reach it; Http404 otherwise.

    With `manage=True` a user who may see the cluster but not manage it (a
    facilitator) gets 403: the cluster's existence is no secret to them.
    """
    cluster = visible_clusters(user).select_related("region").filter(code=code).first()
    if cluster is None:
        raise Http404("Klyngen findes ikke.")
    if manage and not can_manage(user, cluster):
        raise PermissionDenied("Kun klyngens koordinatorer og operatørens konsulenter kan gøre dette.")
    return cluster


def member_for(user: AbstractBaseUser | AnonymousUser, code: str, member_id: int) -> tuple[Cluster, Member]:
    """A member of a cluster `user` may manage (its coordinators, staff): 404 for a
    member of another cluster, 403 for a facilitator (members are maintained, not read,
    on the members page; the cluster page lists them)."""
    cluster = cluster_for(user, code, manage=True)
    member = Member.objects.select_related("practice").filter(pk=member_id, practice__cluster=cluster).first()
    if member is None:
        raise Http404("Medlemmet findes ikke.")
    return cluster, member


def can_undo_member_changes(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Only the operator's staff undo a member change (the coordinator re-admits a member
    who left, or corrects an address, as a new change)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_import_registry(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The registry import is the operator's: staff only (their login has a second factor)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
