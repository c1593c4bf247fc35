"""HTML date and time inputs for every app's forms."""

from __future__ import annotations

from django import forms


def date_input() -> forms.DateInput:
    """An HTML date input. Its value must be ISO (2027-02-11): a browser shows nothing
    for the Danish display format, and the next save would then erase the date."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_input() -> forms.TimeInput:
    """An HTML time input; its value must be HH:MM for the same reason."""
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
