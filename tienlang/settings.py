"""Settings for the Tiên Lãng tracker, read from the environment.

Every variable is documented in `.env.example`. Production needs `SECRET_KEY`,
`ALLOWED_HOSTS` and `DEBUG=0` (the default); `make run` sets `DEBUG=1` for the demo.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: str = "0") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value!r}; use 1 or 0.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_hours_by_kind(name: str) -> dict[str, int]:
    """ "access=72,objection=360" -> {"access": 72, "objection": 360}."""
    result = {}
    for item in env_list(name):
        kind, _, hours = item.partition("=")
        if not hours.strip().isdigit():
            raise ImproperlyConfigured(f"{name}: expected kind=hours pairs, not {item!r}.")
        result[kind.strip()] = int(hours)
    return result


DEBUG = env_bool("DEBUG", "0")
# With DEBUG on, Django's technical 404/500 pages instead of the product's (a developer's choice;
# the demo never shows them: tienlang/errors.py).
DEBUG_TECHNICAL_PAGES = env_bool("DEBUG_TECHNICAL_PAGES", "0")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    # Only for local development and the demo: never used when DEBUG is off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tienlang.apps.TienLangAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "axes",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "unions",
    "candidates",
    "classes",
    "admission",
    "reports",
    "jobs",
    "scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language the user chose in the menu, else Vietnamese; never the browser's (lib/language.py).
    "tienlang.lib.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "unions.middleware.AdminInlineStylesMiddleware",
    # Records the signed-in user as the author of every change (audit history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "unions.middleware.SessionLimitMiddleware",
    "unions.middleware.NoStoreMiddleware",
    # Writes an access-log row for any page that showed people and whose view wrote none.
    "tienlang.lib.disclosure.DisclosureMiddleware",
    # With DEBUG on (the demo), the product's 404/500 pages instead of Django's technical ones.
    "tienlang.errors.ProductErrorPagesMiddleware",
    # Last, as django-axes requires: counts failed logins and refuses locked usernames.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tienlang.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unions.context_processors.user_role",
                "tienlang.lib.glossary.context",
            ],
        },
    },
]

WSGI_APPLICATION = "tienlang.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    name = Path(DATABASES["default"]["NAME"])
    if not name.is_absolute():
        DATABASES["default"]["NAME"] = str(BASE_DIR / name)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django reads choice lists and exports through server-side cursors, which PostgreSQL
    # plans for the first 10% of rows by default: measured 20–30 ms slower per filter list
    # at the nation tier (docs/performance.md). Plan them for all their rows.
    # Parallel query workers: on the two cores the web server shares with PostgreSQL, a
    # dashboard's grouped counts ran faster without them (per-union counts 32 → 20 ms,
    # the multi-year figures 77 → 52 ms at the nation tier), and under load every worker
    # a query starts takes a core from another request. DB_PARALLEL_WORKERS raises it.
    # Parallel append stays off whatever the workers: a people search's UNION ALL relies on
    # its parts coming back in order (candidates.models.people.PersonQuerySet.closest_first),
    # and no table here is partitioned.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c cursor_tuple_fraction=1 -c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0)}"
        " -c enable_parallel_append=off"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Full-precision JSON for backups (see tienlang/lib/exactjson.py).
SERIALIZATION_MODULES = {"exactjson": "tienlang.lib.exactjson"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "unions.validators.ContextWordsValidator"},
]

# Login lockout: after 5 failed attempts for a username, that username is refused for
# 15 minutes even with the right password. Locking by username alone means one address
# behind the office proxy cannot lock everybody out, and a forged X-Forwarded-For header
# changes nothing.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# axes warns when the lockout ignores the address; ignoring it is the point here (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The dashboard's figures are kept per user and scope for this many seconds (0: computed on
# every request), and never past a write: the database counts writes (tienlang/lib/kept.py).
# The default cache is each process's memory; the count is shared through the database.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)
# Lists keep their row counts and their filters' choices in the user's scope the same way
# (tienlang/lib/kept.py): a national list counts 200,000 nominations for its page count.
LIST_CACHE_SECONDS = env_int("LIST_CACHE_SECONDS", 300)
# Each process's memory; answers are small (a count, a list of choices, a dashboard's figures).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tienlang",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
    }
}

LOGIN_URL = "login"
# Two-step sign-in (a code from an authenticator app) is required for these roles; anyone
# else who has set up an authenticator, or has been issued an enrolment code, is asked for a
# code too. Production default: administrators, district staff and leadership (everyone who
# reads the whole federation's personal data).
REQUIRE_2FA_ROLES = env_list("REQUIRE_2FA_ROLES", "" if DEBUG else "admin,staff,leadership")
# Setting up an authenticator needs a one-time enrolment code that an administrator issues
# (`manage.py issue_enrolment_code USERNAME` or the users' page of the admin); it expires
# after this many hours.
ENROLMENT_CODE_HOURS = env_int("ENROLMENT_CODE_HOURS", 72)
OTP_TOTP_ISSUER = "Tiên Lãng"

# The admin never shows an authenticator's secret or QR code: devices are set up by their owner
# with an enrolment code (unions/twofactor.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, whatever the browser asks (tienlang/lib/language.py follows only the user's
# own choice in the switch, never Accept-Language), so <html lang> always says the language the
# page is in. Another language is offered only once its catalogue is there, compiled.
LANGUAGE_CODE = "vi"
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language named in itself, as the switch in the user menu shows it; English only once its
# catalogue is compiled (`compilemessages` at install and test time).
LANGUAGES = [("vi", "Tiếng Việt")] + [
    (code, name)
    for code, name in [("en", "English")]
    if (LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.mo").is_file()
]
# The language switch keeps the choice for a year in a cookie only the server reads.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy dates and dot thousands separators (overrides Django's own "vi" formats).
FORMAT_MODULE_PATH = ["tienlang.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/tienlang.html"

# Uploads are read in memory up to this size and refused above it (see the import readers).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Sessions: an idle limit (renewed as the session is used, at most once a SESSION_RENEW_SECONDS:
# unions/middleware.py), an absolute limit after sign-in, not readable from JavaScript, ended
# when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: scripts only from the application itself, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # No inline styles on the product's pages (templates carry CSS classes only); the admin
        # alone allows them (unions.middleware.AdminInlineStylesMiddleware).
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", "1")
    # Behind nginx, which sets X-Forwarded-Proto (see docs/deploy/nginx-tienlang.conf).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The operator's monitor may ask gunicorn directly over plain HTTP on loopback.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Personal-data duties (docs/operations.md). The figures are the federation's own reading
# of the regulations in force; check them when the rules change.
# Hours allowed to answer a data-subject request, per kind (candidates.models.RequestKind);
# the due date is the receipt date plus these hours rounded up to whole days.
DSR_RESPONSE_HOURS_DEFAULT = env_int("DSR_RESPONSE_HOURS", 72)
DSR_RESPONSE_HOURS = env_hours_by_kind("DSR_RESPONSE_HOURS_BY_KIND")
# People whose every nomination ended (rejected, not completed, withdrawn) this many years
# ago are anonymised by `manage.py anonymise_expired`...
RETENTION_YEARS_AFTER_END = env_int("RETENTION_YEARS_AFTER_END", 5)
# ... unless a stipend was paid to them within this many years (accounting records).
RETENTION_YEARS_AFTER_PAYMENT = env_int("RETENTION_YEARS_AFTER_PAYMENT", 10)

# Logs go to standard error (journald under systemd) and never carry personal data: the
# filter removes citizen IDs, phone numbers and the values a database error quotes, and SQL
# (with its parameters) is never logged, whatever LOG_LEVEL says.
# Background jobs (large exports): "thread" starts each in the web process, "worker"
# leaves them to `manage.py run_jobs`, "inline" runs them in the request (tests).
JOBS_RUN = os.environ.get("JOBS_RUN", "thread")
if JOBS_RUN not in ("thread", "worker", "inline"):
    raise ImproperlyConfigured("JOBS_RUN must be thread, worker or inline.")
JOB_KEEP_HOURS = env_int("JOB_KEEP_HOURS", 24)
# A user may type at most this many citizen IDs held outside their scope in a minute (each one
# is written in the access log); past it they are asked to wait. Guards against probing.
OUTSIDE_LOOKUPS_PER_MINUTE = env_int("OUTSIDE_LOOKUPS_PER_MINUTE", 30)
# A running job's process writes a heartbeat every JOB_HEARTBEAT_SECONDS; a running job with
# no heartbeat for JOB_DEAD_AFTER_SECONDS lost its process and is marked failed.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
JOB_DEAD_AFTER_SECONDS = env_int("JOB_DEAD_AFTER_SECONDS", 60)
if JOB_HEARTBEAT_SECONDS < 1 or JOB_DEAD_AFTER_SECONDS < 2 * JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "JOB_HEARTBEAT_SECONDS must be at least 1 and JOB_DEAD_AFTER_SECONDS at least twice as long."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "tienlang.lib.logfilters.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Reminder e-mails (`manage.py send_reminders`): printed to the console in the demo, sent by SMTP
# when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "nhac-viec@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
