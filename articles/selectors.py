"""Reads that combine several models, for pages that summarise (the dashboard)."""

from dataclasses import dataclass

from django.db.models import Count, Q

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
