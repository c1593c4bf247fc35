"""A follow-up round's composed questionnaire is fixed when the round opens: later
corrections of the decisions, or a new package version, do not change what the round
asks or how its results read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle.models import MeasurePoint
from klyngepakke.results.selectors import round_results
from klyngepakke.surveys import services
from klyngepakke.surveys.selectors import questionnaire_for

from .meeting_follow_up_support import first_meeting, follow_up_order

pytestmark = pytest.mark.django_db


def test_the_composed_questionnaire_is_frozen_at_open():
    order, _first = first_meeting()
    new = follow_up_order(order, "opfoelgning-trivsel-og-arbejdsglaede")
    round_ = services.open_round(new, timezone.now() + timedelta(days=14), None)
    stored = round_.document
    assert stored is not None
    assert round_.document_hash
    sections = [s["code"] for s in stored["questionnaire"]["sections"]]
    assert sections[-2:] == ["follow_up_measure_points", "changes_since_meeting"]

    # The decision is corrected after the round opened: the round asks what it asked.
    MeasurePoint.objects.filter(decision__order=order, code="q6_shared_breaks").delete()
    round_.refresh_from_db()
    assert round_.document == stored
    assert "q6_lunch" in questionnaire_for(round_).questions["q6_shared_breaks"].answer_codes

    services.close_round(round_, None)
    round_.refresh_from_db()
    results = round_results(round_)
    assert "q6_shared_breaks" in results.questionnaire.questions
    assert "practice_changed" in results.questionnaire.questions


def test_a_round_of_an_order_that_follows_up_nothing_asks_its_package():
    _order, first = first_meeting()
    assert first.document is None
    assert first.document_hash == ""
    assert first.questionnaire_document == first.package_version.document


def test_a_follow_up_with_the_same_package_adds_only_the_follow_up_questions():
    order, _first = first_meeting()
    new = follow_up_order(order, "samarbejde-og-faellesskab")
    round_ = services.open_round(new, timezone.now() + timedelta(days=14), None)
    assert round_.document["follow_up"]["added_items"] == []
    codes = [s["code"] for s in round_.document["questionnaire"]["sections"]]
    assert "follow_up_measure_points" not in codes
    assert codes[-1] == "changes_since_meeting"
