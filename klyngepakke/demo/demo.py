"""The demo country's history: orders, survey rounds and synthetic answers.

`seed_demo` builds the country (klyngepakke.registry.demo) and then calls
`demo_writer.seed_history`, which gives about half of the clusters a past with the shipped
packages: orders in every state, most rounds closed with answers, some first-package
rounds followed up 6-12 months later by the follow-up package, a few rounds open now.

Two halves, as in the registry's demo:

- `plan_history` is pure: from the seed, the clusters' active members, the packages'
  questionnaires and "now" it plans every order, its dates and every synthetic
  answer, with its own `random.Random` (never the global one). The same seed and
  country always give the same orders, states, rounds and answers; only the dates move
  with "now".
- `seed_history` (in `demo_writer.py`) writes the plan through the same services the web pages use
  (order_package, plan_meeting, open_round, store_submission, close_round,
  mark_follow_ups_due, mark_done, and the cycle app's order_package, order_follow_up,
  record_meeting, save_decisions, send_plan_link, save_plan, request_plan_statuses,
  notify_follow_ups_due), cluster by cluster in the order things happened. The services
  stamp everything with the real clock, so each step's rows are then moved back to the
  step's planned time with plain updates (order, event and plan times, the round's
  open/close times, its e-mails). Every answer is
  stored with `services.store_submission`, exactly as a real submit: the rows come
  from `answers.answer_rows` and nothing ties a response to the member whose
  practice type shaped it.

After each held meeting the cluster records it (length, attendees, physical or virtual),
most record their decisions (1-3 measure points with what they hope to see, focus areas
in their own words, the follow-up's package and date), and practices write their plans
(some from their own link, some entered by the coordinator, some shared with the
cluster); before the follow-up they mark them done, under way or dropped. A follow-up
order is ordered with the one click or through "Bestil pakke" (linked either way), and
its meeting ends the order it follows up. These steps draw from their own random stream
(`history_rng(seed, code, "after")`), so they never shift the answers.

Answers are plausible, not real: WHO-5 with a national mean near 58 (seed 002) and
offsets per region and per cluster, follow-up rounds about 5 points better on average
(seed 002: 58 -> 63) and more where the cluster chose WHO-5 as a measure point (less
where it did not), job satisfaction a little higher where it chose that, job
satisfaction correlated with WHO-5 and spread like seed 002 (15/38/35/12 %),
delegation reasons with relief the most common (seed 002: 26, 15, 10, 8 of 34), some
solo doctors, and response rates of 60-90 %.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.cycle.models import Order
from klyngepakke.registry.models import Practice
from klyngepakke.surveys.answers import AnswerRow, answer_rows

from .demo_answers import JOB_SATISFACTION_WHO5_WEIGHT, _Respondent, changes_answers, synthetic_answers

State = Order.State

FIRST = "trivsel-og-arbejdsglaede"
FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"
SUCCESSOR = "samarbejde-og-faellesskab"
PACKAGE_CODES = (FIRST, FOLLOW_UP, SUCCESSOR)

# Share of the clusters that get a history (seed 000: 111 of 115 clusters have used the
# first package; the demo shows a platform some way into its life).
HISTORY_SHARE = (0.50, 0.60)
# Response rate per round (seed 002: 34 of 42 and 38 of 42).
RESPONSE_RATE = (0.60, 0.90)

# WHO-5 index: the cluster's first-round mean in seed 002 was 58, its follow-up 63.
WHO5_MEAN, WHO5_SD = 58.0, 17.0
WHO5_REGION_SD, WHO5_CLUSTER_SD = 3.0, 4.5
WHO5_FOLLOW_UP_GAIN, WHO5_FOLLOW_UP_GAIN_SD = 5.0, 3.0
WHO5_SOLO_OFFSET = -3.0
# Chosen as a measure point: the follow-up moves WHO-5 this much more (not chosen: less),
# and job satisfaction (a latent standard normal) this much.
WHO5_CHOSEN_EXTRA = 3.5
JOB_SATISFACTION_CHOSEN_GAIN = 0.25

MEETING_VENUES = (
    "Sundhedshuset {area}",
    "Medborgerhuset {area}",
    "Kursuscentret {area}",
    "Lægehusets mødelokale, {area}",
    "Hotel ved {area} (internat)",
)
# Clusters meet after the working day (seed 000: typically from 16 or 17).
MEETING_STARTS = (time(15, 30), time(16, 0), time(16, 30), time(17, 0))

PROGRAM_NOTES = (
    "Vi starter med 15 minutters opfølgning fra sidste klyngemøde.",
    "Blok 1 forlænges med 15 minutter; pausen flyttes.",
    "Gruppearbejdet foregår ved bordene, opsamling i plenum til sidst.",
    "Mødet holdes som internat med fælles middag bagefter.",
)

# The target states a first-package (or successor) order may end in. "done_fu" is a
# first-package order that was followed up (its follow-up order exists).
DONE_FU = "done_fu"
FIRST_WEIGHTS = {
    DONE_FU: 34,
    State.DONE: 14,
    State.FOLLOW_UP_DUE: 13,
    State.MEETING_HELD: 15,
    State.SURVEY_CLOSED: 6,
    State.SURVEY_OPEN: 4,
    State.PLANNED: 6,
    State.ORDERED: 6,
}
FOLLOW_UP_WEIGHTS = {
    State.DONE: 30,
    State.MEETING_HELD: 28,
    State.SURVEY_CLOSED: 14,
    State.SURVEY_OPEN: 6,
    State.PLANNED: 10,
    State.ORDERED: 10,
}
SUCCESSOR_CHANCE = 0.35
SUCCESSOR_WEIGHTS = {
    State.DONE: 15,
    State.FOLLOW_UP_DUE: 8,
    State.MEETING_HELD: 22,
    State.SURVEY_CLOSED: 15,
    State.SURVEY_OPEN: 8,
    State.PLANNED: 15,
    State.ORDERED: 15,
}


@dataclass(frozen=True)
class Story:
    first: str
    follow_up: str | None = None
    successor: str | None = None
    # False: the first order's meeting is recorded but its decisions (and plans) not yet.
    decided: bool = True


# Every state and every place in the cycle (cycle.stages) appears for any seed: the first
# non-featured history clusters get these stories.
GUARANTEED_STORIES = (
    Story(State.ORDERED),
    Story(State.PLANNED),
    Story(State.SURVEY_OPEN),
    Story(State.SURVEY_CLOSED),
    Story(State.MEETING_HELD, decided=False),
    Story(State.FOLLOW_UP_DUE),
    Story(DONE_FU, follow_up=State.SURVEY_OPEN),
    Story(DONE_FU, follow_up=State.DONE),
)


# The demo logins' clusters (docs/demo.md), so every demo page has data:
# koordinator's Hovedstaden cluster (also the facilitator's) has both well-being rounds
# to compare and a round open now; koordinator's Syddanmark cluster is due to follow up
# and has the next package planned; koordinator2's 10-doctor cluster has a closed round
# (small groups are protected).
FEATURED_STORIES = {
    "showcase": Story(DONE_FU, follow_up=State.MEETING_HELD, successor=State.SURVEY_OPEN),
    "due": Story(State.FOLLOW_UP_DUE, successor=State.PLANNED),
    "small": Story(State.SURVEY_CLOSED),
}


@dataclass(frozen=True)
class ClusterFacts:
    """What the plan needs of one cluster: its active members as (e-mail, practice kind)."""

    code: str
    name: str
    region: str
    members: tuple[tuple[str, str], ...]
    # (practice code, whether it has an active member with an e-mail address)
    practices: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class PackageFacts:
    code: str
    questionnaire: Questionnaire
    default_minutes: int
    # The questions a follow-up round adds ("Siden klyngemødet"), None when it adds none.
    follow_up: Questionnaire | None = None
    follow_up_section: str = ""


@dataclass
class PlannedRound:
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None  # None: open now
    # (member e-mail, rows): who answers, only to pick the invitation to submit through.
    responses: list[tuple[str, list[AnswerRow]]] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedMeeting:
    held_on: date
    minutes: int
    format: str  # MeetingRecord.Format value
    attendees: int
    notes: str


@dataclass(frozen=True)
class PlannedDecision:
    at: datetime
    measure_points: tuple[tuple[str, str], ...]  # (code, what the cluster hopes to see)
    focus_areas: tuple[str, ...]
    follow_up_package: str | None
    follow_up_on: date | None
    topic_meetings: str


# (what, why, first step, who, how we will know): the columns of the paper plan.
PlanRowText = tuple[str, str, str, str, str]


@dataclass
class PlannedPlan:
    practice: str  # the practice's code
    via_link: bool  # written from the practice's own link (else entered by the coordinator)
    shared: bool
    rows: tuple[tuple[PlanRowText, date], ...]  # each row with its "by when"
    made_at: datetime | None  # None: not written (yet)
    status_at: datetime | None = None  # marked before the follow-up, from the link
    status: str = "under_way"


@dataclass
class PlannedOrder:
    cluster: str
    package: str
    state: str
    created_at: datetime
    planned_at: datetime | None = None
    meeting_date: date | None = None
    meeting_place: str = ""
    meeting_starts_at: time | None = None
    meeting_minutes: int | None = None
    program_notes: str = ""
    round: PlannedRound | None = None
    held_at: datetime | None = None
    follow_up_due_on: date | None = None
    due_at: datetime | None = None
    done_at: datetime | None = None
    follows_up: PlannedOrder | None = None
    ordered_via: str = ""  # a follow-up: "one_click" or "bestil" (the "Bestil pakke" form)
    meeting: PlannedMeeting | None = None
    decision: PlannedDecision | None = None
    plans: list[PlannedPlan] = field(default_factory=list)
    asked_at: datetime | None = None  # the duty asked the practices to mark their plans

    def steps(self) -> list[tuple[datetime, str]]:
        steps = [(self.created_at, "order")]
        if self.planned_at:
            steps.append((self.planned_at, "plan"))
        if self.round:
            steps.append((self.round.opened_at, "open"))
            if self.round.closed_at:
                steps.append((self.round.closed_at, "close"))
        for when, kind in ((self.held_at, "held"), (self.due_at, "due"), (self.done_at, "done")):
            if when:
                steps.append((when, kind))
        if self.decision:
            steps.append((self.decision.at, "decide"))
        if self.asked_at:
            steps.append((self.asked_at, "ask"))
        for index, plan in enumerate(self.plans):
            if plan.made_at:
                steps.append((plan.made_at, f"plan:{index}"))
            if plan.status_at:
                steps.append((plan.status_at, f"status:{index}"))
        return steps


@dataclass
class HistoryPlan:
    orders: list[PlannedOrder]

    @property
    def clusters(self) -> list[str]:
        return sorted({o.cluster for o in self.orders})

    def state_counts(self) -> dict[str, int]:
        return dict(Counter(o.state for o in self.orders))

    @property
    def rounds(self) -> list[PlannedRound]:
        return [o.round for o in self.orders if o.round]

    def response_count(self) -> int:
        return sum(len(r.responses) for r in self.rounds)

    def digest(self) -> str:
        return _digest(
            (o.cluster, o.package, rows) for o in self.orders if o.round for _email, rows in o.round.responses
        )


@dataclass
class HistoryReport:
    created: bool
    reason: str = ""
    clusters: int = 0
    orders: int = 0
    rounds: int = 0
    responses: int = 0
    states: dict[str, int] = field(default_factory=dict)


# --- planning (pure) -------------------------------------------------------------------


def history_rng(seed: int, *parts: str) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs and Python processes.
    return random.Random("-".join(["history", str(seed), *parts]))  # noqa: S311 - demo data, not security


def plan_history(
    seed: int,
    clusters: Sequence[ClusterFacts],
    packages: Mapping[str, PackageFacts],
    now: datetime,
    featured: Mapping[str, str] | None = None,
) -> HistoryPlan:
    """The history for `seed`: which clusters, which orders in which states, and answers.

    `featured` maps a cluster code to a key of FEATURED_STORIES (the demo logins' clusters).
    """
    featured = dict(featured or {})
    rng = history_rng(seed)
    by_code = {c.code: c for c in clusters}
    codes = sorted(by_code)
    regions = sorted({c.region for c in clusters})
    region_offset = {r: rng.gauss(0, WHO5_REGION_SD) for r in regions}
    wanted = rng.randint(math.ceil(HISTORY_SHARE[0] * len(codes)), math.floor(HISTORY_SHARE[1] * len(codes)))
    featured = {code: story for code, story in featured.items() if code in by_code}
    others = [c for c in codes if c not in featured]
    rng.shuffle(others)
    chosen = others[: max(0, wanted - len(featured))]
    guaranteed = dict(zip(chosen, GUARANTEED_STORIES, strict=False))
    today = timezone.localdate(now)
    orders: list[PlannedOrder] = []
    for code in sorted([*featured, *chosen]):
        crng = history_rng(seed, code)
        story = FEATURED_STORIES.get(featured.get(code, "")) or guaranteed.get(code) or _random_story(crng)
        profile = _ClusterProfile.draw(crng, region_offset[by_code[code].region])
        after = history_rng(seed, code, "after")
        orders.extend(_plan_cluster(crng, after, by_code[code], story, profile, packages, today, code in featured))
    return HistoryPlan(orders)


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _random_story(rng: random.Random) -> Story:
    first = _weighted(rng, FIRST_WEIGHTS)
    follow_up = _weighted(rng, FOLLOW_UP_WEIGHTS) if first == DONE_FU else None
    successor = None
    if first in (DONE_FU, State.DONE, State.FOLLOW_UP_DUE, State.MEETING_HELD) and rng.random() < SUCCESSOR_CHANCE:
        successor = _weighted(rng, SUCCESSOR_WEIGHTS)
    return Story(first, follow_up, successor)


@dataclass(frozen=True)
class _ClusterProfile:
    who5_offset: float  # region + cluster, index points
    follow_up_gain: float
    collaboration: float  # latent offset for "Samarbejde og fællesskab"
    satisfaction: float  # latent offset for job satisfaction
    response_rate: float

    @classmethod
    def draw(cls, rng: random.Random, region_offset: float) -> _ClusterProfile:
        return cls(
            who5_offset=region_offset + rng.gauss(0, WHO5_CLUSTER_SD),
            follow_up_gain=rng.gauss(WHO5_FOLLOW_UP_GAIN, WHO5_FOLLOW_UP_GAIN_SD),
            collaboration=rng.gauss(0, 0.35),
            satisfaction=rng.gauss(0, 0.15),
            response_rate=rng.uniform(RESPONSE_RATE[0] + 0.02, RESPONSE_RATE[1] - 0.02),
        )


def _at(day: date, rng: random.Random, first_hour: int = 8, last_hour: int = 16) -> datetime:
    moment = time(rng.randint(first_hour, last_hour), rng.randrange(0, 60, 5))
    return timezone.make_aware(datetime.combine(day, moment))


def _end_of(day: date) -> datetime:
    # Like services.default_closes_at: the last second of the closing day.
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _plan_cluster(
    rng: random.Random,
    after: random.Random,
    cluster: ClusterFacts,
    story: Story,
    profile: _ClusterProfile,
    packages: Mapping[str, PackageFacts],
    today: date,
    featured: bool,
) -> list[PlannedOrder]:
    area = cluster.name.removeprefix("Klynge ").strip()
    venue = rng.choice(MEETING_VENUES).format(area=area)
    orders: list[PlannedOrder] = []
    if story.first == DONE_FU:
        follow_up = _plan_order(rng, cluster.code, packages[FOLLOW_UP], story.follow_up or State.DONE, today, venue)
        first = _plan_followed_up_first(rng, cluster.code, packages[FIRST], follow_up, venue)
        follow_up.follows_up = first
        follow_up.ordered_via = "one_click" if after.random() < 0.6 else "bestil"
        if follow_up.held_at is None:
            # Its meeting (which ends the first order) is still to come.
            first.state = State.FOLLOW_UP_DUE
        orders += [first, follow_up]
    else:
        first = _plan_order(rng, cluster.code, packages[FIRST], story.first, today, venue)
        orders.append(first)
    if story.successor:
        # Ordered at least a month after the first package's meeting (compared as days,
        # so the choice never depends on the clock).
        earliest = timezone.localdate(first.held_at or first.created_at) + timedelta(days=30)
        for _attempt in range(20):
            successor = _plan_order(rng, cluster.code, packages[SUCCESSOR], story.successor, today, venue)
            if timezone.localdate(successor.created_at) > earliest:
                orders.append(successor)
                break
    for order in orders:
        end = order.done_at
        for other in orders:
            if other.follows_up is order and other.held_at:
                end = other.held_at  # the follow-up's meeting ends this order
        undecided = order is orders[0] and not story.decided
        _plan_after_meeting(after, cluster, order, today, end, featured, undecided)
    for order in orders:
        if order.round:
            chosen = _chosen_points(order)
            order.round.responses = _plan_responses(rng, cluster, order, profile, packages[order.package], chosen)
    return orders


def _chosen_points(order: PlannedOrder) -> frozenset[str]:
    """The measure points the order this one follows up chose (empty for a first round)."""
    decision = order.follows_up.decision if order.follows_up else None
    return frozenset(code for code, _ in decision.measure_points) if decision else frozenset()


def _plan_after_meeting(
    rng: random.Random,
    cluster: ClusterFacts,
    order: PlannedOrder,
    today: date,
    end: datetime | None,
    featured: bool,
    undecided: bool = False,
) -> None:
    """The meeting record, the decisions and the practices' plans of a held meeting.

    Every random draw is made whatever the date, so "now" moves only the dates and which
    steps have happened yet (a step after yesterday's end, or after the order ended, is
    left out): never the draws that follow it.
    """
    if order.held_at is None or order.meeting_date is None:
        return
    limit = _end_of(today - timedelta(days=1))
    if end is not None:
        limit = min(limit, end)
    overran = rng.random() < 0.25  # seed 000: meetings ran 3 hours instead of 2.5
    order.meeting = PlannedMeeting(
        held_on=order.meeting_date,
        minutes=(order.meeting_minutes or 150) + (30 if overran else 0),
        format="virtual" if rng.random() < 0.2 else "physical",
        attendees=max(1, round(len(cluster.members) * rng.uniform(0.6, 0.95))),
        notes=rng.choice(MEETING_NOTES),
    )
    decides = rng.random()
    eligible = MEASURE_POINTS[order.package]
    count = min(len(eligible), 2 if featured else rng.randint(1, 3))
    points = rng.sample(eligible, count)
    hopes = tuple((code, rng.choice(HOPES.get(code, GENERIC_HOPES))) for code in points)
    areas = tuple(rng.sample(FOCUS_AREAS, rng.randint(1, 3)))
    topic = rng.choice(TOPIC_MEETINGS)
    decision_at = order.held_at + timedelta(minutes=rng.randint(10, 90))
    follow_up_package = {FIRST: FOLLOW_UP, SUCCESSOR: SUCCESSOR}.get(order.package)
    if order.state == State.MEETING_HELD and not featured and (undecided or decides < 0.2):
        # Meeting recorded, decisions not yet: no follow-up date either.
        order.follow_up_due_on = None
    elif order.follow_up_due_on is not None or featured or decides < 0.6:
        with_follow_up = order.follow_up_due_on is not None and follow_up_package is not None
        order.decision = PlannedDecision(
            at=decision_at,
            measure_points=hopes,
            focus_areas=areas,
            follow_up_package=follow_up_package if with_follow_up else None,
            follow_up_on=order.follow_up_due_on if with_follow_up else None,
            topic_meetings=topic,
        )
    due = order.follow_up_due_on
    asked = _scheduler_time(due - timedelta(days=STATUS_REQUEST_DAYS)) if due else None
    order.asked_at = asked if asked is not None and asked < limit else None
    for practice, reachable in cluster.practices:
        writes = rng.random() < (0.95 if featured else 0.7)
        via_link = reachable and rng.random() < 0.6
        shared = via_link and rng.random() < 0.5
        texts = rng.sample(PLAN_ROWS, rng.randint(1, 3))
        rows = tuple((text, order.meeting_date + _days(rng, 60, 150)) for text in texts)
        made_at = _at(timezone.localdate(order.held_at) + _days(rng, 1, 25), rng, 8, 20)
        status = rng.choices(["done", "under_way", "dropped"], [40, 40, 20])[0]
        status_at = _at(asked.date() + _days(rng, 1, 14), rng, 8, 20) if asked else None
        if order.decision is None or not writes or made_at >= limit:
            continue  # plans follow the decisions
        plan = PlannedPlan(practice, via_link, shared, rows, made_at)
        if order.asked_at and status_at and made_at < status_at < limit:
            plan.status_at, plan.status = status_at, status
        order.plans.append(plan)


def _plan_order(
    rng: random.Random, cluster: str, package: PackageFacts, state: str, today: date, venue: str
) -> PlannedOrder:
    """One order that has reached `state` by today, with dates that fit it."""
    if state == State.ORDERED:
        return PlannedOrder(cluster, package.code, state, created_at=_at(today - _days(rng, 1, 20), rng))
    if state == State.PLANNED:
        created = today - _days(rng, 4, 35)
        order = PlannedOrder(cluster, package.code, state, created_at=_at(created, rng))
        _plan_meeting(rng, order, package, created + _days(rng, 1, 3), today + _days(rng, 20, 70), venue)
        return order
    if state == State.SURVEY_OPEN:
        opened = today - _days(rng, 1, 6)
        # Closes 8 or more days from now, so no scheduled reminder (7 and 2 days before
        # closing) is already due when the demo starts.
        closes = today + _days(rng, 8, 13)
        meeting = closes + _days(rng, 3, 20)
        round_ = PlannedRound(_at(opened, rng), _end_of(closes), None)
    elif state == State.SURVEY_CLOSED:
        # Closed at least two days ago: a round that closed at the end of yesterday is
        # closed by the scheduler minutes after midnight, which lies ahead when the demo
        # is built in the first minutes of a day.
        closes = today - _days(rng, 2, 12)
        opened = closes - _days(rng, 12, 16)
        meeting = today + _days(rng, 2, 21)
        round_ = PlannedRound(_at(opened, rng), _end_of(closes), _closed_after(rng, _end_of(closes)))
    else:
        windows = {
            State.MEETING_HELD: (3, 170),
            State.FOLLOW_UP_DUE: (200, 330),
            # A follow-up package's meeting is followed up by nothing; the first
            # package's "done" without a follow-up is any time in the last two years.
            State.DONE: (45, 300) if package.code == FOLLOW_UP else (45, 640),
        }
        low, high = windows[state]
        meeting = today - _days(rng, low, high)
        opened = meeting - _days(rng, 24, 40)
        closes = opened + _days(rng, 12, 16)
        round_ = PlannedRound(_at(opened, rng), _end_of(closes), _closed_after(rng, _end_of(closes)))
    created = opened - _days(rng, 10, 45)
    order = PlannedOrder(cluster, package.code, state, created_at=_at(created, rng))
    _plan_meeting(rng, order, package, created + _days(rng, 1, 7), meeting, venue)
    order.round = round_
    if state in (State.SURVEY_OPEN, State.SURVEY_CLOSED):
        return order
    order.held_at = _at(meeting + _days(rng, 0, 2), rng, 17, 21)
    if state == State.MEETING_HELD:
        if package.code != FOLLOW_UP:
            # 6-12 months after the meeting; never before today (a held meeting whose
            # follow-up date has passed is "follow-up due", which the scheduler moves).
            order.follow_up_due_on = max(meeting + _days(rng, 183, 365), today + timedelta(days=1))
    elif state == State.FOLLOW_UP_DUE:
        age = (today - meeting).days
        order.follow_up_due_on = meeting + _days(rng, 183, age - 1)
        order.due_at = _scheduler_time(order.follow_up_due_on)
    elif state == State.DONE:
        order.done_at = _at(meeting + _days(rng, 7, 40), rng)
    return order


def _plan_followed_up_first(
    rng: random.Random, cluster: str, package: PackageFacts, follow_up: PlannedOrder, venue: str
) -> PlannedOrder:
    """A first-package order whose follow-up order is `follow_up`: its meeting 6-12 months
    before the follow-up's survey, follow-up due, done when the follow-up was ordered."""
    # The follow-up's survey opens 10-45 days after its order: 6-12 months after this meeting.
    ordered_follow_up = follow_up.created_at
    due_on = timezone.localdate(ordered_follow_up) - _days(rng, 0, 20)
    meeting = due_on - _days(rng, 183, 300)
    opened = meeting - _days(rng, 24, 40)
    closes = opened + _days(rng, 12, 16)
    created = opened - _days(rng, 10, 45)
    order = PlannedOrder(cluster, package.code, State.DONE, created_at=_at(created, rng))
    _plan_meeting(rng, order, package, created + _days(rng, 1, 7), meeting, venue)
    order.round = PlannedRound(_at(opened, rng), _end_of(closes), _closed_after(rng, _end_of(closes)))
    order.held_at = _at(meeting + _days(rng, 0, 2), rng, 17, 21)
    order.follow_up_due_on = due_on
    order.due_at = _scheduler_time(due_on)
    # Done when the follow-up's meeting is recorded (cycle.services.record_meeting).
    return order


def _plan_meeting(
    rng: random.Random, order: PlannedOrder, package: PackageFacts, planned: date, meeting: date, venue: str
) -> None:
    order.planned_at = _at(planned, rng)
    order.meeting_date = meeting
    order.meeting_place = venue
    order.meeting_starts_at = rng.choice(MEETING_STARTS)
    # Seed 000: some facilitators always used 3 hours instead of 2.5.
    order.meeting_minutes = package.default_minutes + (30 if rng.random() < 0.2 else 0)
    order.program_notes = rng.choice(PROGRAM_NOTES) if rng.random() < 0.25 else ""


def _closed_after(rng: random.Random, closes_at: datetime) -> datetime:
    # The scheduler closes a round within minutes of its deadline.
    return closes_at + timedelta(minutes=rng.randint(1, 15))


def _scheduler_time(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 5)))


