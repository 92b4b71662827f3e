"""Nothing is public but the login page: every URL the project serves sends an anonymous
visitor to log in first.

The URL list is walked from the resolver, not written down, so a view added later without
login protection fails here. Django's admin keeps a login page of its own, so the admin's
patterns may send visitors to either login page.
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

# The only views an anonymous visitor may see: the login pages themselves.
LOGIN_VIEWS = {"login", "admin:login"}

# Sample values tried, in order, for each converter or regex group until the built path
# resolves back to the pattern it was built from.
SAMPLES = ["1", "articles", "article"]


@dataclass(frozen=True)
class Route:
    path: str
    name: str | None
    namespace: str
    callback: object


def _template(pattern: RoutePattern | RegexPattern) -> str:
    """The pattern as a format string with `{}` for each converter or regex group."""
    if isinstance(pattern, RoutePattern):
        template = re.sub(r"<(?:\w+:)?\w+>", "{}", pattern._route)
    elif isinstance(pattern, RegexPattern):
        template = re.sub(r"\((?:\?P<\w+>)?[^()]*\)", "{}", pattern._regex)
        template = re.sub(r"\\(.)", r"\1", template.lstrip("^").rstrip("$"))
    else:  # pragma: no cover - Django has no third kind today
        raise TypeError(f"Unknown URL pattern type {type(pattern).__name__}")
    return template


def _routes(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        template = _template(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_namespace = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _routes(entry.url_patterns, prefix + template, inner_namespace)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + template, entry.name, namespace, entry.callback)


def _concrete_path(route: Route) -> str:
    """Fill the route's parameters with sample values so that it resolves to itself."""
    for values in itertools.product(SAMPLES, repeat=route.path.count("{}")):
        path = "/" + route.path.format(*values)
        try:
            if resolve(path).func is route.callback:
                return path
        except Resolver404:
            continue
    raise AssertionError(f"No sample path resolves to the pattern {route.path!r}")


def _qualified_name(route: Route) -> str | None:
    if route.name is None:
        return None
    return f"{route.namespace}:{route.name}" if route.namespace else route.name


ROUTES = list(_routes(get_resolver().url_patterns))
PROTECTED = [route for route in ROUTES if _qualified_name(route) not in LOGIN_VIEWS]


def _login_urls_for(route: Route) -> set[str]:
    # Django's admin sends its site-wide pages to its own login and its model pages to
    # settings.LOGIN_URL; both are login pages. Everything else uses settings.LOGIN_URL.
    if route.namespace == "admin":
        return {reverse("login"), reverse("admin:login")}
    return {reverse("login")}


def test_the_walk_finds_the_app_the_accounts_and_the_admin():
    names = {_qualified_name(route) for route in ROUTES}
    assert {"dashboard", "logout", "password_change", "admin:index"} <= names
    assert "admin:articles_article_change" in names


def test_every_exempt_login_view_exists_and_answers_anonymous_visitors(client):
    for name in sorted(LOGIN_VIEWS):
        response = client.get(reverse(name))
        assert response.status_code == 200, name


@pytest.mark.parametrize("route", PROTECTED, ids=lambda route: "/" + route.path)
def test_anonymous_visitor_is_sent_to_log_in(client, route):
    path = _concrete_path(route)

    response = client.get(path)

    assert response.status_code == 302, path
    location = urlsplit(response["Location"])
    assert location.path in _login_urls_for(route)
    assert parse_qs(location.query)["next"] == [path]


def test_logout_is_refused_by_get_and_keeps_the_session(client, viewer):
    client.force_login(viewer)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("dashboard")).status_code == 200


def test_logout_by_post_ends_the_session(client, viewer):
    client.force_login(viewer)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    after = client.get(reverse("dashboard"))
    assert after.status_code == 302
    assert urlsplit(after["Location"]).path == reverse("login")


def test_logged_in_viewer_sees_the_dashboard(viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 200
