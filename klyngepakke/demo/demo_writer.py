"""Writing the demo history that `demo.py` plans: through the same services as real use,
each row moved back to its planned time afterwards."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.core.follow_up import compose
from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.cycle import ordering
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import CycleEvent, Order, OrderEvent, PracticePlan
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.registry.models import Cluster, ClusterAssignment, Member, Practice
from klyngepakke.surveys import services
from klyngepakke.surveys.answers import AnswerRow
from klyngepakke.surveys.models import Invitation, Round
from klyngepakke.surveys.response_models import Answer, Response

from .demo import (
    PACKAGE_CODES,
    ClusterFacts,
    HistoryPlan,
    HistoryReport,
    PackageFacts,
    PlannedOrder,
    _digest,
    plan_history,
)


def history_inputs() -> tuple[list[ClusterFacts], dict[str, PackageFacts], dict[str, str]]:
    """The plan's inputs read from the database: clusters with their active members,
    the shipped packages (missing ones left out) and the demo logins' featured clusters."""
    practices: dict[str, list[tuple[str, bool]]] = {}
    reachable = set(
        Member.objects.filter(active=True).exclude(email="").values_list("practice__code", flat=True).distinct()
    )
    for cluster, practice in Practice.objects.values_list("cluster__code", "code").order_by("code"):
        practices.setdefault(cluster, []).append((practice, practice in reachable))
    members: dict[str, list[tuple[str, str]]] = {}
    for cluster, email, kind in Member.objects.filter(active=True).values_list(
        "practice__cluster__code", "email", "practice__kind"
    ):
        members.setdefault(cluster, []).append((email, kind))
    clusters = [
        ClusterFacts(code, name, region, tuple(sorted(members.get(code, []))), tuple(practices.get(code, [])))
        for code, name, region in Cluster.objects.values_list("code", "name", "region__code")
    ]
    packages = {}
    for package in Package.objects.filter(code__in=PACKAGE_CODES).select_related("current_version"):
        if package.current_version is not None:
            document = package.current_version.document
            # What any follow-up round of this package adds (its own questions); the measure
            # points the demo's meetings choose are ones the follow-up package asks itself.
            composed = compose(document, None, [])
            packages[package.code] = PackageFacts(
                package.code,
                Questionnaire(document),
                int(document.get("program", {}).get("default_minutes") or 150),
                Questionnaire(composed) if composed else None,
                (composed or {}).get("follow_up", {}).get("questions_section") or "",
            )
    featured: dict[str, str] = {}
    for username, code, region in ClusterAssignment.objects.filter(
        user__username__in=["koordinator", "koordinator2"], role=ClusterAssignment.Role.COORDINATOR
    ).values_list("user__username", "cluster__code", "cluster__region__code"):
        if username == "koordinator2":
            featured[code] = "small"
        else:
            featured[code] = "showcase" if region == "hovedstaden" else "due"
    return sorted(clusters, key=lambda c: c.code), packages, featured


def seed_history(seed: int, now: datetime | None = None) -> HistoryReport:
    """Give the demo country its history; does nothing if any order exists already."""
    if Order.objects.exists():
        return HistoryReport(False, "there are orders already")
    clusters, packages, featured = history_inputs()
    missing = [code for code in PACKAGE_CODES if code not in packages]
    if missing:
        return HistoryReport(False, f"packages not loaded ({', '.join(missing)}); run `manage.py load_catalogue`")
    if not clusters:
        return HistoryReport(False, "no clusters")
    now = now or timezone.now()
    plan = plan_history(seed, clusters, packages, now, featured)
    _write(plan)
    return HistoryReport(
        True,
        clusters=len(plan.clusters),
        orders=len(plan.orders) + sum(PLACED_LATELY.values()),
        rounds=len(plan.rounds),
        responses=plan.response_count(),
        states=dict(Counter(plan.state_counts()) + Counter(PLACED_LATELY)),
    )


