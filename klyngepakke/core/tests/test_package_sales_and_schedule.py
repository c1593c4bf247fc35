"""The package format's `sales` and `schedule`: validated when the catalogue is read."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from klyngepakke.core.package_format import SurveySchedule
from klyngepakke.core.survey_schedule import SurveyDates, default_dates, schedule_refusal


def test_the_defaults_are_a_valid_schedule():
    schedule = SurveySchedule()
    assert (schedule.opens_weeks_before, schedule.closes_days_before, schedule.reminders_days_before_close) == (
        4,
        5,
        [7, 2],
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"opens_weeks_before": 1, "closes_days_before": 2}, "at least 7"),
        ({"reminders_days_before_close": [7, 7]}, "listed twice"),
        ({"reminders_days_before_close": [21]}, "not between"),
        ({"reminders_days_before_close": [0]}, "not between"),
        ({"closes_days_before": 1}, "greater than or equal to 2"),
    ],
)
def test_an_impossible_schedule_is_refused(fields, message):
    with pytest.raises(ValidationError, match=message):
        SurveySchedule(**fields)


def test_default_dates_count_back_from_the_meeting_and_never_open_in_the_past():
    meeting = date(2027, 3, 1)
    dates = default_dates(meeting, 4, 5, [2, 7], today=date(2027, 1, 1))
    assert dates == SurveyDates(date(2027, 2, 1), date(2027, 2, 24), (7, 2))
    assert default_dates(meeting, 4, 5, [7], today=date(2027, 2, 10)).opens_on == date(2027, 2, 10)


def test_schedule_refusal_reasons():
    today = date(2027, 1, 1)
    good = SurveyDates(date(2027, 1, 5), date(2027, 1, 20), (7, 2))
    assert schedule_refusal(date(2027, 1, 25), good, today) is None
    assert "fortiden" in (schedule_refusal(date(2026, 12, 31), good, today) or "")
    assert "senest 2 dage" in (schedule_refusal(date(2027, 1, 21), good, today) or "")
    short = SurveyDates(date(2027, 1, 15), date(2027, 1, 20), ())
    assert "mindst 7 dage" in (schedule_refusal(date(2027, 1, 25), short, today) or "")
    early_reminder = SurveyDates(date(2027, 1, 11), date(2027, 1, 20), (7,))
    assert "mindre end 3 dage" in (schedule_refusal(date(2027, 1, 25), early_reminder, today) or "")
