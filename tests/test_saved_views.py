"""Saved views: a person saves a list's current filters under a name, finds them in that
list's sidebar, and deletes them; nobody sees or deletes another person's views."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import SavedList, SavedView
from articles.roles import ANALYSTS, EDITORS, VIEWERS
from articles.services.saved_views import delete_view, filter_query, save_view
from tests.factories import SavedViewFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("saved-view-create")


def delete_url(view) -> str:
    return reverse("saved-view-delete", args=[view.pk])


# The service


@pytest.mark.parametrize("role", [VIEWERS, ANALYSTS, EDITORS])
def test_every_role_saves_its_own_view(role):
    user = UserFactory(role=role)

    view, created = save_view(
        user=user, list_name="claim-list", name="  Doubtful   claims ", query="?credibility=4"
    )

    assert created
    assert (view.user, view.list_name, view.name, view.query) == (
        user,
        "claim-list",
        "Doubtful claims",
        "credibility=4",
    )


def test_the_page_and_empty_values_are_not_saved():
    assert filter_query("?status=new&page=3&title=&tag=x&tag=") == "status=new&tag=x"
    assert filter_query("page=2") == ""


def test_saving_again_under_the_same_name_replaces_the_filters():
    user = UserFactory(role=VIEWERS)
    save_view(user=user, list_name="article-list", name="Mine", query="status=new")

    view, created = save_view(user=user, list_name="article-list", name="Mine", query="tag=a")

    assert not created
    assert SavedView.objects.get().query == "tag=a"


def test_the_same_name_on_another_list_or_for_another_person_is_another_view():
    alice, bob = UserFactory(role=VIEWERS), UserFactory(role=VIEWERS)

    save_view(user=alice, list_name="article-list", name="Mine", query="a=1")
    save_view(user=alice, list_name="claim-list", name="Mine", query="a=2")
    save_view(user=bob, list_name="article-list", name="Mine", query="a=3")

    assert SavedView.objects.count() == 3


@pytest.mark.parametrize(
    ("list_name", "name", "query", "field"),
    [
        ("claim-detail", "x", "", "list_name"),
        ("", "x", "", "list_name"),
        ("article-list", "   ", "", "name"),
        ("article-list", "n" * 101, "", "name"),
        ("article-list", "x", "title=" + "a" * 2000, "query"),
    ],
)
def test_a_bad_view_is_refused_with_a_reason_and_nothing_is_saved(list_name, name, query, field):
    with pytest.raises(ValidationError) as refused:
        save_view(user=UserFactory(role=VIEWERS), list_name=list_name, name=name, query=query)

    assert field in refused.value.message_dict
    assert not SavedView.objects.exists()


def test_a_user_without_a_role_may_not_save():
    with pytest.raises(PermissionDenied):
        save_view(user=UserFactory(), list_name="article-list", name="x", query="")


def test_the_database_refuses_an_unknown_list_and_a_duplicate_name():
    view = SavedViewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedViewFactory(user=view.user, list_name=view.list_name, name=view.name)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedViewFactory(list_name="nowhere")


def test_delete_removes_only_ones_own_view():
    mine = SavedViewFactory(user=UserFactory(role=VIEWERS))
    theirs = SavedViewFactory(user=UserFactory(role=VIEWERS))

    delete_view(user=mine.user, view_id=mine.pk)
    with pytest.raises(SavedView.DoesNotExist):
        delete_view(user=mine.user, view_id=theirs.pk)

    assert list(SavedView.objects.all()) == [theirs]


# The pages


@pytest.mark.parametrize("list_name", SavedList.values)
def test_a_list_shows_only_the_users_own_views_of_that_list(client, list_name):
    me, someone = UserFactory(role=VIEWERS), UserFactory(role=EDITORS)
    SavedViewFactory(user=me, list_name=list_name, name="Mine here", query="x=1")
    other_list = next(value for value in SavedList.values if value != list_name)
    SavedViewFactory(user=me, list_name=other_list, name="Mine elsewhere")
    SavedViewFactory(user=someone, list_name=list_name, name="Someone else's")
    client.force_login(me)

    html = client.get(reverse(list_name)).content.decode()

    assert "Mine here" in html
    assert f'href="{reverse(list_name)}?x=1"' in html
    assert "Mine elsewhere" not in html
    assert "Someone else" not in html


def test_saving_from_the_sidebar_keeps_the_filters_without_the_page(client):
    viewer = UserFactory(role=VIEWERS)
    client.force_login(viewer)
    page = client.get(reverse("article-list"), {"status": "new", "page": "2"}).content.decode()
    assert 'name="query" value="status=new"' in page

    response = client.post(
        CREATE, {"list_name": "article-list", "name": "New ones", "query": "status=new&page=2"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("article-list") + "?status=new"
    view = SavedView.objects.get()
    assert (view.user, view.name, view.query) == (viewer, "New ones", "status=new")


def test_a_nameless_view_is_refused_back_on_the_list(client):
    client.force_login(UserFactory(role=VIEWERS))

    response = client.post(CREATE, {"list_name": "claim-list", "name": "", "query": "a=1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("claim-list")
    assert not SavedView.objects.exists()


def test_a_hostile_name_is_escaped(client):
    viewer = UserFactory(role=VIEWERS)
    SavedViewFactory(user=viewer, name="<script>alert(1)</script>")
    client.force_login(viewer)

    html = client.get(reverse("article-list")).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_delete_from_the_sidebar(client):
    view = SavedViewFactory(user=UserFactory(role=VIEWERS), list_name="source-list")
    client.force_login(view.user)

    response = client.post(delete_url(view))

    assert response.status_code == 302
    assert response["Location"] == reverse("source-list")
    assert not SavedView.objects.exists()


def test_another_persons_view_cannot_be_deleted(client):
    view = SavedViewFactory(user=UserFactory(role=EDITORS))
    client.force_login(UserFactory(role=EDITORS))

    assert client.post(delete_url(view)).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_saving_and_deleting_need_post_and_a_csrf_token():
    from django.test import Client

    view = SavedViewFactory(user=UserFactory(role=VIEWERS))
    client = Client(enforce_csrf_checks=True)
    client.force_login(view.user)

    assert client.get(CREATE).status_code == 405
    assert client.post(CREATE, {"list_name": "article-list", "name": "x"}).status_code == 403
    assert client.post(delete_url(view)).status_code == 403
    assert SavedView.objects.count() == 1


def test_saved_views_cost_one_query_whatever_their_number(client):
    viewer = UserFactory(role=VIEWERS)
    client.force_login(viewer)
    SavedViewFactory(user=viewer)
    client.get(reverse("article-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("article-list"))
    for _ in range(15):
        SavedViewFactory(user=viewer)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("article-list"))

    assert len(many) == len(one)
