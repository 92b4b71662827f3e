"""Security of the pages and of logging in.

- Content Security Policy: every page says that only our own origin may provide scripts,
  styles, images, forms and frames, and no page (nor any template) carries inline code
  or style the policy would block.
- Login lockout (django-axes): repeated wrong passwords lock out that username from that
  address, with a page that says so; other addresses and users are unaffected.
- Sessions and passwords: changing the password ends the user's other sessions; weak
  passwords are refused; cookies are secure and HttpOnly in production.
"""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from articles import models
from articles.roles import EDITORS
from tests.factories import DuplicateCandidateFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# --- Content Security Policy ---------------------------------------------------------------

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def _policy(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block: inline
    scripts (a JSON data block is not run, so it may stay), <style> blocks, style
    attributes, event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        is_data = attributes.get("type") == "application/json"
        if tag == "script" and "src" not in attributes and not is_data:
            self.found.append(f"inline <script> {attributes}")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>: {value}")
            if name.startswith("on"):
                self.found.append(f"event handler {name} on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} on <{tag}>")


def _inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.fixture
def desk(db):
    call_command("loaddata", "seed", verbosity=0)
    first, second = models.Article.objects.order_by("pk")[:2]
    return {
        "article": first,
        "pair": DuplicateCandidateFactory(article_a=first, article_b=second),
        "claim": models.Claim.objects.order_by("pk").first(),
        "source": models.Source.objects.order_by("pk").first(),
        "batch": models.ImportBatch.objects.order_by("pk").first(),
    }


@pytest.fixture
def editor_client(client, db):
    client.force_login(UserFactory(username="csp-editor", role=EDITORS))
    return client


def _main_pages(desk) -> list[str]:
    return [
        reverse("dashboard"),
        reverse("article-list"),
        reverse("article-detail", args=[desk["article"].pk]),
        reverse("claim-list"),
        reverse("claim-detail", args=[desk["claim"].pk]),
        reverse("claim-suggestions", args=[desk["claim"].pk]),
        reverse("source-list"),
        reverse("source-detail", args=[desk["source"].pk]),
        reverse("duplicate-list"),
        reverse("duplicate-review", args=[desk["pair"].pk]),
        reverse("import"),
        reverse("import-batch", args=[desk["batch"].pk]),
        reverse("search") + "?q=ceasefire",
        reverse("password_change"),
    ]


def test_every_main_page_carries_the_policy(editor_client, desk):
    for path in _main_pages(desk):
        response = editor_client.get(path)

        assert response.status_code == 200, path
        assert _policy(response["Content-Security-Policy"]) == POLICY, path


def test_login_page_carries_the_policy(client):
    response = client.get(reverse("login"))

    assert _policy(response["Content-Security-Policy"]) == POLICY


def test_policy_allows_no_inline_code_and_no_other_origin():
    header = Client().get(reverse("login"))["Content-Security-Policy"]

    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "http" not in header and "*" not in header


def test_admin_pages_carry_the_same_policy(superuser_client):
    # The admin needs no relaxation: Django 5's admin runs its scripts from files.
    for path in [reverse("admin:index"), reverse("admin:articles_source_changelist")]:
        response = superuser_client.get(path)
        assert _policy(response["Content-Security-Policy"]) == POLICY, path


def test_other_security_headers_are_sent(viewer_client):
    response = viewer_client.get(reverse("dashboard"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_contains_inline_script_style_or_handlers():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20

    found = {
        str(path.relative_to(TEMPLATES)): problems
        for path in templates
        if (problems := _inline_code(path.read_text()))
    }

    assert found == {}


def test_inline_code_finder_finds_what_the_policy_blocks():
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/json" id="d">{}</script><style>p{}</style>'
        '<p style="color: red" onclick="go()"><a href="javascript:go()">x</a></p>'
    )

    assert len(_inline_code(html)) == 5


def test_rendered_main_pages_contain_no_inline_script_style_or_handlers(editor_client, desk):
    for path in _main_pages(desk):
        html = editor_client.get(path).content.decode()

        assert _inline_code(html) == [], path


def test_rendered_admin_pages_contain_no_inline_script_style_or_handlers(superuser_client, desk):
    pages = [
        reverse("admin:index"),
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_source_change", args=[desk["source"].pk]),
        reverse("admin:articles_article_change", args=[desk["article"].pk]),
        reverse("admin:articles_claim_changelist"),
        reverse("admin:auth_user_add"),
    ]
    for path in pages:
        html = superuser_client.get(path).content.decode()

        assert _inline_code(html) == [], path


def test_article_text_cannot_inject_code_into_the_page(editor_client, desk):
    article = desk["article"]
    article.title = '<script>alert("title")</script>'
    article.body = 'Hello <img src=x onerror="alert(1)"> <style>body{}</style> world.'
    article.save(update_fields=["title", "body"])

    html = editor_client.get(reverse("article-detail", args=[article.pk])).content.decode()

    assert _inline_code(html) == []


# --- Login lockout -------------------------------------------------------------------------

LIMIT = settings.AXES_FAILURE_LIMIT


def _log_in(client: Client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail(client: Client, username: str, times: int, ip: str = "127.0.0.1"):
    for _ in range(times):
        response = _log_in(client, username, "not the password", ip)
    return response


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def test_lockout_counts_per_user_and_address_and_a_success_resets():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_wrong_passwords_below_the_limit_only_say_the_password_is_wrong(client, alice):
    response = _fail(client, "alice", LIMIT - 1)

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_ten_wrong_passwords_lock_the_user_out_from_that_address(client, alice):
    response = _fail(client, "alice", LIMIT)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Login locked" in page
    assert "Too many failed logins for <strong>alice</strong>" in page
    assert "refused for 30 minutes, even with the right password" in page
    assert _policy(response["Content-Security-Policy"]) == POLICY


def test_locked_out_user_is_refused_even_with_the_right_password(client, alice):
    _fail(client, "alice", LIMIT)

    response = _log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "Login locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_same_user_from_another_address_is_not_locked_out(client, alice):
    _fail(client, "alice", LIMIT)

    response = _log_in(Client(), "alice", PASSWORD, ip="10.0.0.2")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_another_user_from_the_same_address_is_not_locked_out(client, alice):
    UserFactory(username="bob")
    _fail(client, "alice", LIMIT)

    assert _log_in(Client(), "bob", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, alice):
    _fail(client, "alice", LIMIT - 1)
    assert _log_in(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    _fail(client, "alice", LIMIT - 1)

    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, alice):
    _fail(client, "alice", LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))

    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_with_a_command(client, alice):
    _fail(client, "alice", LIMIT)

    call_command("axes_reset_username", "alice", verbosity=0)

    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        response = client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})

    assert response.status_code == 429
    assert _log_in(client, "root", PASSWORD).status_code == 429


