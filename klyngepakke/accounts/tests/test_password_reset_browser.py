"""The reset pages in a real browser: reachable from the login page, usable, and without
accessibility violations (axe-core, WCAG 2.x A/AA) or CSP errors. Run with `-m browser`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngepakke.accounts.emails import set_password_link
from klyngepakke.web.tests.test_pages_browser import axe_violations, open_browser  # noqa: F401 (fixture)
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "en-ny-og-lang-kode-2026"


def test_reset_pages_are_accessible_and_work(live_server, open_browser, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    user = factories.coordinator(factories.cluster())
    link = set_password_link(user)  # what the e-mail carries (the e-mail itself: test_password_reset.py)
    page = open_browser()
    checked: dict[str, list[str]] = {}

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="Glemt adgangskode?").click()
    checked["request"] = axe_violations(page)
    page.get_by_label("Din e-mailadresse").fill(user.email)
    page.get_by_role("button", name="Send link").click()
    assert page.url.endswith(reverse("accounts:password_reset_done"))
    checked["sent"] = axe_violations(page)

    page.goto(link)
    page.get_by_label("Ny adgangskode").fill("kort")
    page.get_by_label("Gentag den nye adgangskode").fill("kort")
    page.get_by_role("button", name="Gem adgangskode").click()
    checked["refused password"] = axe_violations(page)
    page.get_by_label("Ny adgangskode").fill(NEW_PASSWORD)
    page.get_by_label("Gentag den nye adgangskode").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Gem adgangskode").click()
    assert page.url.endswith(reverse("accounts:password_reset_complete"))
    checked["saved"] = axe_violations(page)
    page.goto(link)
    assert page.get_by_role("heading", name="Linket virker ikke længere").is_visible()
    checked["used link"] = axe_violations(page)

    page.get_by_role("link", name="Send mig et nyt link").click()
    assert page.url.endswith(reverse("accounts:password_reset"))
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    assert not page.url.startswith(live_server.url + reverse("accounts:login"))

    assert {name: found for name, found in checked.items() if found} == {}
    assert page.csp_errors == []
