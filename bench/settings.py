"""Settings for the benchmark's Django processes: production settings (DEBUG off, the
database from DATABASE_URL) with the few changes a benchmark on one machine needs: plain
static storage (no collectstatic), plain HTTP and the test client's host name."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")

from newsdesk.settings import *  # noqa: E402,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
WHITENOISE_USE_FINDERS = True
