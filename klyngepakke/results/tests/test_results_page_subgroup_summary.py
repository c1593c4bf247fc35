"""The results page puts the subgroups' scores side by side near the top (not only in the
collapsed block at the bottom), with the results layer's strings."""

from __future__ import annotations

import pytest

from klyngepakke.results import selectors
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from klyngepakke.web.tests.test_pages import assert_accessible_and_csp_clean
from klyngepakke.web.tests.test_results_pages import WHO5_ITEMS, answered_round, client_for, page_url, tables
from tests import factories

pytestmark = pytest.mark.django_db

# WHO-5 raw answers spread over the bands in both practice types.
SPREAD = (0, 2, 3, 4, 5, 1, 2, 3, 5, 4)


def spread_round(cluster):
    round_ = factories.open_survey_round(cluster, "trivsel-og-arbejdsglaede")
    for index, invitation in enumerate(round_.invitations.order_by("pk")):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        kind = "solo" if index < 5 else "partnership"
        respondent.answer_all({"practice_type": kind, **dict.fromkeys(WHO5_ITEMS, str(SPREAD[index]))})
        assert respondent.submit().status_code == 200  # the receipt is the submit's own response
    return services.close_round(round_, None)


CAPTION = "Scorerne for klyngen og for hver gruppe: gennemsnit (95 %-konfidensinterval) og antal i hvert interval"


@pytest.fixture
def cluster10(db):
    factories.shipped_catalogue()
    return factories.survey_cluster(members=10, solo=5)


def test_the_subgroups_scores_are_side_by_side_near_the_top(cluster10):
    round_ = spread_round(cluster10)
    view = results_as_dict(selectors.round_results(round_))
    response = client_for(factories.coordinator(cluster10)).get(page_url(round_))
    assert response.status_code == 200
    assert_accessible_and_csp_clean(response)
    html = response.content.decode()
    # Above the cluster's own scores and the collapsed subgroup block.
    summary = html.index('id="undergrupper-overblik"')
    assert summary < html.index('id="score-who5_index"') < html.index('<details class="subgroup">')
    rows = tables(response)[CAPTION]
    solo, partnership = view["subgroups"]["solo"], view["subgroups"]["partnership"]
    assert rows[0] == ["Mål", f"Klyngen ({view['group']['respondents']})", "Sololæger (5)", "Kompagniskaber (5)"]
    (who5,) = rows[1:]
    shown = 0
    for cell, group in zip(who5[1:], [view["group"], solo, partnership], strict=True):
        score = next(s for s in group["scores"] if s["code"] == "who5_index")
        if "withheld" in score:
            assert cell == f"Skjult: {score['text']}"
            continue
        estimate = score["estimate"]
        assert cell.startswith(f"{estimate['mean_text']} ({estimate['ci_text']})")
        for band in score["bands"]:
            assert f"{band['label']}: {band['count']} ({band['percent']} %)" in cell
        shown += 1
    assert shown == 3


def test_no_summary_when_the_subgroups_are_withheld(cluster10):
    round_ = answered_round(cluster10, 8)  # 5 solo and 3 partnership: too small
    response = client_for(factories.coordinator(cluster10)).get(page_url(round_))
    assert response.status_code == 200
    assert 'id="undergrupper-overblik"' not in response.content.decode()
