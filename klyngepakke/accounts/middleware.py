"""Session lifetime and the second factor, enforced for every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

from .policy import second_factor_pending

SESSION_STARTED_KEY = "kp_started"
SESSION_SEEN_KEY = "kp_seen"
# Last-seen is rewritten at most this often, so that browsing does not write the session
# row on every request; the idle timeout is accurate to within this many seconds.
SEEN_RESOLUTION_SECONDS = 60


def start_session_clock(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the absolute lifetime runs from the login itself."""
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


class SessionLifetimeMiddleware:
    """Ends a logged-in session after inactivity and after an absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:
                # A session from before these keys existed: start its clock now.
                started = seen = now
                session[SESSION_STARTED_KEY] = started
                session[SESSION_SEEN_KEY] = seen
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(request, "Du er blevet logget ud, fordi sessionen udløb. Log ind igen.")
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """A login that needs a second factor reaches nothing but the OTP pages and logout.

    That is every staff login (admin included) and any coordinator who has enrolled a
    device, until a code is confirmed in this session.
    """

    ALLOWED_URL_NAMES = {"otp_setup", "otp_verify", "logout"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = second_factor_pending(request.user)
        # Read by base.html to show only the logout button while the factor is pending.
        request.second_factor_pending = pending  # type: ignore[attr-defined]
        if pending and not self._allowed(request):
            return redirect_to_login(request.get_full_path(), reverse("accounts:otp_verify"))
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace == "accounts" and match.url_name in self.ALLOWED_URL_NAMES
