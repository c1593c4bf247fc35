"""A read never writes: every GET page of the site, for every kind of visitor.

Each GET runs under a database execute wrapper that records every INSERT, UPDATE and
DELETE. The only writes a GET may cause are its own session row and, at login, the
user's last_login: both listed in ALLOWED below. Everything the pages show that must be
stored (a round's aggregate and comparison groups, the coordinator's daily response
count, meeting materials) is stored by the scheduler or by a POST, never by a read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import login, verify_second_factor
from klyngepakke.materials.exporters import exporters
from klyngepakke.registry.models import ClusterAssignment
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

# table -> a pattern every write to it must match
ALLOWED = {
    "django_session": re.compile(r".*"),  # the visitor's own session row
    "auth_user": re.compile(r'^UPDATE "auth_user" SET "last_login"'),  # login() only
}
WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

# Routes that answer only POST (a GET gets 405 or a redirect); checked below all the same.
POST_ONLY = {
    "accounts:logout",
    "surveys:round_action",
    "web:round_reopen",
    "materials:rebuild",
    "set_language",
    "cycle:plan_send",
    "web:member_add",
    "web:member_leave",
    "web:member_rejoin",
    "web:member_invite",
    "web:member_undo",
    "web:registry_apply",
    "web:cancel_order",
    "web:reschedule",
    "web:call_handled",
    "web:call_undo",
}


@contextmanager
def recording_writes() -> Iterator[list[str]]:
    found: list[str] = []

    def wrapper(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            table = match.group(1)
            allowed = ALLOWED.get(table)
            if allowed is None or not allowed.match(sql.strip()):
                found.append(sql.strip()[:160])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield found


def get(client: Client, url: str, writes: dict[str, list[str]]) -> int:
    with recording_writes() as found:
        response = client.get(url)
    if found:
        writes[url] = found
    assert response.status_code < 500, (url, response.status_code)
    return response.status_code


def route_names() -> set[str]:
    """Every named route of the site outside the admin (the admin is walked model by model)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def answered_and_closed(cluster, respondents: int):
    round_ = factories.open_survey_round(cluster)
    for invitation in round_.invitations.order_by("pk")[:respondents]:
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({})
        assert respondent.submit().status_code == 200
    return services.close_round(round_, None)


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def site(catalogue, staff_client):
    """A cluster with a closed round (results shown) and an open one, as after the
    scheduler has run, plus every kind of login."""
    cluster = factories.survey_cluster(members=6, solo=3)
    closed = answered_and_closed(cluster, 6)
    from klyngepakke.materials.services import build_missing_materials
    from klyngepakke.results.services import store_missing_aggregates, store_missing_comparisons

    store_missing_aggregates()
    store_missing_comparisons()
    build_missing_materials()
    open_ = factories.open_survey_round(cluster)
    coordinator = factories.coordinator(cluster)
    facilitator = factories.user()
    ClusterAssignment.objects.create(user=facilitator, cluster=cluster, role=ClusterAssignment.Role.FACILITATOR)
    plans, plan_token = after_the_meeting(closed.order)
    return {
        "plans": plans,
        "plan_token": plan_token,
        "cluster": cluster,
        "closed": closed,
        "open": open_,
        "staff": staff_client,
        "coordinator": coordinator,
        "facilitator": facilitator,
    }


def after_the_meeting(order):
    """The closed round's meeting recorded with decisions; one practice's plan shared,
    another's kept to itself; a link to the shared one."""
    from datetime import timedelta

    from django.utils import timezone

    from klyngepakke.catalogue.models import Package
    from klyngepakke.cycle import services as cycle_services
    from klyngepakke.cycle.models import PlanToken, PracticePlan
    from klyngepakke.support.tokens import new_token

    cycle_services.record_meeting(
        order,
        cycle_services.MeetingFacts(held_on=timezone.localdate(), minutes=150, format="virtual", attendees=6, notes=""),
        None,
    )
    cycle_services.save_decisions(
        order,
        cycle_services.DecisionInput(
            measure_points=[("who5_index", "Højere")],
            focus_areas=["Pauser"],
            follow_up_package=Package.objects.get(code="opfoelgning-trivsel-og-arbejdsglaede"),
            follow_up_on=timezone.localdate() + timedelta(days=200),
            topic_meetings="",
        ),
        None,
    )
    plans = list(PracticePlan.objects.filter(order=order).order_by("pk")[:2])
    row = [cycle_services.PlanRowInput(what="Fælles pauser")]
    cycle_services.save_plan(plans[0], row, "under_way", True, None, as_practice=True)
    cycle_services.save_plan(plans[1], row, "done", False, None, as_practice=True)
    token, token_hash = new_token()
    PlanToken.objects.create(plan=plans[0], token_hash=token_hash)
    return plans, token


