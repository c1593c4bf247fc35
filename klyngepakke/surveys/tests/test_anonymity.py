"""Anonymity by design, inspected: schema, stored rows, the database, logs."""

from __future__ import annotations

import io
import logging
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from klyngepakke.outbox.services import process_outbox
from klyngepakke.registry.models import Member, Practice
from klyngepakke.surveys import respondent_views, services
from klyngepakke.surveys.models import Invitation, InvitationToken
from klyngepakke.surveys.response_models import Answer, PartialAnswers, Response
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAL = {Member, Practice, Invitation, InvitationToken, PartialAnswers, apps.get_model("auth", "User")}


def forward_reachable(model: type[models.Model]) -> set[type[models.Model]]:
    """Every model reachable from `model` by following foreign keys and one-to-ones."""
    seen: set[type[models.Model]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        for field in current._meta.get_fields():
            if field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete:
                target = field.related_model
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
    return seen


@pytest.mark.parametrize("model", [Response, Answer])
def test_no_path_from_a_stored_answer_to_a_person(model):
    assert not forward_reachable(model) & PERSONAL


@pytest.mark.parametrize("model", [Response, Answer])
def test_stored_answers_have_random_keys_and_no_time_of_their_own(model):
    assert isinstance(model._meta.pk, models.UUIDField)
    assert not [f for f in model._meta.get_fields() if isinstance(f, (models.DateField, models.TimeField))]


def test_no_model_stores_an_ip_address_or_user_agent():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.GenericIPAddressField), model
            assert "user_agent" not in field.name, (model, field.name)
            assert "ip_address" not in field.name, (model, field.name)


def test_invitation_keeps_only_that_it_was_answered():
    names = {f.name for f in Invitation._meta.concrete_fields}
    assert names == {"id", "round", "member", "answered"}


def answered(round_, invitation, overrides=None) -> str:
    token = factories.issue_link(invitation)
    respondent = Respondent(invitation, token)
    respondent.answer_all(overrides or {})
    assert respondent.submit().status_code == 200
    return token


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return out.getvalue()


def test_database_dump_after_a_round_holds_no_token_in_clear(survey_round, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    process_outbox()  # the e-mails' own tokens are issued here
    from django.core import mail

    tokens = [m.body.split("/s/")[1].split("/")[0] for m in mail.outbox]
    assert len(tokens) == survey_round.invitations.count()
    tokens += [answered(survey_round, i) for i in survey_round.invitations.all()[:3]]
    services.close_round(survey_round, None)
    dump = database_dump()
    for token in tokens:
        assert token not in dump


def test_rows_stored_at_different_times_differ_only_in_their_answers(survey_round):
    first, second = survey_round.invitations.all()[:2]
    answered(survey_round, first, {"practice_type": "solo"})
    answered(survey_round, second, {"practice_type": "solo"})
    services.close_round(survey_round, None)
    responses = list(Response.objects.filter(round=survey_round))
    assert len(responses) == 2
    contents = [
        sorted(Answer.objects.filter(response=r).values_list("code", "option", "value", "text")) for r in responses
    ]
    assert contents[0] == contents[1]
    for r in responses:
        row = {f.attname: getattr(r, f.attname) for f in Response._meta.concrete_fields}
        assert set(row) == {"id", "round_id", "mixed"}
        assert isinstance(row["id"], uuid.UUID)
        assert row["mixed"] is True  # the same for every row of a closed round


def test_closing_re_stores_responses_with_new_keys(survey_round):
    for invitation in survey_round.invitations.all()[:3]:
        answered(survey_round, invitation)
    before = set(Response.objects.filter(round=survey_round).values_list("id", flat=True))
    services.close_round(survey_round, None)
    after = set(Response.objects.filter(round=survey_round).values_list("id", flat=True))
    assert len(after) == 3
    assert not before & after


def test_partial_answers_are_deleted_when_the_round_closes(survey_round):
    invitation = survey_round.invitations.first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.enter()
    first = respondent.questionnaire.sections[0].code
    respondent.client.post(reverse("surveys:section", args=[first]), {"practice_type": "solo", "nav": "next"})
    assert PartialAnswers.objects.filter(invitation=invitation).exists()
    services.close_round(survey_round, None)
    assert not PartialAnswers.objects.exists()


def test_answers_tokens_and_addresses_never_reach_the_logs(survey_round, caplog, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    invitation = survey_round.invitations.select_related("member").first()
    token = factories.issue_link(invitation)
    respondent = Respondent(invitation, token)
    respondent.answer_all({"practice_type": "solo"})
    respondent.submit()
    Client().get(f"/s/{token}/")  # used link: a 410, logged by django.request
    Client().get("/s/" + "q" * 32 + "/")  # invalid link: a 404
    process_outbox()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/s/[redacted]" in logged, "expected the request logger to have logged the 404/410"
    assert token not in logged
    assert "q" * 32 not in logged
    assert invitation.member.email not in logged
    assert "Fritekst" not in logged


def test_answer_views_mark_all_post_parameters_sensitive(survey_round):
    factory = RequestFactory()
    for view, args in [(respondent_views.section, ["x"]), (respondent_views.review, [])]:
        request = factory.post("/", {"who5_1": "3"})
        request.session = {}
        view(request, *args)
        assert request.sensitive_post_parameters == "__ALL__"
