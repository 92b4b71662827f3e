"""Reads that combine several models, for pages that summarise (the dashboard)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Min, Q

from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    ArticleStatus,
    Claim,
    DuplicateCandidate,
    DuplicateStatus,
    Source,
)


@dataclass(frozen=True)
class DashboardCounts:
    articles: int
    canonical_articles: int
    new_articles: int
    duplicate_articles: int
    claims: int
    appearances: int
    unanchored_appearances: int
    sources: int
    unrated_sources: int
    pending_duplicates: int


def dashboard_counts() -> DashboardCounts:
    """The dashboard's figures in a fixed, small number of aggregate queries."""
    articles = Article.objects.aggregate(
        total=Count("id"),
        canonical=Count("id", filter=Q(duplicate_of__isnull=True)),
        new=Count("id", filter=Q(status=ArticleStatus.NEW, duplicate_of__isnull=True)),
    )
    appearances = Appearance.objects.aggregate(
        total=Count("id"),
        unanchored=Count(
            "id", filter=Q(anchor_status__in=[AnchorStatus.FUZZY, AnchorStatus.ORPHANED])
        ),
    )
    sources = Source.objects.aggregate(
        total=Count("id", distinct=True),
        unrated=Count("id", filter=Q(ratings__isnull=True), distinct=True),
    )
    return DashboardCounts(
        articles=articles["total"],
        canonical_articles=articles["canonical"],
        new_articles=articles["new"],
        duplicate_articles=articles["total"] - articles["canonical"],
        claims=Claim.objects.count(),
        appearances=appearances["total"],
        unanchored_appearances=appearances["unanchored"],
        sources=sources["total"],
        unrated_sources=sources["unrated"],
        pending_duplicates=DuplicateCandidate.objects.filter(
            status=DuplicateStatus.PENDING
        ).count(),
    )


# How far around a claim's appearances to look for possibly-same sentences, and how many
# articles to read at most: the search reads bodies, so it is bounded.
SUGGESTION_WINDOW = timedelta(days=30)
SUGGESTION_ARTICLES = 200


def possibly_same_candidates(claim: Claim) -> list[Article]:
    """The articles worth reading for sentences that possibly state `claim`: canonical,
    not archived, not already carrying it, published within SUGGESTION_WINDOW of its
    appearances (the most recent articles when none is dated), newest first, at most
    SUGGESTION_ARTICLES. Bodies only, no raw input."""
    span = Article.objects.filter(appearances__claim=claim).aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    articles = (
        Article.objects.visible()
        .exclude(appearances__claim=claim)
        .only("title", "body", "published_at", "source_id")
    )
    if span["first"] is not None:
        articles = articles.filter(
            published_at__gte=span["first"] - SUGGESTION_WINDOW,
            published_at__lte=span["last"] + SUGGESTION_WINDOW,
        )
    return list(articles.order_by("-published_at", "-id")[:SUGGESTION_ARTICLES])


UNANCHORED = (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)


def unanchored_appearances(limit: int = 10) -> list[Appearance]:
    """The most recently re-anchored appearances a person should check: fuzzy (found only
    approximately) or orphaned (no longer found), with their claim and article titles."""
    return list(
        Appearance.objects.filter(anchor_status__in=UNANCHORED)
        .select_related("claim", "article")
        .only("exact", "anchor_status", "anchor_score", "claim__text", "article__title")
        .order_by("-id")[:limit]
    )
