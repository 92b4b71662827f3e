"""Full-text search (`articles/search.py`, `/search/`): the indexes stay in step with every
kind of write, results are ranked, snippets are escaped, no query is a syntax error,
filters and folding of duplicates hold, and a page costs the same number of queries
whatever the size of the desk. Runs on SQLite (FTS5) and on PostgreSQL (tsvector + GIN)."""

import importlib
import re
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search as search_module
from articles.models import Article, ArticleStatus, Claim, ClaimStatus
from articles.search import KINDS, parse_query, search
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    SourceFactory,
    SourceRatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("search")
HOSTILE = '<script>alert(1)</script> <img src=x onerror="alert(2)"> Kursk & "quotes"'
HOSTILE_QUERIES = [
    '"',
    '""',
    '"Kursk',
    "AND(",
    "Kursk AND(",
    "*",
    "Kursk *",
    "NEAR(",
    "NEAR(Kursk 430, 2)",
    "-x",
    "-",
    "--Kursk",
    "Kursk -",
    "OR",
    "Kursk OR",
    "OR OR Kursk",
    "^Kursk",
    "Kursk:",
    "title:Kursk",
    "{title body}: Kursk",
    "(Kursk",
    "Kursk)",
    "'; DROP TABLE articles_article; --",
    "😀",
    "Kursk 😀🇺🇦",
    "\x00Kursk",
    "\ue000Kursk\ue001",
    "a" * 1000,
    "Kursk " * 200,
    "Kur*sk",
    "*Kursk",
    "Kursk**",
    "\\",
    "!Kursk & 430 | soldiers <-> x:*",
]


def at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def found(query: str, **filters) -> list[tuple[str, int]]:
    return [(hit.kind, hit.object.pk) for hit in search(query, **filters)]


def article_ids(query: str, **filters) -> list[int]:
    return [hit.object.pk for hit in search(query, kinds=("article",), **filters)]


def claim_ids(query: str, **filters) -> list[int]:
    return [hit.object.pk for hit in search(query, kinds=("claim",), **filters)]


# The indexes are installed and follow every write


