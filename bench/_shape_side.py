"""Django-side steps of bench/production_shape.py, run in subprocesses:

    python -m bench._shape_side setup --count N --tokens FILE
    python -m bench._shape_side close-now
    python -m bench._shape_side state --out FILE

Kept apart from the driver so the driver never imports Django.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

PACKAGE = "samarbejde-og-faellesskab"


def setup(count: int, tokens: Path) -> None:
    """The load's round (bench._django_side), plus an order whose follow-up is due."""
    from django.utils import timezone

    from bench._django_side import setup_app
    from klyngepakke.catalogue.models import Package
    from klyngepakke.cycle import services as cycle_services
    from klyngepakke.registry.models import Cluster, Member, Practice, Region
    from klyngepakke.surveys import services

    setup_app(PACKAGE, count, tokens)
    cluster = Cluster.objects.create(
        code="opfoelgning", name="Opfølgning", region=Region.objects.get(code="midtjylland")
    )
    practice = Practice.objects.create(code="opf-1", name="Lægehuset", cluster=cluster, doctor_count=2)
    Member.objects.create(email="opf1@bench.test", name="Læge O", practice=practice)
    order = cycle_services.new_order(cluster, Package.objects.get(code=PACKAGE), None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=14), None)
    services.close_round(round_, None)
    cycle_services.record_meeting_held(order, timezone.localdate(), None)


def close_now() -> None:
    """Time passes: the load's round is due to close (the scheduler closes it)."""
    from django.utils import timezone

    from klyngepakke.surveys.models import Round

    Round.objects.filter(closed_at__isnull=True).update(closes_at=timezone.now() - timedelta(seconds=1))


def state(out: Path) -> None:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from bench._django_side import verify_app
    from klyngepakke.cycle.models import Order, OrderEvent
    from klyngepakke.materials.models import MaterialFile
    from klyngepakke.outbox.models import OutboxMessage
    from klyngepakke.results.models import RoundAggregate
    from klyngepakke.support.models import Backoff
    from klyngepakke.surveys.models import Round

    responses = out.with_suffix(".responses.json")
    verify_app(responses)
    rounds = list(Round.objects.values_list("pk", "closed_at"))
    files = MaterialFile.objects.values("round_id").annotate(n=Count("id"), builds=Count("built_at", distinct=True))
    result = {
        "responses": json.loads(responses.read_text()),
        "rounds": len(rounds),
        "rounds_open": sum(1 for _, closed in rounds if closed is None),
        "closed_events_per_order": sorted(
            Counter(
                OrderEvent.objects.filter(state=Order.State.SURVEY_CLOSED).values_list("order_id", flat=True)
            ).values()
        ),
        "follow_up_events": OrderEvent.objects.filter(state=Order.State.FOLLOW_UP_DUE).count(),
        "orders_follow_up_due": Order.objects.filter(state=Order.State.FOLLOW_UP_DUE).count(),
        "aggregates": RoundAggregate.objects.count(),
        "comparisons": RoundAggregate.objects.filter(comparisons__isnull=False).count(),
        "material_rounds": [{"files": f["n"], "builds": f["builds"]} for f in files],
        "outbox": dict(Counter(OutboxMessage.objects.values_list("status", flat=True))),
        "outbox_attempts": dict(Counter(OutboxMessage.objects.values_list("attempts", flat=True))),
        "tasks": dict(Counter(DBTaskResult.objects.values_list("status", flat=True))),
        "backoff": list(Backoff.objects.values("duty", "item", "failures", "last_error")),
    }
    out.write_text(json.dumps(result, default=str))


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("step")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--tokens", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    django.setup()
    if args.step == "setup":
        setup(args.count, args.tokens)
    elif args.step == "close-now":
        close_now()
    elif args.step == "state":
        state(args.out)
    else:
        parser.error(f"unknown step {args.step}")


if __name__ == "__main__":
    main()
