"""A cluster taken through a first round, a meeting with decisions and a follow-up round
answered through the respondent pages: shared by the 'Opfølgning fra sidste møde' tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle
from klyngepakke.cycle.models import MeetingRecord, Order, PracticePlan
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

# Answers on the samarbejde package's "degree" scale (very_high 4 ... not_at_all 0).
BEFORE_Q1 = ["low", "low", "some", "some", "high", "low"]
AFTER_Q1 = ["high", "very_high", "some", "high", "high", "very_high"]
VALUES = {"very_high": 4, "high": 3, "some": 2, "low": 1, "not_at_all": 0}
CHANGED = ["yes_much", "yes_some", "yes_some", "not_yet", "yes_much", "dont_know"]
TEXTS = [
    "Vi holder fælles pause hver dag",
    "Ugentligt lægemøde",
    "Personalet har fået flere opgaver",
    "Vi har en fast dagsorden",
    "Ny mødestruktur",
    "Fælles frokost om torsdagen",
]


@dataclass
class Cycle:
    first: Round
    follow_up: Round
    order: Order


def answer(round_: Round, per_person: list[dict[str, Any]]) -> None:
    for invitation, overrides in zip(round_.invitations.order_by("pk"), per_person, strict=True):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"practice_type": "partnership", **overrides})
        assert respondent.submit().status_code == 200


def first_meeting(members: int = 6) -> tuple[Order, Round]:
    """A samarbejde round answered by everyone, closed, its meeting held, decisions and plans."""
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=members, solo=0)
    round_ = factories.open_survey_round(cluster, "samarbejde-og-faellesskab")
    answer(round_, [{"q1_leadership_effort": v} for v in BEFORE_Q1[:members]])
    round_ = services.close_round(round_, None)
    order = Order.objects.get(pk=round_.order_id)
    cycle.plan_meeting(
        order,
        meeting_date=timezone.localdate() - timedelta(days=3),
        place="Lægehuset",
        minutes=150,
        program_notes="",
        by=None,
    )
    order.refresh_from_db()
    cycle.record_meeting(
        order,
        cycle.MeetingFacts(
            held_on=timezone.localdate() - timedelta(days=3),
            minutes=180,
            format=MeetingRecord.Format.PHYSICAL,
            attendees=5,
            notes="",
        ),
        None,
    )
    order.refresh_from_db()
    package = Package.objects.get(code="samarbejde-og-faellesskab")
    cycle.save_decisions(
        order,
        cycle.DecisionInput(
            measure_points=[("q1_leadership_effort", "Flere svarer i høj grad"), ("q6_shared_breaks", "")],
            focus_areas=["Fælles pauser hver dag", "Et fast lægemøde"],
            follow_up_package=package,
            follow_up_on=timezone.localdate() + timedelta(days=200),
            topic_meetings="",
        ),
        None,
    )
    plans = cycle.ensure_plans(order)
    PracticePlan.objects.filter(pk=plans[0].pk).update(status=PracticePlan.Status.DONE)
    if len(plans) > 1:
        PracticePlan.objects.filter(pk=plans[1].pk).update(status=PracticePlan.Status.UNDER_WAY)
    return order, round_


def follow_up_order(order: Order, package_code: str) -> Order:
    """The follow-up ordered with `package_code`, linked to `order` (as order_follow_up links it)."""
    new = cycle.new_order(order.cluster, Package.objects.get(code=package_code), None)
    Order.objects.filter(pk=new.pk).update(follows_up=order)
    new.refresh_from_db()
    return new


def whole_cycle(
    package_code: str = "opfoelgning-trivsel-og-arbejdsglaede", texts: list[str] = TEXTS, answering: int = 6
) -> Cycle:
    order, first = first_meeting()
    new = follow_up_order(order, package_code)
    round_ = services.open_round(new, timezone.now() + timedelta(days=14), None)
    people = [
        {"q1_leadership_effort": q1, "practice_changed": changed, "practice_changes": text}
        for q1, changed, text in zip(AFTER_Q1, CHANGED, texts, strict=True)
    ]
    invited = list(round_.invitations.order_by("pk"))
    for invitation, overrides in zip(invited[:answering], people, strict=False):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"practice_type": "partnership", **overrides})
        assert respondent.submit().status_code == 200
    services.close_round(round_, None)
    round_.refresh_from_db()
    return Cycle(first=first, follow_up=round_, order=new)
