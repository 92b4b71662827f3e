"""The login lockout's authentication backend.

django-axes counts failed logins per username and client address, so it needs the request
of every login. Its backend refuses (with an exception) any authenticate() call without
one; this one lets such calls through to the password check instead. They come only from
code running on the server (management commands, the shell, tests), never from a visitor:
the login pages, the admin's included, always pass the request, and tests/test_security.py
proves that the lockout holds on the login page.
"""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
