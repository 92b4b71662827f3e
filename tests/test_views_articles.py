"""The article list (`/articles/`), the article page (`/articles/<id>/`) and the source
autocompletion behind the list's source filter."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus, DuplicateStatus
from tests.factories import (
    ArticleFactory,
    DuplicateCandidateFactory,
    ImportBatchFactory,
    SourceAliasFactory,
    SourceFactory,
    SourceRatingFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("article-list")
AUTOCOMPLETE = reverse("source-autocomplete")
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'
TITLE_CELL = re.compile(
    r'<td class="col-title"><a href="/articles/\d+/">(?P<title>[^<]*)</a>(?P<rest>.*?)</td>', re.S
)
TITLE_LINK = re.compile(r'<td class="col-title"><a href="/articles/\d+/">(?P<title>[^<]*)</a>')


def at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def detail_url(article) -> str:
    return reverse("article-detail", args=[article.pk])


def listed(client, **params) -> list[str]:
    """The titles the list shows for these query parameters, in order."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    return TITLE_LINK.findall(response.content.decode())


def article_list_queries(client, **params) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return queries


# Which articles are listed


def test_duplicates_are_hidden_by_default_and_shown_with_the_toggle(viewer_client):
    canonical = ArticleFactory(title="Wire story")
    ArticleFactory(title="Republished copy", duplicate_of=canonical)

    assert listed(viewer_client) == ["Wire story"]
    html = viewer_client.get(LIST, {"duplicates": "1"}).content.decode()
    assert sorted(TITLE_LINK.findall(html)) == ["Republished copy", "Wire story"]
    assert f'copy of <a href="{detail_url(canonical)}">Wire story</a>' in html


def test_toggle_off_in_the_query_string_keeps_duplicates_hidden(viewer_client):
    ArticleFactory(title="Copy", duplicate_of=ArticleFactory(title="Original"))

    assert listed(viewer_client, duplicates="0") == ["Original"]


def test_canonical_articles_show_how_many_copies_they_have(viewer_client):
    widely_copied = ArticleFactory(title="Widely copied")
    ArticleFactory.create_batch(3, duplicate_of=widely_copied)
    once = ArticleFactory(title="Copied once")
    ArticleFactory(duplicate_of=once)
    ArticleFactory(title="Original only")

    html = viewer_client.get(LIST).content.decode()

    markers = {m["title"]: m["rest"] for m in TITLE_CELL.finditer(html)}
    assert markers["Widely copied"] == ' <span class="copies" data-copies="3">+3 copies</span>'
    assert markers["Copied once"] == ' <span class="copies" data-copies="1">+1 copy</span>'
    assert markers["Original only"] == ""


def test_archived_articles_are_hidden_unless_included(viewer_client):
    ArticleFactory(title="Current")
    ArticleFactory(title="Old news", status=ArticleStatus.ARCHIVED)

    assert listed(viewer_client) == ["Current"]
    assert sorted(listed(viewer_client, archived="1")) == ["Current", "Old news"]
    assert listed(viewer_client, status=ArticleStatus.ARCHIVED) == ["Old news"]


def test_source_column_shows_the_current_grade_letter_and_label(viewer_client):
    rated = SourceFactory(name="Wire Agency")
    SourceRatingFactory(source=rated, grade="D", rated_at=at("2024-01-01"))
    SourceRatingFactory(source=rated, grade="B", rated_at=at("2024-06-01"))
    ArticleFactory(source=rated)
    ArticleFactory(source=SourceFactory(name="Nobody Knows"))

    html = viewer_client.get(LIST).content.decode()

    assert 'Wire Agency <span class="grade">B – Usually reliable</span>' in html
    assert 'Nobody Knows <span class="grade">Unrated</span>' in html


# Filters


