"""Helpers for the registry tests: build CSV text and take a snapshot of the registry."""

from __future__ import annotations

from klyngepakke.registry.csv_format import COLUMNS
from klyngepakke.registry.models import Cluster, Member, Practice

HEADER = ";".join(COLUMNS)


def csv_text(*rows: str, header: str = HEADER, delimiter: str = ";") -> str:
    """A CSV file from ';'-separated rows (converted when `delimiter` differs)."""
    lines = [header, *rows]
    if delimiter != ";":
        lines = [line.replace(";", delimiter) for line in lines]
    return "\n".join(lines) + "\n"


# A small valid registry: two clusters in two regions, three practices, four members.
VESTFYN = "syddanmark;vestfyn;Klynge Vestfyn"
VF01 = f"{VESTFYN};vf-01;Lægehuset Østergade;kompagniskab;2"
GOOD_ROWS = (
    f"{VF01};Søren Ærø;soeren@laege.example;praktiserende læge;ja",
    f"{VF01};Åse Bøgh;aase@laege.example;uddannelseslæge;ja",
    f"{VESTFYN};vf-02;Læge Jens Holm;solo;1;Jens Holm;jens@laege.example;praktiserende læge;ja",
    "hovedstaden;amager-oest;Klynge Amager Øst;ao-01;Lægerne Torvet;kompagniskab;3;"
    "Mette Lund;mette@laege.example;ansat læge;nej",
)


def snapshot() -> dict[str, list[tuple]]:
    """Every value the import can touch, to compare before and after."""
    return {
        "clusters": list(Cluster.objects.order_by("code").values_list("code", "name", "region__code")),
        "practices": list(
            Practice.objects.order_by("code").values_list("code", "name", "kind", "doctor_count", "cluster__code")
        ),
        "members": list(
            Member.objects.order_by("email").values_list("email", "name", "role", "active", "practice__code")
        ),
    }
