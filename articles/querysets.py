"""Reads: the QuerySet methods every page, command and admin uses to ask the same way."""

from django.db import models
from django.db.models import Count, OuterRef, Subquery


class SourceQuerySet(models.QuerySet):
    def with_current_grade(self) -> "SourceQuerySet":
        """Annotate `current_grade` and `rated_at`: the latest rating's, or None if unrated."""
        from articles.models import SourceRating

        latest = SourceRating.objects.filter(source=OuterRef("pk")).order_by("-rated_at", "-id")
        return self.annotate(
            current_grade=Subquery(latest.values("grade")[:1]),
            last_rated_at=Subquery(latest.values("rated_at")[:1]),
        )

    def unrated(self) -> "SourceQuerySet":
        return self.filter(ratings__isnull=True)


class ArticleQuerySet(models.QuerySet):
    def canonical(self) -> "ArticleQuerySet":
        """Articles that are not a duplicate of another: the default list."""
        return self.filter(duplicate_of__isnull=True)

    def duplicates(self) -> "ArticleQuerySet":
        return self.filter(duplicate_of__isnull=False)

    def visible(self) -> "ArticleQuerySet":
        """What default lists show: canonical articles that are not archived."""
        from articles.models import ArticleStatus

        return self.canonical().exclude(status=ArticleStatus.ARCHIVED)


class ClaimQuerySet(models.QuerySet):
    def with_counts(self) -> "ClaimQuerySet":
        return self.annotate(n_appearances=Count("appearances", distinct=True))
