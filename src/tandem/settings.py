"""Tandem's one settings module. Every value that differs between installations comes from an
environment variable read through `tandem.core.env`; with none set, Tandem runs in its embedded
mode (SQLite in WAL mode, files on local disk, debug on, bound to 127.0.0.1)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from tandem.core.env import env_bool, env_choice, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parent.parent
BASE_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = Path(env_str("TANDEM_DATA_DIR", str(BASE_DIR / "var")) or "var").resolve()

DEBUG = env_bool("TANDEM_DEBUG", True)
# Under pytest: fast password hashing and tasks run at once (see TASKS).
TESTING = env_bool("TANDEM_TESTING", "pytest" in sys.modules)


def _secret_key() -> str:
    key = env_str("TANDEM_SECRET_KEY")
    if key is not None:
        if not DEBUG and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")):
            raise ImproperlyConfigured(
                "TANDEM_SECRET_KEY is too weak for production: use at least 50 random characters "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))')."
            )
        return key
    if not DEBUG:
        raise ImproperlyConfigured("TANDEM_SECRET_KEY must be set when TANDEM_DEBUG=false.")
    # Embedded mode: one random key per data directory, kept so sessions survive a restart.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# The key stored secrets (CalDAV passwords) are encrypted with; unset: derived from SECRET_KEY.
# Changing either makes stored passwords unreadable: their accounts ask for them again.
TANDEM_SECRETS_KEY = env_str("TANDEM_SECRETS_KEY")
if TANDEM_SECRETS_KEY is not None and not DEBUG and len(TANDEM_SECRETS_KEY) < 32:
    raise ImproperlyConfigured("TANDEM_SECRETS_KEY is too weak: use at least 32 random characters.")

ALLOWED_HOSTS = env_list(
    "TANDEM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("TANDEM_ALLOWED_HOSTS must list the host names Tandem is served under.")
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "tandem.core",
    "tandem.accounts",
    "tandem.activity",
    "tandem.contacts",
    "tandem.work",
    "tandem.sales",
    "tandem.finance",
    "tandem.notifications",
    "tandem.feeds",
    "tandem.mailgate",
    "tandem.agenda",
    "tandem.rituals",
    "tandem.api",
    "tandem.web",
    "tandem.demo",
    "ninja",  # serves the API documentation's scripts from Tandem's static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # dates on pages in the reader's calendar (Gregorian or Solar Hijri)
            "builtins": ["tandem.core.templatetags.calendar_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'tandem.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db) or _default_db
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("TANDEM_DB_CONN_MAX_AGE", 60, minimum=0))
except Exception as exc:  # the library raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Tandem understands: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0 if TESTING else _db.get("CONN_MAX_AGE", 0)
    _db["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at the start of a
        # transaction so concurrent writers wait (busy timeout) instead of failing halfway through.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("TANDEM_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
_redis = env_str("TANDEM_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis}
        if _redis
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Lists longer than this keep their total in the cache for TANDEM_LARGE_COUNT_TTL seconds
# (see tandem.core.counting); shorter ones are counted on every request.
TANDEM_LARGE_COUNT = env_int("TANDEM_LARGE_COUNT", 10_000, minimum=1)
TANDEM_LARGE_COUNT_TTL = env_int("TANDEM_LARGE_COUNT_TTL", 60, minimum=0)
# An iCalendar feed is rendered at most once in this many seconds (0: on every request); its holder
# and their right to see the calendar are checked on every request all the same
TANDEM_FEED_TTL = env_int("TANDEM_FEED_TTL", 300, minimum=0)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests log in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling, counted per client (its address; see TANDEM_BEHIND_PROXY): this many failures
# for one account from one client, or this many from one client for any accounts, within the window
# refuse that client (for that account, or for all) until the failures leave the window. A client
# that has not failed is never refused, so nobody can lock an account's owner out.
TANDEM_LOGIN_MAX_FAILURES = env_int("TANDEM_LOGIN_MAX_FAILURES", 5, minimum=1)
TANDEM_LOGIN_MAX_CLIENT_FAILURES = env_int("TANDEM_LOGIN_MAX_CLIENT_FAILURES", 20, minimum=1)
TANDEM_LOGIN_WINDOW_SECONDS = env_int("TANDEM_LOGIN_WINDOW_SECONDS", 15 * 60, minimum=1)
# Behind a reverse proxy every request comes from the proxy's address: with TANDEM_BEHIND_PROXY the
# client is the address the proxies wrote into X-Forwarded-For: the TANDEM_PROXY_COUNT-th entry from
# the right (each proxy appends the address it was connected from; entries further left are the
# client's to write and are never trusted).
TANDEM_BEHIND_PROXY = env_bool("TANDEM_BEHIND_PROXY", False)
TANDEM_PROXY_COUNT = env_int("TANDEM_PROXY_COUNT", 1, minimum=1)
SESSION_COOKIE_AGE = env_int("TANDEM_SESSION_AGE_SECONDS", 14 * 24 * 3600, minimum=60)

# --- Languages, time zones, formats ---------------------------------------------------------
LANGUAGE_CODE = env_str("TANDEM_LANGUAGE", "en") or "en"
LANGUAGES = [("en", _("English")), ("fa", _("Persian"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tandem.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TANDEM_TIME_ZONE", "UTC") or "UTC"
TANDEM_DEFAULT_PHONE_REGION = env_str("TANDEM_DEFAULT_PHONE_REGION", "US") or "US"
TANDEM_DEFAULT_CURRENCY = env_str("TANDEM_DEFAULT_CURRENCY", "USD") or "USD"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("TANDEM_STATIC_ROOT", str(DATA_DIR / "static")) or "")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("TANDEM_MEDIA_ROOT", str(DATA_DIR / "media")) or "")
# inbound mail is written here before it is acknowledged (tandem.mailgate.spool)
TANDEM_MAIL_SPOOL = Path(env_str("TANDEM_MAIL_SPOOL", str(DATA_DIR / "spool" / "mail")) or "")
# the limits of inbound mail: one message, and one attachment (also the limit of one uploaded file)
TANDEM_MAIL_MAX_MESSAGE = env_int("TANDEM_MAIL_MAX_MESSAGE", 50 * 1024 * 1024, minimum=1024)
TANDEM_MAX_ATTACHMENT = env_int("TANDEM_MAX_ATTACHMENT", 25 * 1024 * 1024, minimum=1024)
# messages one sender may have made into items or comments in an hour; later ones wait in quarantine
TANDEM_MAIL_RATE = env_int("TANDEM_MAIL_RATE", 30, minimum=1)
# --- Whose mail it is (tandem.mailgate.trust) ---
# the authserv-ids of the receiving MTA whose Authentication-Results header Tandem believes (the
# MTA must remove such headers that arrive from outside); empty: no header is believed
TANDEM_MAIL_TRUSTED_AUTHSERV = [a.lower() for a in env_list("TANDEM_MAIL_TRUSTED_AUTHSERV", [])]
# check DKIM signatures itself (DNS lookups of the signers' keys), and how long one lookup may take
TANDEM_MAIL_VERIFY_DKIM = env_bool("TANDEM_MAIL_VERIFY_DKIM", True)
TANDEM_MAIL_DNS_TIMEOUT = env_int("TANDEM_MAIL_DNS_TIMEOUT", 5, minimum=1)
# receipts one address may get in a day; and the days a signed reply address stays valid
TANDEM_MAIL_RECEIPTS_PER_DAY = env_int("TANDEM_MAIL_RECEIPTS_PER_DAY", 3, minimum=0)
TANDEM_MAIL_REPLY_DAYS = env_int("TANDEM_MAIL_REPLY_DAYS", 90, minimum=1)
# where `tandem serve` listens for SMTP ("off" for nowhere); `tandem mail-listen` runs it on its own
TANDEM_MAIL_LISTEN = env_str("TANDEM_MAIL_LISTEN", "127.0.0.1:2525") or ""
# replies to notification e-mails go to this address, e.g. reply@crm.example.com ("" for none): its
# mail reaches the gateway as reply+<item>-<user>-<signature>@…, and becomes the user's comment
TANDEM_MAIL_REPLY_ADDRESS = (env_str("TANDEM_MAIL_REPLY_ADDRESS", "") or "").strip().lower()
# an IMAP mailbox polled for mail (imaps://user:password@host/INBOX; "" for none), and how often
TANDEM_MAIL_IMAP = env_str("TANDEM_MAIL_IMAP", "") or ""
TANDEM_MAIL_IMAP_SECONDS = env_int("TANDEM_MAIL_IMAP_SECONDS", 60, minimum=5)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing directory
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TANDEM_MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Mail -----------------------------------------------------------------------------------
_mail_backend = env_choice(
    "TANDEM_EMAIL_BACKEND",
    "console" if DEBUG else "smtp",
    {"console", "smtp", "file", "memory"},
)
_mail_options: dict[str, object] = {}
if _mail_backend == "smtp":
    _mail_options = {
        "host": env_str("TANDEM_SMTP_HOST", "127.0.0.1"),
        "port": env_int("TANDEM_SMTP_PORT", 25, minimum=1),
        "username": env_str("TANDEM_SMTP_USER", "") or "",
        "password": env_str("TANDEM_SMTP_PASSWORD", "") or "",
        "use_tls": env_bool("TANDEM_SMTP_STARTTLS", False),
        "timeout": 30,
    }
elif _mail_backend == "file":
    _mail_options = {"file_path": str(DATA_DIR / "mail")}
MAILERS = {
    "default": {
        "BACKEND": {
            "console": "django.core.mail.backends.console.EmailBackend",
            "smtp": "django.core.mail.backends.smtp.EmailBackend",
            "file": "django.core.mail.backends.filebased.EmailBackend",
            "memory": "django.core.mail.backends.locmem.EmailBackend",
        }[_mail_backend],
        "OPTIONS": _mail_options,
    }
}
DEFAULT_FROM_EMAIL = env_str("TANDEM_FROM_EMAIL", "tandem@localhost") or "tandem@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# CalDAV sync: how often the worker syncs each account, and how long it waits for a server.
TANDEM_CALDAV_INTERVAL = env_int("TANDEM_CALDAV_INTERVAL", 300, minimum=30)
TANDEM_CALDAV_TIMEOUT = env_int("TANDEM_CALDAV_TIMEOUT", 30, minimum=1)
# true: users may connect CalDAV servers on the worker's own machine (loopback, link-local)
TANDEM_CALDAV_ALLOW_LOCAL = env_bool("TANDEM_CALDAV_ALLOW_LOCAL", False)
TANDEM_BASE_URL = (env_str("TANDEM_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": (
        {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        if TESTING or env_bool("TANDEM_TASKS_IMMEDIATE", False)
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    )
}

# --- Security (production values never default to insecure ones) ---------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page's Content-Security-Policy (Django's own middleware): scripts and styles only from
# Tandem's static files (no inline script or style attribute, no eval, nothing remote), images
# from Tandem or data: URLs (Bootstrap's icons), no plugins, no framing, forms post to Tandem only.
# A page with a stricter policy of its own (a mail's HTML as sent, a served file) keeps it: the
# middleware never replaces a header a view has set.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("TANDEM_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TANDEM_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("TANDEM_HSTS_PRELOAD", False)
    if TANDEM_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Logging (docs/operations.md, "The console") ---------------------------------------------
# Tandem's own lines at TANDEM_LOG_LEVEL; the libraries' chatter only at DEBUG: every SMTP
# connection of the mail listener (aiosmtpd's "mail.log"), every job of the task worker, Django's
# second line for a 4xx answer (the access log has one). Their warnings and errors always show.
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TANDEM_LOG_LEVEL = (env_str("TANDEM_LOG_LEVEL", "INFO") or "INFO").strip().upper()
if TANDEM_LOG_LEVEL not in _LOG_LEVELS:
    raise ImproperlyConfigured(
        f"TANDEM_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {TANDEM_LOG_LEVEL!r}"
    )


def _library_level(quiet: str) -> str:
    """A library's level: all of it at DEBUG, else `quiet` and up (or TANDEM_LOG_LEVEL if higher)."""
    if TANDEM_LOG_LEVEL == "DEBUG":
        return "DEBUG"
    return max(quiet, TANDEM_LOG_LEVEL, key=_LOG_LEVELS.index)


# `tandem serve`'s access log: "on" (a line per request, but for /live/ polls and /healthz checks
# that succeed), "all", or "off"
TANDEM_ACCESS_LOG = env_choice("TANDEM_ACCESS_LOG", "on", {"on", "all", "off"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": TANDEM_LOG_LEVEL},
    "loggers": {
        # through the root's handler alone: Django's own console handler printed debug-mode lines twice
        "django": {"handlers": [], "level": TANDEM_LOG_LEVEL},
        "django.db.backends": {"level": "INFO"},
        "django.request": {"level": _library_level("ERROR")},
        "django.tasks": {"level": _library_level("WARNING")},
        "django_tasks_db": {"level": _library_level("ERROR")},  # "Starting worker", "shutting down"
        "mail.log": {"level": _library_level("WARNING")},  # aiosmtpd
    },
}

# --- API ------------------------------------------------------------------------------------
TANDEM_API_MAX_PAGE_SIZE = 200
TANDEM_API_DEFAULT_PAGE_SIZE = 50
NINJA_PAGINATION_MAX_LIMIT = TANDEM_API_MAX_PAGE_SIZE
