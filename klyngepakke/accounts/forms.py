from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from . import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form; refuses to check passwords once too many attempts have failed."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Forkert brugernavn eller adgangskode.",
        "inactive": "Kontoen er lukket.",
        "locked": "For mange mislykkede forsøg. Vent %(minutes)s minutter, og prøv igen.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Labels are set here rather than taken from the user model, whose translated
        # verbose names follow the browser's language while the page text is Danish.
        self.fields["username"].label = "Brugernavn"
        self.fields["password"].label = "Adgangskode"

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        # Checked before authenticate(): a locked account gets no password check at all,
        # so guessing on stops telling right from wrong.
        if throttle.is_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Kode fra din godkendelses-app",
        help_text="Seks cifre. Koden skifter hvert halve minut.",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        # Apps show the code as "123 456"; accept it as typed.
        token = re.sub(r"[\s-]", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6,8}", token):
            raise forms.ValidationError("Skriv de seks cifre, appen viser.", code="format")
        return token


class DanishPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["old_password"].label = "Nuværende adgangskode"
        self.fields["new_password1"].label = "Ny adgangskode"
        self.fields["new_password2"].label = "Gentag den nye adgangskode"
        self.fields["new_password2"].help_text = ""


class PasswordResetRequestForm(forms.Form):
    """Asks for the e-mail address only. Sending is the service's job (through the outbox)."""

    email = forms.EmailField(
        label="Din e-mailadresse",
        help_text="Den adresse, du får mails fra Klyngepakke på.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={"required": "Skriv din e-mailadresse.", "invalid": "Skriv en gyldig e-mailadresse."},
    )


class DanishSetPasswordForm(SetPasswordForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["new_password1"].label = "Ny adgangskode"
        self.fields["new_password2"].label = "Gentag den nye adgangskode"
        self.fields["new_password2"].help_text = ""
