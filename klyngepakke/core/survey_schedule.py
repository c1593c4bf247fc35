"""The survey's dates, counted from the meeting date: the rules in one place.

A package says when its survey opens and closes relative to the meeting
(`schedule` in docs/package-format.md); the coordinator may move both dates within
the limits below. `schedule_refusal` is the one function that decides whether a set
of dates is allowed; the package format and the ordering service both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# The survey is open at least this many days (first to last day, both included).
MIN_SURVEY_DAYS = 7
# The survey closes at least this many days before the meeting, so the materials are
# built and the coordinator can read them first.
MIN_DAYS_CLOSE_BEFORE_MEETING = 2
# A reminder goes at least this many days after the invitations (never minutes after).
MIN_DAYS_OPEN_TO_REMINDER = 3
# The furthest ahead a meeting may be planned.
MAX_DAYS_AHEAD = 2 * 365


@dataclass(frozen=True)
class SurveyDates:
    opens_on: date
    closes_on: date  # the last day on which answers are taken (the round closes at its end)
    reminder_days: tuple[int, ...]  # days before closes_on, largest first

    def reminder_dates(self) -> list[date]:
        return [self.closes_on - timedelta(days=d) for d in self.reminder_days]


def default_dates(
    meeting_date: date, opens_weeks_before: int, closes_days_before: int, reminders: Sequence[int], today: date
) -> SurveyDates:
    """The package's dates for a meeting; an opening day in the past moves to today."""
    opens_on = max(meeting_date - timedelta(weeks=opens_weeks_before), today)
    closes_on = meeting_date - timedelta(days=closes_days_before)
    return SurveyDates(opens_on, closes_on, tuple(sorted(set(reminders), reverse=True)))


def survey_days(opens_on: date, closes_on: date) -> int:
    return (closes_on - opens_on).days + 1


def schedule_refusal(meeting_date: date | None, dates: SurveyDates, today: date) -> str | None:
    """Why these dates are not allowed (Danish, for the page), or None if they are."""
    if meeting_date is None:
        return "Skriv mødets dato."
    if meeting_date < today:
        return "Mødedatoen ligger i fortiden. Vælg en dato fra i dag og frem."
    if meeting_date > today + timedelta(days=MAX_DAYS_AHEAD):
        return "Mødedatoen ligger mere end to år ude i fremtiden."
    if dates.opens_on < today:
        return "Spørgeskemaet kan tidligst åbne i dag."
    if dates.closes_on < dates.opens_on:
        return "Spørgeskemaet skal åbne, før det lukker."
    if dates.closes_on > meeting_date - timedelta(days=MIN_DAYS_CLOSE_BEFORE_MEETING):
        return (
            f"Spørgeskemaet skal lukke senest {MIN_DAYS_CLOSE_BEFORE_MEETING} dage før mødet, "
            "så materialet er klar og kan læses inden mødet."
        )
    if survey_days(dates.opens_on, dates.closes_on) < MIN_SURVEY_DAYS:
        return (
            f"Spørgeskemaet skal være åbent i mindst {MIN_SURVEY_DAYS} dage, så alle kan nå at svare. "
            "Vælg en senere mødedato eller en tidligere åbningsdato."
        )
    for days in dates.reminder_days:
        if days < 1:
            return "En påmindelse skal ligge mindst én dag før svarfristen."
        if (dates.closes_on - timedelta(days=days) - dates.opens_on).days < MIN_DAYS_OPEN_TO_REMINDER:
            return (
                f"En påmindelse {days} dage før svarfristen kommer mindre end {MIN_DAYS_OPEN_TO_REMINDER} dage "
                "efter invitationerne. Åbn spørgeskemaet tidligere, eller fjern påmindelsen."
            )
    return None