def cluster_pages(site) -> list[str]:
    code, closed, open_ = site["cluster"].code, site["closed"], site["open"]
    pages = [
        reverse("web:home"),
        reverse("web:cluster_detail", args=[code]),
        reverse("accounts:account"),
        reverse("accounts:password_change"),
        reverse("surveys:order_detail", args=[code, closed.order_id]),
        reverse("surveys:order_detail", args=[code, open_.order_id]),
        reverse("surveys:round_detail", args=[code, closed.pk]),
        reverse("surveys:round_detail", args=[code, open_.pk]),
        reverse("web:round_close", args=[code, open_.pk]),
        reverse("web:round_close", args=[code, closed.pk]),
        reverse("surveys:order_new", args=[code]),
        reverse("web:place_order", args=[code, "trivsel-og-arbejdsglaede"]),
        reverse("results:round", args=[code, closed.pk]),
        reverse("results:round", args=[code, open_.pk]),
        reverse("web:members", args=[code]),
        reverse("web:member_email", args=[code, site["cluster"].practices.first().members.first().pk]),
    ]
    pages += [reverse("materials:download", args=[code, closed.pk, e.code]) for e in exporters()]
    pages.append(reverse("materials:download_all", args=[code, closed.pk]))
    pages += [
        reverse(name, args=[code, closed.order_id]) for name in ("cycle:meeting", "cycle:decisions", "cycle:plans")
    ]
    for plan in site["plans"]:
        pages += [
            reverse(name, args=[code, closed.order_id, plan.pk]) for name in ("cycle:plan_detail", "cycle:plan_print")
        ]
    pages += [reverse(name, args=args) for name, args in post_only(site)]
    return pages


def post_only(site) -> list[tuple[str, list]]:
    code, closed = site["cluster"].code, site["closed"]
    return [
        ("accounts:logout", []),
        ("surveys:round_action", [code, closed.pk]),
        ("web:round_reopen", [code, closed.pk]),
        ("materials:rebuild", [code, closed.pk]),
        ("set_language", []),
        ("cycle:plan_send", [code, closed.order_id, site["plans"][0].pk]),
        ("web:member_add", [code]),
        ("web:member_leave", [code, 1]),
        ("web:member_rejoin", [code, 1]),
        ("web:member_invite", [code, site["open"].pk]),
        ("web:member_undo", [code, 1]),
        ("web:cancel_order", [code, closed.order_id]),
        ("web:reschedule", [code, closed.order_id]),
    ]


def registry_upload():
    """A registry file uploaded on the staff page, not yet applied (its preview reads)."""
    from klyngepakke.registry.services import export_registry
    from klyngepakke.registry.uploads import store_upload

    out = io.StringIO()
    export_registry(out)
    return store_upload(out.getvalue().encode(), "register.csv", None)


def test_every_staff_page_only_reads(site):
    client, writes = site["staff"], {}
    package_code = "trivsel-og-arbejdsglaede"
    pages = [
        *cluster_pages(site),
        reverse("web:healthz"),
        reverse("web:cluster_list"),
        reverse("web:package_list"),
        reverse("web:package_detail", args=[package_code]),
        reverse("results:national"),
        reverse("results:round_json", args=[site["closed"].pk]),
        reverse("accounts:otp_verify"),
        reverse("accounts:otp_setup"),
        reverse("web:registry_upload"),
        reverse("web:registry_preview", args=[registry_upload().pk]),
        reverse("web:registry_apply", args=[registry_upload().pk]),
    ]
    for url in pages:
        get(client, url, writes)
    # The health check answers 503 here (no scheduler has beaten in the test world): it
    # still must not write.
    with recording_writes() as found:
        assert client.get(reverse("tasks:health")).status_code == 503
    assert not found
    # Every model of the admin: the index, the app lists, each changelist, add form and
    # the change form of its first object.
    get(client, reverse("admin:index"), writes)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        get(client, reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), writes)
        if model_admin.has_add_permission(type("R", (), {"user": client.user})()):
            get(client, reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), writes)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            get(client, reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]), writes)
    assert not writes, writes