# --- after the meeting ----------------------------------------------------------------

STATUS_REQUEST_DAYS = 21  # as cycle.services.STATUS_REQUEST_DAYS_BEFORE
MEASURE_POINTS = {
    FIRST: ["who5_index", "job_satisfaction"],
    FOLLOW_UP: ["who5_index", "job_satisfaction"],
    SUCCESSOR: [
        "q1_leadership_effort",
        "q3_leadership_team",
        "q4_doctors_meetings",
        "q5_meetings",
        "q6_shared_breaks",
        "q7_culture",
        "q8_support_received",
        "q9_support_given",
    ],
}
HOPES = {
    "who5_index": ("Færre af os med en WHO-5-score under 50", "Et højere gennemsnit på WHO-5", ""),
    "job_satisfaction": ("Flere, der oplever høj arbejdsglæde", "At ingen svarer 'lav arbejdsglæde'", ""),
}
GENERIC_HOPES = ("At flere svarer 'i høj grad'", "En tydelig forbedring ved næste runde", "")
FOCUS_AREAS = (
    "Fælles frokostpause hver dag",
    "Flere opgaver uddelegeres til personalet",
    "Faste lægemøder hver 14. dag",
    "Færre afbrydelser i konsultationstiden",
    "Kollegial sparring om svære forløb",
    "Tid til faglig udvikling i hverdagen",
    "Mindre administration for lægerne",
    "Bedre overlap mellem læger og personale",
)
MEETING_NOTES = (
    "Livlig drøftelse af uddelegering; gruppearbejdet tog længere tid end planlagt.",
    "To praksis var forhindret og får referatet tilsendt.",
    "Gode drøftelser om fælles pauser. Facilitator sender slides rundt.",
    "Vi brugte mere tid på resultaterne end planlagt og kortede Blok 3 lidt.",
    "",
)
TOPIC_MEETINGS = (
    "Temamøde om uddelegering til personalet i foråret",
    "Temamøde om kollegial sparring og svære forløb",
    "",
)
PLAN_ROWS: tuple[PlanRowText, ...] = (
    (
        "Fast fælles frokost kl. 12",
        "Vi ses for sjældent i løbet af dagen",
        "Spærre 30 minutter i tidsbogen",
        "Praksissekretæren",
        "Vi spiser sammen mindst tre dage om ugen",
    ),
    (
        "Sygeplejersken overtager blodtrykskontroller",
        "Aflaste lægerne og bruge personalets kompetencer",
        "Skrive en instruks",
        "Lægerne og sygeplejersken",
        "Færre kontroller i lægernes tidsbog",
    ),
    (
        "Lægemøde hver anden tirsdag",
        "Mere sparring og fælles beslutninger",
        "Sætte datoer i kalenderen for et halvt år",
        "Alle læger",
        "Møderne bliver holdt",
    ),
    (
        "Administration samlet i én fast blok",
        "Færre afbrydelser i konsultationstiden",
        "Prøve en fast time om morgenen i en måned",
        "Hver læge",
        "Vi oplever færre afbrydelser",
    ),
    (
        "Kollegial supervision en gang om måneden",
        "Svære forløb fylder, når man står alene med dem",
        "Aftale med nabopraksis",
        "Lægerne",
        "Vi har haft seks møder inden opfølgningen",
    ),
    (
        "Personalet svarer først på e-konsultationer",
        "Lægerne bruger for meget tid på enkle spørgsmål",
        "Lave skabeloner til de hyppigste svar",
        "Sekretærer og sygeplejersker",
        "Lægerne besvarer under halvdelen af e-konsultationerne",
    ),
)


