"""Reads: the QuerySet methods every page, command and admin uses to ask the same way."""

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

# Large columns no list or summary reads: the raw input, the clean body, the fingerprint.
ARTICLE_TEXT_FIELDS = ("raw", "body", "fingerprint")


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

    def named(self, name: str) -> "SourceQuerySet":
        """Sources whose name or one of whose aliases is `name`, ignoring case."""
        return self.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name)).distinct()

    def matching(self, text: str) -> "SourceQuerySet":
        """Sources whose name or an alias contains `text` (any case), for autocompletion:
        names starting with it first, then aliases starting with it, then the rest, each
        alphabetically. `matched_alias` is the alias that matched when the name did not."""
        from articles.models import SourceAlias

        alias = SourceAlias.objects.filter(source=OuterRef("pk"), name__icontains=text)
        return (
            self.annotate(
                matched_alias=Case(
                    When(name__icontains=text, then=Value(None)),
                    default=Subquery(alias.order_by("name").values("name")[:1]),
                    output_field=CharField(),
                )
            )
            .filter(Q(name__icontains=text) | Q(matched_alias__isnull=False))
            .annotate(
                rank=Case(
                    When(name__istartswith=text, then=Value(0)),
                    When(matched_alias__istartswith=text, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "name")
        )


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

    def with_source_grade(self) -> "ArticleQuerySet":
        """Annotate `source_grade`: the current reliability grade of the article's source
        (its latest rating), or None if unrated. A correlated subquery, so it is computed
        for the rows fetched, not for the whole table."""
        from articles.models import SourceRating

        latest = SourceRating.objects.filter(source=OuterRef("source_id")).order_by(
            "-rated_at", "-id"
        )
        return self.annotate(source_grade=Subquery(latest.values("grade")[:1]))

    def with_copy_count(self) -> "ArticleQuerySet":
        """Annotate `n_copies`: how many articles are duplicates of this one. A correlated
        subquery per row rather than a GROUP BY over the whole table."""
        from articles.models import Article

        copies = (
            Article.objects.filter(duplicate_of=OuterRef("pk"))
            .order_by()
            .values("duplicate_of")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(n_copies=Coalesce(Subquery(copies), 0))

    def for_list(self) -> "ArticleQuerySet":
        """What a row of the article list shows, in one query per page: the source with its
        current grade, the number of copies, the canonical's title for a duplicate; never
        the raw input, body or fingerprint."""
        return (
            self.select_related("source")
            .defer(*ARTICLE_TEXT_FIELDS, "source__notes", "source__boilerplate")
            .with_source_grade()
            .with_copy_count()
            .annotate(canonical_title=F("duplicate_of__title"))
        )

    def for_page(self) -> "ArticleQuerySet":
        """What the article page shows about the article itself (its copies and duplicate
        pairs are read separately): the body but not the raw input or the fingerprint."""
        return (
            self.select_related("source", "upstream_source", "import_batch", "duplicate_of")
            .defer(
                "raw",
                "fingerprint",
                "source__notes",
                "source__boilerplate",
                "upstream_source__notes",
                "upstream_source__boilerplate",
                *(f"duplicate_of__{field}" for field in ARTICLE_TEXT_FIELDS),
            )
            .with_source_grade()
            .prefetch_related("tags")
        )


class ClaimQuerySet(models.QuerySet):
    def with_counts(self) -> "ClaimQuerySet":
        return self.annotate(n_appearances=Count("appearances", distinct=True))


class DuplicateCandidateQuerySet(models.QuerySet):
    def _with_articles(self) -> "DuplicateCandidateQuerySet":
        from articles.models import SourceRating

        def grade(side: str) -> Subquery:
            latest = SourceRating.objects.filter(
                source=OuterRef(f"article_{side}__source_id")
            ).order_by("-rated_at", "-id")
            return Subquery(latest.values("grade")[:1])

        return self.select_related(
            "article_a__source", "article_b__source", "proposed_by", "decided_by"
        ).annotate(grade_a=grade("a"), grade_b=grade("b"))

    def for_list(self) -> "DuplicateCandidateQuerySet":
        """A row of the review queue: both articles' titles, sources and grades; no text."""
        text = [f"article_{side}__{field}" for side in "ab" for field in ARTICLE_TEXT_FIELDS]
        sources = [
            f"article_{side}__source__{field}"
            for side in "ab"
            for field in ("notes", "boilerplate")
        ]
        return self._with_articles().defer(*text, *sources)

    def for_review(self) -> "DuplicateCandidateQuerySet":
        """The review page: both articles with their bodies (not the raw input)."""
        return self._with_articles().defer(
            "article_a__raw", "article_b__raw", "article_a__fingerprint", "article_b__fingerprint"
        )
