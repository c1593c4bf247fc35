"""A request that cannot reach the database gets a Danish 503 with Retry-After (a
respondent is told the saved answers are kept), not a 500; an error in the statement
itself is still a 500.

bench/production_shape.py found every request in flight during a PostgreSQL restart
answered with HTTP 500.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, transaction
from django.test import Client

from klyngepakke.support.database import unreachable

on_postgres = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def database_away() -> Iterator[None]:
    """The app's database connection points at a port where no server listens, as
    while PostgreSQL restarts."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgres, reason="SQLite's test database lives in memory and cannot go away")
@pytest.mark.django_db(transaction=True)
class TestDatabaseAway:
    def test_a_respondent_link_gets_503_saying_the_answers_are_kept(self, database_away):
        response = Client(raise_request_exception=False).get("/s/" + "a" * 43 + "/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert "Prøv igen om lidt" in page
        assert "De svar, du allerede har gemt, er ikke gået tabt" in page

    def test_any_other_page_gets_503(self, database_away):
        client = Client(raise_request_exception=False)
        client.cookies[django_settings.SESSION_COOKIE_NAME] = "x" * 32  # the session is read from the database
        response = client.get("/", secure=True)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert "kan ikke nå sin database" in page
        assert "svar, du allerede har gemt" not in page

    def test_the_health_endpoint_says_so_too(self, database_away):
        response = Client().get("/helbred/")
        assert response.status_code == 503
        assert response.json()["database"] == "fejl"

    def test_a_connection_refused_is_unreachable(self, database_away):
        with pytest.raises(DatabaseError) as raised:
            connection.ensure_connection()
        assert unreachable(raised.value)


def run_in_a_transaction(*statements: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.django_db
def test_an_error_in_the_statement_is_not_unreachable():
    with pytest.raises(DatabaseError) as raised:
        run_in_a_transaction("SELECT * FROM no_such_table")
    assert not unreachable(raised.value)


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgres, reason="statement_timeout is PostgreSQL's")
@pytest.mark.django_db
def test_a_cancelled_statement_is_not_unreachable():
    with pytest.raises(DatabaseError) as raised:
        run_in_a_transaction("SET LOCAL statement_timeout = 10", "SELECT pg_sleep(1)")
    assert not unreachable(raised.value)


@pytest.mark.django_db
def test_a_programming_error_in_a_view_stays_500(settings):
    settings.ROOT_URLCONF = "klyngepakke.web.tests.broken_view_urls"
    response = Client(raise_request_exception=False).get("/i-stykker/", secure=True)
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Der skete en fejl" in response.content.decode()
