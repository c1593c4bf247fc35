"""The access matrix: every URL pattern of the project, every kind of actor, one expected outcome.

How to read and extend it
-------------------------
* `MATRIX` maps a URL pattern ("namespace:name") to one or more sample requests, each with
  the outcome expected for every actor. A new URL pattern without an entry fails
  `test_every_url_pattern_is_in_the_matrix`, naming the pattern: add an entry here.
* The admin is covered by a rule: every registered ModelAdmin gets samples of its
  changelist, add, change, history, delete and old-style change redirect, plus the
  site-wide admin pages. Named admin URLs beyond Django's standard ones (custom admin
  views) need their own MATRIX entry. Staff outcomes that differ from "full rights"
  (read-only models) are listed in `ADMIN_STAFF_EXCEPTIONS`.
* Another cluster's objects answer 404, never 403: their existence must not leak.

Actors
------
anonymous          no login.
member             a doctor who has followed the e-mailed survey link of their invitation
                   in `world.round` (GET /s/<token>/), so the browser holds the survey
                   session. Members never log in: on pages that need a login this actor is
                   a client with no login (the `member` column defaults to `anonymous`).
coordinator        coordinator of `world.cluster`.
facilitator        facilitator of `world.cluster`: sees the cluster, may not manage it (403 on
                   order and round pages). The column defaults to the coordinator's outcome.
other_coordinator  coordinator of `world.other_cluster` only.
staff              operator staff (full admin rights), second factor confirmed.
staff_unverified   the same kind of login before its TOTP code: only OTP pages and logout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from hashlib import sha256
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic import RedirectView

from conftest import add_totp_device, login, verify_second_factor
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import CallRequest, PlanToken, PracticePlan
from klyngepakke.registry.models import AccessChange, ClusterAssignment, MemberChange, RegistryUpload
from klyngepakke.support.tokens import new_token
from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation
from klyngepakke.tasks.tasks import worker_heartbeat
from tests import factories

ANON, MEMBER, COORD, FACIL, OTHER, STAFF, UNVERIFIED = (
    "anonymous",
    "member",
    "coordinator",
    "facilitator",
    "other_coordinator",
    "staff",
    "staff_unverified",
)
ACTORS = (ANON, MEMBER, COORD, FACIL, OTHER, STAFF, UNVERIFIED)


# --- Outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    # For redirects: where to. A URL name ("accounts:login"), a path, or a function of
    # the world giving a path. Compared with the Location's path (query left out).
    to: str | Callable[[World], str] | None = None
    # The redirect carries ?next=<the requested URL>, so the actor comes back after login.
    keeps_next: bool = False

    def __str__(self) -> str:
        if self.to is None:
            return str(self.status)
        target = self.to if isinstance(self.to, str) else "<computed>"
        return f"{self.status} -> {target}{' (next)' if self.keeps_next else ''}"


OK = Outcome(200)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
CONFLICT = Outcome(409)
GONE = Outcome(410)
UNAVAILABLE = Outcome(503)
LOGIN = Outcome(302, "accounts:login", keeps_next=True)
ADMIN_LOGIN = Outcome(302, "admin:login", keeps_next=True)
OTP = Outcome(302, "accounts:otp_verify", keeps_next=True)


def redirect(to: str | Callable[[World], str]) -> Outcome:
    return Outcome(302, to)


def row(
    *,
    anonymous: Outcome,
    coordinator: Outcome,
    other: Outcome,
    staff: Outcome,
    member: Outcome | None = None,
    facilitator: Outcome | None = None,
    unverified: Outcome = OTP,
) -> dict[str, Outcome]:
    """One row of the matrix. `member` defaults to the anonymous outcome (no login),
    `facilitator` to the coordinator's outcome (same cluster, reading)."""
    return {
        ANON: anonymous,
        MEMBER: member or anonymous,
        COORD: coordinator,
        FACIL: facilitator or coordinator,
        OTHER: other,
        STAFF: staff,
        UNVERIFIED: unverified,
    }


def logged_in(outcome: Outcome, *, unverified: Outcome = OTP) -> dict[str, Outcome]:
    """A page for any login, with no cluster in it."""
    return row(anonymous=LOGIN, coordinator=outcome, other=outcome, staff=outcome, unverified=unverified)


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    """The same for every visitor; a login waiting for its second factor is still held."""
    return row(anonymous=outcome, coordinator=outcome, other=outcome, staff=outcome)


# Token-free questionnaire pages: only the browser holding a survey session gets in;
# everyone else (logins included) is told to open the link from the e-mail.
NO_SURVEY_SESSION = FORBIDDEN


def respondent_page(member: Outcome) -> dict[str, Outcome]:
    return row(
        anonymous=NO_SURVEY_SESSION,
        member=member,
        coordinator=NO_SURVEY_SESSION,
        other=NO_SURVEY_SESSION,
        staff=NO_SURVEY_SESSION,
    )


def manage_page(own: Outcome) -> dict[str, Outcome]:
    """A cluster page that changes things: the cluster's coordinators and staff only."""
    return row(anonymous=LOGIN, coordinator=own, facilitator=FORBIDDEN, other=NOT_FOUND, staff=own)


# A cluster page for reading and recording after the meeting: the cluster's coordinators
# and facilitators, and staff.
CLUSTER_READ = row(anonymous=LOGIN, coordinator=OK, facilitator=OK, other=NOT_FOUND, staff=OK)


# Another cluster's code in the URL with this cluster's order or round id: nobody gets
# anything, not even staff (the object is looked up inside the cluster named).
MISMATCHED = row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND)


# --- The world the samples run in -------------------------------------------------------


@dataclass
class World:
    cluster: Any
    other_cluster: Any
    package: Any
    coordinator: Any
    other_coordinator: Any
    staff: Any
    clients: dict[str, Client]
    # world.cluster's order of `package` with its open round; the member actor holds the
    # survey session of an invitation in it.
    order: Any = None
    round: Any = None
    # world.cluster's closed round (of a second package): the results pages need one.
    closed_round: Any = None
    # Links as e-mails carry them: the member's own (valid), one already answered, and
    # one into world.other_cluster's closed round.
    tokens: dict[str, str] = field(default_factory=dict)
    admin_objects: dict[str, Any] = field(default_factory=dict)
    # world.closed_round's order with its meeting recorded, and its practice's plan.
    cycle_order: Any = None
    plan: Any = None

    @property
    def first_section(self) -> str:
        return self.package.current_version.document["questionnaire"]["sections"][0]["code"]