@transaction.atomic
def _write(plan: HistoryPlan) -> None:
    # Everything a service stamps with the real clock during this run is later than
    # `started`; each step moves its own rows back to the step's planned time.
    started = timezone.now()
    users = get_user_model().objects.in_bulk(["konsulent"], field_name="username")
    consultant = users.get("konsulent")
    coordinators = dict(
        ClusterAssignment.objects.filter(role=ClusterAssignment.Role.COORDINATOR).values_list("cluster__code", "user")
    )
    coordinator_users = get_user_model().objects.in_bulk(list(coordinators.values()))
    clusters = Cluster.objects.in_bulk([o.cluster for o in plan.orders], field_name="code")
    packages = Package.objects.in_bulk(list(PACKAGE_CODES), field_name="code")
    by_cluster: dict[str, list[PlannedOrder]] = {}
    for order in plan.orders:
        by_cluster.setdefault(order.cluster, []).append(order)
    for code, orders in by_cluster.items():
        coordinator = coordinator_users.get(coordinators.get(code)) if code in coordinators else None
        actor = coordinator or consultant
        steps = sorted(
            ((when, index, kind, order) for index, order in enumerate(orders) for when, kind in order.steps()),
            key=lambda step: (step[0], step[1]),
        )
        saved: dict[int, Order] = {}
        rounds: dict[int, Round] = {}
        for when, _index, kind, planned in steps:
            key = id(planned)
            if kind == "order":
                saved[key] = _order(clusters[code], packages[planned.package], planned, saved, actor)
                Order.objects.filter(pk=saved[key].pk).update(created_at=when)
            elif kind == "plan":
                saved[key] = cycle_services.plan_meeting(
                    saved[key],
                    meeting_date=planned.meeting_date,
                    starts_at=planned.meeting_starts_at,
                    place=planned.meeting_place,
                    minutes=planned.meeting_minutes,
                    program_notes=planned.program_notes,
                    by=actor,
                )
            elif kind == "open":
                rounds[key] = _open(saved[key], planned, consultant, started)
            elif kind == "close":
                assert planned.round is not None
                services.close_round(rounds[key], None)
                Round.objects.filter(pk=rounds[key].pk).update(
                    closes_at=planned.round.closes_at, closed_at=planned.round.closed_at
                )
            elif kind == "done":
                saved[key] = cycle_services.mark_done(saved[key], actor)
            else:
                _after_meeting(kind, saved[key], planned, packages, actor)
            _move_back(started, when)
    _placed_lately(plan, packages, coordinator_users.get(coordinators.get("esbjerg")), consultant, started)


# The two orders `_placed_lately` adds to the plan's, by state.
PLACED_LATELY = {Order.State.PLANNED: 1, Order.State.CANCELLED: 1}


def _placed_lately(
    plan: HistoryPlan, packages: dict[str, Package], coordinator: Any, consultant: Any, started: datetime
) -> None:
    """Two orders from the order form in the last days, so the consultants' work queue and
    the order pages show what self-service makes: koordinator2's cluster orders the
    collaboration package and asks for a planning call (not yet made), and the first
    cluster without history orders and then cancels with its reason. Nothing random: the
    plan's draws are untouched."""
    now = timezone.now()
    today = timezone.localdate()
    form = ordering.OrderInput(meeting_date=today + timedelta(days=70), place="Lægehuset")
    wish = ordering.CallWish(phone="75 12 34 56", preferred_time="Tirsdag eller torsdag formiddag")
    small = Cluster.objects.get(code="esbjerg")
    order = ordering.place_order(small, packages["samarbejde-og-faellesskab"], replace(form, call=wish), coordinator)
    Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=2))
    order.call_requests.update(requested_at=now - timedelta(days=2))
    _move_back(started, now - timedelta(days=2))
    with_history = {o.cluster for o in plan.orders}
    quiet = Cluster.objects.exclude(code__in=with_history).order_by("code").first()
    assert quiet is not None  # about half of the clusters have no history
    order = ordering.place_order(quiet, packages["trivsel-og-arbejdsglaede"], form, consultant)
    Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=6))
    _move_back(started, now - timedelta(days=6))
    ordering.cancel_order(order, "Mødet er aflyst. Klyngen bestiller igen efter sommerferien.", consultant)
    _move_back(started, now - timedelta(days=5))


def _order(cluster: Cluster, package: Package, planned: PlannedOrder, saved: dict[int, Order], by: Any) -> Order:
    """Order as a coordinator does: a follow-up with the one click on the order it follows
    up, or through "Bestil pakke" (which links it, the cluster having one candidate)."""
    if planned.follows_up is None:
        return cycle_services.order_package(cluster, package, by)
    first = saved[id(planned.follows_up)]
    if planned.ordered_via == "one_click":
        order = cycle_services.order_follow_up(first, by)
    else:
        order = cycle_services.order_package(cluster, package, by)
    if order.follows_up_id != first.pk:
        raise RuntimeError(f"demo follow-up of order {first.pk} was not linked to it")
    return order


