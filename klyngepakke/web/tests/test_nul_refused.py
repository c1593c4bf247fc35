"""A NUL character anywhere in a request (path, query string, form data) is bad input:
a 400 with a Danish page before any view, form or query sees it, and nothing changes.

PostgreSQL refuses NUL in text, so a NUL in a free-text answer or a search box was a 500
there (and the failed statement, with the answers, went to the database log); SQLite
stored it. Both databases must refuse it the same way.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.registry.models import Cluster
from klyngepakke.surveys import services
from klyngepakke.surveys.response_models import PartialAnswers
from klyngepakke.surveys.tests.flow import Respondent
from klyngepakke.surveys.tests.test_respondent_pages import DOCUMENT
from klyngepakke.web.middleware import NUL_MESSAGE
from tests import factories

pytestmark = pytest.mark.django_db


def assert_refused(response) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ugyldigt tegn" in html
    assert NUL_MESSAGE in html
    assert '<html lang="da"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/?q=Klynge%00",
        "/?q%00=Klynge",
        "/?side=1%00",
        "/admin/registry/cluster/?q=%00",
        "/admin/registry/member/?q=a%00b",
        "/admin/cycle/order/?cluster__id__exact=%00",
        "/pakker/trivsel%00/",
        "/klynger/%00/",
    ],
)
def test_a_nul_in_a_search_list_or_path_is_a_400_with_a_danish_page(staff_client, url):
    factories.cluster(name="Klynge Syd")
    assert_refused(staff_client.get(url))


def test_the_same_searches_without_nul_work(staff_client):
    factories.cluster(name="Klynge Syd")
    assert staff_client.get("/?q=Klynge").status_code == 200
    assert staff_client.get("/admin/registry/cluster/?q=Syd").status_code == 200


def test_a_nul_in_a_free_text_answer_is_refused_and_the_saved_answers_stay():
    package = factories.package(code="fritekst", document=DOCUMENT)
    cluster = factories.survey_cluster(members=2, solo=0)
    order = cycle_services.new_order(cluster, package, None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=7), None)
    invitation = round_.invitations.order_by("pk").first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all({"mood": "bad", "comment": "Min tekst"})
    saved = PartialAnswers.objects.get(invitation=invitation).sealed

    refused = respondent.client.post(
        reverse("surveys:section", args=["om_dig"]), {"mood": "good", "comment": "Min\x00 tekst", "nav": "next"}
    )

    assert_refused(refused)
    assert bytes(PartialAnswers.objects.get(invitation=invitation).sealed) == bytes(saved)
    assert respondent.submit().status_code == 200  # the questionnaire goes on as before: the receipt


def test_a_nul_in_a_coordinator_form_changes_nothing(coordinator_client):
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=3, solo=1)
    order = cycle_services.new_order(cluster, Package.objects.get(code="trivsel-og-arbejdsglaede"), None)
    coord = coordinator_client(cluster)
    url = reverse("surveys:order_detail", args=[cluster.code, order.pk])

    assert_refused(coord.post(url, {"action": "plan", "place": "Læge\x00huset", "minutes": "150"}))
    urlencoded = urlencode({"action": "plan", "place": "Lægehuset", "minutes": "150", "x\x00": "1"})
    assert_refused(coord.post(url, urlencoded, content_type="application/x-www-form-urlencoded"))
    order = Order.objects.get(pk=order.pk)
    assert order.meeting_place == ""
    assert order.state == Order.State.ORDERED


def test_a_nul_in_multipart_form_data_is_refused(staff_client):
    cluster = factories.cluster(name="Klynge Syd")
    response = staff_client.post(f"/admin/registry/cluster/{cluster.pk}/change/", {"name": "Klynge\x00 Nord"})
    assert_refused(response)
    assert Cluster.objects.get(pk=cluster.pk).name == "Klynge Syd"


def test_a_nul_in_a_login_attempt_is_refused_without_a_500():
    response = Client().post(reverse("accounts:login"), {"username": "a\x00", "password": "x"})
    assert_refused(response)


@pytest.mark.parametrize("url", ["/", "/svar/", "/konto/log-ind/", "/svar/gennemse/"])
def test_a_nul_in_the_session_cookie_is_a_400_not_a_database_error(url):
    # Any client can send this header: Django's cookie parser reads the quoted "\000" as
    # a NUL, and the session was then looked up with it (a 500 on PostgreSQL).
    assert_refused(Client().get(url, HTTP_COOKIE='sessionid="abc\\000defghijklmnop"'))


@pytest.mark.parametrize("cookie", ["csrftoken", "django_language", "survey_key", "survey_answered"])
def test_a_nul_in_any_other_cookie_is_refused_the_same_way(cookie):
    client = Client()
    client.cookies[cookie] = "da\x00x"
    assert_refused(client.get("/svar/"))
