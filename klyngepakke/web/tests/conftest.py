"""The pages' tests use the domain apps' fixtures: an open round, an order whose survey
has closed (and whose meeting was held)."""

from klyngepakke.cycle.tests.conftest import closed_order, held_order
from klyngepakke.surveys.tests.conftest import _postgres_only, catalogue, survey_round

__all__ = ["_postgres_only", "catalogue", "closed_order", "held_order", "survey_round"]
