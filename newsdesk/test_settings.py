"""Test-only overrides: fast hashing, plain static storage (no collectstatic), plain HTTP,
and on SQLite a test database in a file."""

import os
import secrets
import tempfile
from pathlib import Path

# Tests run with DEBUG off, like production, so they need a key; a random one per run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from newsdesk.settings import *  # noqa: E402,F403

# SQLite tests run on a file, as production does, not in memory: WAL and several
# connections at once only exist there (tests/test_sqlite_concurrency.py). One file per
# test run, named in the environment so that worker processes agree, and never shared
# with another run in the same checkout (Django deletes the file when the run ends).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    os.environ.setdefault(
        "NEWSDESK_TEST_DB",
        str(Path(tempfile.gettempdir()) / f"newsdesk-test-{os.getpid()}.sqlite3"),
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ["NEWSDESK_TEST_DB"]}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and the live server for browser tests speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Serve static files from the finders: no collectstatic, no STATIC_ROOT needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
