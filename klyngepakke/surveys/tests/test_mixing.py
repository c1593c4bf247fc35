"""The mixing duty: no database artefact ties a response to its invitation after a pass.

A submit writes the invitation's answered flag and the response in one transaction, so
until the next pass the rows share a PostgreSQL transaction id and sit in submission
order. These tests submit through the real respondent flow and look at what the
database itself keeps: xmin, heap tuples (live and dead), row order.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation
from klyngepakke.surveys.response_models import Answer, Response
from klyngepakke.surveys.tests.flow import Respondent
from tests import factories

WHO5 = ["5", "4", "3", "2", "1", "0"]


def submit_numbered(round_, count: int) -> None:
    """`count` submissions in order; submission i answers who5_1/who5_2 with i in base 6."""
    invitations = list(round_.invitations.order_by("pk")[:count])
    assert len(invitations) == count
    for i, invitation in enumerate(invitations):
        respondent = Respondent(invitation, factories.issue_link(invitation))
        respondent.answer_all({"who5_1": WHO5[i % 6], "who5_2": WHO5[i // 6]})
        assert respondent.submit().status_code == 200


def submission_number(response_id) -> int:
    options = dict(
        Answer.objects.filter(response_id=response_id, code__in=["who5_1", "who5_2"]).values_list("code", "option")
    )
    return WHO5.index(options["who5_1"]) + 6 * WHO5.index(options["who5_2"])


def physical_order(table: str, round_id: int) -> list[str]:
    """Response ids of a round in the order the database stores them (rowid / ctid)."""
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        sql = f"SELECT id FROM {table} WHERE round_id = %s ORDER BY {position}"  # noqa: S608 - constants
        cursor.execute(sql, [round_id])
        return [row[0] for row in cursor.fetchall()]


def answer_physical_order(round_id: int) -> list[str]:
    position = "a.ctid" if connection.vendor == "postgresql" else "a.rowid"
    with connection.cursor() as cursor:
        sql = "SELECT a.response_id FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        cursor.execute(sql + f"WHERE r.round_id = %s ORDER BY {position}", [round_id])
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))  # by first answer stored


def numbers(ids) -> list[int]:
    return [submission_number(Response.objects.get(pk=i).pk) for i in ids]


def contents(round_) -> Counter:
    return Counter(
        tuple(sorted(Answer.objects.filter(response=r).values_list("code", "option", "value", "text")))
        for r in Response.objects.filter(round=round_)
    )


@pytest.fixture
def big_round(catalogue):
    return factories.open_survey_round(factories.survey_cluster(members=10, solo=2), "trivsel-og-arbejdsglaede")


@pytest.mark.django_db
def test_after_mixing_no_row_order_or_key_order_follows_submission_order(big_round):
    submit_numbered(big_round, 10)
    before = numbers(physical_order("surveys_response", big_round.pk))
    if connection.vendor == "sqlite":  # the premise: unmixed rows sit in submission order
        assert before == list(range(10))
    kept = contents(big_round)

    assert services.mix_responses(rng=random.Random(20261206)) == 1

    order = numbers(physical_order("surveys_response", big_round.pk))
    assert sorted(order) == list(range(10))
    assert order != list(range(10))
    answer_order = numbers(answer_physical_order(big_round.pk))
    assert sorted(answer_order) == list(range(10))
    assert answer_order != list(range(10))
    # Keys are fresh random UUIDs: their order is no submission order either (a 1 in
    # 3.6 million chance of matching by accident).
    by_key = numbers(sorted(Response.objects.filter(round=big_round).values_list("pk", flat=True)))
    assert by_key != list(range(10))
    assert contents(big_round) == kept
    assert not Response.objects.filter(mixed=False).exists()


@pytest.mark.django_db
def test_mixing_is_idempotent_and_loses_nothing(survey_round):
    assert services.mix_responses() == 0
    submit_numbered(survey_round, 3)
    kept = contents(survey_round)
    assert services.mix_responses() == 1
    ids = set(Response.objects.values_list("pk", flat=True))
    assert services.mix_responses() == 0
    assert set(Response.objects.values_list("pk", flat=True)) == ids
    assert contents(survey_round) == kept
    assert Invitation.objects.filter(round=survey_round, answered=True).count() == 3


@pytest.mark.django_db
def test_only_rounds_with_new_responses_are_re_stored(catalogue):
    first = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    second = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    submit_numbered(first, 2)
    submit_numbered(second, 1)
    assert services.mix_responses() == 2
    first_ids = set(Response.objects.filter(round=first).values_list("pk", flat=True))
    second_ids = set(Response.objects.filter(round=second).values_list("pk", flat=True))
    submit_numbered_more(second)
    assert services.mix_responses() == 1
    assert set(Response.objects.filter(round=first).values_list("pk", flat=True)) == first_ids
    assert not set(Response.objects.filter(round=second).values_list("pk", flat=True)) & second_ids
    assert Response.objects.filter(round=second).count() == 2


def submit_numbered_more(round_) -> None:
    invitation = round_.invitations.filter(answered=False).first()
    respondent = Respondent(invitation, factories.issue_link(invitation))
    respondent.answer_all({})
    assert respondent.submit().status_code == 200


@pytest.mark.django_db
def test_closing_a_round_leaves_it_mixed(survey_round):
    submit_numbered(survey_round, 3)
    services.close_round(survey_round, None)
    assert Response.objects.filter(round=survey_round).count() == 3
    assert not Response.objects.filter(mixed=False).exists()


@pytest.mark.django_db(transaction=True)  # the worker closes stale connections: no test transaction
def test_the_scheduler_runs_the_mixing_duty(survey_round):
    submit_numbered(survey_round, 2)
    call_command("run_worker", "--once")
    assert Response.objects.filter(round=survey_round).count() == 2
    assert not Response.objects.filter(mixed=False).exists()


# --- PostgreSQL: transaction ids and dead row versions ------------------------------


def xmins(table: str, where: str = "", params: list | None = None) -> dict[str, int]:
    with connection.cursor() as cursor:
        sql = f"SELECT id::text, xmin::text::bigint FROM {table} {where}"  # noqa: S608 - constants
        cursor.execute(sql, params or [])
        return dict(cursor.fetchall())


def xmin_links(round_id: int) -> dict[str, set[int]]:
    """The attack: each response and its answers joined to invitations on equal xmin."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id::text, i.id FROM surveys_response r "
            "JOIN surveys_invitation i ON i.xmin = r.xmin AND i.round_id = r.round_id WHERE r.round_id = %s "
            "UNION SELECT a.response_id::text, i.id FROM surveys_answer a "
            "JOIN surveys_response r ON r.id = a.response_id "
            "JOIN surveys_invitation i ON i.xmin = a.xmin AND i.round_id = r.round_id WHERE r.round_id = %s",
            [round_id, round_id],
        )
        links: dict[str, set[int]] = {}
        for response_id, invitation_id in cursor.fetchall():
            links.setdefault(response_id, set()).add(invitation_id)
        return links


