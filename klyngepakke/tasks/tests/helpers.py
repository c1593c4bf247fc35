"""Rounds in the states the duties act on."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Round
from tests import factories


def due_round(members: int = 3) -> Round:
    """An open round whose closing time has just passed."""
    round_ = factories.open_survey_round(factories.survey_cluster(members=members, solo=1))
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    round_.refresh_from_db()
    return round_


def closed_round(members: int = 3) -> Round:
    round_ = factories.open_survey_round(factories.survey_cluster(members=members, solo=1))
    return services.close_round(round_, None)


def follow_up_due(members: int = 3) -> Order:
    """An order whose meeting is held and whose follow-up date is today."""
    round_ = closed_round(members)
    return cycle_services.record_meeting_held(round_.order, timezone.localdate(), None)


def broken_closed_round() -> Round:
    """A closed round whose package version document has been damaged, so anything
    built from it (aggregates, materials) raises."""
    from klyngepakke.catalogue.models import PackageVersion

    cluster = factories.survey_cluster(members=3, solo=1)
    package = factories.package()
    order = cycle_services.new_order(cluster, package, None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=14), None)
    services.close_round(round_, None)
    PackageVersion.objects.filter(pk=round_.package_version_id).update(document={"code": package.code})
    return Round.objects.get(pk=round_.pk)