# --- synthetic answers -----------------------------------------------------------------


def _plan_responses(
    rng: random.Random,
    cluster: ClusterFacts,
    order: PlannedOrder,
    profile: _ClusterProfile,
    package: PackageFacts,
    chosen: frozenset[str] = frozenset(),
) -> list[tuple[str, list[AnswerRow]]]:
    assert order.round is not None
    invited = cluster.members
    follow_up = order.package == FOLLOW_UP
    rate = profile.response_rate + rng.gauss(0, 0.04) - (0.03 if follow_up else 0.0)
    rate = min(RESPONSE_RATE[1], max(RESPONSE_RATE[0], rate))
    answering = max(1, round(rate * len(invited)))
    if order.round.closed_at is None:
        # Open now: some of the eventual answers are in.
        answering = max(1, round(answering * rng.uniform(0.35, 0.7)))
    gain = 0.0
    if follow_up:
        # A cluster that chose WHO-5 as a measure point worked on it: it moves more.
        gain = profile.follow_up_gain + (WHO5_CHOSEN_EXTRA if "who5_index" in chosen else -WHO5_CHOSEN_EXTRA)
    who5_mean = WHO5_MEAN + profile.who5_offset + gain
    satisfaction = JOB_SATISFACTION_CHOSEN_GAIN if follow_up and "job_satisfaction" in chosen else 0.0
    responses = []
    for email, kind in rng.sample(list(invited), min(answering, len(invited))):
        person = _respondent(rng, kind, who5_mean, profile, satisfaction)
        answers = synthetic_answers(package.questionnaire, rng, person)
        questionnaire = package.questionnaire
        if order.follows_up is not None and package.follow_up is not None:
            # A side generator per person: the rest of the demo draws what it drew before.
            side = random.Random(f"{cluster.code}:{email}:changes")  # noqa: S311 (synthetic data)
            answers = {**answers, **changes_answers(package.follow_up, package.follow_up_section, side)}
            questionnaire = package.follow_up
        responses.append((email, answer_rows(questionnaire, answers)))
    return responses