def heap_xids(table: str) -> set[int]:
    """The xmin and xmax of every tuple on the table's pages, live or dead (pageinspect):
    a row the submit deleted (the partial answers, which name the invitation) carries the
    submit's transaction id as its xmax, not its xmin."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
        pages = cursor.fetchone()[0]
        found: set[int] = set()
        for page in range(pages):
            items = f"heap_page_items(get_raw_page('{table}', %s))"
            sql = f"SELECT t_xmin::text::bigint, t_xmax::text::bigint FROM {items} WHERE t_xmin IS NOT NULL"  # noqa: S608
            cursor.execute(sql, [page])
            for xmin, xmax in cursor.fetchall():
                found.update({xmin, xmax} - {0})
        return found


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_after_mixing_the_xmin_join_links_no_response_to_an_invitation(catalogue):
    round_ = factories.open_survey_round(factories.survey_cluster(members=6, solo=1))
    submit_numbered(round_, 5)
    answered = set(Invitation.objects.filter(round=round_, answered=True).values_list("pk", flat=True))
    before = xmin_links(round_.pk)
    # The premise: unmixed, each response's xmin names exactly its own invitation.
    assert len(before) == 5
    assert all(len(invitations) == 1 for invitations in before.values())
    submit_xids = set(xmins("surveys_invitation", "WHERE round_id = %s AND answered", [round_.pk]).values())
    assert len(submit_xids) == 5

    assert services.mix_responses() == 1  # commits, then VACUUMs (autocommit: no test transaction)

    after = xmin_links(round_.pk)
    assert len(after) == 5
    for invitations in after.values():
        assert invitations == answered  # every response matches every answered invitation alike
    # No row version of the submits survives anywhere, live or dead, in the tables the
    # submit wrote (the invitation, the response, its answers, the deleted partial answers).
    for table in ["surveys_invitation", "surveys_response", "surveys_answer", "surveys_partialanswers"]:
        assert not heap_xids(table) & submit_xids, table


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_mixing_passes_at_once_mix_once_and_lose_nothing(catalogue):
    import threading

    from django.db import connections

    round_ = factories.open_survey_round(factories.survey_cluster(members=4, solo=1))
    submit_numbered(round_, 4)
    kept = contents(round_)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(services.mix_responses())
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 1]
    assert contents(round_) == kept
    assert Response.objects.filter(round=round_).count() == 4