@dataclass(frozen=True)
class Sample:
    label: str
    url: Callable[[World], str]
    expect: dict[str, Outcome]
    method: str = "get"


def _member(world: World, cluster: Any = None) -> Any:
    return (cluster or world.cluster).practices.first().members.filter(active=True).first()


def _left_member(world: World) -> Any:
    member = factories.member(world.cluster.practices.first())
    member.active = False
    member.save(update_fields=["active"])
    return member


def _imported_change(world: World) -> Any:
    return MemberChange.objects.create(
        member=_member(world), kind=MemberChange.Kind.IMPORTED, fields={"name": ["Gammelt", "Nyt"]}
    )


def _upload(world: World) -> Any:
    data = (
        b"region;klynge_kode;klynge_navn;praksis_kode;praksis_navn;praksis_type;antal_laeger;navn;email;rolle;aktiv\n"
    )
    return RegistryUpload.objects.create(filename="register.csv", data=data, sha256=sha256(data).hexdigest())


def _call(world: World) -> Any:
    return CallRequest.objects.create(order=world.order, phone="12345678", preferred_time="Formiddag")


def _order_page(world: World) -> str:
    return reverse("surveys:order_detail", args=[world.cluster.code, world.order.pk])


def _staff_only(staff: Outcome) -> dict[str, Outcome]:
    return row(anonymous=LOGIN, coordinator=FORBIDDEN, other=FORBIDDEN, staff=staff)


