"""The demo's follow-up rounds answer their own questions ("Siden klyngemødet"): before,
every doctor skipped them, so each demo follow-up showed "Ja, meget: 0 ... Ved ikke: 0"
for 24 respondents and no free texts under "Opfølgning fra sidste møde"."""

import pytest

from klyngepakke.results.selectors import round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.surveys.models import Round

from .test_demo_history import history  # noqa: F401  (the module's demo country)

pytestmark = pytest.mark.django_db


def test_follow_up_rounds_answer_what_changed(history, db):  # noqa: F811
    rounds = Round.objects.filter(order__follows_up__isnull=False, closed_at__isnull=False)
    assert rounds.exists()
    texts_shown = 0
    for round_ in rounds:
        group = results_as_dict(round_results(round_))["group"]
        if "withheld" in group:
            continue
        (changed,) = [i for i in group["items"] if i["code"] == "practice_changed"]
        assert changed["answered"] == group["respondents"]
        assert changed["no_answer"] == 0
        (written,) = [t for t in group["texts"] if t["code"] == "practice_changes"]
        texts_shown += bool(written.get("shown_texts"))
    assert texts_shown > 0
