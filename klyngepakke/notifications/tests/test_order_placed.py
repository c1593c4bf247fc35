"""A new order: the consultants are told, in the order's transaction, once; the
cluster's coordinators are not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.notifications.services import notify_order_placed

from .conftest import danish, delivered, queued, subject

pytestmark = pytest.mark.django_db


def test_the_consultants_hear_of_a_new_order_once(cluster, coordinator, consultant, settings):
    settings.NOTIFY_STAFF_EMAILS = []
    assert queued("order_placed") == []
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), coordinator)
    assert queued("order_placed") == [consultant.email]
    assert notify_order_placed(order) is False
    assert queued("order_placed") == [consultant.email]


def test_a_refused_order_tells_no_one(cluster, consultant):
    package = Package.objects.get(code="trivsel-og-arbejdsglaede")
    Package.objects.filter(pk=package.pk).update(current_version=None)
    package.refresh_from_db()
    with pytest.raises(cycle_services.OrderError):
        cycle_services.new_order(cluster, package, None)
    assert not Order.objects.exists()
    assert queued("order_placed") == []


def test_the_e_mail(cluster, coordinator, consultant, smtp_server, site, settings):
    settings.NOTIFY_STAFF_EMAILS = ["konsulenter@example.org"]
    coordinator.first_name, coordinator.last_name = "Karen", "Koordinator"
    coordinator.save()
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), coordinator)
    (mail,) = delivered(smtp_server, "Ny bestilling")
    assert mail["To"] == "konsulenter@example.org"
    assert subject(mail) == f"Ny bestilling: Trivsel og arbejdsglæde til {cluster.name}"
    link = f"{site}/klynger/{cluster.code}/bestillinger/{order.pk}/"
    text = smtp_server.mailbox.text_of(mail)
    ordered_on = danish(timezone.localdate(order.created_at))
    assert f'{cluster.name} (Region Syddanmark) har bestilt pakken "Trivsel og arbejdsglæde" {ordered_on}' in text
    assert f"(Karen Koordinator ({coordinator.email}))" in text
    assert link in text
    html = smtp_server.mailbox.html_of(mail)
    assert f'<a href="{link}"' in html
    assert "»Trivsel og arbejdsglæde«" in html
    assert ordered_on in html
