"""Reads from the registry."""

from __future__ import annotations

from typing import Any

from .models import Cluster, ClusterAssignment, Member


def cluster_overview(cluster: Cluster) -> dict[str, Any]:
    practices = list(cluster.practices.order_by("name"))
    members = list(
        Member.objects.filter(practice__cluster=cluster).select_related("practice").order_by("practice__name", "name")
    )
    assignments = list(
        ClusterAssignment.objects.filter(cluster=cluster).select_related("user").order_by("role", "user__username")
    )
    return {
        "cluster": cluster,
        "practices": practices,
        "members": members,
        "active_member_count": sum(1 for m in members if m.active),
        "solo_count": sum(1 for p in practices if p.kind == p.Kind.SOLO),
        "assignments": assignments,
    }
