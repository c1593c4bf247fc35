"""Rounds are named for people, never by database id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.formats import danish_date
from klyngepakke.surveys import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_first_round_then_a_dated_one_and_a_follow_up(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    assert round_.display_name == "1. måling"
    services.close_round(round_, None)
    again = services.open_round(round_.order, timezone.now() + timedelta(days=10), None)
    assert again.display_name == f"Måling {danish_date(again.opened_at)}"
    follow_up_round = factories.open_survey_round(round_.order.cluster, "opfoelgning-trivsel-og-arbejdsglaede")
    order = follow_up_round.order
    order.follows_up = round_.order
    order.save(update_fields=["follows_up"])
    follow_up_round.refresh_from_db()
    assert follow_up_round.display_name == "Opfølgning"
