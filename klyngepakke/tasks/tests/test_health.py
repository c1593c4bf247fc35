"""/helbred/: 200 when the database answers and the scheduler and a worker have beaten
within HEARTBEAT_MAX_AGE_SECONDS, else 503. JSON, no login, nothing about a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from klyngepakke.tasks.models import Heartbeat
from klyngepakke.tasks.services import beat, host_name

pytestmark = pytest.mark.django_db

URL = "/helbred/"


def test_healthy_when_both_kinds_beat_recently(settings):
    settings.HEARTBEAT_MAX_AGE_SECONDS = 600
    beat("scheduler")
    beat("worker", now=timezone.now() - timedelta(seconds=30))
    response = Client().get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["max_age_seconds"] == 600
    assert body["processes"]["scheduler"]["ok"] is True
    worker = body["processes"]["worker"]
    assert worker["ok"] is True
    assert worker["hosts"][0]["host"] == host_name()
    assert 30 <= worker["hosts"][0]["age_seconds"] < 300
    assert set(body) == {"status", "database", "max_age_seconds", "processes"}


def test_unhealthy_when_a_heartbeat_is_too_old(settings):
    settings.HEARTBEAT_MAX_AGE_SECONDS = 60
    beat("scheduler")
    beat("worker", now=timezone.now() - timedelta(seconds=61))
    response = Client().get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fejl"
    assert body["processes"]["worker"]["ok"] is False
    assert body["processes"]["scheduler"]["ok"] is True


def test_the_newest_host_counts(settings):
    settings.HEARTBEAT_MAX_AGE_SECONDS = 60
    beat("scheduler")
    Heartbeat.objects.create(kind="worker", host="gammel-vaert", beat_at=timezone.now() - timedelta(days=1))
    assert Client().get(URL).status_code == 503
    beat("worker")
    response = Client().get(URL)
    assert response.status_code == 200
    assert len(response.json()["processes"]["worker"]["hosts"]) == 2


def test_unhealthy_when_nothing_has_beaten():
    response = Client().get(URL)
    assert response.status_code == 503
    assert response.json()["processes"]["scheduler"] == {"ok": False, "newest_age_seconds": None, "hosts": []}


def test_unhealthy_when_the_database_fails():
    beat("scheduler")
    beat("worker")
    with connection.cursor() as cursor:
        # A real database error: the table the check reads is gone (the test's
        # transaction brings it back).
        cursor.execute(f"DROP TABLE {Heartbeat._meta.db_table}")
    response = Client().get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "fejl", "database": "fejl", "error": response.json()["error"]}
    assert response.json()["error"] in {"OperationalError", "ProgrammingError"}


def test_only_get():
    assert Client().post(URL).status_code == 405
