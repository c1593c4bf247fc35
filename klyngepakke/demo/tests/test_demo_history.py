"""seed_demo's history: orders in every state, rounds with synthetic answers stored
through the real submit service, deterministic from the seed, idempotent.

The country and its history are built once for the module (committed, removed at the
end) because that takes several seconds.
"""

import io
import random
import statistics
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from klyngepakke.catalogue.models import Package, PackageVersion
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import (
    CycleEvent,
    Decision,
    MeetingRecord,
    Order,
    OrderEvent,
    PlanToken,
    PracticePlan,
)
from klyngepakke.cycle.services import request_plan_statuses
from klyngepakke.cycle.stages import Stage, cycle_overview
from klyngepakke.demo import demo, demo_writer
from klyngepakke.notifications.models import Notice
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.registry import demo as registry_demo
from klyngepakke.registry.models import Cluster, ClusterAssignment, Member, Practice
from klyngepakke.registry.services import seed_demo
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation, InvitationToken, ReminderBatch, ResponseCountSnapshot, Round
from klyngepakke.surveys.reminders import queue_due_reminders
from klyngepakke.surveys.response_models import Answer, PartialAnswers, Response
from tests import factories

SEED = registry_demo.DEFAULT_SEED
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    now = timezone.now()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        seed_demo(SEED)
        factories.shipped_catalogue()
        report = demo_writer.seed_history(SEED, now=now)
        inputs = demo_writer.history_inputs()
    yield report, now, inputs
    with django_db_blocker.unblock():
        for model in (
            Answer,
            Response,
            ResponseCountSnapshot,
            ReminderBatch,
            PartialAnswers,
            InvitationToken,
            Invitation,
            Round,
            OrderEvent,
        ):
            model.objects.all().delete()
        Order.objects.update(follows_up=None)
        Order.objects.all().delete()  # the meeting records, decisions and plans with them
        OutboxMessage.objects.all().delete()
        Notice.objects.all().delete()  # no foreign key: orders' deletion leaves them
        Package.objects.update(current_version=None)
        PackageVersion.objects.all().delete()
        Package.objects.all().delete()
        ClusterAssignment.objects.all().delete()
        TOTPDevice.objects.filter(user__username__in=registry_demo.DEMO_USERNAMES).delete()
        get_user_model().objects.filter(username__in=registry_demo.DEMO_USERNAMES).delete()
        Member.objects.all().delete()
        Practice.objects.all().delete()
        Cluster.objects.all().delete()


def _plan(history, seed=SEED, now=None):
    _report, built_at, (clusters, packages, featured) = history
    return demo.plan_history(seed, clusters, packages, now or built_at, featured)


def test_the_same_seed_plans_the_same_history(history, db):
    one, two = _plan(history), _plan(history)
    later = _plan(history, now=history[1] + timedelta(days=40))

    assert one.digest() == two.digest()
    assert one.state_counts() == two.state_counts()
    # Only the dates move with the clock: states, rounds and answers do not.
    assert later.digest() == one.digest()
    assert later.state_counts() == one.state_counts()
    assert [o.cluster for o in later.orders] == [o.cluster for o in one.orders]


@pytest.mark.parametrize("local_time", ["00:01", "00:14", "12:00", "23:59"])
def test_every_planned_step_lies_in_the_past_at_any_time_of_day(history, db, local_time):
    # CI once built the demo at 00:01 Copenhagen time: a round planned to close at the end
    # of yesterday was "closed" by the scheduler at 00:04, three minutes in the future.
    hour, minute = map(int, local_time.split(":"))
    now = timezone.localtime(history[1]).replace(hour=hour, minute=minute, second=0, microsecond=0)
    for order in _plan(history, now=now).orders:
        for when, kind in order.steps():
            assert when < now, (order.cluster, order.package, kind, when)


def test_another_seed_plans_another_history(history, db):
    assert _plan(history, seed=SEED + 1).digest() != _plan(history).digest()


def test_the_plan_is_read_from_the_seeded_country(history, db):
    clusters, _packages, _featured = history[2]
    country = registry_demo.plan_country(SEED)
    planned = {
        c.code: tuple(sorted((m.email, p.kind) for p in c.practices for m in p.members if m.active)) for c in country
    }

    assert {c.code: c.members for c in clusters} == planned