@pytest.fixture
def desk():
    """Four visible articles that differ in every filtered property."""
    kyiv, farm = SourceFactory(name="Kyiv Independent"), SourceFactory(name="Content Farm")
    SourceAliasFactory(source=kyiv, name="KI")
    kursk = TagFactory(name="place:Kursk")
    articles = {
        "Ceasefire proposed": ArticleFactory(
            title="Ceasefire proposed",
            source=kyiv,
            language="en",
            published_at=at("2025-03-11 09:00"),
            imported_at=at("2025-03-12 10:00"),
        ),
        "Visit to Kursk": ArticleFactory(
            title="Visit to Kursk",
            source=kyiv,
            language="uk",
            status=ArticleStatus.REVIEWED,
            published_at=at("2025-03-12 23:30"),
            imported_at=at("2025-03-13 08:00"),
        ),
        "430 soldiers captured": ArticleFactory(
            title="430 soldiers captured",
            source=farm,
            language="en",
            published_at=at("2025-03-14 00:00"),
            imported_at=at("2025-03-20 08:00"),
        ),
        "No time to read?": ArticleFactory(
            title="No time to read?",
            source=farm,
            language="en",
            published_at=None,
            imported_at=at("2025-03-21 08:00"),
        ),
    }
    articles["Visit to Kursk"].tags.add(kursk)
    articles["430 soldiers captured"].tags.add(kursk, TagFactory(name="topic:POWs"))
    return {"kyiv": kyiv, "farm": farm, **articles}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "Kyiv Independent"}, {"Ceasefire proposed", "Visit to Kursk"}),
        ({"source": "kyiv independent"}, {"Ceasefire proposed", "Visit to Kursk"}),
        ({"source": "ki"}, {"Ceasefire proposed", "Visit to Kursk"}),
        ({"status": "reviewed"}, {"Visit to Kursk"}),
        ({"language": "uk"}, {"Visit to Kursk"}),
        ({"language": "EN"}, {"Ceasefire proposed", "430 soldiers captured", "No time to read?"}),
        ({"tag": "PLACE:kursk"}, {"Visit to Kursk", "430 soldiers captured"}),
        ({"tag": " place : Kursk "}, {"Visit to Kursk", "430 soldiers captured"}),
        ({"tag": "topic:POWs"}, {"430 soldiers captured"}),
        ({"tag": "Kursk"}, set()),
        ({"title": "KURSK"}, {"Visit to Kursk"}),
        ({"title": "soldiers"}, {"430 soldiers captured"}),
        ({"published_from": "2025-03-12"}, {"Visit to Kursk", "430 soldiers captured"}),
        ({"published_to": "2025-03-12"}, {"Ceasefire proposed", "Visit to Kursk"}),
        (
            {"published_from": "2025-03-12", "published_to": "2025-03-13"},
            {"Visit to Kursk"},
        ),
        ({"imported_from": "2025-03-20"}, {"430 soldiers captured", "No time to read?"}),
        ({"imported_to": "2025-03-12"}, {"Ceasefire proposed"}),
        (
            {"language": "en", "source": "Content Farm"},
            {"430 soldiers captured", "No time to read?"},
        ),
    ],
    ids=lambda value: repr(value),
)
def test_each_filter_narrows_the_list(viewer_client, desk, params, expected):
    assert set(listed(viewer_client, **params)) == expected


def test_source_filter_accepts_the_source_id(viewer_client, desk):
    titles = listed(viewer_client, source=str(desk["farm"].pk))

    assert set(titles) == {"430 soldiers captured", "No time to read?"}


def test_a_source_named_like_a_number_is_found_by_name(viewer_client):
    numbered = SourceFactory(name="1843")
    ArticleFactory(title="Magazine piece", source=numbered)
    other = ArticleFactory(title="Elsewhere")
    assert other.source.pk != 1843

    assert listed(viewer_client, source="1843") == ["Magazine piece"]


