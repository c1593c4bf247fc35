"""Reads of the members page."""

from __future__ import annotations

from typing import Any

from .models import Member, MemberChange


def uninvited_members(round_: Any) -> list[Member]:
    """The cluster's active members that an open round has not invited (what invite_late
    would invite)."""
    if not round_.is_open:
        return []
    return list(
        Member.objects.filter(practice__cluster_id=round_.order.cluster_id, active=True)
        .exclude(invitations__round=round_)
        .select_related("practice")
        .order_by("name")
    )


def open_rounds(cluster_id: int) -> list[Any]:
    from klyngepakke.surveys.models import Round

    return list(
        Round.objects.filter(order__cluster_id=cluster_id, closed_at__isnull=True)
        .select_related("order__package", "package_version")
        .order_by("opened_at")
    )


def members_page(cluster: Any) -> dict[str, Any]:
    members = list(
        Member.objects.filter(practice__cluster=cluster).select_related("practice").order_by("practice__name", "name")
    )
    rounds = [(round_, uninvited_members(round_)) for round_ in open_rounds(cluster.pk)]
    history = list(
        MemberChange.objects.filter(member__practice__cluster=cluster).select_related(
            "member", "by", "undoes", "undone_by"
        )[:100]
    )
    return {
        "cluster": cluster,
        "practices": list(cluster.practices.order_by("name")),
        "active_members": [m for m in members if m.active],
        "left_members": [m for m in members if not m.active],
        "open_rounds": rounds,
        "history": history,
    }
