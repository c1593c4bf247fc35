from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from klyngepakke.support.widgets import date_input, time_input
from klyngepakke.surveys.services import closes_at_end_of


class PlanForm(forms.Form):
    meeting_date = forms.DateField(label="Mødedato", required=False, widget=date_input())
    starts_at = forms.TimeField(label="Mødestart (tt:mm)", required=False, widget=time_input())
    place = forms.CharField(label="Mødested", max_length=200, required=False)
    minutes = forms.IntegerField(label="Mødets længde i minutter", min_value=30, max_value=24 * 60, required=False)
    program_notes = forms.CharField(
        label="Ændringer til programmet", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ReminderDaysField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value) or ""
        days: list[int] = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 0 < int(part) <= 60:
                raise forms.ValidationError("Skriv hele antal dage mellem 1 og 60, adskilt af komma (fx 7, 2).")
            days.append(int(part))
        return sorted(set(days), reverse=True)


class OpenRoundForm(forms.Form):
    closes_on = forms.DateField(label="Svarfrist (sidste dag)", widget=date_input())
    reminder_days = ReminderDaysField(
        label="Påmindelser, antal dage før svarfristen",
        required=False,
        initial="7, 2",
        help_text="Påmindelser sendes kun til dem, der ikke har svaret. Tom: ingen automatiske påmindelser.",
    )

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if day < timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError("Svarfristen skal ligge mindst én dag ude i fremtiden.")
        return day

    @property
    def closes_at(self):
        return closes_at_end_of(self.cleaned_data["closes_on"])


class ExtendRoundForm(forms.Form):
    closes_on = forms.DateField(label="Ny svarfrist", widget=date_input())

    @property
    def closes_at(self):
        return closes_at_end_of(self.cleaned_data["closes_on"])


class MeetingHeldForm(forms.Form):
    follow_up_due_on = forms.DateField(
        label="Opfølgning forfalder (6-12 måneder efter mødet)",
        required=False,
        widget=date_input(),
    )
