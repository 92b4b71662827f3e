"""Test-only overrides: fast hashing, plain static storage (no collectstatic), plain HTTP."""

import os
import secrets

# Tests run with DEBUG off, like production, so they need a key; a random one per run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from newsdesk.settings import *  # noqa: E402,F403

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
