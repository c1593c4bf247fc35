"""The pages in a real browser: no accessibility violations (axe-core, WCAG 2.x A/AA) and
no Content-Security-Policy violations, logging in the way a person does.

Drives Debian's Chromium through Playwright; run with `-m browser`, skipped when Chromium
is missing.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack

import pytest
from django.urls import reverse

from conftest import PASSWORD, totp_token
from tests import factories

# The live server needs committed data: transactional tests. Their flush removes the
# regions a data migration made; tests.factories.region() recreates them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def open_browser():
    """Call after the test's database work: Playwright's sync API runs an event loop, and
    inside one Django refuses ORM calls."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); REQUIRE_BROWSER=1 makes this a failure")
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:

        def start():
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            stack.callback(browser.close)
            page = browser.new_page()
            page.csp_errors = []
            page.on(
                "console",
                lambda msg: page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
            )
            return page

        yield start


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in result.response["violations"]]


def test_staff_journey_is_accessible_and_csp_clean(live_server, make_staff_user, open_browser):
    cluster = factories.cluster(name="Klynge Syd")
    factories.member(factories.practice(cluster))
    package = factories.package(title="Trivsel og arbejdsglæde")
    staff = make_staff_user()
    device = staff.totp_device
    token = totp_token(device)
    page = open_browser()
    checked: dict[str, list[str]] = {}

    page.goto(live_server.url + reverse("web:home"))
    assert page.url.startswith(live_server.url + reverse("accounts:login"))
    checked["login"] = axe_violations(page)
    page.get_by_label("Brugernavn").fill(staff.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    assert reverse("accounts:otp_verify") in page.url
    checked["otp verify"] = axe_violations(page)
    page.get_by_label("Kode fra din godkendelses-app").fill(token)
    page.get_by_role("button", name="Fortsæt").click()
    assert page.url == live_server.url + reverse("web:home")

    for name, path in [
        ("home", reverse("web:home")),
        ("cluster", reverse("web:cluster_detail", args=[cluster.code])),
        ("packages", reverse("web:package_list")),
        ("package", reverse("web:package_detail", args=[package.code])),
        ("account", reverse("accounts:account")),
        ("password change", reverse("accounts:password_change")),
    ]:
        page.goto(live_server.url + path)
        checked[name] = axe_violations(page)

    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems
    assert not page.csp_errors, page.csp_errors


def test_the_skip_link_is_the_first_stop_and_shows_focus(live_server, open_browser):
    page = open_browser()
    # Not the login page: its username field has autofocus.
    page.goto(live_server.url + "/findes-ikke/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Spring til indhold"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_the_admin_runs_without_csp_violations(live_server, make_staff_user, open_browser):
    cluster = factories.cluster()
    staff = make_staff_user()
    token = totp_token(staff.totp_device)
    page = open_browser()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Brugernavn").fill(staff.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_label("Kode fra din godkendelses-app").fill(token)
    page.get_by_role("button", name="Fortsæt").click()
    assert page.url == live_server.url + "/admin/"
    for path in [
        "/admin/registry/cluster/",
        f"/admin/registry/cluster/{cluster.pk}/change/",
        "/admin/registry/member/add/",
    ]:
        page.goto(live_server.url + path)
    assert not page.csp_errors, page.csp_errors
