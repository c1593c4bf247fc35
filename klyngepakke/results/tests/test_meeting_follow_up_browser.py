"""The follow-up round's results page in Chromium: 'Opfølgning fra sidste møde' opens it,
passes the accessibility audit and fits a 360 px phone (screenshots at 1280 and 360 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from klyngepakke.web.tests.test_pages_browser import axe_violations, open_browser  # noqa: F401
from tests import factories

from .meeting_follow_up_support import whole_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_follow_up_page_opens_with_the_last_meeting(live_server, open_browser, tmp_path):  # noqa: F811
    factories.region()
    cycle = whole_cycle()
    cluster = cycle.order.cluster
    user = factories.coordinator(cluster)
    url = live_server.url + reverse("results:round", args=[cluster.code, cycle.follow_up.pk])
    page = open_browser()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.goto(url)

    headings = page.locator("h2").all_inner_texts()
    # First after the box of meeting materials to download.
    assert headings[:2] == ["Mødematerialer", "Opfølgning fra sidste møde"]
    assert page.get_by_role("region", name="Målepunkter før og efter").is_visible()
    assert axe_violations(page) == []
    assert page.csp_errors == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#opfoelgning-fra-sidste-moede").screenshot(path=str(tmp_path / "follow-up-1280.png"))
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#opfoelgning-fra-sidste-moede").screenshot(path=str(tmp_path / "follow-up-360.png"))
