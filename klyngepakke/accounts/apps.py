from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    # Explicit, because this module also defines the admin's config below.
    default = True
    name = "klyngepakke.accounts"
    label = "accounts"
    verbose_name = "Konti"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import emails  # noqa: F401  (registers the e-mail renderers)
        from .middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="klyngepakke.accounts.start_session_clock")


class KlyngepakkeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site: one login page, and staff must be OTP-verified."""

    default = False
    default_site = "klyngepakke.accounts.admin_site.KlyngepakkeAdminSite"