def test_by_default_a_forwarded_for_header_does_not_change_the_address(client, alice):
    # A client cannot escape the lockout by inventing a header.
    for n in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert response.status_code == 429


# Behind one reverse proxy, as the README's production section sets it up: the proxy
# overwrites X-Forwarded-For with the address it saw, and Newsdesk trusts that header
# only when it holds exactly one address.
behind_a_proxy = override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    AXES_IPWARE_PROXY_COUNT=0,
)
PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy


def _via_proxy(client: Client, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        **PROXY,
    )


@behind_a_proxy
def test_behind_a_proxy_the_forwarded_address_is_the_clients(client, alice):
    for _ in range(LIMIT):
        _via_proxy(client, "wrong", "203.0.113.7")

    locked = _via_proxy(client, PASSWORD, "203.0.113.7")
    other = _via_proxy(Client(), PASSWORD, "198.51.100.8")

    assert locked.status_code == 429
    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@behind_a_proxy
def test_behind_a_proxy_addresses_a_client_adds_to_the_header_are_not_trusted(client, alice):
    # A proxy that appends instead of overwriting leaves the client's own entries in front:
    # such a header is not believed, so inventing addresses does not escape the lockout.
    for n in range(LIMIT):
        _via_proxy(client, "wrong", f"198.51.100.{n}, 203.0.113.7")

    response = _via_proxy(client, PASSWORD, "198.51.100.99, 203.0.113.7")

    assert response.status_code == 429


# --- Sessions and passwords ----------------------------------------------------------------


def test_changing_the_password_logs_out_the_users_other_sessions(alice):
    here, elsewhere = Client(), Client()
    here.force_login(alice)
    elsewhere.force_login(alice)
    assert elsewhere.get(reverse("dashboard")).status_code == 200

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )

    assert response.status_code == 302
    assert here.get(reverse("dashboard")).status_code == 200  # this session goes on
    after = elsewhere.get(reverse("dashboard"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("weak", ["password", "12345678", "alice", "short"])
def test_weak_passwords_are_refused(alice, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=alice)


def test_password_change_form_refuses_a_common_password(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def _production_settings(tmp_path, names: list[str], **variables: str) -> dict:
    """The named settings as production reads them from `variables`, in a fresh process:
    settings are read once per process, and a developer's .env must not count."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SESSION_", "CSRF_", "SECURE_", "AXES_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_ENV_FILE=str(env_file),
        SECRET_KEY="k" * 50,
        **variables,
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only(tmp_path):
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_AGE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
    ]

    assert _production_settings(tmp_path, names) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_AGE": 12 * 60 * 60,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_SSL_REDIRECT": True,
    }


def test_lockout_defaults_to_ten_failures_thirty_minutes_and_the_tcp_peers_address(tmp_path):
    names = [
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
    ]

    assert _production_settings(tmp_path, names) == {
        "AXES_FAILURE_LIMIT": 10,
        "AXES_COOLOFF_TIME": "0:30:00",
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": None,
    }


def test_lockout_is_configured_from_the_environment(tmp_path):
    names = [
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
    ]

    values = _production_settings(
        tmp_path,
        names,
        AXES_FAILURE_LIMIT="5",
        AXES_COOLOFF_MINUTES="90",
        AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR",
        AXES_IPWARE_PROXY_COUNT="0",
    )

    assert values == {
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "1:30:00",
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": 0,
    }


def test_no_template_uses_a_third_party_origin():
    # The policy would block them anyway; this keeps the templates honest about it.
    pattern = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if pattern.search(path.read_text())
    ]

    assert offenders == []