def test_the_search_triggers_and_indexes_exist_after_all_migrations():
    """A later migration that remakes articles_article or articles_claim on SQLite drops
    their triggers and indexes; the migration 0008 docstring says how to restore them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")
            expected = {
                f"{fts}_{event}"
                for fts in ("articles_article_fts", "articles_claim_fts")
                for event in ("insert", "update", "delete")
            } | {"articles_article_search_filter_idx"}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "UNION SELECT indexname FROM pg_indexes"
            )
            expected = {
                "articles_article_search_vector",
                "articles_claim_search_vector",
                "articles_article_search_idx",
                "articles_claim_search_idx",
            }
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


def test_a_new_article_is_found_by_its_title_and_its_body():
    article = ArticleFactory(title="Sudzha retaken", body="Troops entered the town of Sudzha.")
    assert article_ids("retaken") == [article.pk]
    assert article_ids("entered town") == [article.pk]


def test_editing_an_article_with_save_moves_it_in_the_index():
    article = ArticleFactory(title="Old headline", body="Nothing about rivers here.")
    article.title, article.body = "New headline", "The Seym river flooded."
    article.save()
    assert article_ids("old") == []
    assert article_ids("seym") == [article.pk]
    assert article_ids("headline") == [article.pk]


def test_editing_articles_with_queryset_update_moves_them_in_the_index():
    article = ArticleFactory(title="Quiet day", body="Nothing happened.")
    Article.objects.filter(pk=article.pk).update(body="Drones struck a depot near Belgorod.")
    assert article_ids("nothing") == []
    assert article_ids("belgorod depot") == [article.pk]


def test_editing_articles_with_bulk_update_moves_them_in_the_index():
    first = ArticleFactory(title="First", body="alpha text")
    second = ArticleFactory(title="Second", body="beta text")
    first.body, second.title = "gamma text", "Zaporizhzhia"
    Article.objects.bulk_update([first, second], ["title", "body"])
    assert article_ids("alpha") == []
    assert article_ids("gamma") == [first.pk]
    assert article_ids("zaporizhzhia") == [second.pk]
    assert article_ids("beta") == [second.pk]


def test_bulk_created_articles_are_indexed():
    source = SourceFactory()
    Article.objects.bulk_create(
        Article(source=source, title=f"Bulk {n}", body=f"kherson report {n}", origin="x")
        for n in range(3)
    )
    assert len(article_ids("kherson")) == 3


def test_an_update_of_other_columns_leaves_the_index_alone():
    article = ArticleFactory(title="Pokrovsk", body="Fighting near Pokrovsk.")
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.REVIEWED, language="uk")
    assert article_ids("pokrovsk") == [article.pk]


def test_a_deleted_article_is_no_longer_found():
    article = ArticleFactory(title="Kupiansk", body="Kupiansk was shelled.")
    kept = ArticleFactory(title="Kupiansk again", body="Kupiansk, later.")
    article.delete()
    assert article_ids("kupiansk") == [kept.pk]
    Article.objects.filter(pk=kept.pk).delete()
    assert article_ids("kupiansk") == []


def test_claims_follow_create_save_update_bulk_update_and_delete():
    claim = ClaimFactory(text="Russia captured 430 Ukrainian soldiers")
    other = ClaimFactory(text="Ukraine accepted a ceasefire")
    assert claim_ids("430 soldiers") == [claim.pk]

    claim.text = "Russia captured 431 Ukrainian soldiers"
    claim.save()
    assert claim_ids("430") == []
    assert claim_ids("431") == [claim.pk]

    Claim.objects.filter(pk=other.pk).update(text="Ukraine rejected a ceasefire")
    assert claim_ids("accepted") == []
    assert claim_ids("rejected ceasefire") == [other.pk]

    claim.text, other.text = "Sudzha was retaken", "Kursk was visited"
    Claim.objects.bulk_update([claim, other], ["text"])
    assert claim_ids("soldiers") == [] and claim_ids("ceasefire") == []
    assert claim_ids("sudzha") == [claim.pk]
    assert claim_ids("visited") == [other.pk]

    claim.delete()
    assert claim_ids("sudzha") == []
    assert claim_ids("kursk") == [other.pk]


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_and_reverses():
    """Migrating back removes every search object; migrating forward indexes the rows
    already there."""
    article = ArticleFactory(title="Backfill", body="Avdiivka before the index existed.")
    claim = ClaimFactory(text="Avdiivka fell in February")
    call_command("migrate", "articles", "0007", verbosity=0)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name LIKE '%fts%' OR name LIKE '%search%'"
                )
            else:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE column_name = 'search_vector'"
                )
            assert cursor.fetchall() == []
        Article.objects.filter(pk=article.pk).update(title="Backfilled")
    finally:
        call_command("migrate", "articles", verbosity=0)
    assert set(found("avdiivka")) == {("claim", claim.pk), ("article", article.pk)}
    assert article_ids("backfilled") == [article.pk]


def test_the_seed_is_searchable():
    call_command("loaddata", "seed", verbosity=0)
    for query in ("430", "Kursk", "ceasefire", "Gerasimov"):
        results = search(query)
        assert results.hits, query
        assert any("<mark>" in hit.snippet for hit in results), query
    kinds = {hit.kind for hit in search("430 soldiers")}
    assert kinds == {"article", "claim"}


# Ranking and snippets


def test_a_match_in_title_and_body_ranks_above_a_passing_mention():
    passing = ArticleFactory(
        title="Weekly roundup",
        body="Markets rose. Weather was mild. A ceasefire was mentioned once. " * 3,
    )
    strong = ArticleFactory(
        title="Ceasefire proposal", body="The ceasefire would last 30 days. Ceasefire talks."
    )
    hits = search("ceasefire")
    assert [hit.object.pk for hit in hits] == [strong.pk, passing.pk]
    assert hits.hits[0].rank > hits.hits[1].rank


def only_marks_are_tags(html: str) -> bool:
    return "<" not in re.sub(r"</?mark>", "", html) and ">" not in re.sub(r"</?mark>", "", html)


def test_snippets_escape_the_text_and_mark_only_the_match():
    """SQLite returns the text as stored; PostgreSQL's ts_headline leaves out what its
    parser takes for tags. Either way nothing but <mark> reaches the page unescaped."""
    article = ArticleFactory(title="<b>Hostile</b> title", body=HOSTILE)
    claim = ClaimFactory(text=HOSTILE)
    hits = {hit.kind: hit for hit in search("kursk")}
    assert hits["article"].object.pk == article.pk and hits["claim"].object.pk == claim.pk
    for hit in hits.values():
        assert only_marks_are_tags(hit.snippet)
        assert "<mark>Kursk</mark> &amp; &quot;quotes" in hit.snippet
        if "script" in hit.snippet:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hits["claim"].snippet
    assert only_marks_are_tags(hits["article"].title)
    assert "&lt;b&gt;Hostile&lt;/b&gt;" in hits["article"].title


def test_the_page_shows_hostile_text_escaped(viewer_client):
    ArticleFactory(title="<script>alert('t')</script> Kursk", body=HOSTILE)
    ClaimFactory(text=HOSTILE)
    html = viewer_client.get(PAGE, {"q": "Kursk"}).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the claim
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; <mark>Kursk</mark>" in html
    assert html.count("<mark>Kursk</mark>") == 3


def test_private_markers_in_the_text_cannot_unbalance_the_marks():
    ArticleFactory(title="Markers", body="An \ue000 opened and \ue001\ue001 closed: Lyman.")
    snippet = search("lyman").hits[0].snippet
    assert snippet.count("<mark>") == snippet.count("</mark>")
    assert "<mark>Lyman</mark>" in snippet


def test_a_match_only_in_the_title_shows_the_title_as_snippet_of_a_copy():
    canonical = ArticleFactory(title="Visit", body="Putin visited a command post.")
    ArticleFactory(
        title="Vovchansk visit", body="Putin visited a command post.", duplicate_of=canonical
    )
    [hit] = search("vovchansk")
    assert hit.object.pk == canonical.pk and not hit.canonical_matched and hit.copies == 1
    assert "<mark>Vovchansk</mark>" in hit.snippet
    assert hit.title == "Visit"


# What a person may type


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_query_is_a_syntax_error(query):
    ArticleFactory(title="Kursk", body="430 soldiers near Kursk, said a source.")
    ClaimFactory(text="Russia captured 430 Ukrainian soldiers near Kursk")
    search(query)
    search(query, kinds=("claim",), date_from=date(2020, 1, 1))


@pytest.mark.parametrize("query", ['"', "AND(", "*", "NEAR(", "-x", "😀", "x" * 1000])
def test_the_page_answers_any_query(viewer_client, query):
    ArticleFactory(title="Kursk", body="430 soldiers near Kursk.")
    assert viewer_client.get(PAGE, {"q": query}).status_code == 200


def test_words_phrases_exclusions_or_and_prefix():
    near = ArticleFactory(title="A", body="430 soldiers were captured near Kursk.")
    far = ArticleFactory(title="B", body="Soldiers were captured, 430 of them, in Sudzha.")
    other = ArticleFactory(title="C", body="General Gerasimov reported on the operation.")
    assert set(article_ids("soldiers 430")) == {near.pk, far.pk}
    assert article_ids('"430 soldiers"') == [near.pk]
    assert article_ids("soldiers -kursk") == [far.pk]
    assert set(article_ids("sudzha or gerasimov")) == {far.pk, other.pk}
    assert article_ids("gerasim*") == [other.pk]
    assert article_ids("gerasim") == []
    assert article_ids("-kursk") == []  # nothing to look for, only to leave out


def test_parse_query_keeps_only_letters_and_digits():
    parsed = parse_query('AND( "430 soldiers" -drill or Гера* NEAR( * 😀')
    assert parsed.groups == (
        (
            search_module.Term(words=("AND",)),
            search_module.Term(words=("430", "soldiers")),
            search_module.Term(words=("drill",), negated=True),
        ),
        (
            search_module.Term(words=("Гера",)),
            search_module.Term(words=("NEAR",)),
        ),
    )
    assert search_module.fts5_query(parse_query('x "a b" -c or d*')) == (
        '("x" "a b") NOT ("c") OR ("d"*)'
    )
    assert not parse_query('* - "" 😀 --')


def test_cyrillic_words_are_found_in_any_case():
    article = ArticleFactory(
        title="Заявление", body="Начальник Генштаба Валерий Герасимов доложил о ходе операции."
    )
    assert article_ids("Герасимов") == [article.pk]
    assert article_ids("герасимов") == [article.pk]
    assert article_ids("Гераси*") == [article.pk]


# Filters, duplicates, archive


def test_kinds_filter_articles_or_claims():
    article = ArticleFactory(title="Toretsk", body="Toretsk.")
    claim = ClaimFactory(text="Toretsk was encircled")
    assert found("toretsk", kinds=("article",)) == [("article", article.pk)]
    assert found("toretsk", kinds=("claim",)) == [("claim", claim.pk)]
    assert len(found("toretsk")) == 2
    assert found("toretsk", kinds=()) == []


def test_source_filter_applies_to_articles_and_to_claims_through_appearances():
    wire, blog = SourceFactory(name="Wire"), SourceFactory(name="Blog")
    on_wire = ArticleFactory(source=wire, title="Chasiv Yar", body="Chasiv Yar held.")
    on_blog = ArticleFactory(source=blog, title="Chasiv Yar", body="Chasiv Yar fell.")
    claim = ClaimFactory(text="Chasiv Yar fell")
    AppearanceFactory(claim=claim, article=on_blog)
    assert found("chasiv", source=wire) == [("article", on_wire.pk)]
    assert set(found("chasiv", source=blog)) == {("article", on_blog.pk), ("claim", claim.pk)}


def test_grade_filter_uses_the_current_grade_and_a_claims_best_grade():
    graded = SourceFactory()
    SourceRatingFactory(source=graded, grade="D", rated_at=at("2025-01-01"))
    SourceRatingFactory(source=graded, grade="B", rated_at=at("2025-06-01"))
    article = ArticleFactory(source=graded, title="Huliaipole", body="Huliaipole.")
    ArticleFactory(title="Huliaipole", body="Huliaipole, unrated.")
    claim = ClaimFactory(text="Huliaipole was shelled", best_grade="B")
    ClaimFactory(text="Huliaipole was quiet", best_grade="D")
    assert set(found("huliaipole", grade="B")) == {("article", article.pk), ("claim", claim.pk)}
    assert found("huliaipole", grade="D", kinds=("article",)) == []


def test_date_filter_is_inclusive_of_both_days_for_articles_and_claims():
    early = ArticleFactory(title="Bakhmut", body="Bakhmut.", published_at=at("2025-03-01T00:00"))
    late = ArticleFactory(title="Bakhmut", body="Bakhmut.", published_at=at("2025-03-10T23:59"))
    ArticleFactory(title="Bakhmut", body="Bakhmut.", published_at=at("2025-03-11T00:00"))
    claim = ClaimFactory(text="Bakhmut was held")
    AppearanceFactory(claim=claim, article=early)
    window = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 10)}
    assert set(article_ids("bakhmut", **window)) == {early.pk, late.pk}
    assert claim_ids("bakhmut", **window) == [claim.pk]
    assert claim_ids("bakhmut", date_from=date(2025, 3, 2)) == []


def test_a_duplicate_group_shows_once_as_its_canonical_with_the_copies_that_match():
    canonical = ArticleFactory(title="Wire story", body="Kherson bridge struck overnight.")
    for n in range(3):
        ArticleFactory(
            title=f"Copy {n}", body="Kherson bridge struck overnight.", duplicate_of=canonical
        )
    ArticleFactory(title="Copy x", body="Unrelated text.", duplicate_of=canonical)
    [hit] = search("kherson bridge")
    assert hit.object.pk == canonical.pk
    assert hit.copies == 3 and hit.canonical_matched


def test_a_hit_on_a_copy_alone_shows_its_canonical():
    canonical = ArticleFactory(title="Wire", body="The bridge was struck.")
    ArticleFactory(title="Copy", body="The Antonivskyi bridge was struck.", duplicate_of=canonical)
    [hit] = search("antonivskyi")
    assert hit.object.pk == canonical.pk
    assert hit.copies == 1 and not hit.canonical_matched
    assert "<mark>Antonivskyi</mark>" in hit.snippet


def test_archived_articles_claims_and_copies_of_archived_articles_are_hidden_by_default():
    archived = ArticleFactory(title="Vuhledar", body="Vuhledar.", status=ArticleStatus.ARCHIVED)
    ArticleFactory(title="Vuhledar copy", body="Vuhledar.", duplicate_of=archived)
    live = ArticleFactory(title="Vuhledar live", body="Vuhledar.")
    gone = ClaimFactory(text="Vuhledar fell", status=ClaimStatus.ARCHIVED)
    assert found("vuhledar") == [("article", live.pk)]
    everything = set(found("vuhledar", include_archived=True))
    assert everything == {("article", archived.pk), ("article", live.pk), ("claim", gone.pk)}


def test_pages_follow_each_other_without_overlap():
    for n in range(7):
        ArticleFactory(title=f"Izium {n}", body="Izium " * (n + 1))
    first = search("izium", limit=3)
    second = search("izium", limit=3, offset=3)
    last = search("izium", limit=3, offset=6)
    assert first.has_next and second.has_next and not last.has_next
    pages = [hit.object.pk for page in (first, second, last) for hit in page]
    assert len(pages) == len(set(pages)) == 7


def test_too_many_matches_are_ranked_among_the_newest_and_say_so(monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    ids = [ArticleFactory(title="Lyman", body="Lyman.").pk for _ in range(5)]
    results = search("lyman", kinds=("article",))
    assert results.capped
    assert {hit.object.pk for hit in results} == set(ids[-3:])
    assert not search("lyman", kinds=("article",), limit=1, date_to=date(2000, 1, 1)).capped


# The page


def test_the_empty_query_page_explains_how_to_search(viewer_client):
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search the desk" in html and 'name="q"' in html
    assert not any("_fts" in q["sql"] or "search_vector" in q["sql"] for q in queries)


def test_the_page_needs_login_and_the_permission_to_view_articles(client):
    assert client.get(PAGE, {"q": "x"}).status_code == 302
    client.force_login(UserFactory(username="nobody"))
    assert client.get(PAGE, {"q": "x"}).status_code == 403


def test_the_page_lists_hits_with_filters_and_a_next_page_link(viewer_client):
    source = SourceFactory(name="Kyiv Wire")
    for n in range(25):
        ArticleFactory(source=source, title=f"Kramatorsk {n}", body="Kramatorsk.")
    response = viewer_client.get(PAGE, {"q": "kramatorsk", "source": "Kyiv Wire"})
    html = response.content.decode()
    assert html.count('class="search-hit"') == 20
    assert 'rel="next"' in html and "page=2" in html
    second = viewer_client.get(PAGE, {"q": "kramatorsk", "source": "Kyiv Wire", "page": 2})
    assert second.content.decode().count('class="search-hit"') == 5
    assert 'rel="next"' not in second.content.decode()
    bad = viewer_client.get(PAGE, {"q": "kramatorsk", "source": "Nobody"})
    assert "No source is named" in bad.content.decode()


def test_every_page_has_the_search_box_and_its_shortcut(viewer_client):
    html = viewer_client.get(reverse("dashboard")).content.decode()
    assert re.search(r'<form[^>]*action="/search/"[^>]*role="search"', html)
    assert re.search(r'<input[^>]*name="q"[^>]*data-search-box', html)
    assert "js/search-shortcut.js" in html


def page_queries(client, query: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, {"q": query, **params})
    assert response.status_code == 200
    assert 'class="search-hit"' in response.content.decode()
    return len(queries)


def test_a_page_costs_the_same_number_of_queries_at_two_sizes(viewer_client):
    """Per kind: one query finds the page, one loads its objects, one its snippets (and a
    page holding both kinds does both)."""

    source = SourceFactory(name="Azov Desk")
    SourceRatingFactory(source=source, grade="B")

    def add(n: int) -> None:
        for _ in range(n):
            article = ArticleFactory(source=source, title="Mariupol", body="Mariupol siege.")
            ArticleFactory(source=source, title="Mariupol", body="Mariupol.", duplicate_of=article)
            claim = ClaimFactory(text="Mariupol was besieged", best_grade="B")
            AppearanceFactory(claim=claim, article=article)

    filters = {"source": "Azov Desk", "grade": "B", "published_from": "2000-01-01"}
    add(2)
    small = [page_queries(viewer_client, "mariupol", kind=kind, **filters) for kind in KINDS]
    add(40)
    large = [page_queries(viewer_client, "mariupol", kind=kind, **filters) for kind in KINDS]
    assert small == large


# PostgreSQL: the GIN index answers


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_finds_a_rare_term_through_the_gin_indexes():
    """Looked up in the GIN indexes, not found by testing rows (search turns sequential
    scans off for its one query; see `_index_lookup`)."""
    source = SourceFactory()
    Article.objects.bulk_create(
        Article(source=source, title=f"Filler {n}", body=f"Routine report number {n}.")
        for n in range(3000)
    )
    Claim.objects.bulk_create(Claim(text=f"Routine claim {n}") for n in range(3000))
    ArticleFactory(source=source, title="Kursk", body="Kursk.")
    ClaimFactory(text="Kursk")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("ANALYZE articles_claim")
    plan = search_module.explain("kursk")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)  # only the search query went without
    assert "Bitmap Index Scan on articles_article_search_idx" in plan
    assert "Bitmap Index Scan on articles_claim_search_idx" in plan
    assert len(found("kursk")) == 2


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_filters_matches_from_the_covering_index():
    plan = search_module.explain("kursk", source=SourceFactory())
    assert "articles_article_search_filter_idx" in plan
    assert "VIRTUAL TABLE" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 settings")
def test_the_article_index_writes_large_segments_and_merges_them_less_often():
    """Migration 0016: an import's 1,000-article statements become one segment each."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, v FROM articles_article_fts_config")
        settings = dict(cursor.fetchall())
    assert settings["hashsize"] == 16 * 1024 * 1024 and settings["automerge"] == 8


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_migration_module_restores_lost_triggers_and_reindexes():
    """What a later migration that remade a table would run: idempotent, re-indexes."""
    migration = importlib.import_module("articles.migrations.0008_full_text_search")
    article = ArticleFactory(title="Siversk", body="Siversk.")

    class Executor:  # what install_sqlite needs of a schema editor
        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    with connection.cursor() as cursor:
        for suffix in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER articles_article_fts_{suffix}")
    Article.objects.filter(pk=article.pk).update(title="Seized")
    migration.install_sqlite(Executor())
    migration.install_sqlite(Executor())
    assert article_ids("seized") == [article.pk]
    assert article_ids("siversk") == [article.pk]  # still in the body
    Article.objects.filter(pk=article.pk).update(body="Gone.")
    assert article_ids("siversk") == []