MATRIX: dict[str, list[Sample]] = {
    # --- web
    "web:home": [Sample("home", lambda w: reverse("web:home"), logged_in(OK))],
    "web:cluster_list": [Sample("all clusters", lambda w: reverse("web:cluster_list"), logged_in(OK))],
    "web:round_close": [
        Sample(
            "close confirmation",
            lambda w: reverse("web:round_close", args=[w.cluster.code, w.round.pk]),
            manage_page(OK),
        ),
        Sample(
            "close confirmation under another cluster's code",
            lambda w: reverse("web:round_close", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
        ),
        Sample(
            "POST close under another cluster's code",
            lambda w: reverse("web:round_close", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
            method="post",
        ),
    ],
    "web:round_reopen": [
        Sample(
            "GET reopen",
            lambda w: reverse("web:round_reopen", args=[w.cluster.code, w.round.pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
        Sample(
            # No date in the form: nothing happens, the round page answers with a message.
            "POST reopen",
            lambda w: reverse("web:round_reopen", args=[w.cluster.code, w.round.pk]),
            manage_page(redirect(lambda w: reverse("surveys:round_detail", args=[w.cluster.code, w.round.pk]))),
            method="post",
        ),
        Sample(
            "POST reopen under another cluster's code",
            lambda w: reverse("web:round_reopen", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
            method="post",
        ),
    ],
    "web:healthz": [
        Sample(
            "healthz",
            lambda w: reverse("web:healthz"),
            row(anonymous=OK, coordinator=OK, other=OK, staff=OK),
        )
    ],
    # No scheduler or worker has beaten in the test world: unhealthy, for everyone alike.
    "tasks:health": [
        Sample(
            "health",
            lambda w: reverse("tasks:health"),
            row(anonymous=UNAVAILABLE, coordinator=UNAVAILABLE, other=UNAVAILABLE, staff=UNAVAILABLE),
        )
    ],
    "web:cluster_detail": [
        Sample(
            "own cluster",
            lambda w: reverse("web:cluster_detail", args=[w.cluster.code]),
            row(anonymous=LOGIN, coordinator=OK, other=NOT_FOUND, staff=OK),
        ),
        Sample(
            "unknown cluster",
            lambda w: reverse("web:cluster_detail", args=["findes-ikke"]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND),
        ),
    ],
    # --- web: the members page (coordinators and staff; facilitators 403). The POST
    # samples are chosen so that no actor changes anything: leave an already-left member,
    # re-admit an active one, invite when everyone is invited, undo an import's change.
    "web:members": [
        Sample("members", lambda w: reverse("web:members", args=[w.cluster.code]), manage_page(OK)),
    ],
    "web:member_add": [
        Sample(
            "POST add without data",
            lambda w: reverse("web:member_add", args=[w.cluster.code]),
            manage_page(Outcome(400)),
            method="post",
        ),
    ],
    "web:member_email": [
        Sample(
            "correct e-mail",
            lambda w: reverse("web:member_email", args=[w.cluster.code, _member(w).pk]),
            manage_page(OK),
        ),
        Sample(
            "POST e-mail without data",
            lambda w: reverse("web:member_email", args=[w.cluster.code, _member(w).pk]),
            manage_page(Outcome(400)),
            method="post",
        ),
        Sample(
            "another cluster's member under the own cluster's code",
            lambda w: reverse("web:member_email", args=[w.cluster.code, _member(w, w.other_cluster).pk]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, facilitator=FORBIDDEN, other=NOT_FOUND, staff=NOT_FOUND),
        ),
    ],
    "web:member_leave": [
        Sample(
            "POST leave a member who left",
            lambda w: reverse("web:member_leave", args=[w.cluster.code, _left_member(w).pk]),
            manage_page(CONFLICT),
            method="post",
        ),
    ],
    "web:member_rejoin": [
        Sample(
            "POST re-admit an active member",
            lambda w: reverse("web:member_rejoin", args=[w.cluster.code, _member(w).pk]),
            manage_page(CONFLICT),
            method="post",
        ),
    ],
    "web:member_invite": [
        Sample(
            "POST invite when everyone is invited",
            lambda w: reverse("web:member_invite", args=[w.cluster.code, w.round.pk]),
            manage_page(CONFLICT),
            method="post",
        ),
        Sample(
            "POST invite under another cluster's code",
            lambda w: reverse("web:member_invite", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
            method="post",
        ),
    ],
    "web:member_undo": [
        Sample(
            "POST undo an import's change",
            lambda w: reverse("web:member_undo", args=[w.cluster.code, _imported_change(w).pk]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=NOT_FOUND, staff=CONFLICT),
            method="post",
        ),
    ],
    # --- web: the consultant marks a "Ring mig op" as made, or undoes it (staff only)
    "web:call_handled": [
        Sample(
            "POST mark a call as made",
            lambda w: reverse("web:call_handled", args=[_call(w).pk]),
            _staff_only(redirect(_order_page)),
            method="post",
        ),
        Sample(
            "GET mark a call as made",
            lambda w: reverse("web:call_handled", args=[_call(w).pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
        Sample(
            "POST mark an unknown call",
            lambda w: reverse("web:call_handled", args=[999999]),
            _staff_only(NOT_FOUND),
            method="post",
        ),
    ],
    "web:call_undo": [
        Sample(
            "POST undo a call not marked (refused with a message)",
            lambda w: reverse("web:call_undo", args=[_call(w).pk]),
            _staff_only(redirect(_order_page)),
            method="post",
        ),
    ],
    # --- web: the registry import (staff only)
    "web:registry_upload": [
        Sample("registry upload", lambda w: reverse("web:registry_upload"), _staff_only(OK)),
        Sample(
            "POST registry upload without a file",
            lambda w: reverse("web:registry_upload"),
            _staff_only(Outcome(400)),
            method="post",
        ),
    ],
    "web:registry_preview": [
        Sample("registry preview", lambda w: reverse("web:registry_preview", args=[_upload(w).pk]), _staff_only(OK)),
    ],
    "web:registry_apply": [
        Sample(
            "POST registry apply without the file's hash",
            lambda w: reverse("web:registry_apply", args=[_upload(w).pk]),
            _staff_only(CONFLICT),
            method="post",
        ),
    ],
    "web:package_list": [Sample("package list", lambda w: reverse("web:package_list"), logged_in(OK))],
    "web:package_detail": [
        Sample("package", lambda w: reverse("web:package_detail", args=[w.package.code]), logged_in(OK)),
        Sample("unknown package", lambda w: reverse("web:package_detail", args=["findes-ikke"]), logged_in(NOT_FOUND)),
    ],
    # --- surveys: the respondent (no login; the token is exchanged for a session)
    "surveys:enter": [
        Sample(
            "valid link",
            lambda w: reverse("surveys:enter", args=[w.tokens["valid"]]),
            everyone(redirect("surveys:landing")),
        ),
        Sample(
            "unknown link",
            lambda w: reverse("surveys:enter", args=["A" * 32]),
            everyone(NOT_FOUND),
        ),
        Sample(
            "malformed link",
            lambda w: reverse("surveys:enter", args=["kort"]),
            everyone(NOT_FOUND),
        ),
        Sample(
            "link already answered",
            lambda w: reverse("surveys:enter", args=[w.tokens["answered"]]),
            everyone(GONE),
        ),
        Sample(
            "link into a closed round",
            lambda w: reverse("surveys:enter", args=[w.tokens["closed"]]),
            everyone(GONE),
        ),
    ],
    "surveys:landing": [Sample("landing", lambda w: reverse("surveys:landing"), respondent_page(OK))],
    "surveys:section": [
        Sample("first section", lambda w: reverse("surveys:section", args=[w.first_section]), respondent_page(OK)),
        Sample(
            "unknown section",
            lambda w: reverse("surveys:section", args=["findes-ikke"]),
            respondent_page(redirect("surveys:landing")),
        ),
    ],
    "surveys:review": [Sample("review", lambda w: reverse("surveys:review"), respondent_page(OK))],
    # The receipt exists only after submitting; the member here has not submitted yet
    # (test_a_member_who_has_submitted_sees_the_receipt covers the other case).
    "surveys:thanks": [Sample("thanks before submit", lambda w: reverse("surveys:thanks"), respondent_page(FORBIDDEN))],
    # --- surveys: the coordinator's (and staff consultant's) order and round pages
    "surveys:order_new": [
        # The package pages order now (web:place_order); the old address leads there.
        Sample(
            "order a package",
            lambda w: reverse("surveys:order_new", args=[w.cluster.code]),
            manage_page(redirect(lambda w: reverse("web:package_list"))),
        ),
        Sample(
            "unknown cluster",
            lambda w: reverse("surveys:order_new", args=["findes-ikke"]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND),
        ),
    ],
    "web:place_order": [
        Sample(
            "order form",
            lambda w: reverse("web:place_order", args=[w.cluster.code, w.order.package.code]),
            manage_page(OK),
        ),
        Sample(
            "order form of an unknown package",
            lambda w: reverse("web:place_order", args=[w.cluster.code, "findes-ikke"]),
            manage_page(NOT_FOUND),
        ),
        Sample(
            "order form of an order's follow-up",
            lambda w: (
                reverse("web:place_order", args=[w.cluster.code, w.order.package.code]) + f"?efter={w.cycle_order.pk}"
            ),
            manage_page(OK),
        ),
        Sample(
            "order form following up an order not in the cluster",
            lambda w: reverse("web:place_order", args=[w.cluster.code, w.order.package.code]) + "?efter=999999",
            manage_page(NOT_FOUND),
        ),
    ],
    "web:cancel_order": [
        Sample(
            "GET cancel",
            lambda w: reverse("web:cancel_order", args=[w.cluster.code, w.order.pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
        Sample(
            # The survey is open: refused with a message, back to the order page.
            "POST cancel",
            lambda w: reverse("web:cancel_order", args=[w.cluster.code, w.order.pk]),
            manage_page(redirect(lambda w: reverse("surveys:order_detail", args=[w.cluster.code, w.order.pk]))),
            method="post",
        ),
        Sample(
            "POST cancel under another cluster's code",
            lambda w: reverse("web:cancel_order", args=[w.other_cluster.code, w.order.pk]),
            MISMATCHED,
            method="post",
        ),
    ],
    "web:reschedule": [
        Sample(
            "POST move survey dates",
            lambda w: reverse("web:reschedule", args=[w.cluster.code, w.order.pk]),
            manage_page(redirect(lambda w: reverse("surveys:order_detail", args=[w.cluster.code, w.order.pk]))),
            method="post",
        ),
    ],
    "surveys:order_detail": [
        Sample(
            "own order",
            lambda w: reverse("surveys:order_detail", args=[w.cluster.code, w.order.pk]),
            manage_page(OK),
        ),
        Sample(
            "order under another cluster's code",
            lambda w: reverse("surveys:order_detail", args=[w.other_cluster.code, w.order.pk]),
            MISMATCHED,
        ),
        Sample(
            "unknown order",
            lambda w: reverse("surveys:order_detail", args=[w.cluster.code, 999999]),
            manage_page(NOT_FOUND),
        ),
    ],
    "surveys:round_detail": [
        Sample(
            "own round",
            lambda w: reverse("surveys:round_detail", args=[w.cluster.code, w.round.pk]),
            manage_page(OK),
        ),
        Sample(
            "round under another cluster's code",
            lambda w: reverse("surveys:round_detail", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
        ),
        Sample(
            "unknown round",
            lambda w: reverse("surveys:round_detail", args=[w.cluster.code, 999999]),
            manage_page(NOT_FOUND),
        ),
    ],
    "surveys:round_action": [
        Sample(
            "GET round action",
            lambda w: reverse("surveys:round_action", args=[w.cluster.code, w.round.pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
        Sample(
            # No action in the form: nothing happens, the page answers with a message.
            "POST round action",
            lambda w: reverse("surveys:round_action", args=[w.cluster.code, w.round.pk]),
            manage_page(redirect(lambda w: reverse("surveys:round_detail", args=[w.cluster.code, w.round.pk]))),
            method="post",
        ),
        Sample(
            "POST round action under another cluster's code",
            lambda w: reverse("surveys:round_action", args=[w.other_cluster.code, w.round.pk]),
            MISMATCHED,
            method="post",
        ),
    ],
    # --- cycle: after the meeting (world.closed_round's order, its meeting recorded): the
    # meeting record and decisions for the cluster's coordinators and facilitators; the
    # follow-up order and sending plan links for coordinators; the practice's own plan
    # from its link (no login). A plan's text needs the practice's consent: unshared, its
    # printable page is 403 for the cluster.
    "cycle:meeting": [
        Sample(
            "meeting record", lambda w: reverse("cycle:meeting", args=[w.cluster.code, w.cycle_order.pk]), CLUSTER_READ
        ),
        Sample(
            "meeting under another cluster's code",
            lambda w: reverse("cycle:meeting", args=[w.other_cluster.code, w.cycle_order.pk]),
            MISMATCHED,
        ),
    ],
    "cycle:decisions": [
        Sample(
            "decisions", lambda w: reverse("cycle:decisions", args=[w.cluster.code, w.cycle_order.pk]), CLUSTER_READ
        ),
        Sample(
            "decisions under another cluster's code",
            lambda w: reverse("cycle:decisions", args=[w.other_cluster.code, w.cycle_order.pk]),
            MISMATCHED,
        ),
    ],
    "cycle:plans": [
        Sample("plans", lambda w: reverse("cycle:plans", args=[w.cluster.code, w.cycle_order.pk]), CLUSTER_READ),
        Sample(
            "plans under another cluster's code",
            lambda w: reverse("cycle:plans", args=[w.other_cluster.code, w.cycle_order.pk]),
            MISMATCHED,
        ),
    ],
    "cycle:plan_detail": [
        Sample(
            "plan",
            lambda w: reverse("cycle:plan_detail", args=[w.cluster.code, w.cycle_order.pk, w.plan.pk]),
            CLUSTER_READ,
        ),
        Sample(
            "unknown plan",
            lambda w: reverse("cycle:plan_detail", args=[w.cluster.code, w.cycle_order.pk, 999999]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND),
        ),
    ],
    "cycle:plan_print": [
        Sample(
            "unshared plan printed",
            lambda w: reverse("cycle:plan_print", args=[w.cluster.code, w.cycle_order.pk, w.plan.pk]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=NOT_FOUND, staff=FORBIDDEN),
        ),
    ],
    "cycle:plan_send": [
        Sample(
            "GET send plan link",
            lambda w: reverse("cycle:plan_send", args=[w.cluster.code, w.cycle_order.pk, w.plan.pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
        Sample(
            "POST send plan link",
            lambda w: reverse("cycle:plan_send", args=[w.cluster.code, w.cycle_order.pk, w.plan.pk]),
            manage_page(redirect(lambda w: reverse("cycle:plans", args=[w.cluster.code, w.cycle_order.pk]))),
            method="post",
        ),
    ],
    "cycle:plan_enter": [
        Sample(
            "valid plan link",
            lambda w: reverse("cycle:plan_enter", args=[w.tokens["plan"]]),
            everyone(redirect("cycle:practice_plan")),
        ),
        Sample("unknown plan link", lambda w: reverse("cycle:plan_enter", args=["A" * 32]), everyone(NOT_FOUND)),
    ],
    # Nobody here has followed a plan link: the practice's pages say the link does not work.
    "cycle:practice_plan": [Sample("practice plan", lambda w: reverse("cycle:practice_plan"), everyone(NOT_FOUND))],
    "cycle:practice_plan_print": [
        Sample("practice plan printed", lambda w: reverse("cycle:practice_plan_print"), everyone(NOT_FOUND))
    ],
    # --- results: the cluster's results pages (facilitators read them), staff's national
    # overview and JSON. Open rounds have no results yet: 409.
    "results:round": [
        Sample(
            "own closed round",
            lambda w: reverse("results:round", args=[w.cluster.code, w.closed_round.pk]),
            row(anonymous=LOGIN, coordinator=OK, facilitator=OK, other=NOT_FOUND, staff=OK),
        ),
        Sample(
            "own open round",
            lambda w: reverse("results:round", args=[w.cluster.code, w.round.pk]),
            row(anonymous=LOGIN, coordinator=CONFLICT, facilitator=CONFLICT, other=NOT_FOUND, staff=CONFLICT),
        ),
        Sample(
            "round under another cluster's code",
            lambda w: reverse("results:round", args=[w.other_cluster.code, w.closed_round.pk]),
            MISMATCHED,
        ),
        Sample(
            "unknown round",
            lambda w: reverse("results:round", args=[w.cluster.code, 999999]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND),
        ),
    ],
    # --- materials: downloads for the cluster (facilitators too) once the round is closed;
    # rebuilding is the consultant's (staff).
    "materials:download": [
        Sample(
            "spreadsheet of own closed round",
            lambda w: reverse("materials:download", args=[w.cluster.code, w.closed_round.pk, "spreadsheet"]),
            row(anonymous=LOGIN, coordinator=OK, facilitator=OK, other=NOT_FOUND, staff=OK),
        ),
        Sample(
            "spreadsheet of own open round",
            lambda w: reverse("materials:download", args=[w.cluster.code, w.round.pk, "spreadsheet"]),
            row(anonymous=LOGIN, coordinator=CONFLICT, facilitator=CONFLICT, other=NOT_FOUND, staff=CONFLICT),
        ),
        Sample(
            "unknown format",
            lambda w: reverse("materials:download", args=[w.cluster.code, w.closed_round.pk, "nope"]),
            row(anonymous=LOGIN, coordinator=NOT_FOUND, other=NOT_FOUND, staff=NOT_FOUND),
        ),
        Sample(
            "round under another cluster's code",
            lambda w: reverse("materials:download", args=[w.other_cluster.code, w.closed_round.pk, "spreadsheet"]),
            MISMATCHED,
        ),
        Sample(
            "POST to a download",
            lambda w: reverse("materials:download", args=[w.cluster.code, w.closed_round.pk, "spreadsheet"]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
            method="post",
        ),
    ],
    "materials:download_all": [
        Sample(
            "Hent alt of own closed round",
            lambda w: reverse("materials:download_all", args=[w.cluster.code, w.closed_round.pk]),
            row(anonymous=LOGIN, coordinator=OK, facilitator=OK, other=NOT_FOUND, staff=OK),
        ),
        Sample(
            "Hent alt of own open round",
            lambda w: reverse("materials:download_all", args=[w.cluster.code, w.round.pk]),
            row(anonymous=LOGIN, coordinator=CONFLICT, facilitator=CONFLICT, other=NOT_FOUND, staff=CONFLICT),
        ),
    ],
    "materials:rebuild": [
        Sample(
            "rebuild own closed round",
            lambda w: reverse("materials:rebuild", args=[w.cluster.code, w.closed_round.pk]),
            row(
                anonymous=LOGIN,
                coordinator=FORBIDDEN,
                facilitator=FORBIDDEN,
                other=NOT_FOUND,
                staff=redirect(lambda w: reverse("surveys:round_detail", args=[w.cluster.code, w.closed_round.pk])),
            ),
            method="post",
        ),
        Sample(
            "rebuild own open round",
            lambda w: reverse("materials:rebuild", args=[w.cluster.code, w.round.pk]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, facilitator=FORBIDDEN, other=NOT_FOUND, staff=CONFLICT),
            method="post",
        ),
        Sample(
            "GET rebuild",
            lambda w: reverse("materials:rebuild", args=[w.cluster.code, w.closed_round.pk]),
            row(anonymous=LOGIN, coordinator=NOT_ALLOWED, other=NOT_ALLOWED, staff=NOT_ALLOWED),
        ),
    ],
    "results:national": [
        Sample(
            "national overview",
            lambda w: reverse("results:national"),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=FORBIDDEN, staff=OK),
        )
    ],
    "results:round_json": [
        Sample(
            "closed round as JSON",
            lambda w: reverse("results:round_json", args=[w.closed_round.pk]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=FORBIDDEN, staff=OK),
        ),
        Sample(
            "open round as JSON",
            lambda w: reverse("results:round_json", args=[w.round.pk]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=FORBIDDEN, staff=CONFLICT),
        ),
        Sample(
            "unknown round as JSON",
            lambda w: reverse("results:round_json", args=[999999]),
            row(anonymous=LOGIN, coordinator=FORBIDDEN, other=FORBIDDEN, staff=NOT_FOUND),
        ),
    ],
    # --- language switch (Django's set_language): for everyone, to the page given or home
    "set_language": [
        Sample("GET language switch", lambda w: reverse("set_language"), everyone(redirect("/"))),
        Sample("POST language switch", lambda w: reverse("set_language"), everyone(redirect("/")), method="post"),
    ],
    # --- accounts
    "accounts:login": [
        Sample(
            "login page",
            lambda w: reverse("accounts:login"),
            row(anonymous=OK, coordinator=redirect("web:home"), other=redirect("web:home"), staff=redirect("web:home")),
        )
    ],
    "accounts:logout": [
        Sample(
            "GET logout",
            lambda w: reverse("accounts:logout"),
            row(
                anonymous=NOT_ALLOWED,
                coordinator=NOT_ALLOWED,
                other=NOT_ALLOWED,
                staff=NOT_ALLOWED,
                unverified=NOT_ALLOWED,
            ),
        ),
        Sample(
            "POST logout",
            lambda w: reverse("accounts:logout"),
            row(
                anonymous=redirect("accounts:login"),
                coordinator=redirect("accounts:login"),
                other=redirect("accounts:login"),
                staff=redirect("accounts:login"),
                unverified=redirect("accounts:login"),
            ),
            method="post",
        ),
    ],
    "accounts:account": [Sample("account", lambda w: reverse("accounts:account"), logged_in(OK))],
    # Password reset: for everyone (a logged-in user may ask too); one answer for all.
    "accounts:password_reset": [
        Sample("reset request", lambda w: reverse("accounts:password_reset"), everyone(OK)),
        # Without an address: the form's error (400), for everyone alike.
        Sample(
            "POST reset request", lambda w: reverse("accounts:password_reset"), everyone(Outcome(400)), method="post"
        ),
    ],
    "accounts:password_reset_done": [
        Sample("reset sent", lambda w: reverse("accounts:password_reset_done"), everyone(OK))
    ],
    "accounts:password_reset_confirm": [
        Sample(
            "reset link, wrong token",
            lambda w: reverse("accounts:password_reset_confirm", args=["MQ", "abc-0123456789abcdef"]),
            everyone(OK),  # the "link no longer works" page
        )
    ],
    "accounts:password_reset_complete": [
        Sample("reset complete", lambda w: reverse("accounts:password_reset_complete"), everyone(OK))
    ],
    "accounts:password_change": [
        Sample("password change", lambda w: reverse("accounts:password_change"), logged_in(OK))
    ],
    "accounts:otp_setup": [
        Sample(
            "otp setup",
            lambda w: reverse("accounts:otp_setup"),
            # Coordinators may enrol; staff already have a device and are sent to verify.
            row(
                anonymous=LOGIN,
                coordinator=OK,
                other=OK,
                staff=redirect("accounts:otp_verify"),
                unverified=redirect("accounts:otp_verify"),
            ),
        )
    ],
    "accounts:otp_verify": [
        Sample(
            "otp verify",
            lambda w: reverse("accounts:otp_verify"),
            row(
                anonymous=LOGIN,
                coordinator=redirect("accounts:otp_setup"),
                other=redirect("accounts:otp_setup"),
                staff=redirect("web:home"),
                unverified=OK,
            ),
        )
    ],
    # --- admin views that Django's standard rule below does not know
    "admin:auth_user_password_change": [
        Sample(
            "set a user's password",
            lambda w: reverse("admin:auth_user_password_change", args=[w.coordinator.pk]),
            row(anonymous=ADMIN_LOGIN, coordinator=ADMIN_LOGIN, other=ADMIN_LOGIN, staff=OK),
        )
    ],
    # (django-otp's TOTP admin with its secret and QR-code views is replaced by
    # accounts.AuthenticatorDevice, which shows neither: no staff login can read a secret.)
}


# --- The admin rule ---------------------------------------------------------------------

ADMIN_SITE_NAMES = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "history", "delete")

# Staff have full rights except where a ModelAdmin deliberately refuses.
ADMIN_STAFF_EXCEPTIONS: dict[tuple[str, str], Outcome] = {
    # Packages come from validated files, never from the admin.
    ("catalogue.package", "add"): FORBIDDEN,
    ("catalogue.packageversion", "add"): FORBIDDEN,
    ("catalogue.packageversion", "delete"): FORBIDDEN,
    # Orders and rounds are made through the order flow (it records who and moves the
    # state machine); a round is never deleted, its responses depend on it.
    ("cycle.order", "add"): FORBIDDEN,
    ("surveys.round", "add"): FORBIDDEN,
    ("surveys.round", "delete"): FORBIDDEN,
    # The task queue's history is read-only in the admin.
    ("tasks.backgroundtask", "add"): FORBIDDEN,
    ("tasks.backgroundtask", "delete"): FORBIDDEN,
    # Devices are enrolled by their owner on the site; the operator may only remove one.
    ("accounts.authenticatordevice", "add"): FORBIDDEN,
    # The registry import's access history is read-only.
    ("registry.accesschange", "add"): FORBIDDEN,
    ("registry.accesschange", "delete"): FORBIDDEN,
    # Member changes are made on the members page (or undone by its action), never by hand;
    # registry uploads come from the staff import page.
    ("registry.memberchange", "add"): FORBIDDEN,
    ("registry.memberchange", "delete"): FORBIDDEN,
    ("registry.registryupload", "add"): FORBIDDEN,
    # A "Ring mig op" is made when ordering and marked as made, never added or deleted.
    ("cycle.callrequest", "add"): FORBIDDEN,
    ("cycle.callrequest", "delete"): FORBIDDEN,
}

# One object per admin model, for the change, history and delete samples. Models not
# listed use any existing row; a model with no row fails with a message naming it.
SAMPLE_OBJECTS: dict[str, Callable[[World], Any]] = {
    "registry.region": lambda w: w.cluster.region,
    "registry.cluster": lambda w: w.cluster,
    "registry.practice": lambda w: w.cluster.practices.first(),
    "registry.member": lambda w: factories.member(w.cluster.practices.first()),
    "registry.clusterassignment": lambda w: w.coordinator.cluster_assignments.first(),
    "registry.memberchange": _imported_change,
    "registry.registryupload": _upload,
    "catalogue.package": lambda w: w.package,
    "catalogue.packageversion": lambda w: w.package.current_version,
    "auth.user": lambda w: w.coordinator,
    "auth.group": lambda w: Group.objects.create(name="Konsulenter"),
    "accounts.authenticatordevice": lambda w: w.staff.totp_device,
    "registry.accesschange": lambda w: AccessChange.objects.create(
        change=AccessChange.Change.GRANTED, user=w.coordinator, username="x", cluster=w.cluster, source="t.csv"
    ),
    "cycle.order": lambda w: w.order,
    "cycle.callrequest": _call,
    "surveys.round": lambda w: w.round,
    "tasks.backgroundtask": lambda w: worker_heartbeat.enqueue().db_result,
}


def admin_denied(staff: Outcome) -> dict[str, Outcome]:
    return row(anonymous=ADMIN_LOGIN, coordinator=ADMIN_LOGIN, other=ADMIN_LOGIN, staff=staff)


def admin_object(world: World, label: str) -> Any:
    if label not in world.admin_objects:
        make = SAMPLE_OBJECTS.get(label)
        obj = make(world) if make else _any_row(label)
        if obj is None:
            pytest.fail(f"No sample object for admin model {label!r}: add one to SAMPLE_OBJECTS in {__file__}")
        world.admin_objects[label] = obj
    return world.admin_objects[label]


def _any_row(label: str) -> Any:
    for model in admin.site._registry:
        if model._meta.label_lower == label:
            return model._default_manager.first()
    return None


def _admin_url(view: str, label: str) -> Callable[[World], str]:
    app_label, model_name = label.split(".")

    def build(world: World) -> str:
        name = f"admin:{app_label}_{model_name}_{view}"
        if view in ("changelist", "add"):
            return reverse(name)
        return reverse(name, args=[admin_object(world, label).pk])

    return build


def _old_change_url(label: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        return _admin_url("change", label)(world).removesuffix("change/")

    return build


def admin_samples() -> list[tuple[str, Sample]]:
    samples: list[tuple[str, Sample]] = [
        ("admin:index", Sample("admin index", lambda w: reverse("admin:index"), admin_denied(OK))),
        (
            "admin:login",
            Sample(
                "admin login",
                lambda w: reverse("admin:login"),
                # Anonymous users go to the one throttled login page; a logged-in
                # coordinator is refused (sending them to log in would loop).
                row(
                    anonymous=redirect("accounts:login"),
                    coordinator=FORBIDDEN,
                    other=FORBIDDEN,
                    staff=redirect("admin:index"),
                ),
            ),
        ),
        (
            "admin:logout",
            Sample(
                "GET admin logout",
                lambda w: reverse("admin:logout"),
                # Django's admin sends non-staff from its logout straight to the index.
                row(
                    anonymous=redirect("admin:index"),
                    coordinator=redirect("admin:index"),
                    other=redirect("admin:index"),
                    staff=NOT_ALLOWED,
                ),
            ),
        ),
        (
            "admin:password_change",
            Sample("admin password change", lambda w: reverse("admin:password_change"), admin_denied(OK)),
        ),
        (
            "admin:password_change_done",
            Sample("admin password changed", lambda w: reverse("admin:password_change_done"), admin_denied(OK)),
        ),
        (
            "admin:autocomplete",
            Sample(
                "autocomplete",
                lambda w: (
                    reverse("admin:autocomplete") + "?app_label=registry&model_name=practice&field_name=cluster&term=k"
                ),
                admin_denied(OK),
            ),
        ),
        ("admin:jsi18n", Sample("admin jsi18n", lambda w: reverse("admin:jsi18n"), admin_denied(OK))),
        (
            "admin:view_on_site",
            Sample(
                "view on site",
                lambda w: reverse(
                    "admin:view_on_site", args=[ContentType.objects.get_for_model(w.cluster).pk, w.cluster.pk]
                ),
                # Registry models have no public page of their own.
                admin_denied(NOT_FOUND),
            ),
        ),
        ("admin:<catch-all>", Sample("unknown admin URL", lambda w: "/admin/findes-ikke/", admin_denied(NOT_FOUND))),
    ]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for app_label in app_labels:
        samples.append(
            (
                "admin:app_list",
                Sample(
                    f"app {app_label}", lambda w, a=app_label: reverse("admin:app_list", args=[a]), admin_denied(OK)
                ),
            )
        )
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        for view in ADMIN_MODEL_VIEWS:
            expected = ADMIN_STAFF_EXCEPTIONS.get((label, view), OK)
            samples.append(
                (
                    f"admin:{label.replace('.', '_')}_{view}",
                    Sample(f"{label} {view}", _admin_url(view, label), admin_denied(expected)),
                )
            )
        samples.append(
            (
                f"admin:<{label} old change URL>",
                Sample(
                    f"{label} old change URL",
                    _old_change_url(label),
                    admin_denied(redirect(_admin_url("change", label))),
                ),
            )
        )
    return samples


# --- Walking the URL configuration -----------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str


def walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> list[Pattern]:
    found: list[Pattern] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            found += walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(Pattern(_key(entry, namespace), prefix + str(entry.pattern)))
    return found


def _key(entry: URLPattern, namespace: str) -> str:
    if entry.name:
        return f"{namespace}:{entry.name}" if namespace else entry.name
    callback = entry.callback
    # The admin's two unnamed patterns: the catch-all and each model's old change URL.
    if namespace == "admin" and callback.__name__ == "catch_all_view":
        return "admin:<catch-all>"
    model_admin = getattr(callback, "model_admin", None)
    if namespace == "admin" and model_admin is not None and getattr(callback, "view_class", None) is RedirectView:
        return f"admin:<{model_admin.model._meta.label_lower} old change URL>"
    return f"{namespace}:<unnamed {entry.pattern}>"


def all_samples() -> list[tuple[str, Sample]]:
    plain = [(key, sample) for key, samples in MATRIX.items() for sample in samples]
    return plain + admin_samples()


def test_every_url_pattern_is_in_the_matrix():
    covered = {key for key, _ in all_samples()}
    patterns = walk(get_resolver().url_patterns)
    missing = sorted({f"{p.key}  (route {p.route!r})" for p in patterns if p.key not in covered})
    assert not missing, (
        "URL patterns with no entry in the access matrix (add them to MATRIX in tests/test_access_matrix.py):\n  "
        + "\n  ".join(missing)
    )


def test_the_matrix_has_no_stale_entries():
    existing = {p.key for p in walk(get_resolver().url_patterns)}
    stale = sorted(key for key in MATRIX if key not in existing)
    assert not stale, f"Matrix entries for URL patterns that no longer exist: {stale}"


# --- Running the samples ----------------------------------------------------------------


# A package small enough to answer in a test: one page with one optional question.
SURVEY_DOCUMENT = {
    "code": "adgang",
    "title": {"da": "Adgangspakke"},
    "summary": {"da": "Et kort resumé af pakken."},
    "questionnaire": {
        "estimated_minutes": 2,
        "intro": {"da": "Om spørgeskemaet."},
        "sections": [
            {
                "code": "praksis",
                "title": {"da": "Din praksis"},
                "questions": [
                    {
                        "code": "practice_type",
                        "type": "single",
                        "required": False,
                        "text": {"da": "Hvordan arbejder du?"},
                        "options": [
                            {"code": "solo", "label": {"da": "Solopraksis"}},
                            {"code": "partnership", "label": {"da": "Kompagniskab"}},
                        ],
                    }
                ],
            }
        ],
    },
    "program": {
        "default_minutes": 150,
        "blocks": [{"code": "introduction", "title": {"da": "Introduktion"}, "minutes": 150}],
    },
}


def facilitator(cluster) -> Any:
    user = factories.user()
    ClusterAssignment.objects.create(user=user, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    return user


@pytest.fixture
def world(db, make_staff_user) -> World:
    cluster = factories.cluster(name="Klynge Vest")
    practice = factories.practice(cluster)
    member = factories.member(practice)
    answered_member = factories.member(practice)
    other_cluster = factories.cluster(name="Klynge Øst")
    other_member = factories.member(factories.practice(other_cluster, kind="solo", doctors=1))
    package = factories.package(document=SURVEY_DOCUMENT)
    coordinator = factories.coordinator(cluster)
    other_coordinator = factories.coordinator(other_cluster)
    staff = make_staff_user()
    unverified = make_staff_user()
    closes_at = timezone.now() + timedelta(days=14)

    order = cycle_services.new_order(cluster, package, coordinator)
    round_ = services.open_round(order, closes_at, coordinator)
    Invitation.objects.filter(round=round_, member=answered_member).update(answered=True)
    other_round = services.open_round(cycle_services.new_order(other_cluster, package, None), closes_at, None)
    services.close_round(other_round, None)
    second_package = factories.package(document={**SURVEY_DOCUMENT, "code": "adgang-2"})
    closed_round = services.open_round(cycle_services.new_order(cluster, second_package, coordinator), closes_at, None)
    services.close_round(closed_round, None)
    tokens = {
        "valid": factories.issue_link(round_.invitations.get(member=member)),
        "answered": factories.issue_link(round_.invitations.get(member=answered_member)),
        "closed": factories.issue_link(other_round.invitations.get(member=other_member)),
    }

    cycle_order = closed_round.order
    cycle_services.record_meeting(
        cycle_order,
        cycle_services.MeetingFacts(
            held_on=timezone.localdate(), minutes=150, format="physical", attendees=2, notes=""
        ),
        coordinator,
    )
    plan = PracticePlan.objects.get(order=cycle_order, practice=practice)
    plan_token, plan_token_hash = new_token()
    PlanToken.objects.create(plan=plan, token_hash=plan_token_hash)
    tokens["plan"] = plan_token

    clients = {ANON: Client(), MEMBER: Client()}
    for actor, user in (
        (COORD, coordinator),
        (FACIL, facilitator(cluster)),
        (OTHER, other_coordinator),
        (STAFF, staff),
        (UNVERIFIED, unverified),
    ):
        clients[actor] = Client()
        login(clients[actor], user)
    verify_second_factor(clients[STAFF], staff.totp_device)
    entered = clients[MEMBER].get(reverse("surveys:enter", args=[tokens["valid"]]))
    assert entered.status_code == 302, "the member could not follow their survey link"
    return World(
        cluster,
        other_cluster,
        package,
        coordinator,
        other_coordinator,
        staff,
        clients,
        order=order,
        round=round_,
        closed_round=closed_round,
        tokens=tokens,
        cycle_order=cycle_order,
        plan=plan,
    )


def _target(to: str | Callable[[World], str], world: World) -> str:
    if callable(to):
        return to(world)
    return to if to.startswith("/") else reverse(to)


def check(response: Any, expected: Outcome, url: str, world: World) -> str | None:
    """None if the response is the expected outcome, else what went wrong."""
    got = response.status_code
    location = response.get("Location", "")
    if got != expected.status:
        return f"expected {expected}, got {got}{' -> ' + location if location else ''}"
    if expected.to is None:
        return None
    parts = urlsplit(location)
    target = _target(expected.to, world)
    if parts.path != target:
        return f"expected redirect to {target}, got {location}"
    if expected.keeps_next and parse_qs(parts.query).get("next") != [url]:
        return f"expected ?next={url} on the redirect, got {location}"
    return None


SAMPLES = all_samples()


@pytest.mark.parametrize(("key", "sample"), SAMPLES, ids=[f"{key} [{sample.label}]" for key, sample in SAMPLES])
def test_access(world, key, sample):
    assert set(sample.expect) == set(ACTORS), f"{key}: every actor needs an expected outcome"
    url = sample.url(world)
    problems = []
    for actor in ACTORS:
        response = getattr(world.clients[actor], sample.method)(url)
        problem = check(response, sample.expect[actor], url, world)
        if problem:
            problems.append(f"{actor}: {problem}")
    assert not problems, f"{sample.method.upper()} {url} ({key}):\n  " + "\n  ".join(problems)


def test_another_clusters_page_looks_exactly_like_a_missing_one(world):
    """404 for another cluster, with the same body as for a code that does not exist."""
    client = world.clients[OTHER]
    foreign = client.get(reverse("web:cluster_detail", args=[world.cluster.code]))
    missing = client.get(reverse("web:cluster_detail", args=["findes-ikke"]))
    assert foreign.status_code == missing.status_code == 404

    def without_csrf_token(body: bytes) -> str:
        # The logout form's token is masked afresh for every response.
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body.decode())

    assert without_csrf_token(foreign.content) == without_csrf_token(missing.content)


def test_an_enrolled_coordinator_is_held_at_the_code_page_like_staff(world):
    add_totp_device(world.coordinator)
    client = Client()
    login(client, world.coordinator)
    url = reverse("web:cluster_detail", args=[world.cluster.code])
    assert check(client.get(url), OTP, url, world) is None


def test_without_the_survey_session_the_page_says_to_open_the_link(world):
    response = world.clients[ANON].get(reverse("surveys:landing"))
    assert response.status_code == 403
    assert "Åbn linket fra din e-mail" in response.content.decode()


def test_a_member_who_has_submitted_sees_the_receipt(world):
    client = world.clients[MEMBER]
    answered = client.post(reverse("surveys:section", args=[world.first_section]), {"practice_type": "solo"})
    assert answered.status_code == 302
    submitted = client.post(reverse("surveys:review"))
    assert submitted.status_code == 200  # the receipt is the submit's own response
    assert "Tak for dit svar" in submitted.content.decode()
    # The survey session is gone: the pages say it is answered (the receipt is not kept) ...
    assert client.get(reverse("surveys:thanks")).status_code == 410
    assert client.get(reverse("surveys:landing")).status_code == 410
    # ... and the link itself now says it has been used.
    assert client.get(reverse("surveys:enter", args=[world.tokens["valid"]])).status_code == 410