def _respondent(
    rng: random.Random, kind: str, who5_mean: float, profile: _ClusterProfile, satisfaction_gain: float = 0.0
) -> _Respondent:
    mean = who5_mean + (WHO5_SOLO_OFFSET if kind == Practice.Kind.SOLO else 0.0)
    who5 = min(100.0, max(0.0, rng.gauss(mean, WHO5_SD)))
    who5_z = (who5 - WHO5_MEAN) / WHO5_SD
    satisfaction = (
        JOB_SATISFACTION_WHO5_WEIGHT * who5_z
        + math.sqrt(1 - JOB_SATISFACTION_WHO5_WEIGHT**2) * rng.gauss(0, 1)
        + profile.satisfaction
        + satisfaction_gain
    )
    collaboration = rng.gauss(profile.collaboration + 0.25 * who5_z, 0.9)
    return _Respondent(kind, who5, who5_z, satisfaction, collaboration)


# --- digest ----------------------------------------------------------------------------


def _digest(responses: Iterable[tuple[str, str, Sequence[AnswerRow]]]) -> str:
    """A hash of the multiset of responses per (cluster, package), independent of order
    and of the random keys the rows are stored under."""
    keyed = sorted(
        (cluster, package, tuple(sorted((c, o, "" if v is None else repr(float(v)), t) for c, o, v, t in rows)))
        for cluster, package, rows in responses
    )
    return hashlib.sha256(repr(keyed).encode()).hexdigest()
