import pytest

from tests import factories


@pytest.fixture
def catalogue(db):
    factories.shipped_catalogue()


@pytest.fixture
def survey_round(catalogue):
    """An open round of Trivsel og arbejdsglæde in a six-doctor cluster."""
    cluster = factories.survey_cluster(members=6, solo=1)
    return factories.open_survey_round(cluster, "trivsel-og-arbejdsglaede")


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Skip tests marked `postgres_only` unless the test database is PostgreSQL."""
    if request.node.get_closest_marker("postgres_only") is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL only")
