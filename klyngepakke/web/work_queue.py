"""The consultant's work queue: the staff home page.

What needs a person, section by section (new orders, planning calls asked for, rounds
with a low response rate near their close, meetings in the next 14 days and whether their
pack is ready, follow-ups due and overdue), filtered by region, package and order state
with a plain GET form (no JavaScript). Each section is one selector, one query each; a
new section is one more selector and one more entry in `_sections`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle.models import Order
from klyngepakke.registry.models import Region

from . import queue_calls as calls_queue
from . import queue_orders as cycle_queue
from . import queue_rounds as surveys_queue


class QueueFilterForm(forms.Form):
    region = forms.ChoiceField(label="Region", required=False)
    package = forms.ChoiceField(label="Pakke", required=False)
    state = forms.ChoiceField(label="Status", required=False, choices=[("", "Alle"), *list(Order.State.choices)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", "Alle"),
            *list(Region.objects.order_by("name").values_list("code", "name")),
        ]
        self.fields["package"].choices = [
            ("", "Alle"),
            *list(Package.objects.order_by("title").values_list("code", "title")),
        ]

    def queue_filter(self) -> surveys_queue.QueueFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return surveys_queue.QueueFilter(
            region=data.get("region", ""), package=data.get("package", ""), state=data.get("state", "")
        )


@dataclass(frozen=True)
class Section:
    key: str  # the template that renders its rows: web/queue/<key>.html
    title: str
    empty: str
    rows: list[Any]


def _sections(filters: surveys_queue.QueueFilter) -> list[Section]:
    today = timezone.localdate()
    return [
        Section("new_orders", "Nye bestillinger", "Ingen nye bestillinger.", surveys_queue.new_orders(filters)),
        Section("calls", "Ønskede opringninger", "Ingen venter på en opringning.", calls_queue.call_requests(filters)),
        Section(
            "low_rate",
            "Lav svarprocent tæt på lukning",
            "Ingen runder med lav svarprocent tæt på lukning.",
            surveys_queue.low_response_rounds(filters),
        ),
        Section(
            "meetings",
            f"Møder de næste {cycle_queue.MEETING_DAYS} dage",
            "Ingen møder de næste 14 dage.",
            cycle_queue.upcoming_meetings(filters, today),
        ),
        Section("follow_ups", "Opfølgning", "Ingen opfølgninger forfalder.", cycle_queue.follow_ups(filters, today)),
    ]


def work_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Kun for operatørens medarbejdere.")
    form = QueueFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.queue_filter() if request.GET else surveys_queue.QueueFilter()
    return render(
        request,
        "web/work_queue.html",
        {
            "form": form,
            "sections": _sections(filters),
            "filtered": filters != surveys_queue.QueueFilter(),
            "low_rate_percent": surveys_queue.LOW_RATE_PERCENT,
            "closing_soon_days": surveys_queue.CLOSING_SOON_DAYS,
            "follow_up_notice_days": cycle_queue.FOLLOW_UP_NOTICE_DAYS,
        },
        status=200 if valid else 400,
    )