def test_pages_of_a_round_the_scheduler_has_not_reached_yet_only_read(catalogue, staff_client):
    """Closed, but no aggregate, comparison groups or meeting files stored yet: the pages
    compute what they show in memory."""
    from klyngepakke.materials.models import MaterialFile
    from klyngepakke.results.models import RoundAggregate

    cluster = factories.survey_cluster(members=6, solo=3)
    closed = answered_and_closed(cluster, 6)
    assert not RoundAggregate.objects.exists()
    assert not MaterialFile.objects.exists()
    writes: dict[str, list[str]] = {}
    for url in [
        reverse("results:round", args=[cluster.code, closed.pk]),
        reverse("results:round_json", args=[closed.pk]),
        reverse("results:national"),
        reverse("surveys:round_detail", args=[cluster.code, closed.pk]),
        *[reverse("materials:download", args=[cluster.code, closed.pk, e.code]) for e in exporters()],
    ]:
        assert get(staff_client, url, writes) == 200, url
    assert not writes, writes
    assert not RoundAggregate.objects.exists()
    assert not MaterialFile.objects.exists()


def test_the_second_factor_pages_only_read(catalogue, make_staff_user):
    writes: dict[str, list[str]] = {}
    new = make_staff_user(with_device=False)  # enrols: the setup page shows a fresh secret
    client = Client()
    login(client, new)
    get(client, reverse("accounts:otp_setup"), writes)
    get(client, reverse("accounts:otp_setup"), writes)
    enrolled = make_staff_user()
    client = Client()
    login(client, enrolled)
    get(client, reverse("accounts:otp_verify"), writes)
    assert not writes, writes
    verify_second_factor(client, enrolled.totp_device)  # a POST may write (the device's last code)


@pytest.mark.parametrize("who", ["coordinator", "facilitator"])
def test_every_cluster_page_only_reads_for_coordinators_and_facilitators(site, who):
    client, writes = Client(), {}
    login(client, site[who])
    for url in cluster_pages(site):
        get(client, url, writes)
    assert not writes, writes


def test_the_login_page_and_anonymous_pages_only_read(site):
    writes: dict[str, list[str]] = {}
    client = Client()
    reset_pages = [
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
        reverse("accounts:password_reset_confirm", args=["MQ", "abc-0123456789abcdef"]),
        reverse("accounts:password_reset_complete"),
    ]
    for url in [reverse("accounts:login"), reverse("web:healthz"), reverse("web:home"), *reset_pages]:
        get(client, url, writes)
    assert not writes, writes


def test_every_respondent_page_only_reads(site):
    writes: dict[str, list[str]] = {}
    invitation = site["open"].invitations.order_by("pk").first()
    token = factories.issue_link(invitation)
    respondent = Respondent(invitation, token)
    get(respondent.client, reverse("surveys:enter", args=[token]), writes)
    get(respondent.client, reverse("surveys:landing"), writes)
    for section in respondent.questionnaire.sections:
        get(respondent.client, reverse("surveys:section", args=[section.code]), writes)
    get(respondent.client, reverse("surveys:review"), writes)
    get(respondent.client, reverse("surveys:thanks"), writes)
    # Half-way (partial answers stored by a POST), the pages read them back.
    first = respondent.questionnaire.sections[0].code
    respondent.client.post(reverse("surveys:section", args=[first]), {**respondent.choose(first, {}), "nav": "next"})
    get(respondent.client, reverse("surveys:landing"), writes)
    get(respondent.client, reverse("surveys:section", args=[first]), writes)
    get(respondent.client, reverse("surveys:review"), writes)
    assert not writes, writes


def test_the_practice_plan_pages_only_read(site):
    writes: dict[str, list[str]] = {}
    client = Client()
    assert get(client, reverse("cycle:plan_enter", args=[site["plan_token"]]), writes) == 302
    assert get(client, reverse("cycle:practice_plan"), writes) == 200
    assert get(client, reverse("cycle:practice_plan_print"), writes) == 200
    assert get(Client(), reverse("cycle:plan_enter", args=["A" * 32]), writes) == 404
    assert not writes, writes


def test_every_named_route_is_walked_above(site):
    covered = {
        "web:home", "web:healthz", "tasks:health", "web:cluster_detail", "web:package_list", "web:package_detail",
        "accounts:account", "accounts:login", "accounts:password_change", "accounts:otp_setup", "accounts:otp_verify",
        "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "surveys:enter", "surveys:landing", "surveys:section", "surveys:review", "surveys:thanks",
        "surveys:order_new", "surveys:order_detail", "surveys:round_detail", "web:round_close", "web:cluster_list",
        "results:round", "results:national", "results:round_json", "materials:download",
        "materials:download_all", "web:place_order",
        "cycle:meeting", "cycle:decisions", "cycle:plans", "cycle:plan_detail", "cycle:plan_print",
        "cycle:plan_enter", "cycle:practice_plan", "cycle:practice_plan_print",
        "web:members", "web:member_email", "web:registry_upload", "web:registry_preview",
    } | POST_ONLY  # fmt: skip
    assert route_names() - covered == set()
