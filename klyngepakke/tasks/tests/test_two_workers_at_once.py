"""Two workers running the same duties at the same moment, each with its own database
connection, on PostgreSQL: every round is closed once, every e-mail sent once, every
aggregate and material built once, and no state a consultant set meanwhile is lost.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.models import MaterialFile
from klyngepakke.materials.services import PACK
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.results.models import RoundAggregate
from klyngepakke.support.models import Backoff
from klyngepakke.surveys.models import ReminderBatch, Round
from klyngepakke.tasks import duties, tasks
from tests import factories

from .helpers import due_round, follow_up_due

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="concurrent workers need PostgreSQL (SQLite has one writer)",
    ),
    pytest.mark.django_db(transaction=True),
]

State = Order.State


def at_once(*jobs: Callable[[], object]) -> None:
    """Run the jobs in threads, released together; each thread uses (and closes) its own
    database connection. Re-raises the first error of any thread."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a worker did not finish"
    if errors:
        raise errors[0]


class World:
    def __init__(self) -> None:
        factories.shipped_catalogue()
        self.due = [due_round() for _ in range(3)]
        self.open = [factories.open_survey_round(factories.survey_cluster(members=3, solo=1)) for _ in range(2)]
        # One open round whose 7-days-before reminder is due.
        Round.objects.filter(pk=self.open[0].pk).update(
            opened_at=timezone.now() - timedelta(days=8),
            closes_at=timezone.now() + timedelta(days=6),
            reminder_days=[7],
        )
        self.follow_ups = [follow_up_due() for _ in range(4)]
        self.consultant = factories.user(staff=True)

    def consultant_marks_some_done(self) -> None:
        for order in self.follow_ups[:2]:
            cycle_services.mark_done(order, self.consultant)

    def check(self) -> None:
        # Each due round closed, once.
        for round_ in self.due:
            assert Round.objects.get(pk=round_.pk).closed_at is not None
            assert OrderEvent.objects.filter(order=round_.order, state=State.SURVEY_CLOSED).count() == 1
        assert Round.objects.filter(pk__in=[r.pk for r in self.open], closed_at__isnull=True).count() == 2
        # Follow-ups moved once; the consultant's "done" is never lost.
        for order in self.follow_ups[:2]:
            assert Order.objects.get(pk=order.pk).state == State.DONE
        for order in self.follow_ups[2:]:
            assert Order.objects.get(pk=order.pk).state == State.FOLLOW_UP_DUE
        for order in self.follow_ups:
            assert OrderEvent.objects.filter(order=order, state=State.FOLLOW_UP_DUE).count() <= 1
        # The due reminder queued once.
        assert ReminderBatch.objects.filter(round=self.open[0]).count() == 1
        # Every e-mail for the open rounds sent, and sent once.
        assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).exists()
        sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
        # Two rounds' invitations, one round's reminders, and the consultant's notice of
        # each due round closed under k (klyngepakke/notifications).
        assert sent.count() == 3 + 3 + 3 + 3
        # Aggregates and materials of every closed round, each built once.
        closed = Round.objects.filter(closed_at__isnull=False)
        assert RoundAggregate.objects.filter(round__in=closed).count() == closed.count()
        for round_ in closed:
            files = MaterialFile.objects.filter(round=round_)
            if files.exists():
                # Every format once, and the "Hent alt" zip of them all.
                assert files.count() == len(exporters()) + 1
                assert files.filter(exporter=PACK).count() == 1
                assert files.values("built_at").distinct().count() == 1
        assert not Backoff.objects.exists()  # no failures, every claim released


def test_two_workers_run_every_duty_at_once(smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    world = World()

    def worker() -> None:
        for _ in range(3):  # materials are built three rounds per run
            outcomes = duties.run_all(respect_backoff=True)
            failed = [(o.name, o.error) for o in outcomes if not o.ok]
            assert not failed, failed

    at_once(worker, worker, world.consultant_marks_some_done)
    world.check()
    assert (
        MaterialFile.objects.values("round").distinct().count() == Round.objects.filter(closed_at__isnull=False).count()
    )
    messages = smtp_server.mailbox.wait_for(12)
    assert len(messages) == 12
    assert set(Counter((str(m["To"]), str(m["Subject"])) for m in messages).values()) == {1}


def test_two_db_workers_work_one_queue(smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    world = World()
    for _ in range(2):  # every duty enqueued twice, as two schedulers racing might
        for duty in duties.DUTIES:
            tasks.run_duty.enqueue(duty.name)

    def db_worker(worker_id: str) -> Callable[[], None]:
        def run() -> None:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()

        return run

    at_once(db_worker("a"), db_worker("b"), world.consultant_marks_some_done)
    results = DBTaskResult.objects.all()
    assert results.count() == 2 * len(duties.DUTIES)
    assert set(results.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert all(len(r.worker_ids) == 1 for r in results)  # each task run by one worker
    world.check()
    messages = smtp_server.mailbox.wait_for(12)
    assert len(messages) == 12
    assert set(Counter((str(m["To"]), str(m["Subject"])) for m in messages).values()) == {1}