def test_the_database_holds_the_plan(history, db):
    report, _now, _inputs = history
    plan = _plan(history)

    assert report.created
    assert dict(Order.objects.values_list("state").annotate(n=Count("id"))) == plan.state_counts()
    assert Round.objects.count() == len(plan.rounds) == report.rounds
    assert Response.objects.count() == plan.response_count() == report.responses
    assert demo_writer.stored_digest() == plan.digest()


def test_every_order_state_is_present(history, db):
    # A cancelled order is no stage of the cycle; the demo history has none (yet).
    assert set(Order.objects.values_list("state", flat=True)) == set(Order.State.values) - {Order.State.CANCELLED}


def test_a_realistic_share_of_clusters_has_history_including_the_demo_logins(history, db):
    with_history = set(Order.objects.values_list("cluster__code", flat=True))
    logins = set(
        ClusterAssignment.objects.filter(user__username__in=registry_demo.DEMO_USERNAMES).values_list(
            "cluster__code", flat=True
        )
    )

    assert 40 <= len(with_history) <= 0.7 * Cluster.objects.count()
    assert logins <= with_history
    assert len(logins) == 3


def test_the_demo_coordinators_see_closed_and_open_rounds(history, db):
    koordinator = set(
        ClusterAssignment.objects.filter(user__username="koordinator").values_list("cluster__region__code", "cluster")
    )
    hovedstaden = next(pk for region, pk in koordinator if region == "hovedstaden")
    rounds = Round.objects.filter(order__cluster=hovedstaden)

    assert rounds.filter(closed_at__isnull=True).annotate(n=Count("responses")).filter(n__gt=0).exists()
    closed = set(rounds.filter(closed_at__isnull=False).values_list("order__package__code", flat=True))
    assert {demo.FIRST, demo.FOLLOW_UP} <= closed
    small = ClusterAssignment.objects.get(user__username="koordinator2").cluster
    assert Round.objects.filter(order__cluster=small, closed_at__isnull=False, responses__isnull=False).exists()


def test_follow_up_orders_follow_a_first_package_order_6_to_12_months_later(history, db):
    pairs = Order.objects.filter(follows_up__isnull=False).select_related("follows_up", "package")

    assert pairs.count() >= 10
    with_rounds = 0
    for follow_up in pairs:
        first = follow_up.follows_up
        assert follow_up.package.code == demo.FOLLOW_UP
        assert first.package.code == demo.FIRST
        assert first.cluster_id == follow_up.cluster_id
        # The follow-up's meeting ends the first order; until then it waits, followed up.
        held = follow_up.state in (Order.State.MEETING_HELD, Order.State.DONE)
        assert first.state == (Order.State.DONE if held else Order.State.FOLLOW_UP_DUE)
        assert first.rounds.filter(closed_at__isnull=False).exists()
        round_ = follow_up.rounds.first()
        if round_ is not None:
            with_rounds += 1
            assert 182 <= (timezone.localdate(round_.opened_at) - first.meeting_date).days <= 366
    assert with_rounds >= 5


def test_rounds_fit_their_orders_and_responses_fit_their_invitations(history, db):
    now = timezone.now()
    for order in Order.objects.prefetch_related("rounds"):
        rounds = list(order.rounds.all())
        if order.state in (Order.State.ORDERED, Order.State.PLANNED):
            assert rounds == []
            continue
        assert len(rounds) == 1
        round_ = rounds[0]
        assert round_.is_open == (order.state == Order.State.SURVEY_OPEN)
        assert round_.opened_at < now
        if round_.is_open:
            assert round_.closes_at > now + timedelta(days=7)
        else:
            assert round_.opened_at < round_.closes_at < round_.closed_at < now
    for round_ in Round.objects.annotate(
        responses_n=Count("responses", distinct=True),
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
    ):
        assert 0 < round_.responses_n == round_.answered <= round_.invited
        if not round_.is_open:
            slack = 0.5 / round_.invited
            assert 0.6 - slack <= round_.answered / round_.invited <= 0.9 + slack


