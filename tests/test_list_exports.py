"""CSV exports of the article, source and duplicate lists as currently filtered: the same
rows the list shows, streamed, formula-like cells escaped, a fixed number of queries per
chunk of rows, and a link in each list's sidebar that keeps the filters."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import exports
from articles.models import ArticleStatus, DuplicateStatus
from tests.factories import (
    ArticleFactory,
    DuplicateCandidateFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceRatingFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


def export(client, name: str, **params) -> tuple[object, list[dict]]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.DictReader(io.StringIO(text)))


def test_article_export_is_a_streamed_csv_attachment(viewer_client):
    ArticleFactory()

    response, rows = export(viewer_client, "article-export")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="articles-')
    assert list(rows[0]) == exports.ARTICLE_FIELDS


def test_article_export_honours_the_filters_as_the_list_does(viewer_client):
    source = SourceFactory(name="Wire")
    new = ArticleFactory(source=source, title="Fresh", status=ArticleStatus.NEW)
    ArticleFactory(source=source, title="Seen", status=ArticleStatus.REVIEWED)
    ArticleFactory(source=source, title="Old", status=ArticleStatus.ARCHIVED)
    ArticleFactory(title="Elsewhere", status=ArticleStatus.NEW)
    ArticleFactory(source=source, title="A copy", duplicate_of=new)
    tagged = ArticleFactory(source=source, title="Tagged")
    tagged.tags.add(TagFactory(name="place:Kursk"))

    _, everything = export(viewer_client, "article-export")
    _, filtered = export(viewer_client, "article-export", source="Wire", status="new")
    _, by_tag = export(viewer_client, "article-export", tag="place:Kursk")
    _, with_archived = export(viewer_client, "article-export", source="Wire", archived="1")

    # Like the list: no duplicates and no archived articles unless asked for.
    assert {row["title"] for row in everything} == {"Fresh", "Seen", "Elsewhere", "Tagged"}
    assert {row["title"] for row in filtered} == {"Fresh", "Tagged"}
    assert [row["title"] for row in by_tag] == ["Tagged"]
    assert by_tag[0]["tags"] == '["place:Kursk"]'
    assert "Old" in {row["title"] for row in with_archived}


def test_a_bad_filter_is_a_clear_400(viewer_client):
    response = viewer_client.get(reverse("article-export"), {"published_from": "not a date"})

    assert response.status_code == 400
    assert b"published_from" in response.content


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_cells_are_escaped_in_every_export(viewer_client, start):
    source = SourceFactory(name=f"{start}Outlet", country="GB")
    ArticleFactory(source=source, title=f"{start}1+1")
    DuplicateCandidateFactory(
        article_a=ArticleFactory(source=source, title=f"{start}cmd|' /C calc'!A0"),
        article_b=ArticleFactory(source=source, title=FORMULA),
    )

    _, articles = export(viewer_client, "article-export", duplicates="1")
    _, sources = export(viewer_client, "source-export")
    _, pairs = export(viewer_client, "duplicate-export")

    assert f"'{start}1+1" in {row["title"] for row in articles}
    assert {row["source"] for row in articles} == {f"'{start}Outlet"}
    assert [row["name"] for row in sources] == [f"'{start}Outlet"]
    assert pairs[0]["title_a"] == f"'{start}cmd|' /C calc'!A0"
    assert pairs[0]["title_b"] == "'" + FORMULA


def test_source_export_honours_the_filters(viewer_client):
    rated = SourceFactory(name="Rated", country="UA")
    SourceRatingFactory(source=rated, grade="B")
    SourceDomainFactory(source=rated, domain="rated.example")
    SourceFactory(name="Unrated", country="UA")
    SourceFactory(name="Foreign", country="FR")

    _, ukrainian = export(viewer_client, "source-export", country="UA")
    _, graded_b = export(viewer_client, "source-export", grade="B")

    assert list(ukrainian[0]) == exports.SOURCE_LIST_FIELDS
    assert {row["name"] for row in ukrainian} == {"Rated", "Unrated"}
    assert [(row["name"], row["grade"], row["domains"]) for row in graded_b] == [
        ("Rated", "B", "rated.example")
    ]


def test_duplicate_export_honours_the_filters(viewer_client):
    pending = DuplicateCandidateFactory(similarity=0.9)
    DuplicateCandidateFactory(status=DuplicateStatus.REJECTED)

    _, rows = export(viewer_client, "duplicate-export", status="pending")

    assert list(rows[0]) == exports.DUPLICATE_FIELDS
    assert [(int(row["id"]), row["similarity"]) for row in rows] == [(pending.pk, "0.9")]


def _export_queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("article-export", lambda: ArticleFactory().tags.add(TagFactory())),
        ("source-export", lambda: SourceDomainFactory(source=SourceRatingFactory().source)),
        ("duplicate-export", lambda: DuplicateCandidateFactory()),
    ],
)
def test_queries_are_a_fixed_number_per_chunk(viewer_client, monkeypatch, name, make):
    monkeypatch.setattr(exports, "CHUNK", 5)
    make()
    viewer_client.get(reverse(name))  # warm per-process caches
    counts = []
    for rows in (5, 10, 15):  # one, two, three full chunks
        while _rows(name) < rows:
            make()
        counts.append(_export_queries(viewer_client, name))

    assert counts[1] - counts[0] == counts[2] - counts[1] > 0


def _rows(name: str) -> int:
    from articles.models import Article, DuplicateCandidate, Source

    model = {"article-export": Article, "source-export": Source}.get(name, DuplicateCandidate)
    if model is Article:
        return Article.objects.filter(duplicate_of__isnull=True).count()
    return model.objects.count()


def test_export_of_many_rows_costs_no_more_queries_than_of_one_chunk_of_few(viewer_client):
    ArticleFactory()
    viewer_client.get(reverse("article-export"))
    few = _export_queries(viewer_client, "article-export")
    for _ in range(30):
        ArticleFactory()

    assert _export_queries(viewer_client, "article-export") == few


@pytest.mark.parametrize(
    ("list_name", "export_name"),
    [
        ("article-list", "article-export"),
        ("source-list", "source-export"),
        ("duplicate-list", "duplicate-export"),
    ],
)
def test_each_list_links_its_export_with_the_current_filters(viewer_client, list_name, export_name):
    html = viewer_client.get(
        reverse(list_name), {"status": "new", "page": "1", "sort": "-title"}
    ).content.decode()

    assert f'href="{reverse(export_name)}?status=new" data-export' in html


def test_a_user_without_a_role_may_not_export(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    for name in ("article-export", "source-export", "duplicate-export"):
        assert client.get(reverse(name)).status_code == 403
