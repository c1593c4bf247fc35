from __future__ import annotations

from typing import Any

from django import forms

from klyngepakke.support.widgets import date_input

from .models import MeetingRecord, PracticePlan
from .selectors import EligiblePoint


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Mødedato", widget=date_input())
    minutes = forms.IntegerField(label="Mødets faktiske længde i minutter", min_value=1, max_value=12 * 60)
    format = forms.ChoiceField(label="Mødeform", choices=MeetingRecord.Format.choices, widget=forms.RadioSelect)
    attendees = forms.IntegerField(
        label="Antal deltagende medlemmer", min_value=1, max_value=999, help_text="Et antal; ingen navne."
    )
    notes = forms.CharField(
        label="Korte noter", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionsForm(forms.Form):
    focus_areas = forms.CharField(
        label="Klyngens egne fokusområder",
        required=False,
        max_length=3000,
        help_text="Ét fokusområde pr. linje, med klyngens egne ord.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    follow_up_package = forms.ChoiceField(label="Opfølgning med pakken", required=False)
    follow_up_on = forms.DateField(
        label="Opfølgningsdato", required=False, widget=date_input(), help_text="6-12 måneder efter mødet."
    )
    topic_meetings = forms.CharField(
        label="Temamøder", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, points: list[EligiblePoint], packages: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["follow_up_package"].choices = [("", "Ingen opfølgningsrunde")] + [
            (p.code, p.title) for p in packages
        ]
        for point in points:
            self.fields[f"mp_{point.code}"] = forms.BooleanField(label=point.label, required=False)
            self.fields[f"hope_{point.code}"] = forms.CharField(
                label=f"Det håber klyngen at se ({point.label})", required=False, max_length=500
            )

    def point_fields(self) -> list[tuple[EligiblePoint, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"mp_{p.code}"], self[f"hope_{p.code}"]) for p in self.points]

    def chosen_points(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(p.code, data.get(f"hope_{p.code}", "")) for p in self.points if data.get(f"mp_{p.code}")]

    def focus_area_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["focus_areas"].splitlines() if line.strip()]


class PlanRowForm(forms.Form):
    what = forms.CharField(label="Hvad vil vi ændre?", required=False, max_length=500)
    why = forms.CharField(label="Hvorfor?", required=False, max_length=500)
    first_step = forms.CharField(label="Første skridt", required=False, max_length=500)
    who = forms.CharField(label="Hvem?", required=False, max_length=200)
    by_when = forms.DateField(label="Hvornår?", required=False, widget=date_input())
    how_we_know = forms.CharField(label="Hvordan ved vi, at det virker?", required=False, max_length=500)


PlanRowFormSet = forms.formset_factory(PlanRowForm, extra=2, max_num=20, absolute_max=20, validate_max=True)


class PlanForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=PracticePlan.Status.choices)
    shared = forms.BooleanField(
        label="Del planen med klyngen",
        required=False,
        help_text="Uden deling ser klyngen og koordinatoren kun, om planen er lavet, og hvor langt den er.",
    )