def test_unknown_source_name_is_an_error_and_lists_nothing(viewer_client, desk):
    response = viewer_client.get(LIST, {"source": "Nonexistent Gazette"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No source is named “Nonexistent Gazette”." in html
    assert TITLE_LINK.findall(html) == []


def test_filters_never_search_bodies(viewer_client):
    ArticleFactory(title="Quiet headline", body="The word ceasefire is only in the body.")

    assert listed(viewer_client, title="ceasefire") == []


def test_the_list_renders_its_filter_form_with_autocompletion(viewer_client):
    html = viewer_client.get(LIST).content.decode()

    assert f'data-autocomplete-url="{AUTOCOMPLETE}"' in html
    assert 'list="source-options"' in html and '<datalist id="source-options">' in html
    assert re.search(r'<script src="[^"]*js/source-autocomplete\.js" defer></script>', html)
    assert "<script>" not in html and "style=" not in html


# Sorting and pages


def test_newest_published_first_by_default_and_sortable_by_published(viewer_client):
    ArticleFactory(title="Middle", published_at=at("2025-03-12"))
    ArticleFactory(title="Oldest", published_at=at("2025-03-01"))
    ArticleFactory(title="Newest", published_at=at("2025-03-20"))

    assert listed(viewer_client) == ["Newest", "Middle", "Oldest"]
    assert listed(viewer_client, sort="published") == ["Oldest", "Middle", "Newest"]
    assert listed(viewer_client, sort="-published") == ["Newest", "Middle", "Oldest"]


def test_sortable_by_title_source_and_imported(viewer_client):
    ArticleFactory(title="Bravo", source=SourceFactory(name="Zulu"), imported_at=at("2025-01-02"))
    ArticleFactory(
        title="Charlie", source=SourceFactory(name="Alpha"), imported_at=at("2025-01-03")
    )
    ArticleFactory(title="Alpha", source=SourceFactory(name="Mike"), imported_at=at("2025-01-01"))

    assert listed(viewer_client, sort="title") == ["Alpha", "Bravo", "Charlie"]
    assert listed(viewer_client, sort="-title") == ["Charlie", "Bravo", "Alpha"]
    assert listed(viewer_client, sort="source") == ["Charlie", "Alpha", "Bravo"]
    assert listed(viewer_client, sort="imported") == ["Alpha", "Bravo", "Charlie"]


def test_sorted_column_header_says_so_and_links_the_other_direction(viewer_client):
    ArticleFactory()

    html = viewer_client.get(LIST, {"sort": "title", "page": "2"}).content.decode()

    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="\?sort=-title">', html)


def test_pages_hold_fifty_articles_and_link_to_the_next(viewer_client):
    ArticleFactory.create_batch(51)

    first = viewer_client.get(LIST).content.decode()
    second = viewer_client.get(LIST, {"page": "2"}).content.decode()

    assert len(TITLE_LINK.findall(first)) == 50
    assert 'href="?page=2" rel="next"' in first
    assert len(TITLE_LINK.findall(second)) == 1
    assert 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second


def test_page_size_cannot_be_raised_from_the_query_string(viewer_client):
    ArticleFactory.create_batch(55)

    assert len(listed(viewer_client, per_page="1000")) == 50


def _build_list_desk(n: int) -> None:
    sources = SourceFactory.create_batch(3)
    SourceRatingFactory(source=sources[0], grade="A")
    for i in range(n):
        article = ArticleFactory(source=sources[i % 3])
        if i % 4 == 0:
            ArticleFactory(duplicate_of=article, source=sources[(i + 1) % 3])


def test_list_query_count_does_not_grow_with_the_desk(viewer_client):
    _build_list_desk(5)
    viewer_client.get(LIST)  # warm per-process caches before counting
    small = article_list_queries(viewer_client)

    _build_list_desk(55)
    large = article_list_queries(viewer_client)
    large_filtered = article_list_queries(viewer_client, page="2", sort="source", duplicates="1")

    assert len(small) == len(large) == len(large_filtered)


def test_list_never_counts_the_articles_table(viewer_client):
    _build_list_desk(60)

    for params in [{}, {"page": "2"}, {"title": "Article", "sort": "title"}]:
        statements = [q["sql"] for q in article_list_queries(viewer_client, **params)]
        top_level_counts = [
            sql for sql in statements if re.match(r"\s*SELECT\s+COUNT\(", sql, re.I)
        ]
        assert top_level_counts == [], top_level_counts
        assert not any('"__count"' in sql for sql in statements)


def test_list_never_loads_bodies(viewer_client):
    _build_list_desk(5)

    statements = [q["sql"] for q in article_list_queries(viewer_client)]

    article_selects = [sql for sql in statements if '"articles_article"."title"' in sql]
    assert article_selects
    for sql in article_selects:
        for column in ("raw", "body", "fingerprint"):
            assert f'"articles_article"."{column}"' not in sql


# The article page


def test_article_page_shows_the_metadata(viewer_client):
    source = SourceFactory(name="Wire Agency")
    SourceRatingFactory(source=source, grade="C")
    batch = ImportBatchFactory()
    article = ArticleFactory(
        source=source,
        title="Ceasefire proposed",
        byline="By Jane Doe",
        url="https://wire.example/ceasefire",
        language="en",
        status=ArticleStatus.REVIEWED,
        extractor="trafilatura 2.3",
        import_batch=batch,
        upstream_attribution="Based on materials: barrons.com",
        published_at=at("2025-03-11 09:00"),
    )
    article.tags.add(TagFactory(name="topic:ceasefire"))

    response = viewer_client.get(detail_url(article))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ceasefire proposed</h1>" in html
    assert 'Wire Agency <span class="grade">C – Fairly reliable</span>' in html
    assert "2025-03-11 09:00" in html and "By Jane Doe" in html
    assert (
        '<a href="https://wire.example/ceasefire" rel="noopener noreferrer" class="external">'
        in html
    )
    assert "Reviewed" in html and "trafilatura 2.3" in html
    assert f'<a href="{reverse("import-batch", args=[batch.pk])}">import #{batch.pk}</a>' in html
    assert "Based on materials: barrons.com" in html
    assert "topic:ceasefire" in html


def test_body_keeps_its_paragraphs_and_line_breaks_as_text(viewer_client):
    """The body is the text itself, newlines included, shown with white-space: pre-wrap:
    claim offsets count over exactly these characters, so no <p> or <br> is inserted."""
    body = "First paragraph,\nsecond line.\n\nSecond paragraph."
    article = ArticleFactory(body=body)

    html = viewer_client.get(detail_url(article)).content.decode()

    assert f'<div class="article-text" id="article-text">{body}</div>' in html
    css = (settings.BASE_DIR / "static" / "css" / "newsdesk.css").read_text()
    assert re.search(r"\.article-text \{[^}]*white-space: pre-wrap", css)


def test_article_page_escapes_hostile_text(viewer_client):
    article = ArticleFactory(
        title=f"Title {HOSTILE}",
        byline=f"By {HOSTILE}",
        body=f"Body {HOSTILE}\n\nMore {HOSTILE}",
        upstream_attribution=f"Based on {HOSTILE}",
    )
    article.tags.add(TagFactory(name=f"tag {HOSTILE}"))

    html = viewer_client.get(detail_url(article)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and 'onerror="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;") >= 6


def test_untitled_articles_still_link_to_their_page(viewer_client):
    article = ArticleFactory(title="")

    html = viewer_client.get(LIST).content.decode()

    assert f'<a href="{detail_url(article)}">(untitled)</a>' in html


def test_article_list_escapes_hostile_titles_and_source_names(viewer_client):
    canonical = ArticleFactory(title=f"Title {HOSTILE}", source=SourceFactory(name=HOSTILE))
    ArticleFactory(duplicate_of=canonical)

    html = viewer_client.get(LIST, {"duplicates": "1"}).content.decode()

    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # title, copy of, source


def test_a_url_that_is_not_http_is_shown_but_not_linked(viewer_client):
    article = ArticleFactory(url="javascript:alert(1)")

    html = viewer_client.get(detail_url(article)).content.decode()

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_unknown_article_is_not_found(viewer_client):
    assert viewer_client.get(reverse("article-detail", args=[999_999])).status_code == 404


def test_a_duplicate_links_to_its_canonical(viewer_client):
    canonical = ArticleFactory(title="The wire story")
    copy = ArticleFactory(title="A republished copy", duplicate_of=canonical)

    html = viewer_client.get(detail_url(copy)).content.decode()

    assert f'Copy of <a href="{detail_url(canonical)}">The wire story</a>' in html


def test_canonical_page_lists_its_copies_and_duplicate_pairs(viewer_client):
    canonical = ArticleFactory(title="The wire story")
    copy = ArticleFactory(
        title="Republished by a farm",
        duplicate_of=canonical,
        source=SourceFactory(name="Content Farm"),
    )
    near = ArticleFactory(title="Rewritten version")
    DuplicateCandidateFactory(
        article_a=canonical,
        article_b=copy,
        similarity=0.97,
        containment=0.99,
        status=DuplicateStatus.AUTO,
    )
    DuplicateCandidateFactory(article_a=canonical, article_b=near, similarity=0.62, containment=0.7)

    html = viewer_client.get(detail_url(canonical)).content.decode()

    copies = html.split("<h3>Copies of this article</h3>")[1].split("</table>")[0]
    assert f'<a href="{detail_url(copy)}">Republished by a farm</a>' in copies
    assert "Content Farm" in copies
    pairs = html.split("<h3>Similar articles</h3>")[1].split("</table>")[0]
    assert re.search(
        rf'<a href="{detail_url(copy)}">Republished by a farm</a></td>\s*'
        r'<td class="num">97%</td>\s*<td class="num">99%</td>\s*<td>Linked automatically',
        pairs,
    )
    assert re.search(
        rf'<a href="{detail_url(near)}">Rewritten version</a></td>\s*'
        r'<td class="num">62%</td>\s*<td class="num">70%</td>\s*<td>Pending review',
        pairs,
    )


def test_pairs_show_the_other_article_whichever_side_this_one_is(viewer_client):
    older = ArticleFactory(title="Older")
    newer = ArticleFactory(title="Newer")
    DuplicateCandidateFactory(article_a=older, article_b=newer, status=DuplicateStatus.REJECTED)

    html = viewer_client.get(detail_url(newer)).content.decode()

    pairs = html.split("<h3>Similar articles</h3>")[1].split("</table>")[0]
    assert f'<a href="{detail_url(older)}">Older</a>' in pairs and "Rejected" in pairs
    assert "Newer" not in pairs


def _article_with_copies_and_pairs(n: int):
    canonical = ArticleFactory()
    canonical.tags.add(*TagFactory.create_batch(n))
    for _ in range(n):
        copy = ArticleFactory(duplicate_of=canonical, source=SourceFactory())
        DuplicateCandidateFactory(article_a=canonical, article_b=copy)
    return canonical


def test_article_page_query_count_does_not_grow_with_copies_and_pairs(viewer_client):
    one = _article_with_copies_and_pairs(1)
    ten = _article_with_copies_and_pairs(10)
    viewer_client.get(detail_url(one))  # warm per-process caches before counting

    with CaptureQueriesContext(connection) as few:
        viewer_client.get(detail_url(one))
    with CaptureQueriesContext(connection) as many:
        response = viewer_client.get(detail_url(ten))

    assert response.status_code == 200
    assert len(few) == len(many)
    assert not any('"articles_article"."raw"' in q["sql"] for q in many)


# Source autocompletion


def test_autocomplete_returns_matching_sources_prefix_matches_first(viewer_client):
    SourceFactory(name="The Kyiv Post")
    SourceFactory(name="Kyiv Independent")
    focus = SourceFactory(name="Фокус")
    SourceAliasFactory(source=focus, name="Focus")
    SourceFactory(name="Reuters")

    kyiv = viewer_client.get(AUTOCOMPLETE, {"q": "kyiv"})
    by_alias = viewer_client.get(AUTOCOMPLETE, {"q": "foc"})

    assert kyiv.status_code == 200 and kyiv["Content-Type"] == "application/json"
    assert [s["name"] for s in kyiv.json()] == ["Kyiv Independent", "The Kyiv Post"]
    assert by_alias.json() == [{"id": focus.pk, "name": "Фокус", "alias": "Focus"}]


def test_autocomplete_is_limited_to_twenty_and_empty_for_no_query(viewer_client):
    SourceFactory.create_batch(25)

    assert len(viewer_client.get(AUTOCOMPLETE, {"q": "outlet"}).json()) == 20
    assert viewer_client.get(AUTOCOMPLETE, {"q": "  "}).json() == []
    assert viewer_client.get(AUTOCOMPLETE).json() == []


def test_autocomplete_returns_names_as_plain_json_strings(viewer_client):
    SourceFactory(name=HOSTILE)

    response = viewer_client.get(AUTOCOMPLETE, {"q": "script"})

    assert response["Content-Type"] == "application/json"
    assert response.json()[0]["name"] == HOSTILE


def test_autocomplete_requires_login(client):
    response = client.get(AUTOCOMPLETE, {"q": "a"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Permissions


@pytest.fixture
def no_role_client(client):
    client.force_login(UserFactory(username="nobody"))
    return client


@pytest.mark.parametrize(
    "url",
    [LIST, "/articles/1/", AUTOCOMPLETE + "?q=a"],
    ids=["list", "page", "autocomplete"],
)
def test_users_without_view_permission_are_forbidden(no_role_client, url):
    ArticleFactory(pk=1)

    assert no_role_client.get(url).status_code == 403


def test_viewers_see_the_articles_entry_in_the_nav(viewer_client):
    html = viewer_client.get(LIST).content.decode()

    assert f'<a href="{LIST}" aria-current="page">Articles</a>' in html


def test_users_without_view_permission_get_no_articles_entry(no_role_client):
    html = no_role_client.get(reverse("dashboard")).content.decode()

    assert f'href="{LIST}"' not in html


@override_settings(TIME_ZONE="Europe/Kyiv")
def test_list_shows_times_in_the_desk_time_zone_and_a_dash_when_undated(viewer_client):
    """Timestamps are rendered by the list's own column (not a template per cell): local
    time, minute precision; an article without a publication date shows "—"."""
    ArticleFactory(
        title="Dated",
        published_at=datetime(2025, 3, 12, 22, 30, tzinfo=UTC),
        imported_at=datetime(2025, 3, 13, 6, 5, tzinfo=UTC),
    )
    ArticleFactory(title="Undated", published_at=None)

    html = viewer_client.get(LIST).content.decode()

    dated = re.search(r"<tr>.*?Dated.*?</tr>", html, re.S).group()
    assert '<td class="col-published">2025-03-13 00:30</td>' in dated
    assert '<td class="col-imported">2025-03-13 08:05</td>' in dated
    undated = re.search(r"<tr>.*?Undated.*?</tr>", html, re.S).group()
    assert '<td class="col-published">—</td>' in undated
