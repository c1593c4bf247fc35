"""Shared helpers of the self-service ordering tests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import Order
from tests import factories


def today() -> date:
    return timezone.localdate()


def first_package() -> Package:
    return Package.objects.get(code="trivsel-og-arbejdsglaede")


def place(cluster=None, *, days_ahead: int = 40, by=None, **changes) -> Order:
    cluster = cluster or factories.survey_cluster(members=4, solo=1)
    data = ordering.OrderInput(meeting_date=today() + timedelta(days=days_ahead), **changes)
    return ordering.place_order(cluster, first_package(), data, by)