def _after_meeting(kind: str, order: Order, planned: PlannedOrder, packages: dict[str, Package], by: Any) -> None:
    """The steps after a meeting, through the cycle app's services."""
    if kind == "held":
        meeting = planned.meeting
        assert meeting is not None
        facts = cycle_services.MeetingFacts(
            meeting.held_on, meeting.minutes, meeting.format, meeting.attendees, meeting.notes
        )
        cycle_services.record_meeting(order, facts, by)
    elif kind == "decide":
        decision = planned.decision
        assert decision is not None
        package = packages[decision.follow_up_package] if decision.follow_up_package else None
        cycle_services.save_decisions(
            order,
            cycle_services.DecisionInput(
                measure_points=list(decision.measure_points),
                focus_areas=list(decision.focus_areas),
                follow_up_package=package,
                follow_up_on=decision.follow_up_on,
                topic_meetings=decision.topic_meetings,
            ),
            by,
        )
    elif kind == "due":
        assert planned.follow_up_due_on is not None
        cycle_services.mark_follow_ups_due(planned.follow_up_due_on)
        notify_follow_ups_due(planned.follow_up_due_on)
    elif kind == "ask":
        assert planned.follow_up_due_on is not None
        days = timedelta(days=cycle_services.STATUS_REQUEST_DAYS_BEFORE)
        cycle_services.request_plan_statuses(planned.follow_up_due_on - days)
    elif kind.startswith(("plan:", "status:")):
        step, index = kind.split(":")
        plan_of = planned.plans[int(index)]
        plan = PracticePlan.objects.get(order=order, practice__code=plan_of.practice)
        rows = [
            cycle_services.PlanRowInput(what, why, first_step, who, by_when, how)
            for (what, why, first_step, who, how), by_when in plan_of.rows
        ]
        if step == "status":
            # Marked from the link in the e-mail that asked for it (the practice's own).
            cycle_services.save_plan(plan, rows, plan_of.status, plan_of.shared, None, as_practice=True)
        elif plan_of.via_link:
            cycle_services.send_plan_link(plan, by)
            cycle_services.save_plan(plan, rows, "under_way", plan_of.shared, None, as_practice=True)
        else:
            cycle_services.save_plan(plan, rows, "under_way", False, by, as_practice=False)
    else:
        raise ValueError(f"unknown demo step {kind}")


def _move_back(started: datetime, when: datetime) -> None:
    """The services stamp the real clock: move this step's rows back to its planned time.
    Its e-mails went out then (none of them is sent again)."""
    OrderEvent.objects.filter(at__gte=started).update(at=when)
    CycleEvent.objects.filter(at__gte=started).update(at=when)
    PracticePlan.objects.filter(created_at__gte=started).update(created_at=when)
    PracticePlan.objects.filter(updated_at__gte=started).update(updated_at=when)
    PracticePlan.objects.filter(status_request_queued_at__gte=started).update(status_request_queued_at=when)
    Notice.objects.filter(queued_at__gte=started).update(queued_at=when)
    OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, created_at__gte=started).update(
        status=OutboxMessage.Status.SENT,
        created_at=when,
        next_attempt_at=when,
        sent_at=when + timedelta(minutes=1),
        attempts=1,
    )


def _open(order: Order, planned: PlannedOrder, by: Any, started: datetime) -> Round:
    planned_round = planned.round
    assert planned_round is not None
    # A round in the past is opened with a deadline ahead (the services, rightly, do not
    # open or accept answers for a round that has closed), answered, closed, and only
    # then given its planned dates.
    closes_at = planned_round.closes_at if planned_round.closed_at is None else started + timedelta(days=1)
    round_ = services.open_round(order, closes_at, by)
    Round.objects.filter(pk=round_.pk).update(opened_at=planned_round.opened_at)
    # The invitations went out when the round opened; none of them is sent again.
    sent_at = planned_round.opened_at + timedelta(minutes=1)
    OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, created_at__gte=started).update(
        status=OutboxMessage.Status.SENT,
        created_at=planned_round.opened_at,
        next_attempt_at=planned_round.opened_at,
        sent_at=sent_at,
        attempts=1,
    )
    invitations = dict(Invitation.objects.filter(round=round_).values_list("member__email", "pk"))
    for email, rows in planned_round.responses:
        invitation = invitations.get(email)
        if invitation is None:
            continue
        outcome = services.store_submission(invitation, rows)
        if not outcome.stored:
            raise RuntimeError(f"demo answer not stored ({outcome.reason})")
    return round_


def stored_digest() -> str:
    """The same digest over the responses in the database."""
    rounds = dict(Round.objects.values_list("pk", "order__cluster__code"))
    packages = dict(Round.objects.values_list("pk", "order__package__code"))
    round_of = dict(Response.objects.values_list("pk", "round_id"))
    rows: dict[object, list[AnswerRow]] = {pk: [] for pk in round_of}
    for response_id, code, option, value, text in Answer.objects.values_list(
        "response_id", "code", "option", "value", "text"
    ):
        rows[response_id].append((code, option, value, text))
    return _digest((rounds[round_of[pk]], packages[round_of[pk]], answer) for pk, answer in rows.items())
