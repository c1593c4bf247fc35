"""A database set up by `migrate` alone (no `createcachetable`) serves survey links."""

from __future__ import annotations

import json

from .production import production_env, run_manage, run_python

SERVE_A_SURVEY_LINK = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from tests import factories

call_command("migrate", verbosity=0)
tables = connection.introspection.table_names()
factories.shipped_catalogue()
round_ = factories.open_survey_round(factories.survey_cluster(members=3, solo=0))
token = factories.issue_link(round_.invitations.first())
good = Client(HTTP_HOST="klyngepakke.example.dk").get(f"/s/{token}/")
bad = Client(HTTP_HOST="klyngepakke.example.dk").get("/s/" + "x" * 32 + "/")
print(json.dumps({"cache_table": "klyngepakke_cache" in tables, "good": good.status_code, "bad": bad.status_code}))
"""


def development_env(tmp_path):
    # A fresh SQLite file of its own: nothing has run createcachetable on it.
    return production_env(tmp_path, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


def test_a_freshly_migrated_database_serves_a_survey_link(tmp_path):
    result = run_python(SERVE_A_SURVEY_LINK, development_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"cache_table": True, "good": 302, "bad": 404}


def test_migrating_is_harmless_where_the_table_was_made_by_hand(tmp_path):
    env = development_env(tmp_path)
    made = run_manage(["createcachetable"], env)
    assert made.returncode == 0, made.stderr
    migrated = run_manage(["migrate", "--verbosity", "0"], env)
    assert migrated.returncode == 0, migrated.stderr
    again = run_manage(["createcachetable", "--dry-run"], env)
    assert again.returncode == 0, again.stderr
    assert "CREATE TABLE" not in again.stdout
