"""The second factor in the admin, in Danish: the operator sees who has a device and can
remove one (the user then sets up a new one at the next login). Devices are enrolled by
their owner on the site, never here."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import admin
from django_otp.plugins.otp_totp import admin as otp_totp_admin  # registers TOTPDevice first
from django_otp.plugins.otp_totp.models import TOTPDevice

from klyngepakke.formats import danish_datetime

from .models import AuthenticatorDevice

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
del otp_totp_admin


def _when(value: datetime | None) -> str:
    """Copenhagen time in Danish; the change form would show a callable's datetime in UTC."""
    return danish_datetime(value) if value else "-"


class AuthenticatorDeviceForm(forms.ModelForm):
    class Meta:
        model = AuthenticatorDevice
        fields = ["name", "confirmed"]
        labels = {"name": "Navn", "confirmed": "Bekræftet"}
        help_texts = {"confirmed": "En ubekræftet app er sat op, men aldrig brugt med en kode."}


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(admin.ModelAdmin):
    form = AuthenticatorDeviceForm
    list_display = ["login", "device_name", "is_confirmed", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["login", "name", "confirmed", "created", "last_used", "failures"]
    readonly_fields = ["login", "created", "last_used", "failures"]

    @admin.display(description="Login", ordering="user__username")
    def login(self, obj: AuthenticatorDevice) -> str:
        return obj.user.get_username()

    @admin.display(description="Navn", ordering="name")
    def device_name(self, obj: AuthenticatorDevice) -> str:
        return obj.name

    @admin.display(description="Bekræftet", boolean=True, ordering="confirmed")
    def is_confirmed(self, obj: AuthenticatorDevice) -> bool:
        return obj.confirmed

    @admin.display(description="Oprettet", ordering="created_at")
    def created(self, obj: AuthenticatorDevice) -> str:
        return _when(obj.created_at)

    @admin.display(description="Sidst brugt", ordering="last_used_at")
    def last_used(self, obj: AuthenticatorDevice) -> str:
        return _when(obj.last_used_at)

    @admin.display(description="Forkerte koder i træk")
    def failures(self, obj: AuthenticatorDevice) -> int:
        return obj.throttling_failure_count

    def has_add_permission(self, request: object) -> bool:
        return False
