from __future__ import annotations

from base64 import b32encode
from http import HTTPStatus
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import services, throttle
from .forms import (
    DanishPasswordChangeForm,
    DanishSetPasswordForm,
    PasswordResetRequestForm,
    ThrottledAuthenticationForm,
    TokenForm,
)
from .policy import second_factor_pending


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _with_next(url: str, next_url: str) -> str:
    # Encoded as redirect_to_login() does, so every redirect to these pages looks the same.
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url}, safe='/')}"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        # Go straight on to the code instead of bouncing off StaffSecondFactorMiddleware.
        if second_factor_pending(self.request.user):
            return _with_next(reverse("accounts:otp_verify"), url)
        return url


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Du er logget ud.")
    return redirect("accounts:login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    assignments = request.user.cluster_assignments.select_related("cluster").order_by("cluster__name")  # type: ignore[union-attr]
    return render(
        request,
        "accounts/account.html",
        {"has_second_factor": user_has_device(request.user, confirmed=True), "assignments": assignments},
    )


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):  # type: ignore[misc]
    template_name = "accounts/password_change.html"
    form_class = DanishPasswordChangeForm
    success_url = reverse_lazy("accounts:account")
    success_message = "Din adgangskode er ændret."


def password_reset(request: HttpRequest) -> HttpResponse:
    """ "Glemt adgangskode?": the same answer whether or not the address has a login."""
    form = PasswordResetRequestForm(request.POST) if request.method == "POST" else PasswordResetRequestForm()
    if form.is_valid():
        try:
            services.request_password_reset(form.cleaned_data["email"], throttle.client_address(request))
        except services.ResetThrottled:
            form.add_error(None, "For mange forsøg. Vent et kvarter, og prøv igen.")
            return render(request, "accounts/password_reset.html", {"form": form}, status=HTTPStatus.TOO_MANY_REQUESTS)
        return redirect("accounts:password_reset_done")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token check; the token moves into the session before the form shows.

    No login afterwards (post_reset_login stays False): the user logs in with the new
    password, and staff then still give their TOTP code.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = DanishSetPasswordForm
    reset_url_token = "ny-adgangskode"  # noqa: S105 (a URL segment, not a secret)
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


SESSION_PENDING_KEY = "otp_setup_key"


def _pending_device(request: HttpRequest) -> TOTPDevice:
    """The device being enrolled. Showing the setup page writes nothing but the session:
    the new secret waits there until the first code confirms it (or a wrong code stores
    the unconfirmed device, for its throttle; it is then reused)."""
    stored = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if stored is not None:
        return stored
    key = request.session.get(SESSION_PENDING_KEY)
    if not isinstance(key, str):
        key = random_hex(20)
        request.session[SESSION_PENDING_KEY] = key
    return TOTPDevice(user=request.user, name="Godkendelses-app", confirmed=False, key=key)


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: show the secret as a QR code, confirm with a first code."""
    next_url = _safe_next(request, reverse("accounts:account"))
    if user_has_device(request.user, confirmed=True):
        # One device per login; replacing it goes through the operator, so a stolen
        # password alone cannot swap the second factor.
        return redirect(_with_next(reverse("accounts:otp_verify"), next_url))
    device = _pending_device(request)
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):  # stores the device (a POST)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(SESSION_PENDING_KEY, None)
            _complete_second_factor(request, device)
            messages.success(request, "To-faktor-godkendelse er sat op.")
            return redirect(next_url)
        form.add_error("token", "Koden passer ikke. Tjek uret på din telefon, og prøv med den nyeste kode.")
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    # Groups of four are easier to type by hand; the apps ignore the spaces.
    secret = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    context = {"form": form, "secret": secret, "qr_svg": qr_svg, "next": next_url}
    return render(request, "accounts/otp_setup.html", context, status=_form_status(form))


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("web:home"))
    if not user_has_device(request.user, confirmed=True):
        return redirect(_with_next(reverse("accounts:otp_setup"), next_url))
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_valid():
        # match_token tries each confirmed device under its own throttle and refuses a
        # code that has been used before.
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            _complete_second_factor(request, device)
            return redirect(next_url)
        form.add_error("token", "Koden passer ikke, eller der har været for mange forsøg. Prøv igen om lidt.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=_form_status(form))


def _complete_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    # The session just gained rights: give it a new key, as login() does for the password.
    request.session.cycle_key()


def _form_status(form: TokenForm) -> int:
    """400 for a submitted code that was refused, so failures stand out in logs; else 200."""
    return HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
