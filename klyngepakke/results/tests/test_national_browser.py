"""The national overview in a real browser, as a consultant (staff, second factor): no
accessibility violations (axe-core) at 1280 and 360 px, and nothing wider than a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD, totp_token
from klyngepakke.results.tests.test_national_cycle import country  # noqa: F401 - fixture
from klyngepakke.web.tests.test_pages_browser import axe_violations, open_browser  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_is_accessible_and_fits_a_phone(live_server, make_staff_user, country, open_browser):  # noqa: F811
    staff = make_staff_user()
    token = totp_token(staff.totp_device)
    page = open_browser()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Brugernavn").fill(staff.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_label("Kode fra din godkendelses-app").fill(token)
    page.get_by_role("button", name="Fortsæt").click()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("results:national"))
    assert page.get_by_text("1 af 3 klynger har holdt mødet.").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Region", exact=True).select_option(label="Region Hovedstaden")
    page.get_by_role("button", name="Vis").click()
    assert page.url.endswith("?region=hovedstaden")
    assert page.get_by_role("heading", name="Klyngerne i Region Hovedstaden").is_visible()

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + reverse("results:national"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    assert not page.csp_errors, page.csp_errors
