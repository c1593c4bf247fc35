"""Session lifetime and the staff second factor, enforced for every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

SESSION_STARTED_KEY = "kp_started"
SESSION_SEEN_KEY = "kp_seen"


class SessionLifetimeMiddleware:
    """Ends a logged-in session after inactivity and after an absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            if (now - seen > settings.SESSION_IDLE_SECONDS
                    or now - started > settings.SESSION_ABSOLUTE_SECONDS):
                logout(request)
                messages.info(request, "Du er blevet logget ud, fordi sessionen udløb. Log ind igen.")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[SESSION_STARTED_KEY] = started
            request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Operator staff reach nothing but the second-factor pages until verified by TOTP."""

    ALLOWED_URL_NAMES = {"otp_setup", "otp_verify", "logout"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified():  # type: ignore[union-attr]
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            allowed = (
                match is not None
                and match.namespace == "accounts"
                and match.url_name in self.ALLOWED_URL_NAMES
            )
            if not allowed:
                return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)
