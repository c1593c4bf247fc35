"""The admin speaks Danish (models, apps, columns, form labels), shows local times, and
offers no bulk delete where deleting would lose survey data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.urls import reverse
from django.utils import translation

from klyngepakke.accounts.models import AuthenticatorDevice
from klyngepakke.cycle.models import CallRequest, Order, OrderEvent
from klyngepakke.registry.models import ClusterAssignment, Member
from klyngepakke.surveys.models import Round
from tests import factories

pytestmark = pytest.mark.django_db

# Field names whose Danish label happens to be the name itself.
SAME_IN_DANISH = {"region", "status", "login"}


def _auto(name: str) -> str:
    return name.replace("_", " ")


def test_every_admin_model_and_app_has_a_danish_name():
    with translation.override("da"):
        for model in admin.site._registry:
            meta = model._meta
            assert str(meta.verbose_name) != _auto(meta.model_name) or meta.model_name in SAME_IN_DANISH, meta.label
            assert meta.app_config.verbose_name != meta.app_label.title(), meta.label
            assert "totp" not in str(meta.verbose_name).lower(), meta.label
            assert "task" not in str(meta.verbose_name).lower(), meta.label


def test_every_column_and_field_in_the_admin_has_a_danish_label(rf, staff_user):
    request = rf.get("/")
    request.user = staff_user
    with translation.override("da"):
        for model, model_admin in admin.site._registry.items():
            names = list(model_admin.get_list_display(request))
            names += [f for f in model_admin.get_fields(request) if isinstance(f, str)]
            for inline in model_admin.get_inline_instances(request):
                names += [(inline.model, inline, f) for f in inline.get_fields(request)]
            for entry in names:
                target, owner, name = entry if isinstance(entry, tuple) else (model, model_admin, entry)
                if name == "__str__":
                    continue
                form_fields = owner.get_form(request).base_fields if hasattr(owner, "get_form") else {}
                if name in form_fields and form_fields[name].label:
                    label = str(form_fields[name].label)  # an editable field shows its form label
                else:
                    try:
                        label = str(label_for_field(name, target, owner))
                    except AttributeError:
                        continue  # a form-only field (the add-user form's passwords): Django's own label
                assert label.lower() != _auto(name) or name in SAME_IN_DANISH, f"{target._meta.label}.{name}: {label}"


def test_order_history_columns_are_danish(staff_client):
    cluster = factories.cluster()
    order = Order.objects.create(cluster=cluster, package=factories.package())
    OrderEvent.objects.create(order=order, state=order.state, by=staff_client.user, note="Bestilt")
    page = staff_client.get(reverse("admin:cycle_order_change", args=[order.pk])).content.decode()
    for header in ("Tidspunkt", "Ny status", "Af", "Bemærkning"):
        assert f">{header}<" in page or f"{header}\n" in page
    for english in (">At<", ">State<", ">By<", ">Note<", "User:"):
        assert english not in page


@pytest.mark.parametrize("model", [Order, CallRequest, Round, Member, ClusterAssignment, AuthenticatorDevice])
def test_change_lists_render_in_danish(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Otp_Totp" not in page
    assert "User" not in page.split("<main", 1)[-1]


def test_no_bulk_delete_where_it_would_lose_survey_data(rf, staff_user):
    request = rf.get("/")
    request.user = staff_user
    for model, model_admin in admin.site._registry.items():
        actions = model_admin.get_actions(request)
        if model is ClusterAssignment:
            assert "delete_selected" in actions  # removing access loses no data; confirmed first
        else:
            assert "delete_selected" not in actions, model._meta.label


def test_times_in_the_admin_are_copenhagen_time(staff_client):
    cluster = factories.cluster()
    order = Order.objects.create(cluster=cluster, package=factories.package())
    OrderEvent.objects.create(order=order, state=order.state, at=datetime(2026, 10, 22, 13, 30, tzinfo=UTC))
    page = staff_client.get(reverse("admin:cycle_order_change", args=[order.pk])).content.decode()
    assert "22. okt. 2026 kl. 15.30" in page
    assert "13.30" not in page
    assert "13:30" not in page


def test_the_totp_device_admin_lets_the_operator_remove_but_not_add(staff_client):
    device = staff_client.user.totp_device
    changelist = staff_client.get(reverse("admin:accounts_authenticatordevice_changelist")).content.decode()
    assert "Godkendelses-apps (to-faktor)" in changelist or "godkendelses-apps (to-faktor)" in changelist
    assert staff_client.user.username in changelist
    assert staff_client.get(reverse("admin:accounts_authenticatordevice_add")).status_code == 403
    delete = reverse("admin:accounts_authenticatordevice_delete", args=[device.pk])
    assert staff_client.get(delete).status_code == 200  # Django's confirmation page
