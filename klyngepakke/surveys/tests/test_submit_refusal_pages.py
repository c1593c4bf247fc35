"""Every reason the submit service gives for not storing an answer has a friendly page.

A double click on "Send" sends two POSTs that both pass the session check before either
is stored; the second one is refused by the service itself ("already_answered"), which
once had no page and gave a 500 (the doctor lost the receipt and the feedback).
"""

from __future__ import annotations

import ast
import inspect
import threading

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from klyngepakke.surveys import respondent_views, services
from klyngepakke.surveys.models import Invitation
from klyngepakke.surveys.response_models import Answer, Response
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories


def refusal_codes_in_services() -> set[str]:
    """Every literal refusal reason in surveys/services.py: the second argument of a
    `SubmitOutcome(False, ...)` and every string a `_refusal*` function returns."""
    tree = ast.parse(inspect.getsource(services))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "SubmitOutcome":
            values = node.args[1:2] + [k.value for k in node.keywords if k.arg == "reason"]
            codes |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_refusal"):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    for value in ast.walk(inner.value):
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            codes.add(value.value)
    return codes


def test_the_enumeration_finds_the_known_refusals() -> None:
    assert {"already_answered", "closed"} <= refusal_codes_in_services()


@pytest.mark.parametrize("code", sorted(refusal_codes_in_services()))
def test_every_refusal_code_has_its_own_friendly_danish_page(code: str) -> None:
    assert code in respondent_views.SUBMIT_REFUSALS, f"no page for the service's refusal {code!r}"
    request = RequestFactory().post(reverse("surveys:review"))
    page = respondent_views.refused(request, code)
    assert 400 <= page.status_code < 500
    text = page.content.decode()
    status, title, message = respondent_views.PROBLEMS[respondent_views.SUBMIT_REFUSALS[code]]
    assert page.status_code == status
    assert str(title) in text
    assert str(message) in text
    assert '<html lang="da"' in text


def test_an_unknown_reason_still_gets_a_page() -> None:
    page = respondent_views.refused(RequestFactory().post("/svar/"), "a-reason-nobody-has-mapped")
    assert page.status_code == 409
    assert "Dit svar blev ikke gemt" in page.content.decode()


@pytest.mark.django_db
def test_double_click_on_send_gives_the_receipt_and_an_already_answered_page(survey_round, monkeypatch):
    """Two POSTs from the same browser, the second one reaching the service after the first
    has stored: run the first click's whole request from inside the second one's call."""
    invitation = survey_round.invitations.first()
    first = Respondent(invitation, factories.issue_link(invitation))
    first.answer_all()
    second = Client()
    second.cookies = first.client.cookies  # the same browser: one session cookie
    real_store = services.store_submission
    first_click: list = []
    calls: list[int] = []

    def store_after_the_first_click(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the second click's call: the first click runs to its end now
            first_click.append(first.submit())
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "store_submission", store_after_the_first_click)
    late = second.post(reverse("surveys:review"))

    # The first click gets the receipt with the private feedback as its own response.
    assert first_click[0].status_code == 200
    assert "no-store" in first_click[0]["Cache-Control"]
    assert late.status_code == 410
    assert "Du har allerede svaret" in late.content.decode()
    assert Response.objects.filter(round=survey_round).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_stores_one_response_and_shows_two_friendly_pages(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions: runs in the PostgreSQL pass of make test")
    factories.shipped_catalogue()
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=0))
    invitation = Invitation.objects.filter(round=round_).first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all()
    clients = [respondent.client, Client()]
    clients[1].cookies = clients[0].cookies
    # Both requests have read the session and the invitation before either stores: the
    # barrier holds each one at the service's door until the other has arrived too.
    barrier = threading.Barrier(2, timeout=30)
    real_store = services.store_submission

    def store_together(*args, **kwargs):
        barrier.wait()
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "store_submission", store_together)
    results: dict[int, object] = {}

    def click(index: int) -> None:
        try:
            results[index] = clients[index].post(reverse("surveys:review"))
        except BaseException as exc:  # reported below, with the thread's own traceback
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not [r for r in results.values() if isinstance(r, BaseException)], results
    statuses = sorted(r.status_code for r in results.values())
    # One gets the receipt as its own response, the other the "already answered" page.
    assert statuses == [200, 410]
    stored = next(i for i, r in results.items() if r.status_code == 200)
    refused = next(r for r in results.values() if r.status_code == 410)
    assert "no-store" in results[stored]["Cache-Control"]
    assert "Du har allerede svaret" in refused.content.decode()
    assert Response.objects.filter(round=round_).count() == 1
    assert Answer.objects.filter(response__round=round_).exists()