def test_order_histories_are_consistent_and_in_the_past(history, db):
    now = timezone.now()
    for order in Order.objects.prefetch_related("events"):
        events = list(order.events.all())
        times = [e.at for e in events]
        assert times == sorted(times)
        assert times[0] == order.created_at
        assert times[-1] < now
        assert events[0].state == Order.State.ORDERED
        assert events[-1].state == order.state
        if order.state == Order.State.MEETING_HELD and order.follow_up_due_on:
            assert order.follow_up_due_on > timezone.localdate()
        if order.state == Order.State.PLANNED:
            assert order.meeting_date > timezone.localdate()
            assert order.meeting_place


def test_the_scheduler_finds_nothing_to_do(history, db):
    assert services.close_due_rounds() == 0
    assert cycle_services.mark_follow_ups_due(timezone.localdate()) == 0
    assert queue_due_reminders() == 0
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).exists()
    # Invitations "went out" when their rounds opened; no link token was ever issued.
    assert not InvitationToken.objects.exists()


def test_responses_cannot_be_tied_to_anyone(history, db):
    for model, allowed in ((Response, {Round}), (Answer, {Response})):
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.related_model}
        assert related <= allowed | {Answer}
        assert not any(isinstance(f, models.DateTimeField | models.DateField) for f in model._meta.get_fields())
    assert not PartialAnswers.objects.exists()


def _answers_by_response():
    by_response = defaultdict(dict)
    for response, code, option, value in Answer.objects.values_list("response_id", "code", "option", "value"):
        if code == "delegation_reasons":
            by_response[response].setdefault(code, []).append(option)
        else:
            by_response[response][code] = value if value is not None else option
    return by_response


def _who5(answers):
    items = [answers.get(f"who5_{i}") for i in range(1, 6)]
    return None if None in items else 4 * sum(items)


def test_synthetic_answers_are_plausible(history, db):
    package_of = dict(Response.objects.values_list("pk", "round__order__package__code"))
    cluster_of = dict(Response.objects.values_list("pk", "round__order__cluster__code"))
    region_of = dict(Response.objects.values_list("pk", "round__order__cluster__region__code"))
    by_response = _answers_by_response()
    first = [_who5(a) for pk, a in by_response.items() if package_of[pk] == demo.FIRST]
    follow_up = [_who5(a) for pk, a in by_response.items() if package_of[pk] == demo.FOLLOW_UP]

    assert None not in first + follow_up
    assert 50 <= statistics.mean(first) <= 66
    assert statistics.mean(follow_up) > statistics.mean(first) + 2
    # Clusters and regions differ.
    per_cluster = defaultdict(list)
    per_region = defaultdict(list)
    for pk, answers in by_response.items():
        if package_of[pk] == demo.FIRST:
            per_cluster[cluster_of[pk]].append(_who5(answers))
            per_region[region_of[pk]].append(_who5(answers))
    cluster_means = [statistics.mean(v) for v in per_cluster.values() if len(v) >= 10]
    assert max(cluster_means) - min(cluster_means) > 10
    region_means = [statistics.mean(v) for v in per_region.values()]
    assert max(region_means) - min(region_means) > 2
    # Job satisfaction follows well-being.
    pairs = [(_who5(a), a["job_satisfaction"]) for a in by_response.values() if "job_satisfaction" in a]
    assert statistics.correlation([w for w, _ in pairs], [j for _, j in pairs]) > 0.3
    # Some solo doctors; delegation: relief the most common reason (seed 002).
    practice_types = Counter(a["practice_type"] for a in by_response.values())
    assert 0.1 <= practice_types["solo"] / sum(practice_types.values()) <= 0.4
    reasons = Counter(r for a in by_response.values() for r in a.get("delegation_reasons", []))
    assert reasons.most_common(1)[0][0] == "relief"
    assert reasons["relief"] > reasons["economy"] > reasons["meaningful_work"]


def test_solo_doctors_skip_partnership_questions(history, db):
    by_response = _answers_by_response()
    solo = [a for a in by_response.values() if a["practice_type"] == "solo" and "q1_leadership_effort" in a]
    partnership = [a for a in by_response.values() if a["practice_type"] == "partnership" and "q2_strategic" in a]

    assert solo
    assert partnership
    assert not any("q3_leadership_team" in a or "q4_short" in a for a in solo)
    assert all("q3_leadership_team" in a and "q4_short" in a for a in partnership)


