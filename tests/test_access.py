"""Nothing is public but the login page: every URL the project serves sends an anonymous
visitor to log in first.

The URL list is walked from the resolver, not written down, so a view added later without
login protection fails here. Django's admin keeps a login page of its own, so the admin's
patterns may send visitors to either login page.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.routes import Route, all_routes, concrete_path

pytestmark = pytest.mark.django_db

# The only views an anonymous visitor may see: the login pages themselves.
LOGIN_VIEWS = {"login", "admin:login"}


ROUTES = all_routes()
PROTECTED = [route for route in ROUTES if route.qualified_name not in LOGIN_VIEWS]


def _login_urls_for(route: Route) -> set[str]:
    # Django's admin sends its site-wide pages to its own login and its model pages to
    # settings.LOGIN_URL; both are login pages. Everything else uses settings.LOGIN_URL.
    if route.namespace == "admin":
        return {reverse("login"), reverse("admin:login")}
    return {reverse("login")}


def test_the_walk_finds_the_app_the_accounts_and_the_admin():
    names = {route.qualified_name for route in ROUTES}
    assert {"dashboard", "logout", "password_change", "admin:index"} <= names
    assert "admin:articles_article_change" in names


def test_every_exempt_login_view_exists_and_answers_anonymous_visitors(client):
    for name in sorted(LOGIN_VIEWS):
        response = client.get(reverse(name))
        assert response.status_code == 200, name


@pytest.mark.parametrize("route", PROTECTED, ids=lambda route: "/" + route.path)
def test_anonymous_visitor_is_sent_to_log_in(client, route):
    path = concrete_path(route)

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
