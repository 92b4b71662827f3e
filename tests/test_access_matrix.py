"""Who may do what, at every URL: each URL pattern the project serves × each role ×
GET and POST answers exactly as the table below says.

The URL list is walked from the resolver (tests/routes.py); the table must name every URL,
so a view added without deciding who may use it fails `test_every_url_has_an_entry`.
Path arguments are real objects of the seed desk. A POST carries no form data (unless the
table gives some), so an allowed write answers with its form errors or its redirect, and
nothing of the seed is changed; each request runs in a savepoint rolled back afterwards.

Answers: LOGIN is a redirect to the login page with `next`; ADMIN_LOGIN to the admin's own
login page (Django's admin sends signed-in users who are not staff there); a number is
that status. Viewers, Analysts and Editors are not staff, so the admin is only the
superuser's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles import models
from articles.roles import ANALYSTS, EDITORS, VIEWERS
from tests.factories import (
    DuplicateCandidateFactory,
    RatingProposalFactory,
    SavedViewFactory,
    SuggestionDismissalFactory,
    UserFactory,
)
from tests.routes import Route, all_routes, concrete_path

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "analyst", "editor", "superuser")
SIGNED_IN = ROLES[1:]
NOT_STAFF = ("viewer", "analyst", "editor")

LOGIN = "login"
ADMIN_LOGIN = "admin login"


@dataclass(frozen=True)
class Desk:
    """The seed, plus what it lacks: a duplicate pair, a pending rating proposal, a
    dismissed suggestion, a saved view (the Viewer's), and a history record for every
    history-tracked object."""

    users: dict[str, object]
    article: models.Article
    claim: models.Claim
    source: models.Source
    pair: models.DuplicateCandidate
    proposal: models.RatingProposal
    batch: models.ImportBatch


@dataclass(frozen=True)
class Expect:
    get: dict[str, int | str]
    post: dict[str, int | str]
    # The values for the path's parameters, in order; the POST's form data.
    args: Callable[[Desk], list] = lambda desk: []
    data: Callable[[Desk], dict] = field(default=lambda desk: {})
    # A write: it changes the desk, so Viewers must be refused it.
    writes: bool = False


def _by_rank(needs: str, allowed: int | str, *, below: int | str = 403) -> dict[str, int | str]:
    """Signed-in roles from `needs` up get `allowed`, those below it `below`."""
    rank = SIGNED_IN.index(needs)
    return {role: (allowed if SIGNED_IN.index(role) >= rank else below) for role in SIGNED_IN} | {
        "anonymous": LOGIN
    }


def read(get: int = 200, post: int = 200, *, needs: str = "viewer", args=None) -> Expect:
    """A page every role from `needs` up may see. Read views that do not restrict the
    method answer a POST with the page itself (writing nothing)."""
    return Expect(_by_rank(needs, get), _by_rank(needs, post), args or (lambda desk: []))


def write(needs: str, ok: int, *, args, data=None) -> Expect:
    """A POST-only action for roles from `needs` up; GET is refused to everyone signed in."""
    return Expect(
        _by_rank("viewer", 405), _by_rank(needs, ok), args, data or (lambda desk: {}), writes=True
    )


def admin(get: int = 200, post: int = 200, *, anonymous: str = LOGIN, args=None) -> Expect:
    """A page of Django's admin: the superuser's, the login page for everyone else."""
    answers = dict.fromkeys(NOT_STAFF, ADMIN_LOGIN) | {"anonymous": anonymous}
    return Expect(
        answers | {"superuser": get}, answers | {"superuser": post}, args or (lambda desk: [])
    )


def everyone(get: int | str, post: int | str) -> Expect:
    return Expect(dict.fromkeys(ROLES, get), dict.fromkeys(ROLES, post))


def ARTICLE(desk: Desk) -> list:  # noqa: N802 - reads as a constant in the table
    return [desk.article.pk]


def CLAIM(desk: Desk) -> list:  # noqa: N802
    return [desk.claim.pk]


def PAIR(desk: Desk) -> list:  # noqa: N802
    return [desk.pair.pk]


def SOURCE(desk: Desk) -> list:  # noqa: N802
    return [desk.source.pk]


APP = {
    "dashboard": read(),
    "article-list": read(),
    "article-export": read(),
    # An empty bulk form is refused with its errors; Viewers may take no bulk action.
    "article-bulk": write("analyst", 400, args=lambda desk: []),
    "article-detail": read(args=ARTICLE),
    # The empty annotation form is refused with its errors.
    "article-annotate": write("analyst", 400, args=ARTICLE),
    "article-suggestion-decide": write("analyst", 302, args=ARTICLE),
    "claim-list": read(),
    "claim-export": read(),
    "claim-bulk": write("analyst", 400, args=lambda desk: []),
    "claim-detail": read(args=CLAIM),
    "claim-edit": write("analyst", 200, args=CLAIM),
    "claim-link": write("analyst", 302, args=CLAIM),
    "claim-suggestions": read(args=CLAIM),
    "claim-suggestion-decide": write(
        "analyst",
        302,
        args=CLAIM,
        data=lambda desk: {"article": desk.article.pk, "action": "dismiss", "text": "A line."},
    ),
    "duplicate-list": read(),
    "duplicate-export": read(),
    "duplicate-review": read(args=PAIR),
    "duplicate-decide": write("editor", 302, args=PAIR),
    "duplicate-propose": write("analyst", 302, args=PAIR),
    "source-list": read(),
    "source-export": read(),
    "source-detail": read(args=SOURCE),
    "source-rate": write("editor", 200, args=SOURCE),
    "source-propose": write("analyst", 200, args=SOURCE),
    "source-proposal-decide": write(
        "editor", 302, args=lambda desk: [desk.source.pk, desk.proposal.pk]
    ),
    # A saved view is one's own filters, not a write to the desk: every role saves.
    "saved-view-create": Expect(_by_rank("viewer", 405), _by_rank("viewer", 302)),
    # The desk's saved view is the Viewer's: anyone else is told it does not exist.
    "saved-view-delete": Expect(
        _by_rank("viewer", 405),
        dict.fromkeys(SIGNED_IN, 404) | {"viewer": 302, "anonymous": LOGIN},
        args=lambda desk: [_first("articles.savedview").pk],
    ),
    "shortcuts-toggle": Expect(_by_rank("viewer", 405), _by_rank("viewer", 302)),
    "source-autocomplete": read(),
    "claim-autocomplete": read(),
    "import": Expect(_by_rank("analyst", 200), _by_rank("analyst", 200), writes=True),
    "import-batch": read(args=lambda desk: [desk.batch.pk]),
    "import-batch-list": read(),
    "import-batch-export": read(),
    "search": read(),
    "login": everyone(200, 200),
    "logout": Expect(_by_rank("viewer", 405), _by_rank("viewer", 302)),
    "password_change": read(),
    "password_change_done": read(post=405),
    # The admin's own pages: these send visitors to the admin's login, not the site's.
    "admin:index": admin(anonymous=ADMIN_LOGIN),
    "admin:login": Expect(
        dict.fromkeys(ROLES, 200) | {"superuser": 302}, dict.fromkeys(ROLES, 200)
    ),
    # Django's admin sends a signed-in non-staff user on to its index, logged in still.
    "admin:logout": Expect(
        dict.fromkeys(NOT_STAFF, 302) | {"anonymous": ADMIN_LOGIN, "superuser": 405},
        dict.fromkeys(SIGNED_IN, 302) | {"anonymous": ADMIN_LOGIN},
    ),
    "admin:password_change": admin(anonymous=ADMIN_LOGIN),
    "admin:password_change_done": admin(post=405, anonymous=ADMIN_LOGIN),
    # Without its query parameters the autocomplete refuses.
    "admin:autocomplete": admin(403, 405, anonymous=ADMIN_LOGIN),
    "admin:jsi18n": admin(post=405, anonymous=ADMIN_LOGIN),
    "admin:view_on_site": admin(
        302,
        302,
        anonymous=ADMIN_LOGIN,
        args=lambda desk: [ContentType.objects.get_for_model(models.Claim).pk, desk.claim.pk],
    ),
    "admin:app_list": admin(anonymous=ADMIN_LOGIN, args=lambda desk: ["articles"]),
    "admin:auth_user_password_change": admin(
        args=lambda desk: [desk.users["viewer"].pk],
    ),
    "/admin/{}": admin(404, 404, anonymous=ADMIN_LOGIN, args=lambda desk: ["nowhere"]),
}


@dataclass(frozen=True)
class AdminModel:
    """How the admin treats one model, as the superuser sees it: `add` is the add page's
    answer (403 where rows come only from the application); `change_post` the answer to an
    empty POST of the change form (200: its errors; 302: read-only, back to the list; 403:
    never edited); `history` whether django-simple-history shows past versions, and
    `revert_post` what a POST to one of them gets."""

    add: int = 200
    change_post: int = 200
    history: bool = False
    revert_post: int = 200


ADMIN_MODELS = {
    "auth.group": AdminModel(),
    "auth.user": AdminModel(),
    "articles.source": AdminModel(history=True),
    "articles.sourcedomain": AdminModel(),
    "articles.sourcealias": AdminModel(),
    "articles.sourcerating": AdminModel(history=True, change_post=403, revert_post=302),
    "articles.ratingproposal": AdminModel(history=True, add=403, change_post=302, revert_post=302),
    "articles.importbatch": AdminModel(),
    "articles.article": AdminModel(history=True),
    "articles.duplicatecandidate": AdminModel(history=True, add=403),
    "articles.claim": AdminModel(history=True),
    "articles.appearance": AdminModel(history=True),
    "articles.claimlink": AdminModel(history=True),
    "articles.tag": AdminModel(),
    "articles.suggestiondismissal": AdminModel(add=403, change_post=302),
    "articles.savedview": AdminModel(add=403, change_post=302),
}


def _model_entries(label: str, model: AdminModel) -> dict[str, Expect]:
    app_label, model_name = label.split(".")
    prefix = f"admin:{app_label}_{model_name}"

    def obj(desk: Desk) -> list:
        return [_first(label).pk]

    entries = {
        f"{prefix}_changelist": admin(),
        f"{prefix}_add": admin(model.add, model.add),
        f"{prefix}_change": admin(200, model.change_post, args=obj),
        f"{prefix}_history": admin(args=obj),
        f"{prefix}_delete": admin(args=obj),  # an empty POST only asks to confirm
        # The old URL of an object's page, kept by the admin as a redirect.
        f"/admin/{app_label}/{model_name}/{{}}/": admin(302, 302, args=obj),
    }
    if model.history:
        entries[f"{prefix}_simple_history"] = admin(
            200,
            model.revert_post,
            args=lambda desk: [*obj(desk), _first(label).history.earliest().history_id],
        )
    return entries


def _first(label: str):
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").first()


EXPECTED: dict[str, Expect] = APP | {
    key: expect
    for label, model in ADMIN_MODELS.items()
    for key, expect in _model_entries(label, model).items()
}

ROUTES = all_routes()


@pytest.fixture(scope="module")
def desk(django_db_setup, django_db_blocker):
    """The seed desk, built once for the module inside a transaction that is rolled back
    at its end; every test runs in a savepoint within it, as in Django's TestCase."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("loaddata", "seed", verbosity=0)
            users = {
                "viewer": UserFactory(username="matrix-viewer", role=VIEWERS),
                "analyst": UserFactory(username="matrix-analyst", role=ANALYSTS),
                "editor": UserFactory(username="matrix-editor", role=EDITORS),
                "superuser": UserFactory(username="matrix-root", is_staff=True, is_superuser=True),
            }
            first, second = models.Article.objects.order_by("pk")[:2]
            source = models.Source.objects.order_by("pk").first()
            desk = Desk(
                users=users,
                article=first,
                claim=models.Claim.objects.order_by("pk").first(),
                source=source,
                pair=DuplicateCandidateFactory(article_a=first, article_b=second),
                proposal=RatingProposalFactory(source=source, proposed_by=users["analyst"]),
                batch=models.ImportBatch.objects.order_by("pk").first(),
            )
            SuggestionDismissalFactory(article=first, dismissed_by=users["analyst"])
            SavedViewFactory(user=users["viewer"])
            # Fixtures load without history; give every tracked object its first version.
            call_command("populate_history", "--auto", verbosity=0)
            yield desk
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _path(route: Route, desk: Desk) -> str:
    if route.key not in EXPECTED:  # its test fails; the sample path still finds the view
        return concrete_path(route)
    return "/" + route.path.format(*EXPECTED[route.key].args(desk))


def _client(desk: Desk, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(desk.users[role])
    return client


def _check(response, expected: int | str, path: str) -> str | None:
    """None when the response is the expected answer, else what differs."""
    got = response.status_code
    if expected in (LOGIN, ADMIN_LOGIN):
        login = reverse("login" if expected == LOGIN else "admin:login")
        location = urlsplit(response.get("Location", ""))
        if got == 302 and location.path == login and parse_qs(location.query)["next"] == [path]:
            return None
        return f"expected a redirect to {login}?next={path}, got {got} {location.geturl()}"
    return None if got == expected else f"expected {expected}, got {got}"


def test_every_url_has_an_entry():
    walked = {route.key for route in ROUTES}

    assert not walked - set(EXPECTED), "URLs without an entry in the access table"
    assert not set(EXPECTED) - walked, "entries for URLs that no longer exist"


def test_every_admin_model_has_an_entry():
    from django.contrib import admin as django_admin

    assert set(ADMIN_MODELS) == {model._meta.label_lower for model in django_admin.site._registry}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
def test_each_role_gets_the_expected_answer(desk, route, role):
    assert route.key in EXPECTED, f"{route.key} has no entry in the access table"
    expect = EXPECTED[route.key]
    path = _path(route, desk)

    problems = {}
    for method, expected in (("GET", expect.get[role]), ("POST", expect.post[role])):
        client = _client(desk, role)
        send, data = (client.post, expect.data(desk)) if method == "POST" else (client.get, {})
        with transaction.atomic():
            response = send(path, data)
            transaction.set_rollback(True)
        if problem := _check(response, expected, path):
            problems[method] = problem

    assert not problems, f"{role} at {path}: {problems}"


def test_the_table_refuses_viewers_every_write():
    writes = {key for key, expect in EXPECTED.items() if expect.writes}

    assert {"import", "article-annotate", "source-rate", "duplicate-decide"} <= writes
    assert {key for key in writes if EXPECTED[key].post["viewer"] != 403} == set()


# Every URL that may take a POST; one without an entry yet counts as one.
POST_ENDPOINTS = [
    route
    for route in ROUTES
    if route.key not in EXPECTED or EXPECTED[route.key].post["editor"] != 405
]


@pytest.mark.parametrize("route", POST_ENDPOINTS, ids=lambda route: route.key)
def test_post_without_a_csrf_token_is_refused(desk, route):
    client = _client(desk, "editor", enforce_csrf_checks=True)

    data = EXPECTED[route.key].data(desk) if route.key in EXPECTED else {}

    response = client.post(_path(route, desk), data)

    assert response.status_code == 403
    assert b"CSRF verification failed" in response.content


def test_post_with_the_csrf_token_gets_through(desk):
    client = _client(desk, "editor", enforce_csrf_checks=True)
    client.get(reverse("duplicate-review", args=[desk.pair.pk]))
    token = client.cookies["csrftoken"].value

    with transaction.atomic():
        response = client.post(
            reverse("duplicate-propose", args=[desk.pair.pk]), {"csrfmiddlewaretoken": token}
        )
        transaction.set_rollback(True)

    assert response.status_code == 302