def test_re_running_does_nothing(history, db, settings):
    before = (Order.objects.count(), Round.objects.count(), Response.objects.count(), demo_writer.stored_digest())

    again = demo_writer.seed_history(SEED)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert not again.created
    assert "No demo history added" in out.getvalue()
    assert (
        Order.objects.count(),
        Round.objects.count(),
        Response.objects.count(),
        demo_writer.stored_digest(),
    ) == before


# --- after the meeting: records, decisions, plans, follow-ups ------------------------------


def test_every_place_in_the_cycle_is_shown(history, db):
    overview = cycle_overview(timezone.localdate())

    assert {stage for stage, n in overview.national.by_stage if n} == set(Stage)
    assert 30 <= overview.national.held_meeting < overview.national.clusters
    assert overview.national.follow_ups_due >= 3
    assert overview.national.plans.made > overview.national.plans.done > 0


def test_the_featured_clusters_tell_their_story(history, db):
    mine = dict(
        ClusterAssignment.objects.filter(user__username="koordinator").values_list("cluster__region__code", "cluster")
    )
    herlev = Order.objects.get(cluster=mine["hovedstaden"], package__code=demo.FIRST)
    assert herlev.state == Order.State.DONE
    assert herlev.meeting.attendees >= 1
    assert herlev.decision.measure_points.count() == 2
    assert herlev.decision.focus_areas
    assert herlev.decision.follow_up_package.code == demo.FOLLOW_UP
    plans = PracticePlan.objects.filter(order=herlev, rows__isnull=False).distinct()
    assert plans.count() >= 2
    assert plans.exclude(status=PracticePlan.Status.NOT_STARTED).exists()
    follow_up = Order.objects.get(follows_up=herlev)
    assert follow_up.state == Order.State.MEETING_HELD
    assert MeetingRecord.objects.filter(order=follow_up).exists()
    overview = cycle_overview(timezone.localdate())
    stage_of = {s.code: s.stage for s in overview.clusters}
    assert stage_of[herlev.cluster.code] == Stage.FOLLOW_UP_HELD
    kolding = Cluster.objects.get(pk=mine["syddanmark"])
    assert stage_of[kolding.code] == Stage.FOLLOW_UP_DUE
    assert Decision.objects.filter(order__cluster=kolding, order__state=Order.State.FOLLOW_UP_DUE).exists()


def test_meeting_records_fit_their_orders(history, db):
    held = Order.objects.filter(events__state=Order.State.MEETING_HELD).distinct()
    records = MeetingRecord.objects.select_related("order")

    assert records.count() == held.count() >= 40
    members = dict(
        Member.objects.filter(active=True)
        .values("practice__cluster")
        .annotate(n=Count("pk"))
        .values_list("practice__cluster", "n")
    )
    for record in records:
        assert record.held_on == record.order.meeting_date < timezone.localdate()
        assert 1 <= record.attendees <= members[record.order.cluster_id]
        assert record.minutes in (record.order.meeting_minutes, record.order.meeting_minutes + 30)
    assert set(records.values_list("format", flat=True)) == {"physical", "virtual"}
    assert records.filter(minutes=180).exists()


def test_decisions_choose_eligible_measure_points_and_the_follow_up_date(history, db):
    decisions = Decision.objects.select_related("order__package", "follow_up_package")

    assert decisions.count() >= 30
    for decision in decisions:
        codes = list(decision.measure_points.values_list("code", flat=True))
        assert 1 <= len(codes) <= 3
        assert set(codes) <= set(demo.MEASURE_POINTS[decision.order.package.code])
        assert 1 <= len(decision.focus_areas) <= 3
        assert decision.follow_up_on == (decision.order.follow_up_due_on if decision.follow_up_package else None)
    # Some held meetings have no decisions yet.
    assert MeetingRecord.objects.filter(order__decision__isnull=True).exists()


def test_practice_plans_some_from_links_some_shared_all_statuses(history, db):
    made = PracticePlan.objects.filter(rows__isnull=False).distinct()

    assert made.count() >= 50
    assert set(made.values_list("status", flat=True)) >= {"done", "under_way", "dropped"}
    assert made.filter(shared=True).exists()
    assert made.filter(shared=False).exists()
    links = OutboxMessage.objects.filter(kind="practice_plan_link")
    assert links.exists()
    assert not links.exclude(status=OutboxMessage.Status.SENT).exists()
    assert OutboxMessage.objects.filter(kind="practice_plan_status").exists()
    assert not PlanToken.objects.exists()  # no link was ever issued in clear
    now = timezone.now()
    for plan in made:
        assert plan.created_at <= plan.updated_at < now
        assert plan.order.meeting.held_on <= timezone.localdate(plan.created_at)
    assert not PracticePlan.objects.filter(rows__isnull=True, updated_at__isnull=False).exists()


