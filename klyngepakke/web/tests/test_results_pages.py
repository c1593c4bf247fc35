"""The results page of a closed round: what it shows, to whom, and that it is accessible and CSP-clean.

Answers go in through the real respondent flow (`Respondent`), so the page shows what a
cluster would see after a real round.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from klyngepakke.registry.models import ClusterAssignment, Member
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from tests import factories

pytestmark = pytest.mark.django_db

WHO5_ITEMS = ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5")


def answers(index: int) -> dict[str, object]:
    """Respondent `index`'s answers: half solo, half partnership; WHO-5 all "5" (index 100,
    "normal") or all "2" (index 40, "risk"); job satisfaction "high" or "some"."""
    upper = index % 2 == 0
    return {
        "practice_type": "solo" if index < 5 else "partnership",
        **dict.fromkeys(WHO5_ITEMS, "5" if upper else "2"),
        "job_satisfaction": "high" if upper else "some",
    }


def answered_round(cluster, respondents: int, package_code: str = "trivsel-og-arbejdsglaede"):
    """Open a round of `package_code`, let `respondents` members answer it, close it."""
    round_ = factories.open_survey_round(cluster, package_code)
    for index, invitation in enumerate(round_.invitations.order_by("pk")[:respondents]):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all(answers(index))
        assert respondent.submit().status_code == 200
    return services.close_round(round_, None)


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def cluster10(catalogue):
    return factories.survey_cluster(members=10, solo=5)


@pytest.fixture
def closed10(cluster10):
    return answered_round(cluster10, 10)


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def page_url(round_) -> str:
    return reverse("results:round", args=[round_.order.cluster.code, round_.pk])


class Tables(HTMLParser):
    """Every table of a page as {caption: [[cell text, ...], ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in {"td", "th"} and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            # The first table of a caption: the whole cluster's, before any subgroup's.
            self.tables.setdefault((self._caption or "").strip(), self._rows)

    def handle_data(self, data):
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def test_the_results_page_shows_charts_and_tables_for_a_closed_round(closed10, cluster10):
    coordinator = factories.coordinator(cluster10)
    response = client_for(coordinator).get(page_url(closed10))
    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    assert "10 af 10" in html
    assert "Resultater vises kun for grupper med mindst 5 besvarelser" in html
    # A chart with an accessible name, and a table beside it.
    assert re.search(r'<svg class="chart" role="img" aria-labelledby="[^"]+"', html)
    assert "<title id=" in html
    found = tables(response)
    job = found["Svarfordeling: I hvilken grad oplever du den arbejdsglæde, du ønsker?"]
    assert job[1:5] == [
        ["I meget høj grad", "0", "0 %"],
        ["I høj grad", "5", "50 %"],
        ["I nogen grad", "5", "50 %"],
        ["I ringe grad", "0", "0 %"],
    ]
    # WHO-5: five at 100 and five at 60, so a mean of 80.
    assert "Gennemsnit <strong>70,0</strong>" in html
    assert "95 %-konfidensinterval" in html
    # Both practice types have 5: the subgroups are shown.
    assert "Sololæger (5 besvarelser)" in html
    assert "Kompagniskaber (5 besvarelser)" in html


def test_the_page_never_shows_who_answered(closed10, cluster10):
    response = client_for(factories.coordinator(cluster10)).get(page_url(closed10))
    html = response.content.decode()
    for member in Member.objects.filter(practice__cluster=cluster10):
        assert member.name not in html
        assert member.email not in html
    assert "Fritekst" not in html  # free text stays hidden unless the package enables it


def test_a_round_with_fewer_than_five_answers_shows_no_figures(cluster10):
    round_ = answered_round(cluster10, 4)
    response = client_for(factories.coordinator(cluster10)).get(page_url(round_))
    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    assert "Vises ikke: for få besvarelser i gruppen." in html
    assert "Færre end 5 af 10 svarede" in html
    assert "<svg" not in html
    assert "<table" not in html


def test_an_open_round_has_no_results_yet(cluster10, staff_client):
    round_ = factories.open_survey_round(cluster10)
    coordinator = client_for(factories.coordinator(cluster10))
    response = coordinator.get(page_url(round_))
    assert response.status_code == 409
    assert "Resultaterne er ikke klar endnu" in response.content.decode()
    assert staff_client.get(page_url(round_)).status_code == 409
    assert staff_client.get(reverse("results:round_json", args=[round_.pk])).status_code == 409


def test_a_facilitator_reads_the_results_and_finds_the_link(closed10, cluster10):
    facilitator = factories.user()
    ClusterAssignment.objects.create(user=facilitator, cluster=cluster10, role=ClusterAssignment.Role.FACILITATOR)
    client = client_for(facilitator)
    assert client.get(page_url(closed10)).status_code == 200
    detail = client.get(reverse("web:cluster_detail", args=[cluster10.code])).content.decode()
    assert f'href="{page_url(closed10)}"' in detail


def test_closed_rounds_link_to_their_results(closed10, cluster10):
    client = client_for(factories.coordinator(cluster10))
    url = page_url(closed10)
    round_page = client.get(reverse("surveys:round_detail", args=[cluster10.code, closed10.pk])).content.decode()
    order_page = client.get(reverse("surveys:order_detail", args=[cluster10.code, closed10.order.pk])).content.decode()
    assert f'href="{url}"' in round_page
    assert f'href="{url}"' in order_page


def test_the_follow_up_round_shows_the_change(closed10, cluster10):
    follow_up = answered_round(cluster10, 6, "opfoelgning-trivsel-og-arbejdsglaede")
    response = client_for(factories.coordinator(cluster10)).get(page_url(follow_up))
    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    assert "Udvikling siden sidste runde" in html
    assert "<strong>10 → 6</strong> af 10" in html
    # Same two answer patterns in both rounds (6 = 3 + 3): the difference is noise.
    assert "Forskellen er inden for den tilfældige variation." in html
    assert "ikke pakkens grænse for en betydningsfuld ændring (10 point)" in html
    assert "WHO-5 trivselsindeks: antal pr. interval før og efter" in html
