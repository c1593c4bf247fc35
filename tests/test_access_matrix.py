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
member             a doctor following an e-mailed survey link. Members never log in; the
                   link's token is part of the URL, so on URLs without a token this actor
                   is a client with no login. Survey URLs slot in with their own column.
coordinator        coordinator of `world.cluster`.
other_coordinator  coordinator of `world.other_cluster` only.
staff              operator staff (full admin rights), second factor confirmed.
staff_unverified   the same kind of login before its TOTP code: only OTP pages and logout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView

from conftest import add_totp_device, login, verify_second_factor
from tests import factories

ANON, MEMBER, COORD, OTHER, STAFF, UNVERIFIED = (
    "anonymous",
    "member",
    "coordinator",
    "other_coordinator",
    "staff",
    "staff_unverified",
)
ACTORS = (ANON, MEMBER, COORD, OTHER, STAFF, UNVERIFIED)


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
    unverified: Outcome = OTP,
) -> dict[str, Outcome]:
    """One row of the matrix. `member` defaults to the anonymous outcome (no login)."""
    return {
        ANON: anonymous,
        MEMBER: member or anonymous,
        COORD: coordinator,
        OTHER: other,
        STAFF: staff,
        UNVERIFIED: unverified,
    }


def logged_in(outcome: Outcome, *, unverified: Outcome = OTP) -> dict[str, Outcome]:
    """A page for any login, with no cluster in it."""
    return row(anonymous=LOGIN, coordinator=outcome, other=outcome, staff=outcome, unverified=unverified)


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
    admin_objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    label: str
    url: Callable[[World], str]
    expect: dict[str, Outcome]
    method: str = "get"


MATRIX: dict[str, list[Sample]] = {
    # --- web
    "web:home": [Sample("home", lambda w: reverse("web:home"), logged_in(OK))],
    "web:healthz": [
        Sample(
            "healthz",
            lambda w: reverse("web:healthz"),
            row(anonymous=OK, coordinator=OK, other=OK, staff=OK),
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
    "web:package_list": [Sample("package list", lambda w: reverse("web:package_list"), logged_in(OK))],
    "web:package_detail": [
        Sample("package", lambda w: reverse("web:package_detail", args=[w.package.code]), logged_in(OK)),
        Sample("unknown package", lambda w: reverse("web:package_detail", args=["findes-ikke"]), logged_in(NOT_FOUND)),
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
    # OTP_ADMIN_HIDE_SENSITIVE_DATA: no staff login may read another's TOTP secret.
    "admin:otp_totp_totpdevice_config": [
        Sample(
            "TOTP secret",
            lambda w: reverse("admin:otp_totp_totpdevice_config", args=[w.staff.totp_device.pk]),
            row(anonymous=ADMIN_LOGIN, coordinator=ADMIN_LOGIN, other=ADMIN_LOGIN, staff=FORBIDDEN),
        )
    ],
    "admin:otp_totp_totpdevice_qrcode": [
        Sample(
            "TOTP QR code",
            lambda w: reverse("admin:otp_totp_totpdevice_qrcode", args=[w.staff.totp_device.pk]),
            row(anonymous=ADMIN_LOGIN, coordinator=ADMIN_LOGIN, other=ADMIN_LOGIN, staff=FORBIDDEN),
        )
    ],
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
}

# One object per admin model, for the change, history and delete samples. Models not
# listed use any existing row; a model with no row fails with a message naming it.
SAMPLE_OBJECTS: dict[str, Callable[[World], Any]] = {
    "registry.region": lambda w: w.cluster.region,
    "registry.cluster": lambda w: w.cluster,
    "registry.practice": lambda w: w.cluster.practices.first(),
    "registry.member": lambda w: factories.member(w.cluster.practices.first()),
    "registry.clusterassignment": lambda w: w.coordinator.cluster_assignments.first(),
    "catalogue.package": lambda w: w.package,
    "catalogue.packageversion": lambda w: w.package.current_version,
    "auth.user": lambda w: w.coordinator,
    "auth.group": lambda w: Group.objects.create(name="Konsulenter"),
    "otp_totp.totpdevice": lambda w: w.staff.totp_device,
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


@pytest.fixture
def world(db, make_staff_user) -> World:
    cluster = factories.cluster(name="Klynge Vest")
    practice = factories.practice(cluster)
    factories.member(practice)
    other_cluster = factories.cluster(name="Klynge Øst")
    factories.member(factories.practice(other_cluster, kind="solo", doctors=1))
    package = factories.package()
    coordinator = factories.coordinator(cluster)
    other_coordinator = factories.coordinator(other_cluster)
    staff = make_staff_user()
    unverified = make_staff_user()

    clients = {ANON: Client(), MEMBER: Client()}
    for actor, user in ((COORD, coordinator), (OTHER, other_coordinator), (STAFF, staff), (UNVERIFIED, unverified)):
        clients[actor] = Client()
        login(clients[actor], user)
    verify_second_factor(clients[STAFF], staff.totp_device)
    return World(cluster, other_cluster, package, coordinator, other_coordinator, staff, clients)


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
