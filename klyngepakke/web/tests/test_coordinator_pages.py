"""The coordinator's pages: order a package, plan the meeting, open, follow and steer a round.

Everything goes through the pages as a coordinator's browser would (forms POSTed to the
views). The round page must never show who has or has not answered, and its count may
move at most once a day.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order, OrderEvent
from klyngepakke.outbox.models import OutboxMessage
from klyngepakke.registry.models import ClusterAssignment, Member
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation, ReminderBatch, Round
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

PACKAGE = "trivsel-og-arbejdsglaede"


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def cluster(catalogue):
    """Six members: one solo doctor and partnerships."""
    return factories.survey_cluster(members=6, solo=1)


@pytest.fixture
def coord(cluster, coordinator_client) -> Client:
    return coordinator_client(cluster)


@pytest.fixture
def facilitator_client(cluster) -> Client:
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    c = Client()
    login(c, user)
    c.user = user
    return c


@pytest.fixture
def order(cluster) -> Order:
    return cycle_services.new_order(cluster, Package.objects.get(code=PACKAGE), None)


@pytest.fixture
def round_(cluster) -> Round:
    return factories.open_survey_round(cluster, PACKAGE)


def order_url(order: Order) -> str:
    return reverse("surveys:order_detail", args=[order.cluster.code, order.pk])


def round_url(round_: Round) -> str:
    return reverse("surveys:round_detail", args=[round_.order.cluster.code, round_.pk])


def action_url(round_: Round) -> str:
    return reverse("surveys:round_action", args=[round_.order.cluster.code, round_.pk])


def page(response) -> str:
    return response.content.decode()


def answer(invitation: Invitation) -> None:
    """Store one questionnaire for `invitation` through the submission service."""
    assert services.store_submission(invitation.pk, [("practice_type", "solo", None, "")]).stored


def outbox(kind: str) -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("to", flat=True))


# --- Ordering and planning --------------------------------------------------------------


class TestOrdering:
    def test_the_cluster_page_lists_orders_and_offers_to_order(self, coord, cluster, order):
        html = page(coord.get(reverse("web:cluster_detail", args=[cluster.code])))
        assert "Klyngepakker" in html
        assert order.package.title in html
        assert order_url(order) in html
        assert reverse("web:package_list") in html
        assert "Bestil pakke" in html

    def test_the_old_order_address_leads_to_the_package_pages(self, coord, cluster):
        response = coord.get(reverse("surveys:order_new", args=[cluster.code]))
        assert response.status_code == 302
        assert response["Location"] == reverse("web:package_list")
        # (ordering itself: klyngepakke/web/tests/test_ordering_pages.py)

    def test_the_meeting_length_defaults_to_the_package_program(self, coord, order):
        default = order.package.current_version.document["program"]["default_minutes"]
        assert default == 150  # 2.5 hours
        html = page(coord.get(order_url(order)))
        assert 'name="minutes"' in html
        assert 'value="150"' in html
        assert "150 minutter" in html

    def test_plan_the_meeting(self, coord, order):
        meeting = timezone.localdate() + timedelta(days=40)
        response = coord.post(
            order_url(order),
            {
                "action": "plan",
                "meeting_date": meeting.isoformat(),
                "place": "Lægehuset, mødelokale 2",
                "minutes": "180",
                "program_notes": "Vi bruger en halv time ekstra på delegation.",
            },
        )
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.state == Order.State.PLANNED
        assert order.meeting_date == meeting
        assert order.meeting_place == "Lægehuset, mødelokale 2"
        assert order.meeting_minutes == 180
        assert order.program_notes == "Vi bruger en halv time ekstra på delegation."
        assert order.events.filter(state=Order.State.PLANNED, by=coord.user).exists()
        html = page(coord.get(order_url(order)))
        assert "Mødeplanen er gemt." in html
        assert "180 minutter" in html
        assert "Lægehuset, mødelokale 2" in html
        assert "Vi bruger en halv time ekstra på delegation." in html

    def test_the_plan_can_be_changed_while_the_survey_is_open(self, coord, round_):
        order = round_.order
        assert 'name="place"' in page(coord.get(order_url(order)))
        response = coord.post(order_url(order), {"action": "plan", "place": "Klyngens lokale", "minutes": "150"})
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.state == Order.State.SURVEY_OPEN
        assert order.meeting_place == "Klyngens lokale"

    @pytest.mark.parametrize(
        ("minutes", "message"),
        [("ti", "Indtast et heltal"), ("10", "større end eller lig 30")],
    )
    def test_an_invalid_plan_is_refused_in_danish_and_nothing_changes(self, coord, order, minutes, message):
        response = coord.post(order_url(order), {"action": "plan", "place": "Et sted", "minutes": minutes})
        assert response.status_code == 400
        assert message in page(response)
        order.refresh_from_db()
        assert order.state == Order.State.ORDERED
        assert order.meeting_place == ""
        assert order.events.count() == 1


# --- Opening a round --------------------------------------------------------------------


class TestOpening:
    def test_open_the_round_through_the_form(self, coord, cluster, order):
        form = page(coord.get(order_url(order)))
        assert 'value="7, 2"' in form  # the suggested reminder schedule
        closes_on = timezone.localdate() + timedelta(days=14)

        response = coord.post(
            order_url(order), {"action": "open", "closes_on": closes_on.isoformat(), "reminder_days": "7, 2"}
        )

        round_ = Round.objects.get(order=order)
        assert response.status_code == 302
        assert response["Location"] == round_url(round_)
        assert round_.reminder_days == [7, 2]
        assert timezone.localtime(round_.closes_at).date() == closes_on
        assert timezone.localtime(round_.closes_at).strftime("%H:%M") == "23:59"
        assert round_.package_version == order.package.current_version
        order.refresh_from_db()
        assert order.state == Order.State.SURVEY_OPEN
        assert order.events.filter(state=Order.State.SURVEY_OPEN, by=coord.user).exists()
        members = sorted(Member.objects.filter(practice__cluster=cluster).values_list("email", flat=True))
        assert sorted(round_.invitations.values_list("member__email", flat=True)) == members
        assert outbox("survey_invitation") == members
        html = page(coord.get(round_url(round_)))
        assert "invitationerne er sat i kø" in html
        assert "0 af 6" in html

    def test_no_reminder_days_means_no_scheduled_reminders(self, coord, order):
        closes_on = timezone.localdate() + timedelta(days=10)
        coord.post(order_url(order), {"action": "open", "closes_on": closes_on.isoformat(), "reminder_days": ""})
        assert Round.objects.get(order=order).reminder_days == []

    @pytest.mark.parametrize(
        ("closes_in_days", "closes_on", "reminder_days", "message"),
        [
            (14, None, "7, to", "Skriv hele antal dage mellem 1 og 60"),
            (14, None, "0", "Skriv hele antal dage mellem 1 og 60"),
            (14, None, "90", "Skriv hele antal dage mellem 1 og 60"),
            (0, None, "7, 2", "Svarfristen skal ligge mindst én dag ude i fremtiden."),
            (-3, None, "7, 2", "Svarfristen skal ligge mindst én dag ude i fremtiden."),
            (None, "", "7, 2", "Dette felt er påkrævet."),
            (None, "31-02-2030", "7, 2", "Indtast en gyldig dato."),
        ],
        ids=["not-a-number", "zero", "too-many-days", "today", "past", "missing", "nonsense-date"],
    )
    def test_invalid_input_is_refused_in_danish_and_nothing_is_created(
        self, coord, order, closes_in_days, closes_on, reminder_days, message
    ):
        if closes_on is None:
            closes_on = (timezone.localdate() + timedelta(days=closes_in_days)).isoformat()
        response = coord.post(
            order_url(order), {"action": "open", "closes_on": closes_on, "reminder_days": reminder_days}
        )
        assert response.status_code == 400
        assert message in page(response)
        assert not Round.objects.exists()
        assert not Invitation.objects.exists()
        assert not OutboxMessage.objects.exists()
        order.refresh_from_db()
        assert order.state == Order.State.ORDERED

    def test_a_second_open_round_is_refused(self, coord, round_):
        closes_on = timezone.localdate() + timedelta(days=20)
        response = coord.post(order_url(round_.order), {"action": "open", "closes_on": closes_on.isoformat()})
        assert response.status_code == 400
        assert Round.objects.count() == 1


# --- The round page ---------------------------------------------------------------------


class _ShiftedTimezone:
    """django.utils.timezone as seen `days` later (freezegun is not installed)."""

    def __init__(self, days: int) -> None:
        self._shift = timedelta(days=days)

    def now(self):
        return timezone.now() + self._shift

    def localdate(self, value=None, tz=None):
        return timezone.localdate(value or self.now(), tz)

    def __getattr__(self, name):
        return getattr(timezone, name)


class TestRoundPage:
    def test_the_page_shows_the_count_and_rate_but_nobody_in_particular(self, coord, cluster, round_):
        invitations = list(round_.invitations.select_related("member__practice"))
        for invitation in invitations[:2]:
            answer(invitation)
        # The scheduler's snapshot of the next day (the opening day's says 0).
        services.take_response_count_snapshots(timezone.localdate() + timedelta(days=1))

        html = page(coord.get(round_url(round_)))

        assert "2 af 6" in html
        assert "(33 %)" in html
        order_html = page(coord.get(order_url(round_.order)))
        for invitation in invitations:
            member = invitation.member
            for shown in (html, order_html):
                assert member.name not in shown
                assert member.email not in shown
                assert member.practice.name not in shown
                assert member.practice.code not in shown

    def test_the_closed_page_names_nobody_either(self, coord, round_):
        invitations = list(round_.invitations.select_related("member__practice"))
        answer(invitations[0])
        services.close_round(round_, None)
        html = page(coord.get(round_url(round_)))
        assert "1 af 6" in html
        for invitation in invitations:
            assert invitation.member.name not in html
            assert invitation.member.email not in html
            assert invitation.member.practice.name not in html

    def test_the_shown_count_moves_at_most_once_a_day(self, coord, round_, monkeypatch):
        invitations = list(round_.invitations.all())
        assert "0 af 6" in page(coord.get(round_url(round_)))

        answer(invitations[0])
        services.take_response_count_snapshots()  # the scheduler, later the same day
        # Same day: the count stays where the day's snapshot froze it.
        assert "0 af 6" in page(coord.get(round_url(round_)))

        monkeypatch.setattr(services, "timezone", _ShiftedTimezone(days=1))
        assert "0 af 6" in page(coord.get(round_url(round_)))  # looking takes no snapshot
        assert services.take_response_count_snapshots() == 1  # the scheduler's first pass of the day
        assert "1 af 6" in page(coord.get(round_url(round_)))
        answer(invitations[1])
        services.take_response_count_snapshots()
        assert "1 af 6" in page(coord.get(round_url(round_)))

        monkeypatch.setattr(services, "timezone", _ShiftedTimezone(days=2))
        services.take_response_count_snapshots()
        assert "2 af 6" in page(coord.get(round_url(round_)))

    def test_a_closed_round_shows_the_final_count(self, coord, round_):
        invitations = list(round_.invitations.all())
        assert "0 af 6" in page(coord.get(round_url(round_)))
        answer(invitations[0])
        services.close_round(round_, None)
        assert "1 af 6" in page(coord.get(round_url(round_)))

    def test_send_reminders_by_hand_once_a_day(self, coord, round_):
        invitations = list(round_.invitations.select_related("member"))
        answer(invitations[0])
        not_answered = sorted(i.member.email for i in invitations[1:])

        first = coord.post(action_url(round_), {"action": "remind"}, follow=True)
        assert "Påmindelser er sat i kø til dem, der ikke har svaret." in page(first)
        assert outbox("survey_reminder") == not_answered
        batch = ReminderBatch.objects.get(round=round_)
        assert batch.by == coord.user

        second = coord.post(action_url(round_), {"action": "remind"}, follow=True)
        assert "Der er allerede sendt en påmindelse inden for det sidste døgn." in page(second)
        assert outbox("survey_reminder") == not_answered  # nothing more queued
        assert ReminderBatch.objects.filter(round=round_).count() == 1

        # A day later (the slot name carries the time it was sent).
        batch.queued_at = timezone.now() - timedelta(hours=25)
        batch.slot = f"manual-{batch.queued_at:%Y%m%d%H%M%S}"
        batch.save(update_fields=["queued_at", "slot"])
        third = coord.post(action_url(round_), {"action": "remind"}, follow=True)
        assert "Påmindelser er sat i kø" in page(third)
        assert len(outbox("survey_reminder")) == 2 * len(not_answered)

    def test_close_early(self, coord, round_):
        # The old action goes to the confirmation page; that page's form closes.
        asked = coord.post(action_url(round_), {"action": "close"})
        assert asked.status_code == 302
        assert asked["Location"] == reverse("web:round_close", args=[round_.order.cluster.code, round_.pk])
        round_.refresh_from_db()
        assert round_.closed_at is None
        response = coord.post(asked["Location"], follow=True)
        html = page(response)
        assert "Runden er lukket." in html
        assert "Runden blev lukket" in html
        assert "Send påmindelse nu" not in html
        round_.refresh_from_db()
        assert round_.closed_at is not None
        order = round_.order
        order.refresh_from_db()
        assert order.state == Order.State.SURVEY_CLOSED
        assert order.events.filter(state=Order.State.SURVEY_CLOSED, by=coord.user).exists()

        late = coord.post(action_url(round_), {"action": "remind"}, follow=True)
        assert "Runden er lukket." in page(late)
        assert not OutboxMessage.objects.filter(kind="survey_reminder").exists()

    def test_extend_to_a_later_date(self, coord, round_):
        old_day = timezone.localtime(round_.closes_at).date()
        new_day = old_day + timedelta(days=7)
        response = coord.post(action_url(round_), {"action": "extend", "closes_on": new_day.isoformat()}, follow=True)
        assert "Svarfristen er forlænget." in page(response)
        round_.refresh_from_db()
        assert timezone.localtime(round_.closes_at).date() == new_day
        assert round_.order.events.filter(note__startswith="Runde forlænget", by=coord.user).exists()

    @pytest.mark.parametrize(
        ("closes_on", "message"),
        [
            (lambda day: (day - timedelta(days=1)).isoformat(), "Den nye lukkedato skal ligge efter den nuværende."),
            (lambda day: (timezone.localdate() - timedelta(days=1)).isoformat(), "skal ligge efter den nuværende"),
            (lambda day: "", "Skriv en gyldig dato for den nye svarfrist."),
            (lambda day: "i morgen", "Skriv en gyldig dato for den nye svarfrist."),
        ],
        ids=["earlier", "past", "missing", "nonsense"],
    )
    def test_extend_must_be_later(self, coord, round_, closes_on, message):
        before = round_.closes_at
        day = timezone.localtime(before).date()
        response = coord.post(action_url(round_), {"action": "extend", "closes_on": closes_on(day)}, follow=True)
        assert message in page(response)
        round_.refresh_from_db()
        assert round_.closes_at == before

    def test_invite_members_added_after_opening(self, coord, cluster, round_):
        practice = cluster.practices.first()
        newcomer = factories.member(practice)
        leaver = factories.member(practice)
        leaver.active = False
        leaver.save(update_fields=["active"])
        queued_before = outbox("survey_invitation")

        response = coord.post(action_url(round_), {"action": "invite_new"}, follow=True)

        assert "Ét nyt medlem er inviteret." in page(response)
        assert round_.invitations.filter(member=newcomer).exists()
        assert not round_.invitations.filter(member=leaver).exists()
        assert outbox("survey_invitation") == sorted([*queued_before, newcomer.email])
        assert "0 af 7" in page(coord.get(round_url(round_)))

        again = coord.post(action_url(round_), {"action": "invite_new"}, follow=True)
        assert "Der er ingen nye medlemmer at invitere." in page(again)
        assert round_.invitations.count() == 7

    def test_nobody_is_invited_into_a_closed_round(self, coord, cluster, round_):
        services.close_round(round_, None)
        factories.member(cluster.practices.first())
        response = coord.post(action_url(round_), {"action": "invite_new"}, follow=True)
        assert "Runden er lukket" in page(response)
        assert round_.invitations.count() == 6

    def test_an_unknown_action_changes_nothing(self, coord, round_):
        response = coord.post(action_url(round_), {"action": "slet-alt"}, follow=True)
        assert "Ukendt handling." in page(response)
        round_.refresh_from_db()
        assert round_.is_open


# --- Markup ------------------------------------------------------------------------------


def test_the_coordinator_pages_are_accessible_and_csp_clean(coord, cluster, round_):
    ordered = cycle_services.new_order(cluster, Package.objects.get(code="samarbejde-og-faellesskab"), None)
    invalid_open = coord.post(order_url(ordered), {"action": "open", "closes_on": "", "reminder_days": "x"})
    assert invalid_open.status_code == 400
    for response in (
        coord.get(reverse("web:cluster_detail", args=[cluster.code])),
        coord.get(reverse("web:place_order", args=[cluster.code, PACKAGE])),
        coord.get(order_url(ordered)),
        invalid_open,
        coord.get(order_url(round_.order)),
        coord.get(round_url(round_)),
    ):
        assert_accessible_and_csp_clean(response)
        html = page(response)
        # Help texts and error messages are tied to their fields by id.
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            for target in described.split():
                assert f'id="{target}"' in html, f"aria-describedby points at a missing id: {target}"


# --- Facilitators read, they do not manage -----------------------------------------------


class TestFacilitator:
    def test_sees_the_cluster_page_without_manage_links(self, facilitator_client, cluster, round_):
        response = facilitator_client.get(reverse("web:cluster_detail", args=[cluster.code]))
        html = page(response)
        assert response.status_code == 200
        assert round_.order.package.title in html  # the order is listed ...
        assert order_url(round_.order) not in html  # ... without links to pages they may not open
        assert round_url(round_) not in html
        assert "Bestil pakke" not in html

    def test_gets_403_on_every_manage_page(self, facilitator_client, cluster, round_):
        order = round_.order
        assert facilitator_client.get(reverse("surveys:order_new", args=[cluster.code])).status_code == 403
        assert facilitator_client.get(order_url(order)).status_code == 403
        assert facilitator_client.get(round_url(round_)).status_code == 403

    def test_cannot_order_or_steer_a_round(self, facilitator_client, cluster, round_):
        order = round_.order
        ordered = facilitator_client.post(reverse("surveys:order_new", args=[cluster.code]), {"package": PACKAGE})
        assert ordered.status_code == 403
        planned = facilitator_client.post(order_url(order), {"action": "plan", "place": "Hos mig", "minutes": "150"})
        assert planned.status_code == 403
        for action in ("close", "remind", "invite_new"):
            assert facilitator_client.post(action_url(round_), {"action": action}).status_code == 403
        extended = facilitator_client.post(
            action_url(round_),
            {"action": "extend", "closes_on": (timezone.localdate() + timedelta(days=60)).isoformat()},
        )
        assert extended.status_code == 403
        assert Order.objects.count() == 1
        round_.refresh_from_db()
        order.refresh_from_db()
        assert round_.is_open
        assert order.meeting_place == ""
        assert not ReminderBatch.objects.exists()
        assert OrderEvent.objects.filter(order=order).count() == 2  # ordered, survey open
