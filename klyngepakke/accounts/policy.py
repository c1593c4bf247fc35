"""Who must confirm a second factor before using the site."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import user_has_device


def requires_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff always; anyone else once they have enrolled a device.

    Enrolment is optional for coordinators, but a device they set up must then be used,
    or it would protect nothing.
    """
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or user_has_device(user, confirmed=True))


def second_factor_pending(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True while a login that needs a second factor has not confirmed one in this session."""
    if not user.is_authenticated:
        return False
    # OTPMiddleware adds is_verified(); a user object fresh from login() in this very
    # request has not been through it and is by definition not verified yet.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return requires_second_factor(user)
