"""Fixtures for the registry tests; plain helpers live in helpers.py."""

import pytest

from .helpers import GOOD_ROWS, csv_text


@pytest.fixture
def good_csv() -> str:
    return csv_text(*GOOD_ROWS)


@pytest.fixture
def catalogue(db):
    from tests import factories

    factories.shipped_catalogue()
