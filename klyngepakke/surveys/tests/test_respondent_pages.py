"""Section and review pages are rendered once per package version and page, then filled
with each respondent's own answers: a text answer is escaped, and one respondent's
answers never appear on another's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from klyngepakke.cycle import services as cycle_services
from klyngepakke.surveys import services
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "code": "fritekst",
    "title": {"da": "Fritekst"},
    "summary": {"da": "En pakke med et fritekstspørgsmål."},
    "questionnaire": {
        "estimated_minutes": 5,
        "intro": {"da": "Om spørgeskemaet."},
        "sections": [
            {
                "code": "om_dig",
                "title": {"da": "Om dig"},
                "questions": [
                    {
                        "code": "mood",
                        "type": "single",
                        "text": {"da": "Hvordan har du det?"},
                        "required": True,
                        "options": [
                            {"code": "good", "label": {"da": "Godt"}},
                            {"code": "bad", "label": {"da": "Skidt"}},
                        ],
                    },
                    {
                        "code": "comment",
                        "type": "text",
                        "text": {"da": "Kommentar"},
                        "required": False,
                        "max_length": 500,
                    },
                ],
            }
        ],
    },
    "program": {
        "default_minutes": 150,
        "blocks": [{"code": "introduction", "title": {"da": "Introduktion"}, "minutes": 150}],
    },
}
HOSTILE = '<script>alert("x")</script> & "citat"'


@pytest.fixture
def respondents():
    package = factories.package(code="fritekst", document=DOCUMENT)
    cluster = factories.survey_cluster(members=2, solo=0)
    order = cycle_services.new_order(cluster, package, None)
    round_ = services.open_round(order, timezone.now() + timedelta(days=7), None)
    return [Respondent(i, factories.issue_link(i)) for i in round_.invitations.order_by("pk")]


def test_a_text_answer_is_escaped_on_the_page_and_the_review(respondents):
    first = respondents[0]
    first.answer_all({"mood": "bad", "comment": HOSTILE})
    review = first.client.get("/svar/gennemse/").content.decode()
    assert HOSTILE not in review
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;citat&quot;" in review
    page = first.client.get("/svar/side/om_dig/").content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'value="bad" checked' in page or 'value="bad"  checked' in page


def test_one_respondents_answers_never_reach_anothers_page(respondents):
    first, second = respondents
    first.answer_all({"mood": "bad", "comment": "Kun min tekst"})
    first_page = first.client.get("/svar/side/om_dig/").content.decode()
    assert "Kun min tekst" in first_page
    second.enter()
    second_page = second.client.get("/svar/side/om_dig/").content.decode()
    assert "Kun min tekst" not in second_page
    assert "checked" not in second_page
    # Each page carries its own session's CSRF token.
    token = 'name="csrfmiddlewaretoken" value="'
    assert first_page.split(token)[1][:20] != second_page.split(token)[1][:20]
