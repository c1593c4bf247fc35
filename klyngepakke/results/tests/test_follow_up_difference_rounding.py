"""The change between two rounds is the difference of the two figures as shown.

Means are rounded once to one decimal; a difference computed from the unrounded means
can disagree with the figures beside it (2.44 -> 2.96 shows "2,4 -> 3,0" but differs by
0.52, "+0,5"), which a room reads as an error. Every output shows
rounded(after) - rounded(before) instead (docs/anonymity.md, "One number, one string").
"""

from __future__ import annotations

from klyngepakke.core.statistics import Estimate, Interval, compare
from klyngepakke.results.meeting_follow_up import MeasurePointChange, Side
from klyngepakke.results.selectors import ScoreChange
from klyngepakke.results.serialize_follow_up import _comparison, change_sentence
from klyngepakke.results.serialize_meeting_follow_up import _point


def _estimate(mean: float, sd: float = 0.8, n: int = 20) -> Estimate:
    return Estimate(n=n, mean=mean, median=mean, sd=sd, ci=Interval(mean - 0.4, mean + 0.4))


def test_the_shown_change_is_the_difference_of_the_shown_means():
    comparison = compare(_estimate(2.44), _estimate(2.96))
    assert round(comparison.difference, 2) == 0.52  # unrounded: would read "+0,5"
    data = _comparison(comparison)
    assert data is not None
    assert data["difference"] == 0.6
    assert data["difference_text"] == "0,6"


def test_the_meeting_follow_up_line_and_sentence_say_the_same_change():
    comparison = compare(_estimate(2.44), _estimate(2.96))
    point = MeasurePointChange(
        "q", "Arbejdsglæde", "item", "", Side(comparison.before), Side(comparison.after), comparison, None
    )
    data = _point(point)
    assert data["before"]["mean_text"] == "2,4"
    assert data["after"]["mean_text"] == "3,0"
    assert data["change_text"] == "+0,6"


def test_the_meaningful_change_is_judged_on_the_shown_difference():
    # 52.46 -> 62.44 shows "52,5 -> 62,4": a change of 9,9, which does not reach 10,
    # although the unrounded difference (9.98) rounds to "10,0".
    comparison = compare(_estimate(52.46, sd=15), _estimate(62.44, sd=15), meaningful_change=10)
    data = _comparison(comparison)
    assert data is not None
    assert data["difference_text"] == "9,9"
    assert data["meaningful"] is False
    change = ScoreChange(definition=None, before=comparison.before, after=comparison.after, comparison=comparison)  # type: ignore[arg-type]
    sentence = change_sentence(change)
    assert "Ændringen på 9,9 point når ikke pakkens grænse" in sentence
