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
  record_meeting_held, mark_follow_ups_due, mark_done), cluster by cluster in the
  order things happened. The services stamp everything with the real clock, so each
  step's rows are then moved back to the step's planned time with plain updates
  (order and event times, the round's open/close times, its e-mails). Every answer is
  stored with `services.store_submission`, exactly as a real submit: the rows come
  from `answers.answer_rows` and nothing ties a response to the member whose
  practice type shaped it.

Answers are plausible, not real: WHO-5 with a national mean near 58 (seed 002) and
offsets per region and per cluster, follow-up rounds about 5 points better on average
(seed 002: 58 -> 63), job satisfaction correlated with WHO-5 and spread like seed
002 (15/38/35/12 %), delegation reasons with relief the most common (seed 002: 26,
15, 10, 8 of 34), some solo doctors, and response rates of 60-90 %.
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

from .demo_answers import JOB_SATISFACTION_WHO5_WEIGHT, _Respondent, synthetic_answers

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
# Every state appears for any seed: the first non-featured history clusters get these.
GUARANTEED_FIRST_STATES = (
    State.ORDERED,
    State.PLANNED,
    State.SURVEY_OPEN,
    State.SURVEY_CLOSED,
    State.MEETING_HELD,
    State.FOLLOW_UP_DUE,
    DONE_FU,
)


@dataclass(frozen=True)
class Story:
    first: str
    follow_up: str | None = None
    successor: str | None = None


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


@dataclass(frozen=True)
class PackageFacts:
    code: str
    questionnaire: Questionnaire
    default_minutes: int


@dataclass
class PlannedRound:
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None  # None: open now
    # (member e-mail, rows): who answers, only to pick the invitation to submit through.
    responses: list[tuple[str, list[AnswerRow]]] = field(default_factory=list)


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
    guaranteed = dict(zip(chosen, GUARANTEED_FIRST_STATES, strict=False))
    today = timezone.localdate(now)
    orders: list[PlannedOrder] = []
    for code in sorted([*featured, *chosen]):
        crng = history_rng(seed, code)
        story = FEATURED_STORIES[featured[code]] if code in featured else _random_story(crng, guaranteed.get(code))
        profile = _ClusterProfile.draw(crng, region_offset[by_code[code].region])
        orders.extend(_plan_cluster(crng, by_code[code], story, profile, packages, today))
    return HistoryPlan(orders)


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _random_story(rng: random.Random, first: str | None) -> Story:
    first = first or _weighted(rng, FIRST_WEIGHTS)
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
    cluster: ClusterFacts,
    story: Story,
    profile: _ClusterProfile,
    packages: Mapping[str, PackageFacts],
    today: date,
) -> list[PlannedOrder]:
    area = cluster.name.removeprefix("Klynge ").strip()
    venue = rng.choice(MEETING_VENUES).format(area=area)
    orders: list[PlannedOrder] = []
    if story.first == DONE_FU:
        follow_up = _plan_order(rng, cluster.code, packages[FOLLOW_UP], story.follow_up or State.DONE, today, venue)
        first = _plan_followed_up_first(rng, cluster.code, packages[FIRST], follow_up, venue)
        follow_up.follows_up = first
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
        if order.round:
            order.round.responses = _plan_responses(rng, cluster, order, profile, packages[order.package])
    return orders


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
    order.done_at = ordered_follow_up + timedelta(minutes=rng.randint(1, 30))
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


# --- synthetic answers -----------------------------------------------------------------


def _plan_responses(
    rng: random.Random, cluster: ClusterFacts, order: PlannedOrder, profile: _ClusterProfile, package: PackageFacts
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
    who5_mean = WHO5_MEAN + profile.who5_offset + (profile.follow_up_gain if follow_up else 0.0)
    responses = []
    for email, kind in rng.sample(list(invited), min(answering, len(invited))):
        person = _respondent(rng, kind, who5_mean, profile)
        answers = synthetic_answers(package.questionnaire, rng, person)
        responses.append((email, answer_rows(package.questionnaire, answers)))
    return responses


def _respondent(rng: random.Random, kind: str, who5_mean: float, profile: _ClusterProfile) -> _Respondent:
    mean = who5_mean + (WHO5_SOLO_OFFSET if kind == Practice.Kind.SOLO else 0.0)
    who5 = min(100.0, max(0.0, rng.gauss(mean, WHO5_SD)))
    who5_z = (who5 - WHO5_MEAN) / WHO5_SD
    satisfaction = (
        JOB_SATISFACTION_WHO5_WEIGHT * who5_z
        + math.sqrt(1 - JOB_SATISFACTION_WHO5_WEIGHT**2) * rng.gauss(0, 1)
        + profile.satisfaction
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
