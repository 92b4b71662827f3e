"""Roles: the groups a migrated database holds, what each may do, and the demo users
command that puts one person in each."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from simple_history.models import HistoricalChanges

from articles.roles import (
    ANALYSTS,
    EDITORS,
    INTERNAL_MODELS,
    ROLE_PERMISSIONS,
    VIEWERS,
    sync_role_groups,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDITORIAL_DECISIONS = [
    "articles.set_claim_credibility",
    "articles.decide_duplicatecandidate",
    "articles.add_sourcerating",
]


def _codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def _role_codenames(role: str) -> set[str]:
    return {f"articles.{codename}" for codename in ROLE_PERMISSIONS[role]}


@pytest.fixture
def app_registry_restored():
    """sync_role_groups() clears every AppConfig.models_module of the registry it is given
    (see test_syncing_groups_leaves_the_app_registry_intact); put them back afterwards so
    the rest of the session is not affected."""
    saved = {config.label: config.models_module for config in apps.get_app_configs()}
    yield
    for config in apps.get_app_configs():
        config.models_module = saved[config.label]


# Groups after migrate


def test_migrate_creates_exactly_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) == {VIEWERS, ANALYSTS, EDITORS}


@pytest.mark.parametrize("role", [VIEWERS, ANALYSTS, EDITORS])
def test_each_group_holds_exactly_its_role_permissions(role):
    assert _codenames(Group.objects.get(name=role)) == _role_codenames(role)


# A saved view is one's own filters, not a write to the desk (see articles/roles.py).
OWN_ONLY = {"articles.add_savedview", "articles.delete_savedview"}


def test_viewers_may_only_view_and_keep_their_own_saved_views():
    writes = {name for name in _role_codenames(VIEWERS) if not name.startswith("articles.view_")}
    assert writes == OWN_ONLY


@pytest.mark.parametrize("role", [VIEWERS, ANALYSTS, EDITORS])
def test_every_role_keeps_its_own_saved_views(role):
    assert OWN_ONLY | {"articles.view_savedview"} <= _role_codenames(role)


def test_viewers_may_view_every_domain_model():
    domain_models = [
        model
        for model in apps.get_app_config("articles").get_models()
        if not issubclass(model, HistoricalChanges)
        and model._meta.model_name not in INTERNAL_MODELS
    ]
    viewer = UserFactory(role=VIEWERS)
    for model in domain_models:
        assert viewer.has_perm(f"articles.view_{model._meta.model_name}"), model


def test_each_role_may_do_everything_the_role_below_may():
    assert ROLE_PERMISSIONS[VIEWERS] < ROLE_PERMISSIONS[ANALYSTS] < ROLE_PERMISSIONS[EDITORS]


@pytest.mark.parametrize("permission", EDITORIAL_DECISIONS)
def test_analysts_may_not_make_editorial_decisions(permission):
    assert not UserFactory(role=ANALYSTS).has_perm(permission)


@pytest.mark.parametrize("permission", EDITORIAL_DECISIONS)
def test_editors_make_editorial_decisions(permission):
    assert UserFactory(role=EDITORS).has_perm(permission)


def test_no_role_may_delete_articles_claims_or_sources():
    for role in ROLE_PERMISSIONS:
        granted = _codenames(Group.objects.get(name=role))
        for model in ["article", "claim", "source", "sourcerating"]:
            assert f"articles.delete_{model}" not in granted, role


# sync_role_groups


def test_syncing_role_groups_again_changes_nothing(app_registry_restored):
    before = {group.name: _codenames(group) for group in Group.objects.all()}

    sync_role_groups()
    sync_role_groups()

    assert {group.name: _codenames(group) for group in Group.objects.all()} == before


def test_syncing_role_groups_removes_permissions_granted_by_hand(app_registry_restored):
    viewers = Group.objects.get(name=VIEWERS)
    viewers.permissions.add(Permission.objects.get(codename="delete_article"))

    sync_role_groups()

    assert _codenames(viewers) == _role_codenames(VIEWERS)


def test_syncing_groups_leaves_the_app_registry_intact(app_registry_restored):
    before = {config.label: config.models_module for config in apps.get_app_configs()}

    sync_role_groups()

    assert {config.label: config.models_module for config in apps.get_app_configs()} == before


# create_demo_users

DEMO_ROLES = {"viewer": VIEWERS, "analyst": ANALYSTS, "editor": EDITORS, "admin": None}
PASSWORD_LINE = re.compile(r"^\s+(?P<username>\w+)\s+(?P<role>\w+)\s+(?P<password>\S+)$", re.M)


def _create_demo_users(*args) -> str:
    out = StringIO()
    call_command("create_demo_users", *args, stdout=out)
    return out.getvalue()


def _passwords(output: str) -> dict[str, str]:
    return {m["username"]: m["password"] for m in PASSWORD_LINE.finditer(output)}


def test_demo_users_are_created_one_per_role_and_an_admin():
    _create_demo_users()

    users = get_user_model().objects.filter(username__in=DEMO_ROLES)
    assert {user.username: [g.name for g in user.groups.all()] for user in users} == {
        "viewer": [VIEWERS],
        "analyst": [ANALYSTS],
        "editor": [EDITORS],
        "admin": [],
    }
    assert [user.username for user in users if user.is_superuser] == ["admin"]


def test_demo_users_get_random_passwords_that_log_in(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    output = _create_demo_users()

    passwords = _passwords(output)
    assert set(passwords) == set(DEMO_ROLES)
    assert len(set(passwords.values())) == len(DEMO_ROLES)
    for username, password in passwords.items():
        assert authenticate(username=username, password=password) is not None, username
    assert "4 given a password, 0 already present" in output


def test_running_demo_users_again_keeps_the_passwords(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = _passwords(_create_demo_users())

    output = _create_demo_users()

    assert _passwords(output) == {}
    assert "0 given a password, 4 already present (password kept)" in output
    for username, password in first.items():
        assert authenticate(username=username, password=password) is not None, username


def test_demo_users_share_demo_password_when_it_is_set(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "shared-demo-passphrase")

    output = _create_demo_users()

    assert "shared-demo-passphrase" not in output
    assert set(_passwords(output).values()) == {"(DEMO_PASSWORD)"}
    for username in DEMO_ROLES:
        assert authenticate(username=username, password="shared-demo-passphrase") is not None


def test_reset_passwords_gives_existing_demo_users_new_ones(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    old = _passwords(_create_demo_users())

    output = _create_demo_users("--reset-passwords")

    new = _passwords(output)
    assert set(new) == set(DEMO_ROLES)
    for username in DEMO_ROLES:
        assert new[username] != old[username]
        assert authenticate(username=username, password=old[username]) is None
        assert authenticate(username=username, password=new[username]) is not None
