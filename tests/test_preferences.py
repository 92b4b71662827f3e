"""A person's settings: the single-key shortcuts switch is kept for the user, not only for
the browser session it was changed in."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOGGLE = reverse("shortcuts-toggle")
OFF = 'data-shortcuts="off"'


def login(user) -> Client:
    """A new browser: a fresh client signed in through the login form."""
    client = Client()
    assert (
        client.post(reverse("login"), {"username": user.username, "password": "pw"}).status_code
        == 302
    )
    return client


@pytest.fixture
def person():
    user = UserFactory(username="ana")
    user.set_password("pw")
    user.save()
    return user


def test_shortcuts_are_on_until_turned_off(person):
    client = login(person)

    assert OFF not in client.get(reverse("dashboard")).content.decode()
    assert not Preference.objects.exists()


def test_turning_shortcuts_off_holds_in_the_next_session_and_another_browser(person):
    first = login(person)
    response = first.post(TOGGLE, {"enabled": "0", "next": reverse("article-list")})

    assert response.status_code == 302 and response["Location"] == reverse("article-list")
    assert OFF in first.get(reverse("dashboard")).content.decode()
    assert Preference.objects.get(user=person).shortcuts_off

    second = login(person)  # another browser, a new session
    assert OFF in second.get(reverse("dashboard")).content.decode()

    second.post(TOGGLE, {"enabled": "1"})
    assert OFF not in login(person).get(reverse("dashboard")).content.decode()


def test_one_persons_setting_is_not_anothers(person):
    login(person).post(TOGGLE, {"enabled": "0"})
    other = UserFactory(username="bo")
    other.set_password("pw")
    other.save()

    assert OFF not in login(other).get(reverse("dashboard")).content.decode()


def test_pages_read_the_setting_from_the_session_without_a_query(person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(person)
    client.post(TOGGLE, {"enabled": "0"})
    client.get(reverse("article-list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("article-list"))

    assert not any("articles_preference" in q["sql"] for q in queries.captured_queries)
