import pytest

from articles.roles import ANALYSTS, EDITORS, VIEWERS
from tests.factories import UserFactory

ROLES = {"viewer": VIEWERS, "analyst": ANALYSTS, "editor": EDITORS}


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
