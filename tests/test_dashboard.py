"""The dashboard shows what is in the desk and what waits for a person, counted by the
database in a fixed number of queries."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import (
    AnchorStatus,
    ArticleStatus,
    Claim,
    ClaimStatus,
    DuplicateStatus,
    LinkRelation,
)
from articles.selectors import (
    DashboardCounts,
    articles_imported_per_day,
    articles_per_day_by_grade,
    claims_by_credibility,
    contradicted_claims,
    dashboard_counts,
    recent_activity,
    top_claimants,
    top_tags,
)
from articles.services.claims import update_claim
from articles.services.duplicates import decide
from articles.services.ratings import rate_source
from articles.views.dashboard import dashboard_charts
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    DuplicateCandidateFactory,
    SourceFactory,
    SourceRatingFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

CONTRADICTS = LinkRelation.CONTRADICTS
DATA_COUNT = re.compile(r'data-count="(?P<name>[\w-]+)">(?P<value>\d+)<')


def build_desk(scale: int = 1) -> DashboardCounts:
    """A desk with known contents, `scale` times over; returns what the dashboard should say.

    Per unit: 2 sources (one rated twice, one unrated); 5 canonical articles (2 new, one
    of them with a claim marked, 1 reviewed, 2 archived) and 2 duplicates of them;
    3 claims with 4 appearances (one orphaned, one fuzzy), the first contradicting the
    second and corroborating the third; a tag on a claim and an article; 3 duplicate
    candidates of which 1 pending.
    """
    for _ in range(scale):
        rated, unrated = SourceFactory(), SourceFactory()
        SourceRatingFactory.create_batch(2, source=rated)
        statuses = [ArticleStatus.NEW] * 2 + [ArticleStatus.REVIEWED] + [ArticleStatus.ARCHIVED] * 2
        canonical = [
            ArticleFactory(source=rated if i % 2 else unrated, status=status)
            for i, status in enumerate(statuses)
        ]
        duplicates = [
            ArticleFactory(source=rated, duplicate_of=canonical[0], status=ArticleStatus.NEW),
            ArticleFactory(source=unrated, duplicate_of=canonical[1]),
        ]
        claims = ClaimFactory.create_batch(3)
        for claim, article, anchor in [
            (claims[0], canonical[0], AnchorStatus.EXACT),
            (claims[0], duplicates[0], AnchorStatus.MOVED),
            (claims[1], canonical[2], AnchorStatus.ORPHANED),
            (claims[2], canonical[3], AnchorStatus.FUZZY),
        ]:
            AppearanceFactory(claim=claim, article=article, anchor_status=anchor)
        ClaimLinkFactory(from_claim=claims[0], to_claim=claims[1], relation=CONTRADICTS)
        ClaimLinkFactory(from_claim=claims[0], to_claim=claims[2])
        tag = TagFactory()
        claims[0].tags.add(tag)
        canonical[0].tags.add(tag)
        for older, newer, status in [
            (canonical[0], duplicates[0], DuplicateStatus.PENDING),
            (canonical[1], duplicates[1], DuplicateStatus.CONFIRMED),
            (canonical[2], canonical[3], DuplicateStatus.REJECTED),
        ]:
            DuplicateCandidateFactory(article_a=older, article_b=newer, status=status)
    return DashboardCounts(
        articles=7 * scale,
        canonical_articles=5 * scale,
        new_articles=2 * scale,
        duplicate_articles=2 * scale,
        claims=3 * scale,
        appearances=4 * scale,
        unanchored_appearances=2 * scale,
        sources=2 * scale,
        unrated_sources=1 * scale,
        pending_duplicates=1 * scale,
        unmarked_new_articles=1 * scale,
        contradicted_claims=2 * scale,
    )


def _shown_counts(html: str) -> dict[str, int]:
    return {m["name"]: int(m["value"]) for m in DATA_COUNT.finditer(html)}


# The selector


def test_empty_desk_counts_nothing():
    assert dashboard_counts() == DashboardCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_dashboard_counts_what_is_in_the_desk():
    expected = build_desk()
    assert dashboard_counts() == expected


def test_source_rated_many_times_counts_once_and_as_rated():
    SourceRatingFactory.create_batch(3, source=SourceFactory())

    counts = dashboard_counts()

    assert (counts.sources, counts.unrated_sources) == (1, 0)


def test_new_duplicates_are_not_queued_for_triage():
    canonical = ArticleFactory(status=ArticleStatus.REVIEWED)
    ArticleFactory(duplicate_of=canonical, status=ArticleStatus.NEW)

    assert dashboard_counts().new_articles == 0


def test_dashboard_counts_take_the_same_few_queries_at_any_size():
    build_desk(1)
    with CaptureQueriesContext(connection) as small:
        dashboard_counts()
    build_desk(4)
    with CaptureQueriesContext(connection) as large:
        dashboard_counts()

    assert len(large) == len(small) <= 10


# The page


def test_dashboard_shows_the_counts(viewer_client):
    build_desk()

    response = viewer_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _shown_counts(html) == {
        "articles": 5,
        "claims": 3,
        "sources": 2,
        "new-articles": 2,
        "pending-duplicates": 1,
        "unanchored": 2,
        "unrated-sources": 1,
        "unmarked-new-articles": 1,
        "contradicted-claims": 2,
    }
    assert "2 duplicates hidden · 7 imported" in html
    assert "4 appearances" in html


def test_dashboard_of_an_empty_desk_shows_zeros(viewer_client):
    response = viewer_client.get("/")

    assert set(_shown_counts(response.content.decode()).values()) == {0}


def _queries(client) -> tuple[int, int, str]:
    """Queries of the dashboard computing its figures, then of it reusing them; and the
    page."""
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get("/")
    with CaptureQueriesContext(connection) as reused:
        response = client.get("/")
    return len(computed), len(reused), response.content.decode()


def test_dashboard_query_count_does_not_grow_with_the_desk(viewer_client):
    build_desk(1)
    viewer_client.get("/")  # warm per-process caches before counting
    small = _queries(viewer_client)

    build_desk(5)
    large = _queries(viewer_client)

    assert _shown_counts(large[2])["articles"] == 30
    assert large[:2] == small[:2]
    assert small[1] < small[0]


def test_kept_figures_move_with_each_recorded_change(viewer_client, editor, analyst):
    """The counts are kept between requests, keyed on the desk's newest changes: deciding
    a pair, marking a claim, rating a source or importing an article shows on the next
    load, without waiting for the figures to expire."""
    pair = DuplicateCandidateFactory(status=DuplicateStatus.PENDING)
    source = SourceFactory()
    article = ArticleFactory(source=source)
    before = _shown_counts(viewer_client.get("/").content.decode())

    decide(candidate=pair, confirm=False, by=editor)
    after_decision = _shown_counts(viewer_client.get("/").content.decode())
    AppearanceFactory(article=article)
    after_claim = _shown_counts(viewer_client.get("/").content.decode())
    rate_source(source=source, grade="B", rationale="Known outlet.", by=editor)
    after_rating = _shown_counts(viewer_client.get("/").content.decode())
    ArticleFactory(source=source)
    after_import = _shown_counts(viewer_client.get("/").content.decode())

    assert after_decision["pending-duplicates"] == before["pending-duplicates"] - 1 == 0
    assert after_claim["claims"] == before["claims"] + 1
    assert after_claim["unmarked-new-articles"] == before["unmarked-new-articles"] - 1
    assert after_rating["unrated-sources"] == before["unrated-sources"] - 1
    assert after_import["articles"] == after_rating["articles"] + 1


# The work queues


def test_a_new_article_leaves_the_unmarked_queue_once_a_claim_is_marked_in_it():
    marked, unmarked = ArticleFactory(), ArticleFactory()
    ArticleFactory(status=ArticleStatus.REVIEWED)
    ArticleFactory(duplicate_of=unmarked)  # a copy is never queued
    AppearanceFactory(article=marked)

    counts = dashboard_counts()

    assert (counts.new_articles, counts.unmarked_new_articles) == (2, 1)


def test_queues_that_no_index_counts_stop_counting_at_the_cap(monkeypatch, viewer_client):
    monkeypatch.setattr("articles.selectors.QUEUE_COUNT_CAP", 3)
    monkeypatch.setattr("articles.views.dashboard.QUEUE_COUNT_CAP", 3)
    ArticleFactory.create_batch(5)

    counts = dashboard_counts()
    html = viewer_client.get("/").content.decode()

    assert (counts.articles, counts.new_articles, counts.unmarked_new_articles) == (5, 4, 4)
    assert 'data-count="new-articles">3+<' in html
    assert 'data-count="unmarked-new-articles">3+<' in html


def test_contradicted_claims_count_either_direction_once_and_not_when_archived():
    a, b, c, archived, corroborated = ClaimFactory.create_batch(5)
    archived.status = ClaimStatus.ARCHIVED
    archived.save()
    ClaimLinkFactory(from_claim=a, to_claim=b, relation=CONTRADICTS)
    ClaimLinkFactory(from_claim=c, to_claim=a, relation=CONTRADICTS)
    ClaimLinkFactory(from_claim=archived, to_claim=c, relation=CONTRADICTS)
    ClaimLinkFactory(from_claim=a, to_claim=corroborated)

    assert dashboard_counts().contradicted_claims == 3
    assert {claim.pk for claim in contradicted_claims()} == {a.pk, b.pk, c.pk}


def test_contradicted_claims_list_the_latest_changed_first_at_most_ten():
    claims = ClaimFactory.create_batch(12)
    for claim in claims[1:]:
        ClaimLinkFactory(from_claim=claims[0], to_claim=claim, relation=CONTRADICTS)
    Claim.objects.filter(pk=claims[3].pk).update(updated_at=timezone.now() + timedelta(hours=1))

    listed = contradicted_claims()

    assert len(listed) == 10
    assert listed[0].pk == claims[3].pk


def test_queues_link_to_the_lists_that_show_them(viewer_client):
    build_desk()

    html = viewer_client.get("/").content.decode()

    for href, text in [
        ("/articles/?status=new", "New articles to triage"),
        ("/duplicates/", "Duplicate pairs to decide"),
        ("/claims/?anchor=unanchored", "Fuzzy or orphaned anchors"),
        ("/sources/?unrated=1", "Unrated sources"),
        ("#contradicted-heading", "Claims with contradictions"),
    ]:
        assert f'<a href="{href}">{text}</a>' in html
    # No list filters articles without claims yet: the count stands alone, and says so.
    assert "<td>New articles with no claim marked yet" in html
    assert "cannot filter on this yet" in html


def test_the_queue_links_lead_to_lists_showing_the_counted_rows(viewer_client):
    build_desk()

    new = viewer_client.get("/articles/?status=new").content.decode()
    pending = viewer_client.get("/duplicates/").content.decode()

    assert len(re.findall(r'href="/articles/\d+/"', new)) == dashboard_counts().new_articles
    assert len(set(re.findall(r'href="/duplicates/(\d+)/"', pending))) == 1


def test_the_page_lists_contradicted_claims_with_links(viewer_client):
    claim, other = ClaimFactory(text="Troops remain in Kursk"), ClaimFactory()
    ClaimLinkFactory(from_claim=other, to_claim=claim, relation=CONTRADICTS)

    html = viewer_client.get("/").content.decode()

    section = html[html.index('id="contradicted-heading"') :]
    assert f'<a href="/claims/{claim.pk}/">#{claim.pk} Troops remain in Kursk</a>' in section
    assert f'href="/claims/{other.pk}/"' in section


# The charts, on the seed documents (published June 2025, imported 1 July 2025)

SEED_DAY = date(2025, 7, 1)


@pytest.fixture
def seed(db):
    call_command("loaddata", "seed", verbosity=0)


def test_seed_articles_per_day_by_grade(seed):
    # Three seed articles carry no date; one was published in January.
    assert articles_per_day_by_grade(date(2025, 6, 2), SEED_DAY) == {date(2025, 6, 17): {"C": 1}}


def test_seed_imports_per_day(seed):
    assert articles_imported_per_day(date(2025, 6, 2), SEED_DAY) == {SEED_DAY: 5}
    assert articles_imported_per_day(date(2025, 5, 1), date(2025, 5, 30)) == {}


def test_seed_claims_by_credibility(seed):
    assert claims_by_credibility() == {1: 2, 2: 3, 3: 4, 4: 3, 5: 1, 6: 3}


def test_seed_top_claimants(seed):
    top = top_claimants()

    assert len(top) == 10
    assert top[:3] == [("Gerasimov", 2), ("Putin", 2), ("the expert", 2)]
    assert {n for _, n in top[3:]} == {1}
    assert "" not in {name for name, _ in top}


def test_seed_top_tags_count_claims_and_articles(seed):
    top = top_tags()

    assert top[:4] == [
        ("place:Kursk", 9, 5),
        ("topic:negotiations", 4, 2),
        ("person:Vladimir Putin", 4, 1),
        ("topic:ceasefire", 3, 2),
    ]
    assert len(top) == 10


def test_seed_charts_table_the_same_numbers(seed):
    per_day, imports, credibility, claimants, tags = dashboard_charts(SEED_DAY)

    assert per_day.rows[15] == ["2025-06-17", 0, 0, 1, 0, 0, 0, 0, 1]
    assert sum(row[-1] for row in per_day.rows) == 1
    assert imports.rows[-1] == ["2025-07-01", 5, 5]
    assert [row[1] for row in credibility.rows] == [2, 3, 4, 3, 1, 3]
    assert credibility.rows[0][0] == "1 – Confirmed by other sources"
    assert claimants.rows[0] == ["Gerasimov", 2]
    assert tags.rows[0] == ["place:Kursk", 9, 5, 14]
    assert all(chart.svg is not None for chart in (per_day, imports, credibility))


def test_seed_dashboard_shows_every_chart_as_a_figure_with_a_table(seed, viewer_client):
    html = viewer_client.get("/").content.decode()

    assert html.count('<figure class="chart"') == 5
    assert html.count("<figcaption>") == 5
    assert html.count('role="img"') == 3  # the seed is older than the per-day charts' window
    assert html.count("No article was published in the last 30 days.") == 1
    assert html.count("Nothing was imported in the last 30 days.") == 1
    assert html.count('<details class="chart-table">') == 5
    assert "style=" not in html[html.index("<main") :]


def test_per_day_charts_cover_the_last_30_days_only():
    today = timezone.localdate()
    now = timezone.now()
    ArticleFactory(published_at=now - timedelta(days=29))
    ArticleFactory(published_at=now - timedelta(days=31), imported_at=now - timedelta(days=31))
    ArticleFactory(published_at=now + timedelta(days=2))  # a wrong date in the future

    per_day = articles_per_day_by_grade(today - timedelta(days=29), today)
    imported = articles_imported_per_day(today - timedelta(days=29), today)

    assert sum(sum(grades.values()) for grades in per_day.values()) == 1
    assert sum(imported.values()) == 2


def test_articles_per_day_count_canonical_articles_under_their_source_current_grade():
    today = timezone.localdate()
    rated, unrated = SourceFactory(), SourceFactory()
    SourceRatingFactory(source=rated, grade="B", rated_at=timezone.now() - timedelta(days=3))
    SourceRatingFactory(source=rated, grade="D")
    first = ArticleFactory(source=rated)
    ArticleFactory(source=rated)
    ArticleFactory(source=unrated, duplicate_of=first)  # a copy is not another story
    ArticleFactory(source=unrated)

    assert articles_per_day_by_grade(today, today) == {today: {"D": 2, "": 1}}
    assert articles_imported_per_day(today, today) == {today: 4}


def test_archived_claims_leave_the_credibility_chart():
    ClaimFactory(credibility=2)
    ClaimFactory(credibility=2, status=ClaimStatus.ARCHIVED)

    assert claims_by_credibility() == {1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0}


def test_hostile_claimant_and_tag_names_are_escaped_on_the_page(viewer_client):
    claimant = '<script>alert("claimant")</script>'
    tag = TagFactory(name="topic:<img src=x onerror=alert(1)>")
    appearance = AppearanceFactory(claimant=claimant)
    appearance.claim.tags.add(tag)

    html = viewer_client.get("/").content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;claimant&quot;)&lt;/script&gt;" in html
    assert "topic:&lt;img src=x onerror=alert(1)&gt;" in html


# Recent activity, from the history


def test_activity_names_who_rated_which_source(editor):
    source = SourceFactory(name="Barron's")

    rate_source(source=source, grade="B", rationale="Named reporters.", by=editor)

    entry = recent_activity()[0]
    assert (entry.who, entry.action, entry.target, entry.detail) == (
        "editor",
        "rated",
        "Barron's",
        "B",
    )
    assert entry.url == f"/sources/{source.pk}/"


def test_activity_shows_claim_edits_and_credibility_changes(analyst, editor):
    claim = ClaimFactory()

    claim = update_claim(claim=claim, version=claim.version, by=analyst, notes="See the map.")
    update_claim(
        claim=claim, version=claim.version, by=editor, credibility=5, credibility_rationale="No."
    )

    edited_credibility, edited = recent_activity()[:2]
    assert (edited.who, edited.action, edited.target) == ("analyst", "edited", f"claim #{claim.pk}")
    assert edited.url == f"/claims/{claim.pk}/"
    assert (edited_credibility.who, edited_credibility.action) == (
        "editor",
        "set the credibility of",
    )
    assert edited_credibility.detail == "to 5 (was 6)"


def test_activity_shows_duplicate_decisions_not_the_regrouping_they_cause(editor):
    older, newer = ArticleFactory(), ArticleFactory()
    pair = DuplicateCandidateFactory(article_a=older, article_b=newer)

    decide(candidate=pair, confirm=True, by=editor)

    entries = recent_activity()
    assert [(e.who, e.action, e.target) for e in entries if e.who == "editor"] == [
        ("editor", "confirmed", f"duplicate pair #{pair.pk}")
    ]
    assert entries[0].url == f"/duplicates/{pair.pk}/"
    assert not [e for e in entries if e.action == "marked"]


def test_activity_shows_article_status_changes_only(editor):
    article = ArticleFactory(title="Putin visits Kursk")
    article.title = "Putin visits the Kursk region"
    article.save()
    article.status = ArticleStatus.REVIEWED
    article._history_user = editor
    article.save()

    entries = [e for e in recent_activity() if e.action == "marked"]

    assert [(e.who, e.target, e.detail, e.url) for e in entries] == [
        ("editor", "“Putin visits the Kursk region”", "as reviewed", f"/articles/{article.pk}/")
    ]


def test_activity_is_the_20_latest_across_all_kinds(editor):
    for _ in range(15):
        rate_source(source=SourceFactory(), grade="C", rationale="Mixed record.", by=editor)
    ClaimFactory.create_batch(15)

    entries = recent_activity()

    assert len(entries) == 20
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    assert {e.action for e in entries} == {"rated", "created"}


def test_the_page_shows_activity_with_links(viewer_client, editor):
    source = SourceFactory(name="Barron's")
    rate_source(source=source, grade="B", rationale="Named reporters.", by=editor)

    html = viewer_client.get("/").content.decode()

    assert re.search(
        r'<span class="who">editor</span> rated\s*'
        rf'<a href="/sources/{source.pk}/">Barron&#x27;s</a>\s*'
        r'<span class="activity-detail">B</span>',
        html,
    )


# The whole page's query budget


def _activity_of_every_kind(editor, analyst) -> None:
    source = SourceFactory()
    rate_source(source=source, grade="A", rationale="Corrects openly.", by=editor)
    claim = ClaimFactory()
    update_claim(claim=claim, version=claim.version, by=analyst, notes="Checked.")
    pair = DuplicateCandidateFactory()
    decide(candidate=pair, confirm=False, by=editor)
    article = ArticleFactory(source=source)
    article.status = ArticleStatus.ARCHIVED
    article.save()


def test_dashboard_query_count_is_the_same_with_ten_times_the_desk(viewer_client, editor, analyst):
    build_desk(1)
    _activity_of_every_kind(editor, analyst)
    viewer_client.get("/")  # warm per-process caches before counting
    small = _queries(viewer_client)

    build_desk(9)
    for _ in range(9):
        _activity_of_every_kind(editor, analyst)
    large = _queries(viewer_client)

    html = large[2]
    # 5 canonical articles per desk, 3 per round of activity (a decided pair and one more)
    assert _shown_counts(html)["articles"] == 10 * 5 + 10 * 3
    assert html.count('role="img"') == 5
    assert large[:2] == small[:2]
    assert small[0] <= 34 and small[1] <= 13


def test_per_day_charts_count_days_in_the_desk_time_zone_edges_included():
    utc = ZoneInfo("UTC")
    for when in [
        datetime(2026, 3, 1, 0, 0, tzinfo=utc),  # the first day's first moment
        datetime(2026, 3, 9, 22, 30, tzinfo=utc),  # 10 March in Kyiv, 9 March in UTC
        datetime(2026, 3, 30, 23, 59, 59, tzinfo=utc),  # the last day's last second
        datetime(2026, 3, 31, 0, 0, tzinfo=utc),  # the day after
    ]:
        ArticleFactory(published_at=when, imported_at=when)
    first, last = date(2026, 3, 1), date(2026, 3, 30)

    in_utc = articles_imported_per_day(first, last)
    with timezone.override("Europe/Kyiv"):
        in_kyiv = articles_per_day_by_grade(first, last)

    assert in_utc == {date(2026, 3, 1): 1, date(2026, 3, 9): 1, date(2026, 3, 30): 1}
    assert in_kyiv == {date(2026, 3, 1): {"": 1}, date(2026, 3, 10): {"": 1}}
