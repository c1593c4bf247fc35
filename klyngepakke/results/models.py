from __future__ import annotations

from django.db import models

from klyngepakke.surveys.models import Round


class RoundAggregate(models.Model):
    """A closed round's counts, kept so comparison groups need not rescan every answer.

    A closed round never changes, so its aggregate is computed once (on first use) and
    is valid for good. Only the results layer writes or reads it.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="aggregate")
    respondents = models.PositiveIntegerField()
    # {answer code: {option code: count}}
    option_counts = models.JSONField()
    # {score code: [sum of scores, number of scores]}
    score_sums = models.JSONField()
    # [answer, question and score codes] whose whole-cluster table the round's own
    # publication withholds (homogeneity, too few answers, ...): they never enter another
    # cluster's comparison pool. Null until computed (aggregates stored before the field
    # existed: the scheduler's store_missing_aggregates fills them).
    withheld = models.JSONField(null=True, blank=True)
    # The round's region and country comparison groups, computed once: they take only
    # rounds closed before this one, so they never change. `comparisons_basis` says what
    # they were computed under (period, k, region); a change of it recomputes them.
    comparisons = models.JSONField(null=True, blank=True)
    comparisons_basis = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"Aggregat for runde {self.round_id}"
