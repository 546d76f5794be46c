"""Settings for the commitment tracker, read from the environment.

One module serves development, tests and production; see README.md for the
variables. Without any, the app runs on a SQLite file with a development key
generated into a git-ignored file.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def development_secret_key():
    """A per-checkout key, generated on first use and never committed."""
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def weak_secret_key(key):
    """Short, placeholder or low-variety keys, which can be guessed or were copied from an example."""
    placeholders = ("changeme", "change-me", "change_me", "secret", "password", "django-insecure", "example")
    return len(key) < 50 or len(set(key)) < 10 or any(word in key.lower() for word in placeholders)


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or development_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Serving any other host name means production: HTTPS only, a real key, no DEBUG (checked below).
PUBLIC = bool(set(ALLOWED_HOSTS) - LOCAL_HOSTS)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, as it asks
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers cached public pages before sessions, authentication and CSRF (commitments/cache.py).
    "commitments.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "commitments.middleware.BrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses NUL characters in admin query strings with a 400 (commitments/admin_guard.py).
    "commitments.admin_guard.AdminNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# SQLite: WAL so readers never block the writer, synchronous=FULL so a
# committed update survives a power cut, IMMEDIATE transactions and a busy
# timeout so concurrent writers queue instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_SQLITE_NAME", default="") or None}
# PostgreSQL: no JIT compilation. It pays off on long analytical queries; for this app's queries it costs more
# than it saves: compiling the plan of a 100,000-row export took 2 s, running the plan itself 1.2 s.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# Connections are kept between requests (and checked before reuse): opening one costs more than answering a
# cached page. A database URL's own `conn_max_age` wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Public pages are cached and invalidated on every write (commitments/cache.py).
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in is rate limited per account and address together (AXES_FAILURE_LIMIT failures lock that
# account from that address only) and per address alone (AXES_ADDRESS_FAILURE_LIMIT, higher, as
# several people may share an address), for an hour that further attempts do not extend
# (commitments/signin.py). Behind the proxy the address is the one it adds to X-Forwarded-For.
# Administrators lift a lock-out in the admin (Axes → Access attempts: delete) or with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "commitments.signin.SignInLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "commitments.signin.client_ip_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
# English at unprefixed URLs, the others under /ur/ and /zh-hans/.
LANGUAGES = [("en", "English"), ("ur", "اردو"), ("zh-hans", "简体中文")]
# Dates and numbers as each language's readers write them (tracker/formats/).
FORMAT_MODULE_PATH = ["tracker.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content fields fall back to English where no translation was entered.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A new row's text goes to English too, whatever language the page it was written from is in: through the
# translated fields, `text` is the active language's column, and a progress update recorded from an Urdu page kept
# its text in the Urdu column alone, blank on the English pages. Translations are entered beside it in the admin.
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Karachi")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Tests and `make run` serve files straight from the app folders.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)
# Files browsers ask for at the site's root, such as /favicon.ico, served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# A published promise nobody has checked for this many days is listed in the staff's verification queue.
STALE_AFTER_DAYS = env.int("STALE_AFTER_DAYS", default=90)
# How long after its deadline an unfinished promise is "late" before it is judged "not kept" (commitments/verdicts.py).
VERDICT_GRACE_DAYS = env.int("VERDICT_GRACE_DAYS", default=90)

# Uploaded and archived copies of evidence (commitments.EvidenceSource.archive); served to staff only, never
# as public static files.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/staff/media/"
# `manage.py archive_sources`: how long to wait for a page, the largest copy kept, and the types kept.
ARCHIVE_TIMEOUT_SECONDS = env.float("ARCHIVE_TIMEOUT_SECONDS", default=20)
ARCHIVE_MAX_BYTES = env.int("ARCHIVE_MAX_BYTES", default=20 * 1024 * 1024)
ARCHIVE_CONTENT_TYPES = ["text/html", "text/plain", "application/pdf"]
# The drafting desk: the largest file an editor may bring a new statement in.
DESK_MAX_BYTES = env.int("DESK_MAX_BYTES", default=2 * 1024 * 1024)
# An XLSX export is built whole in memory, so it stops at this many rows; CSV and JSON stream, with no limit.
EXPORT_XLSX_MAX_ROWS = env.int("EXPORT_XLSX_MAX_ROWS", default=10000)
# Milestones due within this many days are listed as coming up.
MILESTONE_HORIZON_DAYS = 90

# Admin import needs the add permission of the model, export its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Larger spreadsheets are split before import; the limit keeps one request's memory in check.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# A spreadsheet is refused when its archive expands past this, or a file has more rows, before it is read.
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
# A file of more rows is previewed and imported by an import job, outside the request (import_jobs.py).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=500)
# A catalogue file, and the source text beside it, are refused above this size before they are parsed.
CATALOGUE_MAX_BYTES = env.int("CATALOGUE_MAX_BYTES", default=2 * 1024 * 1024)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587; the console by default.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The address emails link back to.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XI-TRACKER")  # IATI export: docs/open-data.md
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="22")  # IATI OrganisationType: National NGO
IATI_REPORTING_ORG_NAME = env.str("IATI_REPORTING_ORG_NAME", default="Commitment tracker")

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment tracker API",
    "DESCRIPTION": "Read-only JSON of published commitments, with the filters of the public table.",
    "VERSION": "1",
    # One name for each choice list that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "commitments.vocabulary.DatePrecision",
        "PartyEnum": "commitments.vocabulary.Party",
        "CommitmentKindEnum": "commitments.vocabulary.CommitmentKind",
        "VerdictKindEnum": "commitments.vocabulary.VerdictKind",
    },
}

# Errors and warnings go to stderr, one JSON object per line (tracker/logging.py), where gunicorn
# and the container platform collect them; with ADMINS (comma-separated addresses) set, errors are
# also emailed to those addresses.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tracker.logging.JsonFormatter"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {
            "handlers": ["stderr", "mail_admins"] if ADMINS else ["stderr"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# On for any public host; HTTPS_ONLY=false only for a public host reached over a private network.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=PUBLIC)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy: this site's own files only, no inline script, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
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

# Refuse to start in an unsafe production configuration.
if PUBLIC and not env.str("SECRET_KEY", default=""):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment: production never runs with the development key.")
if PUBLIC and weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(60))'."
    )
if PUBLIC and DEBUG:
    raise ImproperlyConfigured("DEBUG is on with a public host in ALLOWED_HOSTS; turn DEBUG off in production.")
