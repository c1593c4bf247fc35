"""Extra rounds for the deck tests, on top of `base.meeting_country()`.

A large cluster (so most figures are published, not hidden) with a first round and a
follow-up, and a round below the group threshold (everything withheld).
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.surveys.models import Round
from tests import factories

from .base import FIRST, FOLLOW_UP, _backdate, answered_round

COLLABORATION = "samarbejde-og-faellesskab"


def large_follow_up(seed: int = 7) -> Round:
    """A 42-member cluster's follow-up round (34 answers), its first round a year earlier."""
    rng = random.Random(seed)
    today = timezone.localdate()
    cluster = factories.survey_cluster(members=42, solo=9, region_code="syddanmark")
    first = _backdate(answered_round(cluster, FIRST, rng, who5_mean=56.0, share=0.9), today - timedelta(days=330))
    cycle_services.record_meeting_held(first.order, today - timedelta(days=300), None)
    follow = answered_round(cluster, FOLLOW_UP, rng, who5_mean=66.0, share=0.81)
    cycle_services.plan_meeting(
        follow.order,
        meeting_date=today + timedelta(days=14),
        starts_at=time(15, 0),
        place="Praksishuset, store mødelokale på 1. sal",
        minutes=150,
        program_notes="Vi starter med en kort runde om, hvad der er sket siden sidst, og holder pausen lidt tidligere.",
        by=None,
    )
    follow.refresh_from_db()
    return follow


def withheld_round(seed: int = 11) -> Round:
    """A first-package round with 3 answers of 9: below k, so the group is withheld."""
    rng = random.Random(seed)
    cluster = factories.survey_cluster(members=9, solo=2, region_code="syddanmark")
    return answered_round(cluster, FIRST, rng, share=0.34)


def collaboration_round(seed: int = 5, members: int = 30) -> Round:
    """A round of the package whose reflection questions have solo rules and whose
    questionnaire has long answer labels and routed (partnership-only) questions."""
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=members, solo=6, region_code="nordjylland")
    return answered_round(cluster, COLLABORATION, random.Random(seed), share=0.9)
