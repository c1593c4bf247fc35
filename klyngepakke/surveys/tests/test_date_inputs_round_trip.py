"""Every date and time input round-trips: what a form shows is what it reads back.

The meeting plan's date input once carried the Danish display format
(`<input type="date" value="11.02.2027">`), which a browser cannot show: the field came
up empty and the next "Gem mødeplan" erased the date. HTML date and time inputs need
ISO values; the admin's text inputs need a format their own parser reads.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime, time

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from klyngepakke.accounts import forms as account_forms
from klyngepakke.catalogue.models import Package
from klyngepakke.cycle import services as cycle_services
from klyngepakke.cycle.models import Order
from klyngepakke.web import order_forms as survey_forms
from tests import factories

from .browser_forms import form_data, forms_of, input_values

PACKAGE = "trivsel-og-arbejdsglaede"
MEETING = date(2027, 2, 11)
START = time(17, 30)
ISO = {"date": "2027-02-11", "time": "17:30"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db) -> Order:
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=6, solo=1)
    return cycle_services.new_order(cluster, Package.objects.get(code=PACKAGE), None)


def order_url(order: Order) -> str:
    return reverse("surveys:order_detail", args=[order.cluster.code, order.pk])


def test_saving_the_plan_twice_without_touching_the_date_keeps_date_time_and_place(order, coordinator_client):
    coord = coordinator_client(order.cluster)
    first = coord.post(
        order_url(order),
        {"action": "plan", "meeting_date": "2027-02-11", "starts_at": "17:30", "place": "Lægehuset", "minutes": "180"},
    )
    assert first.status_code == 302

    for _save in range(2):
        html = coord.get(order_url(order)).content.decode()
        assert input_values(html, "date")["meeting_date"] == ISO["date"]
        assert input_values(html, "time")["starts_at"] == ISO["time"]
        again = coord.post(order_url(order), form_data(html, action="plan"))
        assert again.status_code == 302, again.content.decode()[:2000]
        order.refresh_from_db()
        assert (order.meeting_date, order.meeting_starts_at, order.meeting_place) == (MEETING, START, "Lægehuset")
        assert order.meeting_minutes == 180


def test_the_browser_view_of_the_page_sends_every_date_and_time_input_back(order, coordinator_client):
    """Every date/time input on the order page, not only the plan's, shows an ISO value
    (a browser would blank any other), so nothing is lost when a form is re-sent."""
    order.meeting_date, order.meeting_starts_at = MEETING, START
    order.save(update_fields=["meeting_date", "meeting_starts_at"])
    html = coordinator_client(order.cluster).get(order_url(order)).content.decode()
    raw = {**input_values(html, "date"), **input_values(html, "time")}
    assert raw  # the page has date inputs at all
    sent = {name: value for form in forms_of(html) for name, kind, value in form if kind in ("date", "time")}
    assert {name: value for name, value in raw.items() if value} == {n: v for n, v in sent.items() if v}


def _form_classes():
    for module in (survey_forms, account_forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


SAMPLES = {forms.DateField: MEETING, forms.TimeField: START}


def _temporal_fields():
    found = []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            for kind, sample in SAMPLES.items():
                if type(field) is kind:
                    found.append(pytest.param(cls, name, sample, id=f"{cls.__name__}.{name}"))
    return found


def test_the_project_forms_have_date_and_time_fields_to_check():
    names = {p.id for p in _temporal_fields()}
    assert {"PlanForm.meeting_date", "PlanForm.starts_at", "OpenRoundForm.closes_on"} <= names
    assert {"ExtendRoundForm.closes_on", "MeetingHeldForm.follow_up_due_on"} <= names


@pytest.mark.parametrize(("form_class", "name", "sample"), _temporal_fields())
def test_every_date_and_time_field_of_the_project_renders_iso_and_reads_it_back(form_class, name, sample):
    form = form_class(initial={name: sample})
    html = str(form[name])
    kind = "date" if isinstance(sample, date) else "time"
    assert f'type="{kind}"' in html
    value = input_values(html, kind)[form.add_prefix(name)]
    assert value == ISO[kind]
    assert form.fields[name].clean(value) == sample


def _admin_temporal_fields():
    request = RequestFactory().get("/admin/")
    request.user = factories.user(staff=True)
    request.user.is_superuser = True
    for model, model_admin in admin.site._registry.items():
        form_class = model_admin.get_form(request)
        for name, field in form_class.base_fields.items():
            if isinstance(field, (forms.DateField, forms.TimeField, forms.SplitDateTimeField, forms.DateTimeField)):
                yield model, form_class, name, field


def test_every_admin_date_and_time_input_reads_back_what_it_shows():
    checked = []
    for model, form_class, name, field in _admin_temporal_fields():
        if isinstance(field, (forms.SplitDateTimeField, forms.DateTimeField)):
            sample = timezone.make_aware(datetime.combine(MEETING, START))
        elif isinstance(field, forms.DateField):
            sample = MEETING
        else:
            sample = START
        form = form_class(initial={name: sample})
        html = str(form[name])
        shown: dict[str, str] = {}
        for kind in ("text", "date", "time", "datetime-local"):
            shown |= input_values(html, kind)
        assert shown, (model, name, html)
        for input_name, value in shown.items():
            if 'type="date"' in html or 'type="time"' in html:  # HTML5 inputs need ISO
                assert value in ISO.values() or value.startswith(ISO["date"]), (model, input_name, value)
        value = field.widget.value_from_datadict(shown, {}, form.add_prefix(name))
        assert field.clean(value) == sample, (model._meta.label, name, shown)
        checked.append(f"{model._meta.label}.{name}")
    assert "cycle.Order.meeting_date" in checked
