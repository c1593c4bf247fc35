import pytest

from tests import factories


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()
