"""Settings for the test suite: the real settings, with test-friendly environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("PLAUDIT_PLAIN_STATIC", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

from .settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Fast hashing: the suite creates many users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-uploads"  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: the browser tests' live server writes from other threads,
    # and a file database waits for a lock where shared-cache memory fails at once.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    # PLAUDIT_TEST_DB names another file, for a second run beside the first (they would share it).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("PLAUDIT_TEST_DB") or str(BASE_DIR / "var" / "test-db.sqlite3")  # noqa: F405
    }
    # No WAL for the throwaway test database: Django deletes and recreates the file for each run,
    # and a WAL file left by an interrupted run would be replayed into the new one.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF;"  # noqa: F405

# Rate limits would let one test's requests limit the next (they count in the cache); the
# tests of the limits themselves switch them on.
RATELIMIT_ENABLE = False

# E2E_SLOW_PAGES=<seconds>: every page's body comes that long after its headers, so a browser
# test that reads a page before it has arrived fails every time (tests/e2e/slow_pages.py).
E2E_SLOW_PAGES = float(os.environ.get("E2E_SLOW_PAGES") or 0)
if E2E_SLOW_PAGES:
    MIDDLEWARE = [*MIDDLEWARE, "tests.e2e.slow_pages.SlowPagesMiddleware"]  # noqa: F405
