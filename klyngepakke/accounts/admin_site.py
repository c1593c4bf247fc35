"""The admin site: same login page, throttle and second factor as the rest of the site."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .policy import second_factor_pending


class KlyngepakkeAdminSite(admin.AdminSite):
    site_header = "Klyngepakke - administration"
    site_title = "Klyngepakke"
    index_title = "Administration"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # No bulk delete anywhere by default: ticking rows and deleting them could take
        # orders, rounds, members and their survey data. A model where it is harmless
        # lists "delete_selected" in its actions (Django's confirmation page then shows
        # what goes); single deletes keep their confirmation page.
        self.disable_action("delete_selected")

    def has_permission(self, request: HttpRequest) -> bool:
        # StaffSecondFactorMiddleware already stops unverified staff; checking here too
        # keeps the admin closed should the middleware ever be left out.
        return super().has_permission(request) and not second_factor_pending(request.user)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        """Send everyone to the site's own login page instead of a second, unthrottled one."""
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            # Logged in without admin rights (a coordinator). Sending them to the login
            # page would bounce straight back here, so refuse plainly.
            raise PermissionDenied
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(target, reverse("accounts:login"))
