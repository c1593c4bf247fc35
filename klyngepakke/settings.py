"""All settings, read from the environment in this one module.

Development defaults are safe to run on a laptop (SQLite, console e-mail, DEBUG on).
Production mode (DEBUG unset or false) fails closed: it refuses to start without a
real SECRET_KEY, ALLOWED_HOSTS and an https SITE_URL, and turns on HSTS and secure
cookies.

A development checkout has a git-ignored local environment file (`var/local.env`,
written by `make`: DEBUG=true and a generated SECRET_KEY), read here when it exists so
that `manage.py` commands work as printed outside `make`. The process environment wins
over the file. A production host has no such file (or sets LOCAL_ENV_FILE to an empty
value), so nothing there changes how production fails closed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_url(name: str, default: str | None, *, schemes: frozenset[str], why: str) -> str:
    """An absolute base URL (scheme and host, optionally a path; no query or fragment)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        if default is None:
            raise ImproperlyConfigured(f"{name} is not set. {why}")
        raw = default
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) URL such as https://klyngepakke.dk, not {raw!r}"
        )
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(f"{name} must use {' or '.join(sorted(schemes))} here, not {raw!r}")
    return raw


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, in any case (given as upper case); empty means the default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw.upper() not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw.upper()


_ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines; blank lines and lines starting with # are skipped. No quoting."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ENV_LINE.match(stripped)
        if match is None:
            raise ImproperlyConfigured(f"{path}:{number}: expected NAME=value, not {stripped!r}")
        values[match.group(1)] = match.group(2).strip()
    return values


# The development checkout's local environment file; the process environment wins.
_local_env = os.environ.get("LOCAL_ENV_FILE", str(BASE_DIR / "var" / "local.env")).strip()
LOCAL_ENV_FILE = Path(_local_env) if _local_env else None
if LOCAL_ENV_FILE is not None and LOCAL_ENV_FILE.is_file():
    for _name, _value in read_env_file(LOCAL_ENV_FILE).items():
        os.environ.setdefault(_name, _value)


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "dev-only-insecure-secret-key-not-for-production-use-0123456789"  # noqa: S105 (refused unless DEBUG)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (production), or run `make setup` to write "
            "the development checkout's var/local.env (DEBUG=true and a generated key)."
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (
    # The same bar as Django's deploy check (security.W009), enforced at start-up.
    SECRET_KEY == _DEV_SECRET
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a unique, random value of at least 50 characters, not the development key."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) this site is served on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin with our own site class (klyngepakke/accounts/admin_site.py).
    "klyngepakke.accounts.apps.KlyngepakkeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "klyngepakke.accounts",
    "klyngepakke.catalogue",
    "klyngepakke.registry",
    "klyngepakke.web",
    "klyngepakke.outbox",
    "klyngepakke.surveys",
    "klyngepakke.results",
    "klyngepakke.materials",
    "klyngepakke.cycle",
    "klyngepakke.support",
    "klyngepakke.demo",
    "klyngepakke.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Header middleware sits outside everything that may answer early (WhiteNoise, the
    # session and second-factor redirects), so every response carries the headers.
    "klyngepakke.web.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session: a NUL in its cookie would reach the database.
    "klyngepakke.web.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klyngepakke.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session-lifetime middleware, which leaves a message when it logs out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "klyngepakke.accounts.middleware.SessionLifetimeMiddleware",
    "klyngepakke.accounts.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "klyngepakke.urls"
WSGI_APPLICATION = "klyngepakke.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite by default, anything dj-database-url understands by DATABASE_URL.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
_default_db = f"sqlite:///{DATA_DIR / 'klyngepakke.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Persistent connections (CONN_MAX_AGE above): opening SQLite and running the PRAGMAs
    # costs more than a short request.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids upgrade deadlocks.
        # secure_delete zeroes deleted rows' content (the mixing duty deletes responses
        # that sat in submission order; submit deletes partial answers).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Inactivity timeout (seconds) and absolute lifetime of a logged-in session.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=1)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The language switch's cookie (django_language): no script needs it either.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
# Failed-login throttle: at most this many failures per username and per client
# address within the window; then logins are refused until the window passes.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1)
# Higher per address than per username: many users may share one office address.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Used to find the client address for the login throttle.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
OTP_TOTP_ISSUER = "Klyngepakke"
# Keep TOTP secrets out of the admin, so one staff login cannot copy another's factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "klyngepakke_cache",
    }
}

