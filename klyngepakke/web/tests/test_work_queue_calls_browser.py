"""The planning-call requests in a real browser, at 1280 and 360 px: the work queue with
its calls, marking one as made, the order page for staff (with "Fortryd") and for the
coordinator (call asked, and lapsed with a cancelled order). No axe-core WCAG A/AA
violation, no CSP violation, no page wider than 360 px. SCREENSHOT_DIR keeps screenshots."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import totp_token
from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import ordering
from klyngepakke.cycle.models import CallRequest, Order
from klyngepakke.web.tests.test_members_browser import log_in, look
from klyngepakke.web.tests.test_pages_browser import open_browser  # noqa: F401
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ask(cluster, coordinator, state: str = Order.State.ORDERED) -> CallRequest:
    order = Order.objects.create(
        cluster=cluster, package=Package.objects.get(code="trivsel-og-arbejdsglaede"), state=state
    )
    return CallRequest.objects.create(
        order=order,
        requested_by=coordinator,
        phone="+45 20 30 40 50",
        preferred_time="Tirsdag eller torsdag formiddag, gerne før kl. 10",
    )


def test_calls_in_the_work_queue_and_on_the_order_pages(live_server, make_staff_user, open_browser):  # noqa: F811
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=3)
    coordinator = factories.coordinator(cluster)
    coordinator.first_name, coordinator.last_name = "Karen", "Sørensen-Vestergaard"
    coordinator.save()
    call = _ask(cluster, coordinator)
    other = factories.survey_cluster(members=3, region_code="nordjylland")
    _ask(other, factories.coordinator(other), state=Order.State.PLANNED)
    lapsed = _ask(cluster, coordinator)
    ordering.cancel_order(lapsed.order, "Mødet er flyttet", coordinator)
    staff = make_staff_user()
    token = totp_token(staff.totp_device)
    order_url = reverse("surveys:order_detail", args=[cluster.code, call.order_id])
    lapsed_url = reverse("surveys:order_detail", args=[cluster.code, lapsed.order_id])
    page = open_browser()
    checked: dict[str, list[str]] = {}

    log_in(page, live_server.url, staff, token)
    page.goto(live_server.url + reverse("web:home"))
    assert "Tirsdag eller torsdag formiddag" in page.content()
    checked["work queue"] = look(page, "queue-calls")
    page.get_by_role("button", name=re.compile(rf"^Markér som ringet op\s+for {cluster.name}$")).click()
    assert "er markeret som ringet op" in page.content()
    checked["work queue marked"] = look(page, "queue-calls-marked")

    page.goto(live_server.url + order_url)
    assert "Ringet op" in page.content()
    checked["order page, staff"] = look(page, "order-call-staff")
    page.get_by_role("button", name="Fortryd: ikke ringet op endnu").click()
    assert "står igen på arbejdslisten" in page.content()
    checked["order page, staff, undone"] = look(page, "order-call-staff-undone")
    page.goto(live_server.url + lapsed_url)
    checked["cancelled order, staff"] = look(page, "order-call-staff-cancelled")

    page.context.clear_cookies()
    log_in(page, live_server.url, coordinator)
    page.goto(live_server.url + order_url)
    assert "Du har bedt om at blive ringet op" in page.content()
    checked["order page, coordinator"] = look(page, "order-call-coordinator")
    page.goto(live_server.url + lapsed_url)
    assert "Det bortfaldt, da bestillingen blev annulleret." in page.content()
    checked["cancelled order, coordinator"] = look(page, "order-call-coordinator-cancelled")

    problems = {name: found for name, found in checked.items() if found}
    assert not problems, problems
    assert not page.csp_errors, page.csp_errors
