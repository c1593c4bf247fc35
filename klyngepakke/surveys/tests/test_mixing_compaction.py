"""PostgreSQL: after the mixing pass and its VACUUM the pages still hold the bytes of the
rows it replaced; `compact_mixed_tables` rewrites the files, after which nothing in them
carves back to the link between a submit's invitation and its answers.

The attack reads the tables' raw pages (`pageinspect.get_raw_page`, the same bytes as a
file-level copy of the data directory): an invitation's old version starts with its
submit's transaction id and has the invitation's id 24 bytes on; an old answer row
carries the same transaction id and the old response's id.
"""

from __future__ import annotations

import struct

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from klyngepakke.surveys import services
from klyngepakke.surveys.models import Invitation
from klyngepakke.surveys.response_models import Response
from klyngepakke.surveys.tests.test_mixing import submit_numbered
from tests import factories

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_earlier_mixing():
    # The cache table is not a model's: a flush between tests leaves its rows.
    cache.delete_many([services.UNCOMPACTED_SINCE, services.ANSWERS_UNCOMPACTED_SINCE])


def raw_pages(table: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        pages = cursor.fetchone()[0]
        found = b""
        for page in range(pages):
            cursor.execute("SELECT get_raw_page(%s, %s)", [table, page])
            found += bytes(cursor.fetchone()[0])
        return found


def carved_invitations(submits: dict[int, int]) -> set[int]:
    """Invitation ids found 24 bytes after their own submit's transaction id."""
    raw = raw_pages("surveys_invitation")
    found = set()
    for xid, invitation_id in submits.items():
        start = 0
        while (at := raw.find(struct.pack("<I", xid), start)) != -1:
            start = at + 1
            if struct.unpack("<q", raw[at + 24 : at + 32])[0] == invitation_id:
                found.add(invitation_id)
    return found


def old_response_ids_in(table: str, old_ids: list[bytes]) -> int:
    raw = raw_pages(table)
    return sum(1 for old in old_ids if old in raw)


def test_after_compaction_no_replaced_row_can_be_carved_from_the_tables_files(catalogue, settings):
    round_ = factories.open_survey_round(factories.survey_cluster(members=6, solo=1))
    submit_numbered(round_, 5)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text::bigint, id FROM surveys_invitation WHERE round_id = %s AND answered", [round_.pk]
        )
        submits = dict(cursor.fetchall())
    old_ids = [pk.bytes for pk in Response.objects.filter(round=round_).values_list("pk", flat=True)]
    assert len(submits) == len(old_ids) == 5

    assert services.mix_responses() == 1  # re-stores and VACUUMs: the xmin join is gone ...
    # ... but the bytes of the old invitation versions are still in the pages.
    assert carved_invitations(submits), "premise: VACUUM alone leaves the old versions' bytes"

    # Soon after the pass: the tables that name the invitation. No invitation can be
    # carved any more, while the answer table still holds the old rows' bytes.
    settings.MIXING_COMPACT_SECONDS = 0
    assert services.compact_mixed_tables() == len(services.NAMING_TABLES)
    assert carved_invitations(submits) == set()
    assert old_response_ids_in("surveys_answer", old_ids) > 0, "premise: the answers wait for their own cadence"

    # Later: the response and answer tables too.
    settings.MIXING_COMPACT_ANSWERS_SECONDS = 0
    assert services.compact_mixed_tables() == len(services.ANSWER_TABLES)
    for table in ["surveys_answer", "surveys_response", "answer_response_code", "surveys_response_pkey"]:
        assert old_response_ids_in(table, old_ids) == 0, table
    assert Response.objects.filter(round=round_).count() == 5
    assert Invitation.objects.filter(round=round_, answered=True).count() == 5


def test_compaction_waits_for_its_interval_and_runs_once_per_mixing(catalogue, settings):
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    assert services.compact_mixed_tables() == 0  # nothing mixed yet
    submit_numbered(round_, 1)
    assert services.mix_responses() == 1
    since = cache.get(services.UNCOMPACTED_SINCE)
    assert since is not None
    settings.MIXING_COMPACT_SECONDS = 300
    settings.MIXING_COMPACT_ANSWERS_SECONDS = 3600
    assert services.compact_mixed_tables(now=since + 299) == 0  # not yet
    assert services.compact_mixed_tables(now=since + 300) == len(services.NAMING_TABLES)
    assert services.compact_mixed_tables(now=since + 301) == 0  # nothing new since
    assert services.compact_mixed_tables(now=since + 3600) == len(services.ANSWER_TABLES)
    assert services.compact_mixed_tables(now=since + 10_000) == 0


def test_the_scheduler_runs_the_compaction(catalogue, settings):
    settings.MIXING_COMPACT_SECONDS = 0
    settings.MIXING_COMPACT_ANSWERS_SECONDS = 0
    round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=1))
    submit_numbered(round_, 2)
    call_command("run_worker", "--once")  # mixes, then compacts in the same pass
    assert cache.get(services.UNCOMPACTED_SINCE) is None
    assert cache.get(services.ANSWERS_UNCOMPACTED_SINCE) is None
    assert not Response.objects.filter(mixed=False).exists()


@pytest.mark.django_db  # inside the test's transaction, as any caller inside atomic() is
def test_inside_a_transaction_the_rewrite_waits_for_the_commit(settings):
    # VACUUM FULL in a transaction is an error that breaks the transaction: every duty
    # after it in the same `run_worker --once` failed with it.
    settings.MIXING_COMPACT_SECONDS = 0
    cache.set(services.UNCOMPACTED_SINCE, 0.0, timeout=None)
    assert services.compact_mixed_tables() == 0  # deferred to the commit
    assert Response.objects.count() == 0  # the transaction still works
