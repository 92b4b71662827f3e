"""The admin: every registered model's pages render, changelists keep a constant query
count as rows grow, only superusers delete, and source ratings are never edited."""

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import models
from articles.roles import EDITORS, VIEWERS
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    DuplicateCandidateFactory,
    ImportBatchFactory,
    RatingProposalFactory,
    SavedViewFactory,
    SourceAliasFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceRatingFactory,
    SuggestionDismissalFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _group() -> Group:
    group = Group.objects.create(name=f"Desk {Group.objects.count()}")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    return group


def _user() -> User:
    return UserFactory(email="someone@news.example", role=VIEWERS)


def _source() -> models.Source:
    source = SourceFactory()
    SourceDomainFactory(source=source)
    SourceAliasFactory(source=source)
    SourceRatingFactory(source=source)
    return source


def _article() -> models.Article:
    article = ArticleFactory(
        duplicate_of=ArticleFactory(),
        upstream_source=SourceFactory(),
        import_batch=ImportBatchFactory(),
    )
    article.tags.add(TagFactory())
    return article


def _duplicate_candidate() -> models.DuplicateCandidate:
    first, second = ArticleFactory(), ArticleFactory()
    return DuplicateCandidateFactory(
        article_a=min(first, second, key=lambda a: a.pk),
        article_b=max(first, second, key=lambda a: a.pk),
        decided_by=UserFactory(),
    )


def _claim() -> models.Claim:
    claim = ClaimFactory(created_by=UserFactory())
    claim.tags.add(TagFactory())
    AppearanceFactory(claim=claim)
    return claim


# One row of each registered model, with the related rows its list columns show.
ROW_BUILDERS: dict[type[Model], Callable[[], Model]] = {
    Group: _group,
    User: _user,
    models.Source: _source,
    models.SourceDomain: SourceDomainFactory,
    models.SourceAlias: SourceAliasFactory,
    models.SourceRating: SourceRatingFactory,
    models.RatingProposal: RatingProposalFactory,
    models.ImportBatch: ImportBatchFactory,
    models.Article: _article,
    models.DuplicateCandidate: _duplicate_candidate,
    models.Claim: _claim,
    models.Appearance: lambda: AppearanceFactory(created_by=UserFactory()),
    models.ClaimLink: lambda: ClaimLinkFactory(created_by=UserFactory()),
    models.Tag: TagFactory,
    models.SuggestionDismissal: SuggestionDismissalFactory,
    models.SavedView: SavedViewFactory,
}

REGISTERED = list(admin.site._registry)
ARTICLES_MODELS = [model for model in REGISTERED if model._meta.app_label == "articles"]


def _id(model: type[Model]) -> str:
    return model._meta.label


def _url(model: type[Model], view: str, *args) -> str:
    return reverse(admin_urlname(model._meta, view), args=args)


@pytest.fixture
def staff_editor_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="desk-editor", role=EDITORS, is_staff=True))
    return client


def test_every_registered_model_has_a_row_builder():
    assert set(ROW_BUILDERS) == set(REGISTERED)


# Rows only the application creates: duplicate pairs come from dedupe, which verifies them;
# rating proposals from the source page.
NOT_ADDED_IN_ADMIN = {
    models.DuplicateCandidate,
    models.RatingProposal,
    models.SuggestionDismissal,
    models.SavedView,
}


@pytest.mark.parametrize("model", REGISTERED, ids=_id)
def test_superuser_sees_the_changelist_and_add_page(superuser_client, model):
    ROW_BUILDERS[model]()

    assert superuser_client.get(_url(model, "changelist")).status_code == 200
    expected = 403 if model in NOT_ADDED_IN_ADMIN else 200
    assert superuser_client.get(_url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", REGISTERED, ids=_id)
def test_changelist_query_count_does_not_grow_with_rows(superuser_client, model):
    build = ROW_BUILDERS[model]
    url = _url(model, "changelist")
    build()
    superuser_client.get(url)  # warm per-process caches (content types) before counting

    with CaptureQueriesContext(connection) as one_row:
        superuser_client.get(url)
    for _ in range(19):
        build()
    with CaptureQueriesContext(connection) as twenty_rows:
        response = superuser_client.get(url)

    assert len(response.context["cl"].result_list) >= 20
    assert len(twenty_rows) == len(one_row), "\n".join(
        query["sql"] for query in twenty_rows.captured_queries
    )


@pytest.mark.parametrize("model", REGISTERED, ids=_id)
def test_superuser_sees_the_change_and_history_page_of_an_object(superuser_client, model):
    obj = ROW_BUILDERS[model]()

    assert superuser_client.get(_url(model, "change", obj.pk)).status_code == 200
    assert superuser_client.get(_url(model, "history", obj.pk)).status_code == 200


# Deleting is for superusers only.


@pytest.mark.parametrize("model", ARTICLES_MODELS, ids=_id)
def test_editor_is_refused_the_delete_page(staff_editor_client, model):
    obj = ROW_BUILDERS[model]()
    url = _url(model, "delete", obj.pk)

    assert staff_editor_client.get(url).status_code == 403
    assert staff_editor_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", ARTICLES_MODELS, ids=_id)
def test_only_superuser_is_offered_bulk_delete_on_the_changelist(
    staff_editor_client, superuser_client, model
):
    ROW_BUILDERS[model]()
    url = _url(model, "changelist")
    model_admin = admin.site._registry[model]

    as_editor = staff_editor_client.get(url)
    as_superuser = superuser_client.get(url)

    assert as_editor.status_code == 200
    assert "delete_selected" not in model_admin.get_actions(as_editor.wsgi_request)
    assert "delete_selected" in model_admin.get_actions(as_superuser.wsgi_request)


def test_editor_group_permission_to_delete_does_not_reach_the_admin(staff_editor_client):
    # Editors hold delete_claimlink for the app's own pages; the admin still refuses.
    link = ClaimLinkFactory()
    editor = User.objects.get(username="desk-editor")
    assert editor.has_perm("articles.delete_claimlink")

    response = staff_editor_client.post(_url(models.ClaimLink, "delete", link.pk), {"post": "yes"})

    assert response.status_code == 403
    assert models.ClaimLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("model", ARTICLES_MODELS, ids=_id)
def test_superuser_sees_the_delete_page(superuser_client, model):
    obj = ROW_BUILDERS[model]()
    assert superuser_client.get(_url(model, "delete", obj.pk)).status_code == 200


def test_superuser_deletes_through_the_admin(superuser_client):
    link = ClaimLinkFactory()

    response = superuser_client.post(_url(models.ClaimLink, "delete", link.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not models.ClaimLink.objects.filter(pk=link.pk).exists()


# Source ratings are append-only.


@pytest.mark.parametrize("who", ["staff_editor_client", "superuser_client"])
def test_source_rating_change_page_is_read_only(request, who):
    client = request.getfixturevalue(who)
    rating = SourceRatingFactory(grade="B", rationale="Named reporters.")
    url = _url(models.SourceRating, "change", rating.pk)

    page = client.get(url)
    posted = client.post(
        url,
        {
            "source": rating.source_id,
            "grade": "E",
            "rationale": "Rewritten.",
            "rated_by": rating.rated_by_id,
            "rated_at_0": "2020-01-01",
            "rated_at_1": "00:00:00",
        },
    )

    assert page.status_code == 200
    assert 'name="grade"' not in page.content.decode()
    assert "Named reporters." in page.content.decode()
    assert posted.status_code == 403
    rating.refresh_from_db()
    assert (rating.grade, rating.rationale) == ("B", "Named reporters.")
