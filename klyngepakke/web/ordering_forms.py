"""Forms of the package pages and the order form (the rules are in cycle.ordering)."""

from __future__ import annotations

from typing import Any

from django import forms

from klyngepakke.web.order_forms import date_input, time_input


class PlaceOrderForm(forms.Form):
    meeting_date = forms.DateField(label="Mødedato", widget=date_input())
    starts_at = forms.TimeField(label="Mødestart (valgfri)", required=False, widget=time_input())
    place = forms.CharField(label="Mødested (valgfrit)", max_length=200, required=False)
    opens_on = forms.DateField(
        label="Spørgeskemaet åbner",
        required=False,
        widget=date_input(),
        help_text="Tom: pakkens forslag, regnet fra mødedatoen.",
    )
    closes_on = forms.DateField(
        label="Sidste svardag",
        required=False,
        widget=date_input(),
        help_text="Tom: pakkens forslag. Senest 2 dage før mødet, og mindst 7 dage efter åbningen.",
    )
    call = forms.BooleanField(label="Ring mig op: jeg vil gerne tale med en konsulent om mødet", required=False)
    phone = forms.CharField(label="Telefonnummer", max_length=30, required=False)
    preferred_time = forms.CharField(
        label="Hvornår må vi ringe?", max_length=200, required=False, help_text="Fx tirsdag formiddag."
    )


class RescheduleForm(forms.Form):
    opens_on = forms.DateField(label="Spørgeskemaet åbner", widget=date_input())
    closes_on = forms.DateField(label="Sidste svardag", widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the order page also shows the opening form's closes_on, and a
        # label must point at the field beside it, not at the first id_closes_on.
        kwargs.setdefault("auto_id", "flyt_%s")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Hvorfor annulleres bestillingen?", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