def test_follow_ups_were_ordered_through_the_services_and_move_what_was_chosen(history, db):
    follow_ups = Order.objects.filter(follows_up__isnull=False).select_related("follows_up")

    for follow_up in follow_ups:
        event = CycleEvent.objects.get(order=follow_up.follows_up, kind=CycleEvent.Kind.FOLLOW_UP_ORDERED)
        assert event.data["order"] == follow_up.pk
        assert follow_up.follows_up.decision.follow_up_package == follow_up.package
    by_response = _answers_by_response()
    cluster_of = dict(Response.objects.values_list("pk", "round__order__cluster"))
    package_of = dict(Response.objects.values_list("pk", "round__order__package__code"))
    means: dict[tuple[int, str], list[float]] = defaultdict(list)
    for pk, answers in by_response.items():
        means[(cluster_of[pk], package_of[pk])].append(_who5(answers))
    change = {"chosen": [], "not chosen": []}
    for follow_up in follow_ups.filter(rounds__closed_at__isnull=False):
        chosen = follow_up.follows_up.decision.measure_points.filter(code="who5_index").exists()
        before = statistics.mean(means[(follow_up.cluster_id, demo.FIRST)])
        after = statistics.mean(means[(follow_up.cluster_id, demo.FOLLOW_UP)])
        change["chosen" if chosen else "not chosen"].append(after - before)
    assert change["chosen"]
    assert change["not chosen"]
    # Few clusters, each a small sample: the medians, not the means, show the difference.
    assert statistics.median(change["chosen"]) > statistics.median(change["not chosen"]) > 0


def test_a_chosen_measure_point_moves_more_in_the_same_draws(history, db):
    _report, now, (_clusters, packages, _featured) = history
    big = demo.ClusterFacts("x", "Klynge X", "hovedstaden", tuple((f"l{i}@x.test", "partnership") for i in range(400)))
    profile = demo._ClusterProfile(0.0, demo.WHO5_FOLLOW_UP_GAIN, 0.0, 0.0, 0.85)
    order = demo.PlannedOrder(
        "x", demo.FOLLOW_UP, Order.State.SURVEY_CLOSED, created_at=now, round=demo.PlannedRound(now, now, now)
    )

    def means(chosen):
        rows = demo._plan_responses(random.Random(7), big, order, profile, packages[demo.FOLLOW_UP], chosen)
        answers = [{code: value for code, _option, value, _text in r} for _email, r in rows]
        return statistics.mean(_who5(a) for a in answers), statistics.mean(a["job_satisfaction"] for a in answers)

    who5_chosen, _ = means(frozenset({"who5_index"}))
    who5_not, satisfaction_not = means(frozenset())
    _, satisfaction_chosen = means(frozenset({"job_satisfaction"}))
    # The same respondents, drawn alike: only the chosen point's shift differs (WHO-5 is
    # clipped to 0-100, so a little less than twice the extra).
    assert 1.5 * demo.WHO5_CHOSEN_EXTRA < who5_chosen - who5_not <= 2 * demo.WHO5_CHOSEN_EXTRA
    assert satisfaction_chosen > satisfaction_not


def test_after_the_meeting_everything_lies_in_the_past(history, db):
    now = timezone.now()
    assert not CycleEvent.objects.filter(at__gte=now).exists()
    assert not Notice.objects.filter(queued_at__gte=now).exists()
    assert not PracticePlan.objects.filter(status_request_queued_at__gte=now).exists()
    assert not OutboxMessage.objects.filter(created_at__gte=now).exists()
    assert notify_follow_ups_due() == 0
    assert request_plan_statuses(timezone.localdate() - timedelta(days=1)) == 0
    # Every follow-up due has had its e-mail.
    due = Order.objects.filter(state=Order.State.FOLLOW_UP_DUE)
    assert Notice.objects.filter(kind="follow_up_due", object_id__in=due.values("pk")).count() == due.count() > 0
