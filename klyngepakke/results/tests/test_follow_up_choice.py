"""Which earlier round a round is compared with: any closed round of the cluster that
shares item or score codes (the same package again included), the followed order's by
default, another by choice on the results page."""

from __future__ import annotations

import pytest

from klyngepakke.cycle.models import Order
from klyngepakke.results.selectors import comparable_rounds, earlier_round, follow_up_for
from klyngepakke.results.serialize_follow_up import follow_up_as_dict
from klyngepakke.web.tests.test_results_pages import answered_round, client_for, page_url
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster10(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=10, solo=5)


def test_two_rounds_of_the_same_package_are_compared(cluster10):
    first = answered_round(cluster10, 10, "samarbejde-og-faellesskab")
    second = answered_round(cluster10, 9, "samarbejde-og-faellesskab")
    assert comparable_rounds(second) == [first]
    follow_up = follow_up_for(second)
    assert follow_up is not None
    assert follow_up.before.round == first
    data = follow_up_as_dict(follow_up)
    # The package has no scores; its questions' distributions of both rounds side by side.
    assert data["distributions"]
    # The practice type is no change to show (the round's own slide shows it).
    assert "practice_type" not in {d["code"] for d in data["distributions"]}
    assert data["before_round"]["id"] == first.pk
    assert [c["id"] for c in data["choices"]] == [first.pk]


def test_the_followed_order_is_the_default_and_another_round_can_be_chosen(cluster10):
    first = answered_round(cluster10, 10)
    again = answered_round(cluster10, 8)
    follow = answered_round(cluster10, 7, "opfoelgning-trivsel-og-arbejdsglaede")
    # Without a link the newest comparable round is the default ...
    assert earlier_round(follow) == again
    # ... and with one, the followed order's round.
    Order.objects.filter(pk=follow.order_id).update(follows_up=first.order)
    follow.refresh_from_db()
    assert earlier_round(follow) == first
    assert earlier_round(follow, chosen=again.pk) == again
    assert [r.pk for r in comparable_rounds(follow)] == [again.pk, first.pk]
    # A round of another cluster, or a later one, is no choice.
    other = answered_round(factories.survey_cluster(members=6), 6)
    assert earlier_round(follow, chosen=other.pk) is None


def test_the_results_page_shows_and_changes_the_choice(cluster10):
    first = answered_round(cluster10, 10)
    again = answered_round(cluster10, 8)
    follow = answered_round(cluster10, 7, "opfoelgning-trivsel-og-arbejdsglaede")
    client = client_for(factories.coordinator(cluster10))
    html = client.get(page_url(follow)).content.decode()
    assert "Udvikling siden sidste runde" in html
    assert f'<option value="{again.pk}" selected>' in html
    assert f'<option value="{first.pk}">' in html
    assert "<strong>8 → 7</strong>" in html
    chosen = client.get(page_url(follow), {"foer": first.pk}).content.decode()
    assert f'<option value="{first.pk}" selected>' in chosen
    assert "<strong>10 → 7</strong>" in chosen
    # Nonsense falls back to the default, never an error page.
    assert client.get(page_url(follow), {"foer": "x'; drop"}).status_code == 200


def test_the_page_prints_the_change_as_the_results_layer_wrote_it(cluster10):
    answered_round(cluster10, 10)
    follow = answered_round(cluster10, 7, "opfoelgning-trivsel-og-arbejdsglaede")
    data = follow_up_as_dict(follow_up_for(follow))
    assert data is not None
    (change,) = [c for c in data["changes"] if c["comparison"] and c["comparison"]["ci_text"]]
    comparison = change["comparison"]
    html = client_for(factories.coordinator(cluster10)).get(page_url(follow)).content.decode()
    # Signed, with its interval "a til b": the same string as the deck and the JSON.
    assert f"<td>{comparison['change_text']} ({comparison['ci_text']})</td>" in html
