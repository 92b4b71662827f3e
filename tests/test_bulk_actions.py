"""Bulk actions on the article and claim lists: add or remove a tag, set a status, on the
ticked rows or on every row the filter matches — only after a confirmation page, with a
history entry per changed object, roles checked on the server, CSRF required."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleStatus, Claim, ClaimStatus, Tag
from articles.roles import ANALYSTS, EDITORS, VIEWERS
from articles.services import bulk
from articles.services.bulk import ARTICLES, CLAIMS, apply_bulk_action
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLE_BULK = reverse("article-bulk")
CLAIM_BULK = reverse("claim-bulk")


def signed_in(role: str, **kwargs) -> tuple[Client, object]:
    user = UserFactory(role=role)
    client = Client(**kwargs)
    client.force_login(user)
    return client, user


def history_of(obj):
    return list(obj.history.order_by("history_date", "history_id"))


# Selected rows


def test_the_confirmation_page_says_how_many_and_what_and_changes_nothing():
    client, _ = signed_in(ANALYSTS)
    chosen = [ArticleFactory(), ArticleFactory()]
    ArticleFactory()

    response = client.post(
        ARTICLE_BULK,
        {
            "action": "add_tag",
            "tag": " place :  Kursk ",
            "scope": "selected",
            "selected": [a.pk for a in chosen],
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="2"' in html
    assert "add the tag “place:Kursk”" in html
    assert 'name="confirm" value="1"' in html
    assert not Tag.objects.filter(name="place:Kursk").exists()
    assert all(not a.tags.exists() for a in chosen)


def test_adding_a_tag_to_selected_articles_records_history_per_article():
    client, analyst = signed_in(ANALYSTS)
    chosen = [ArticleFactory(), ArticleFactory()]
    other = ArticleFactory()
    before = {a.pk: len(history_of(a)) for a in chosen}

    response = client.post(
        ARTICLE_BULK,
        {
            "action": "add_tag",
            "tag": "place:Kursk",
            "scope": "selected",
            "selected": [a.pk for a in chosen],
            "confirm": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("article-list")
    for article in chosen:
        assert [t.name for t in article.tags.all()] == ["place:Kursk"]
        records = history_of(article)
        assert len(records) == before[article.pk] + 1
        assert records[-1].history_user == analyst
        assert [t.tag.name for t in records[-1].tags.all()] == ["place:Kursk"]
    assert not other.tags.exists()


def test_removing_a_tag_touches_only_the_articles_that_had_it():
    client, analyst = signed_in(EDITORS)
    tag = TagFactory(name="topic:ceasefire")
    tagged, untagged = ArticleFactory(), ArticleFactory()
    tagged.tags.add(tag)
    untouched = len(history_of(untagged))

    client.post(
        ARTICLE_BULK,
        {
            "action": "remove_tag",
            "tag": "TOPIC:ceasefire",
            "scope": "selected",
            "selected": [tagged.pk, untagged.pk],
            "confirm": "1",
        },
    )

    assert not tagged.tags.exists()
    assert history_of(tagged)[-1].history_user == analyst
    assert len(history_of(untagged)) == untouched


def test_archiving_selected_articles_keeps_them_and_records_who():
    client, analyst = signed_in(ANALYSTS)
    chosen = [ArticleFactory(), ArticleFactory()]

    client.post(
        ARTICLE_BULK,
        {
            "action": "set_status",
            "status": "archived",
            "scope": "selected",
            "selected": [a.pk for a in chosen],
            "confirm": "1",
        },
    )

    for article in chosen:
        article.refresh_from_db()
        assert article.status == ArticleStatus.ARCHIVED
        last = history_of(article)[-1]
        assert (last.status, last.history_user, last.history_type) == ("archived", analyst, "~")
        assert last.history_change_reason == "bulk: status set to archived"


# All matching the filter


def test_all_matching_acts_on_every_row_of_the_filter_in_chunks(monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    client, analyst = signed_in(ANALYSTS)
    wire = SourceFactory(name="Wire")
    matching = [ArticleFactory(source=wire) for _ in range(5)]
    elsewhere = ArticleFactory(source=SourceFactory(name="Blog"))
    seen = ArticleFactory(source=wire, status=ArticleStatus.REVIEWED)
    query = "?source=Wire&status=new"

    confirm = client.post(
        ARTICLE_BULK + query, {"action": "set_status", "status": "archived", "scope": "all"}
    )
    done = client.post(
        ARTICLE_BULK + query,
        {"action": "set_status", "status": "archived", "scope": "all", "confirm": "1"},
    )

    assert 'data-count="5"' in confirm.content.decode()
    assert "every article matching the list" in confirm.content.decode()
    assert f'action="{ARTICLE_BULK}{query.replace("&", "&amp;")}"' in confirm.content.decode()
    assert done.status_code == 302
    assert done["Location"] == reverse("article-list") + query
    # Archiving takes the rows out of the filter as it goes; no row is skipped.
    assert set(Article.objects.filter(status="archived")) == set(matching)
    for article in matching:
        assert history_of(article)[-1].history_user == analyst
    for article in (elsewhere, seen):
        article.refresh_from_db()
        assert article.status != ArticleStatus.ARCHIVED


def test_all_matching_reads_one_chunk_at_a_time(monkeypatch):
    analyst = UserFactory(role=ANALYSTS)
    for _ in range(7):
        ArticleFactory()
    monkeypatch.setattr(bulk, "CHUNK", 3)
    reads = []
    real = bulk._chunks

    def counting(queryset):
        for chunk in real(queryset):
            reads.append(len(chunk))
            yield chunk

    monkeypatch.setattr(bulk, "_chunks", counting)

    changed = apply_bulk_action(
        ARTICLES, Article.objects.all(), "set_status", by=analyst, status="reviewed"
    )

    assert changed == 7
    assert reads == [3, 3, 1]


def test_all_matching_tags_the_claims_of_a_filter():
    client, analyst = signed_in(ANALYSTS)
    quantity = [ClaimFactory(text=f"Russia captured {n} soldiers") for n in (430, 431)]
    ClaimFactory(text="A ceasefire is proposed", claim_type="prediction")

    client.post(
        CLAIM_BULK + "?claim_type=quantity",
        {"action": "add_tag", "tag": "topic:pow", "scope": "all", "confirm": "1"},
    )

    assert set(Claim.objects.filter(tags__name="topic:pow")) == set(quantity)
    assert all(history_of(c)[-1].history_user == analyst for c in quantity)


def test_an_editor_sets_the_status_of_claims_and_raises_their_version():
    client, editor = signed_in(EDITORS)
    claim = ClaimFactory()

    client.post(
        CLAIM_BULK,
        {
            "action": "set_status",
            "status": "reviewed",
            "scope": "selected",
            "selected": [claim.pk],
            "confirm": "1",
        },
    )

    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.REVIEWED, 2)
    assert history_of(claim)[-1].history_user == editor


# Roles, CSRF, bad input


def test_an_analyst_may_not_set_the_status_of_claims():
    client, analyst = signed_in(ANALYSTS)
    claim = ClaimFactory()

    response = client.post(
        CLAIM_BULK,
        {
            "action": "set_status",
            "status": "archived",
            "scope": "selected",
            "selected": [claim.pk],
            "confirm": "1",
        },
    )

    assert response.status_code == 400  # the action is not offered to Analysts
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
    with pytest.raises(PermissionDenied):
        apply_bulk_action(CLAIMS, Claim.objects.all(), "set_status", by=analyst, status="archived")
    assert Claim.objects.get().status == ClaimStatus.OPEN


@pytest.mark.parametrize("url", [ARTICLE_BULK, CLAIM_BULK])
def test_a_viewer_is_refused(url):
    client, viewer = signed_in(VIEWERS)
    article, claim = ArticleFactory(), ClaimFactory()
    data = {
        "action": "add_tag",
        "tag": "x",
        "scope": "all",
        "confirm": "1",
    }

    assert client.post(url, data).status_code == 403
    assert not article.tags.exists() and not claim.tags.exists()
    with pytest.raises(PermissionDenied):
        apply_bulk_action(ARTICLES, Article.objects.all(), "add_tag", by=viewer, tag="x")


@pytest.mark.parametrize("url", [ARTICLE_BULK, CLAIM_BULK])
def test_a_post_without_csrf_token_is_refused(url):
    client, _ = signed_in(EDITORS, enforce_csrf_checks=True)
    article = ArticleFactory()

    response = client.post(url, {"action": "add_tag", "tag": "x", "scope": "all", "confirm": "1"})

    assert response.status_code == 403
    assert not article.tags.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "add_tag", "tag": " ", "scope": "all"}, "Name the tag."),
        ({"action": "set_status", "status": "", "scope": "all"}, "Choose a status."),
        ({"action": "add_tag", "tag": "x", "scope": "selected"}, "Tick the rows"),
        ({"action": "delete", "scope": "all"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_reason(data, error):
    client, _ = signed_in(EDITORS)
    article = ArticleFactory()

    response = client.post(ARTICLE_BULK, {**data, "confirm": "1"})

    assert response.status_code == 400
    assert error in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.NEW and not article.tags.exists()


def test_get_is_not_allowed():
    client, _ = signed_in(EDITORS)

    assert client.get(ARTICLE_BULK).status_code == 405


# The list


@pytest.mark.parametrize(
    ("role", "url", "has_checkboxes"),
    [
        (VIEWERS, "article-list", False),
        (VIEWERS, "claim-list", False),
        (ANALYSTS, "article-list", True),
        (ANALYSTS, "claim-list", True),
        (EDITORS, "claim-list", True),
    ],
)
def test_checkboxes_and_the_bulk_form_only_for_who_may_act(role, url, has_checkboxes):
    client, _ = signed_in(role)
    article = ArticleFactory()
    ClaimFactory()

    html = client.get(reverse(url)).content.decode()

    assert ('name="selected"' in html) is has_checkboxes
    assert ('class="bulk-form"' in html) is has_checkboxes
    if has_checkboxes and url == "article-list":
        assert f'name="selected" value="{article.pk}"' in html


def test_only_editors_are_offered_claim_status():
    analyst_client, _ = signed_in(ANALYSTS)
    editor_client, _ = signed_in(EDITORS)
    ClaimFactory()

    analyst_html = analyst_client.get(reverse("claim-list")).content.decode()
    editor_html = editor_client.get(reverse("claim-list")).content.decode()

    assert '<option value="set_status">' not in analyst_html
    assert '<option value="set_status">' in editor_html


def test_the_bulk_form_posts_with_the_lists_filters():
    client, _ = signed_in(ANALYSTS)
    ArticleFactory()

    html = client.get(reverse("article-list"), {"status": "new", "page": "1"}).content.decode()

    assert f'action="{ARTICLE_BULK}?status=new"' in html


def test_posting_the_confirmation_page_as_it_is_does_the_action():
    import re

    client, _ = signed_in(ANALYSTS)
    chosen = [ArticleFactory(), ArticleFactory()]
    ArticleFactory()
    page = client.post(
        ARTICLE_BULK,
        {
            "action": "add_tag",
            "tag": "place:Kursk",
            "scope": "selected",
            "selected": [a.pk for a in chosen],
        },
    ).content.decode()
    form = page.split('<form method="post" action="/articles/bulk/"')[1].split("</form>")[0]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)

    response = client.post(ARTICLE_BULK, data)

    assert response.status_code == 302
    assert set(Article.objects.filter(tags__name="place:Kursk")) == set(chosen)
