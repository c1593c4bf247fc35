"""Proxies for the admin's Danish names; no tables of their own."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice


class AuthenticatorDevice(TOTPDevice):
    """django-otp's TOTP device, named in Danish in the admin (the model is third-party,
    so its own names cannot change without a migration in django-otp)."""

    class Meta:
        proxy = True
        verbose_name = "godkendelses-app (to-faktor)"
        verbose_name_plural = "godkendelses-apps (to-faktor)"
