"""The bad-link throttle counts real clients, in a fixed window from the first bad link.

Behind the production proxy REMOTE_ADDR is the proxy: counting it locked every doctor
out after anyone's 20 bad links. The client is the address the trusted proxy appended to
X-Forwarded-For (TRUSTED_PROXY_COUNT), and without trusted proxies the header is ignored.
The window is 15 minutes from the first bad link; later ones do not move it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from klyngepakke.accounts import throttle
from klyngepakke.surveys import respondent_throttle
from tests import factories

PROXY = "10.0.0.1"
BAD = "/s/" + "y" * 32 + "/"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: `clock.at(seconds)` after the start."""

    class Clock:
        start = 1_900_000_000.0
        offset = 0.0

        def at(self, seconds: float) -> None:
            self.offset = seconds

    c = Clock()
    monkeypatch.setattr(throttle, "now", lambda: c.start + c.offset)
    return c


def behind_proxy(forwarded: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def use_up(client: Client) -> None:
    for _ in range(respondent_throttle.LIMIT):
        assert client.get(BAD).status_code == 404
    assert client.get(BAD).status_code == 429


def test_two_clients_behind_the_same_proxy_are_counted_apart(settings, survey_round):
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = behind_proxy("203.0.113.5")
    use_up(guesser)

    doctor = behind_proxy("198.51.100.20")
    token = factories.issue_link(survey_round.invitations.first())
    assert doctor.get(f"/s/{token}/").status_code == 302
    assert doctor.get(BAD).status_code == 404  # a typo of its own is not yet a block
    assert guesser.get(f"/s/{token}/").status_code == 429


def test_entries_the_client_writes_itself_do_not_escape_the_count(settings, survey_round):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(respondent_throttle.LIMIT):
        # The client prepends a new made-up address each time; the proxy appends the real one.
        assert behind_proxy(f"192.0.2.{i}, 203.0.113.5").get(BAD).status_code == 404
    assert behind_proxy("192.0.2.200, 203.0.113.5").get(BAD).status_code == 429


def test_a_spoofed_header_without_trusted_proxies_is_ignored(settings, survey_round):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(respondent_throttle.LIMIT):
        client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        assert client.get(BAD).status_code == 404
    token = factories.issue_link(survey_round.invitations.first())
    spoofing = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.250")
    assert spoofing.get(f"/s/{token}/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get(f"/s/{token}/").status_code == 302


def test_the_window_runs_from_the_first_bad_link_and_does_not_slide(clock, survey_round):
    client = Client(REMOTE_ADDR="203.0.113.9")
    window = respondent_throttle.WINDOW_SECONDS
    assert window == 15 * 60
    for i in range(respondent_throttle.LIMIT):
        clock.at(i * 40.0)  # spread over 12:40 minutes
        assert client.get(BAD).status_code == 404
    for moment in (12 * 60 + 41, window - 2, window - 1):
        clock.at(moment)
        assert client.get(BAD).status_code == 429  # blocked for the rest of the 15 minutes
    clock.at(window + 1)
    token = factories.issue_link(survey_round.invitations.first())
    # 15 minutes after the first bad link the block is over, although the last attempt
    # was two seconds ago: neither counted nor refused attempts move the window.
    assert client.get(f"/s/{token}/").status_code == 302


def test_a_fresh_window_starts_after_the_old_one(clock, survey_round):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(respondent_throttle.LIMIT - 1):
        assert client.get(BAD).status_code == 404
    clock.at(respondent_throttle.WINDOW_SECONDS + 1)
    for _ in range(respondent_throttle.LIMIT - 1):
        assert client.get(BAD).status_code == 404  # the old failures no longer count
    assert client.get(BAD).status_code == 404
    assert client.get(BAD).status_code == 429
