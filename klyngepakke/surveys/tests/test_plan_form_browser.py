"""In a real browser (Debian's Chromium through Playwright), a coordinator changes only
the meeting place and saves the plan: the date and start time stay.

A date input shows nothing for a value that is not ISO, and a browser submits what it
shows, so a Danish-formatted value erased the date on every save. Run with `-m browser`;
skipped when Chromium is missing unless REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, time

import pytest
from django.urls import reverse

from conftest import PASSWORD
from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from tests import factories

# The live server needs committed data: a transactional test. Its flush removes the
# regions a data migration made; tests.factories.region() recreates them. (No
# serialized_rollback: after another transactional test's flush it would insert the
# content types a second time.)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_changing_only_the_place_keeps_the_meeting_date(live_server):
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=6, solo=1)
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    cycle_services.plan_meeting(
        order,
        meeting_date=date(2027, 2, 11),
        starts_at=time(17, 30),
        place="Lægehuset",
        minutes=180,
        program_notes="",
        by=None,
    )
    coordinator = factories.coordinator(cluster)
    order_path = reverse("surveys:order_detail", args=[cluster.code, order.pk])
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop, inside which Django refuses ORM calls:
    # all browser work happens in this block, the checks after it.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(locale="da-DK")
            page.goto(live_server.url + reverse("accounts:login"))
            page.get_by_label("Brugernavn").fill(coordinator.username)
            page.get_by_label("Adgangskode").fill(PASSWORD)
            page.get_by_role("button", name="Log ind").click()
            page.goto(live_server.url + order_path)
            shown_date = page.get_by_label("Mødedato").input_value()
            shown_start = page.get_by_label("Mødestart (tt:mm)").input_value()
            page.get_by_label("Mødested").fill("Klyngens lokale")
            page.get_by_role("button", name="Gem mødeplan").click()
            page.get_by_text("Mødeplanen er gemt.").wait_for()
        finally:
            browser.close()

    assert (shown_date, shown_start) == ("2027-02-11", "17:30")
    order = Order.objects.get(pk=order.pk)
    assert order.meeting_place == "Klyngens lokale"
    assert order.meeting_date == date(2027, 2, 11)
    assert order.meeting_starts_at == time(17, 30)
