"""A worker renews its claim on an item while it works on it, so the lease can be
short: a worker killed with kill -9 holds its item for at most the lease (90 s), not
the 10 minutes it once was - bench/production_shape.py saw a round's materials wait for
that whole lease after a worker was killed mid-build.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.support import backoff
from klyngepakke.support.models import Backoff

# Renewals go through a connection of their own, and so must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def lease_of(duty: str, item: int):
    return Backoff.objects.get(duty=duty, item=item).leased_until


def test_a_long_item_keeps_its_claim_and_releases_it_after(monkeypatch):
    monkeypatch.setattr(backoff, "RENEW_EVERY", timedelta(seconds=0.2))
    seen: list = []

    def work(item: int) -> bool:
        seen.append(lease_of("slow_duty", item))
        time.sleep(1.0)  # five renewals
        seen.append(lease_of("slow_duty", item))
        # Meanwhile the item stays claimed: another worker cannot take it.
        seen.append(backoff.claim("slow_duty", item))
        return True

    report = backoff.run_items("slow_duty", [7], work)
    assert report.done == 1
    first, later, taken_by_another = seen
    assert later >= first + timedelta(seconds=0.6)
    assert taken_by_another is False
    assert not Backoff.objects.filter(duty="slow_duty").exists()  # released


def test_a_claim_not_renewed_runs_out_after_the_lease():
    assert backoff.claim("slow_duty", 8)
    assert lease_of("slow_duty", 8) <= timezone.now() + backoff.LEASE
    # The worker was killed: nothing renews it; within the lease no one else takes it,
    # after it another worker does.
    assert not backoff.claim("slow_duty", 8, now=timezone.now() + backoff.LEASE - timedelta(seconds=5))
    assert backoff.claim("slow_duty", 8, now=timezone.now() + backoff.LEASE + timedelta(seconds=1))
