"""Plaudit settings, read from the environment.

Runs on SQLite with no set-up; set DATABASE_URL for PostgreSQL. DEBUG is off
unless asked for. README.md lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# A development key is allowed only with DEBUG on; production must set one.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "plaudit.admin_site.PlauditAdminConfig",  # django.contrib.admin, with the office's front page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's own widget templates, found through TEMPLATES (see FORM_RENDERER).
    "django.forms",
    "crispy_forms",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "plaudit",
    "awards",
    "nominations",
    "judging",
    "results",
    "audit",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so static files keep their long caching; every page built is no-store.
    "plaudit.caching.NoStoreMiddleware",
    # A session cookie of a shape no session has is dropped before the store reads it.
    "plaudit.sessions.SessionCookieShape",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (see CONTENT_SECURITY_POLICY below).
    "plaudit.csp.PlauditCSPMiddleware",
    # Turns a rate-limited request into our "too many attempts" page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our "try again later" page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed password sign-ins and locks the account after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # One-time sign-in links emailed to judges (django-sesame).
    "sesame.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
# Lock the account, not the network address: many NHS staff share one address, and a lock
# by address would shut out a whole trust. Addresses are throttled by the rate limits instead.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "judging/locked_out.html"
SESAME_MAX_AGE = 30 * 60  # a sign-in link works for 30 minutes
SESAME_ONE_TIME = True  # and once
RATELIMIT_VIEW = "judging.accounts.rate_limited"
# How many proxies stand in front of the web processes (docs/deploy.md). With 0, X-Forwarded-For
# is ignored and limits count REMOTE_ADDR; behind one TLS proxy set 1, or every visitor shares
# the proxy's address (and its limits). plaudit/network.py reads the visitor's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "plaudit.network.client_ip"
AXES_CLIENT_IP_CALLABLE = "plaudit.network.client_ip"

# Widgets render through TEMPLATES, so the project's own widget templates (templates/nhsuk/widgets/,
# the NHS.UK date input) are found; Django's default renderer looks only in its own folders.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "plaudit.context_processors.site",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so concurrent saves queue instead of failing,
    # and let readers carry on while one request writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytical queries, and Plaudit's are short. The
    # planner's cost estimate of the chair's "withdrawn or excluded" list (a subquery per entry)
    # at 20,000 entries set it compiling for 140 ms to run a 70 ms query.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web process (rate limits count across them); `migrate` makes its table
# (plaudit/migrations/0002_cache_table.py).
# The cache holds the rate limits' counts. With CACHE_URL (redis://host:6379/0) it is Redis, which
# every web host of a scaled-out site shares; otherwise the database's cache table, which needs
# nothing set up (and is shared by every process using the database too).
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": "plaudit",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "plaudit_cache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The pinned nhsuk-frontend package: its JavaScript and images, served by us.
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
]
STATICFILES_FINDERS = [
    # Django's own, but of nhsuk-frontend only the files pages load (plaudit/staticfinders.py).
    "plaudit.staticfinders.ServedFilesFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Private files (uploads, referees' letters, shortlist packs; plaudit/storage.py): this host's
# disk under MEDIA_ROOT by default; an S3-compatible bucket, shared by every web host and worker,
# when AWS_STORAGE_BUCKET_NAME is set (credentials from boto3's usual AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the host's role). Objects are private; only access-checked views
# stream them, so no object needs a public or signed address.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,  # the bucket's own (private) policy; never public-read
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    PRIVATE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"base_url": None}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAUDIT_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "uploads"))

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email, packs and long exports go through a queue; run `manage.py task_worker` beside the web
# processes. The database is the queue by default (nothing more to run, and a task queued in a
# transaction is queued only if it commits). RQ_URL puts the queue on Redis instead (django-tasks'
# RQ backend), for a site whose workers should not poll the database. The demo sets
# PLAUDIT_TASKS_IMMEDIATE=1 to run tasks inside the request.
if env_bool("PLAUDIT_TASKS_IMMEDIATE"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif os.environ.get("RQ_URL"):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # A 600-page shortlist pack takes minutes to write; RQ's own default would stop it at three.
    RQ_QUEUES = {"default": {"URL": os.environ["RQ_URL"], "DEFAULT_TIMEOUT": 60 * 60}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
if os.environ.get("EMAIL_FILE_PATH"):
    # With the file-based backend: where each email is written (the deployment smoke test reads them).
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "awards@localhost")

LOGIN_URL = "judging:sign_in"
LOGIN_REDIRECT_URL = "judging:home"

# Security: strict by default outside DEBUG; each can be relaxed by the environment
# (for example behind a proxy that terminates TLS, or for the local demo over http).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Sessions end when the browser closes, and after 12 hours at most (a working day, for a
# nominator writing over several sittings in one day; they come back by their emailed link).
# Judges and the office may ask to stay signed in on their own device for a week
# (judging.accounts.stay_signed_in).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
# Django's database sessions; with CACHE_URL (Redis) read through the cache first, since every
# request of everyone at work reads one (cached_db writes through to the database, so a cache
# flushed or restarted loses no one's session).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("CACHE_URL")
    else "django.contrib.sessions.backends.db"
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Only our own files: scripts, styles, fonts and images come from this site; scripts may also
# carry the request's nonce (there are no inline scripts today; a future one must use
# {{ CSP_NONCE }}). Nothing may frame the site, and forms post only to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}

# Award definition uploads are small YAML files; anything bigger is refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# No uploaded file is stored beyond this, counted while it streams in (plaudit/uploads.py); each
# question has its own, smaller limit. The proxy in front should cap request bodies just above it.
PLAUDIT_UPLOAD_MAX_MB = float(os.environ.get("PLAUDIT_UPLOAD_MAX_MB", "20"))
FILE_UPLOAD_HANDLERS = [
    "plaudit.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secret links (a nominator's, a nominee's, a judge's sign-in) never reach the logs: a "Not
    # Found: /n/…/" line would hand the key to whoever reads them. Every record is redacted as it
    # is made, whatever logger and handler write it (plaudit.logs.install, from plaudit's apps).
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

PLAUDIT_SITE_NAME = os.environ.get("PLAUDIT_SITE_NAME", "Plaudit awards")
# Rate limits are on in every real deployment; the benchmark turns them off to stand in for
# nominators arriving from many networks while its load comes from one address.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

# A shortlist pack with no sign of life from its worker for this long is marked failed.
PLAUDIT_PACK_STALE_SECONDS = int(os.environ.get("PLAUDIT_PACK_STALE_SECONDS", str(15 * 60)))
PLAUDIT_CONTACT_EMAIL = os.environ.get("PLAUDIT_CONTACT_EMAIL", "")
# Dotted path to a callable that scans each upload (see nominations/uploads.py); empty for none.
PLAUDIT_UPLOAD_SCANNER = os.environ.get("PLAUDIT_UPLOAD_SCANNER", "")
