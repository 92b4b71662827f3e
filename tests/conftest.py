import pytest
from django.core.cache import cache
from django.test import Client

from articles.roles import ANALYSTS, EDITORS, VIEWERS
from tests.factories import UserFactory

ROLES = {"viewer": VIEWERS, "analyst": ANALYSTS, "editor": EDITORS}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the dashboard keys its figures on the newest
    history ids, and a rolled-back test leaves the same ids to the next one."""
    cache.clear()


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=VIEWERS)


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=ANALYSTS)


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role=EDITORS)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


# Analysts and Editors get a client of their own, so a test may act as two people at once
# (the `client` of viewer_client and superuser_client is pytest-django's shared one).
@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(analyst):
    client = Client()
    client.force_login(analyst)
    return client
