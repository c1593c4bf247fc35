"""A coordinator orders a package in a real browser, at desktop and phone width: every
page is axe-clean (WCAG 2.x A/AA), CSP-clean and no wider than the window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from tests import factories

from .test_pages_browser import axe_violations, open_browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_a_coordinator_orders_with_a_meeting_date(live_server, open_browser, width):  # noqa: F811
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=3, solo=1)
    coordinator = factories.coordinator(cluster)
    meeting = (timezone.localdate() + timedelta(days=45)).isoformat()
    page = open_browser()
    page.set_viewport_size({"width": width, "height": 900})
    checked: dict[str, list[str]] = {}

    def look(name: str) -> None:
        checked[name] = axe_violations(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            checked[name].append(f"page is {wide} px wide")

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Brugernavn").fill(coordinator.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.goto(live_server.url + reverse("web:package_list"))
    look("package list")
    page.get_by_role("link", name="Trivsel og arbejdsglæde", exact=True).click()
    look("package page")
    page.get_by_role("link", name=f"Bestil Trivsel og arbejdsglæde til {cluster.name}").click()
    look("order form")
    page.get_by_label("Mødedato").fill(meeting)
    page.get_by_role("button", name="Se datoerne").click()
    look("order form with dates")
    page.get_by_role("button", name="Bestil", exact=True).click()
    assert "/bestillinger/" in page.url
    look("order page")

    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems
    assert not page.csp_errors, page.csp_errors