# --- Internationalisation: Danish first, English available.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
# Danish date formats ("22. okt. 2026", "kl. 15.30"): klyngepakke/formats/da/formats.py.
FORMAT_MODULE_PATH = ["klyngepakke.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail-server connection may stall before the send gives up (and is retried
# later): without it, one silent server would freeze the scheduler and every duty on it.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Klyngepakke <noreply@klyngepakke.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets server-error e-mails: "Name <addr>, Name2 <addr2>" or bare addresses.
ADMINS = [("", a.strip()) for a in os.environ.get("ADMINS", "").split(",") if a.strip()]
# Notifications (klyngepakke/notifications): the operator's addresses for staff notices
# (new orders, call requests, rounds under k); empty: every active staff user with an
# e-mail. The coordinators' response-rate notice goes this many days before the close.
NOTIFY_STAFF_EMAILS = env_list("NOTIFY_STAFF_EMAILS", [])
NOTIFY_RESPONSE_RATE_DAYS_BEFORE = env_int("NOTIFY_RESPONSE_RATE_DAYS_BEFORE", 3, minimum=1, maximum=30)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)

# --- Security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Public base URL used in e-mailed survey links: required in production, and https there,
# so a deployment that forgets it cannot e-mail every doctor a link to localhost.
SITE_URL = env_url(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else None,
    schemes=frozenset({"http", "https"}) if DEBUG else frozenset({"https"}),
    why="Set SITE_URL to the public https:// base URL of this site (used in e-mailed survey links).",
)


# --- Background tasks (klyngepakke/tasks/): django-tasks, the backport of Django 6's
# django.tasks, with its database backend: the queue is a table in DATABASES["default"],
# worked by `manage.py db_worker` (any number, on any number of machines with PostgreSQL);
# `manage.py run_worker` is the scheduler that enqueues the duties.
def env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


INSTALLED_APPS += ["django_tasks", "django_tasks_db", "klyngepakke.tasks"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SCHEDULER_INTERVAL_SECONDS = env_seconds("SCHEDULER_INTERVAL_SECONDS", 5.0)
# PostgreSQL: how long after a mixing pass the bytes of the rows it replaced may stay in
# the invitation and partial-answer tables' files (which name the invitation), and in the
# much larger response and answer tables' files (which do not), before
# `compact_mixed_tables` rewrites them (docs/anonymity.md).
MIXING_COMPACT_SECONDS = env_seconds("MIXING_COMPACT_SECONDS", 300.0)
MIXING_COMPACT_ANSWERS_SECONDS = env_seconds("MIXING_COMPACT_ANSWERS_SECONDS", 6 * 3600.0)
# /helbred/ answers 503 when the scheduler's or the workers' last heartbeat is older.
HEARTBEAT_MAX_AGE_SECONDS = env_seconds("HEARTBEAT_MAX_AGE_SECONDS", 120.0)
# Load balancers and monitors probe the health endpoint over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^helbred/$"]

# --- Where package files live (overridable for operators with their own catalogue).
CATALOGUE_DIR = Path(os.environ.get("CATALOGUE_DIR", BASE_DIR / "packages"))

# --- Logging: to stderr; no request bodies, no query strings with secrets.
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "klyngepakke.web.logging.RedactSurveyTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        # Server errors to ADMINS; views with answers mark their POST data sensitive.
        "mail_admins": {
            "class": "klyngepakke.web.logging.RedactingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Request loggers name the path; survey tokens are redacted by the filter.
        # Logger-level filters act on the record itself, before any handler sees it.
        # Not propagated: Django's default "django" logger has a mail_admins handler of its
        # own, so every server error reached ADMINS twice.
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "filters": ["redact_tokens"],
            "level": "WARNING",
            "propagate": False,
        },
        "django.server": {"filters": ["redact_tokens"], "level": "WARNING"},
    },
}
