"""Reads of the members page (the open rounds a late member can be invited to are
surveys' business: `surveys.selectors.open_rounds`, `uninvited_members`)."""

from __future__ import annotations

from typing import Any

from .models import Member, MemberChange


def members_page(cluster: Any) -> dict[str, Any]:
    members = list(
        Member.objects.filter(practice__cluster=cluster).select_related("practice").order_by("practice__name", "name")
    )
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
        "history": history,
    }
