"""The dashboard shows what is in the desk and what waits for a person, counted by the
database in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import AnchorStatus, ArticleStatus, DuplicateStatus
from articles.selectors import DashboardCounts, dashboard_counts
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    DuplicateCandidateFactory,
    SourceFactory,
    SourceRatingFactory,
)

pytestmark = pytest.mark.django_db

DATA_COUNT = re.compile(r'data-count="(?P<name>[\w-]+)">(?P<value>\d+)<')


def build_desk(scale: int = 1) -> DashboardCounts:
    """A desk with known contents, `scale` times over; returns what the dashboard should say.

    Per unit: 2 sources (one rated twice, one unrated); 5 canonical articles (2 new,
    1 reviewed, 2 archived) and 2 duplicates of them; 3 claims with 4 appearances (one
    orphaned, one fuzzy); 3 duplicate candidates of which 1 pending.
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
    )


def _shown_counts(html: str) -> dict[str, int]:
    return {m["name"]: int(m["value"]) for m in DATA_COUNT.finditer(html)}


# The selector


def test_empty_desk_counts_nothing():
    assert dashboard_counts() == DashboardCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


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

    assert len(large) == len(small) <= 5


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
    }
    assert "2 duplicates hidden · 7 imported" in html
    assert "4 appearances" in html


def test_dashboard_of_an_empty_desk_shows_zeros(viewer_client):
    response = viewer_client.get("/")

    assert set(_shown_counts(response.content.decode()).values()) == {0}


def test_dashboard_query_count_does_not_grow_with_the_desk(viewer_client):
    build_desk(1)
    viewer_client.get("/")  # warm per-process caches before counting
    with CaptureQueriesContext(connection) as small:
        viewer_client.get("/")

    build_desk(5)
    with CaptureQueriesContext(connection) as large:
        response = viewer_client.get("/")

    assert _shown_counts(response.content.decode())["articles"] == 30
    assert len(large) == len(small)
