"""A small country with closed rounds, for the materials tests.

One cluster ("the cluster") held the first package and its follow-up, with a planned
meeting; three more clusters in its region and one elsewhere closed the first package,
so region and country comparisons are shown. Answers are synthetic (the demo's
generator) and stored through the real submission service.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.demo.demo_answers import _Respondent, synthetic_answers
from klyngepakke.registry.models import Cluster, Practice
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import answer_rows
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.selectors import questionnaire_for
from tests import factories

FIRST = "trivsel-og-arbejdsglaede"
FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"


@dataclass(frozen=True)
class MeetingCountry:
    cluster: Cluster
    first_round: Round
    follow_up_round: Round
    other_rounds: tuple[Round, ...]


def answered_round(
    cluster: Cluster, package_code: str, rng: random.Random, *, who5_mean: float = 62.0, share: float = 0.85
) -> Round:
    """Open a round of `package_code` for `cluster`, let `share` of its members answer
    with synthetic answers around `who5_mean`, and close it."""
    round_ = factories.open_survey_round(cluster, package_code)
    questionnaire = questionnaire_for(round_)
    invitations = list(round_.invitations.select_related("member__practice").order_by("pk"))
    for invitation in invitations[: max(1, round(share * len(invitations)))]:
        kind = invitation.member.practice.kind
        who5 = min(100.0, max(0.0, rng.gauss(who5_mean - (5 if kind == Practice.Kind.SOLO else 0), 17)))
        z = (who5 - 62) / 17
        person = _Respondent(kind, who5, z, 0.65 * z + rng.gauss(0, 0.76), rng.gauss(0.25 * z, 0.9))
        rows = answer_rows(questionnaire, synthetic_answers(questionnaire, rng, person))
        assert services.store_submission(invitation.pk, rows).stored
    return services.close_round(round_, None)


def _backdate(round_: Round, closed: date) -> Round:
    closed_at = timezone.make_aware(timezone.datetime.combine(closed, time(23, 59)))
    Round.objects.filter(pk=round_.pk).update(
        opened_at=closed_at - timedelta(days=14), closes_at=closed_at, closed_at=closed_at
    )
    round_.refresh_from_db()
    return round_


def meeting_country(seed: int = 2026) -> MeetingCountry:
    factories.shipped_catalogue()
    rng = random.Random(seed)
    today = timezone.localdate()
    others = []
    for index, (region, mean) in enumerate(
        [("syddanmark", 60.0), ("syddanmark", 66.0), ("syddanmark", 58.0), ("hovedstaden", 64.0)]
    ):
        other = factories.survey_cluster(members=10 + index, solo=2, region_code=region)
        others.append(_backdate(answered_round(other, FIRST, rng, who5_mean=mean), today - timedelta(days=400 + index)))
    cluster = factories.survey_cluster(members=14, solo=3, region_code="syddanmark")
    first = _backdate(answered_round(cluster, FIRST, rng, who5_mean=57.0), today - timedelta(days=300))
    cycle_services.plan_meeting(
        first.order,
        meeting_date=today - timedelta(days=290),
        starts_at=time(16, 0),
        place="Lægehuset, Mødelokale 2",
        minutes=None,
        program_notes="Vi bruger 10 minutter ekstra på blok 2.",
        by=None,
    )
    cycle_services.record_meeting_held(first.order, today - timedelta(days=60), None)
    follow = answered_round(cluster, FOLLOW_UP, rng, who5_mean=64.0, share=0.8)
    cycle_services.plan_meeting(
        follow.order,
        meeting_date=today + timedelta(days=21),
        starts_at=time(16, 30),
        place="Sygehusets auditorium",
        minutes=180,
        program_notes="",
        by=None,
    )
    follow.refresh_from_db()
    first.refresh_from_db()
    assert Package.objects.filter(code=FOLLOW_UP).exists()
    return MeetingCountry(cluster, first, follow, tuple(others))
