"""Reads: the QuerySet methods every page, command and admin uses to ask the same way."""

from django.db import connections, models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull

# Large columns no list or summary reads: the raw input, the clean body, the fingerprint.
ARTICLE_TEXT_FIELDS = ("raw", "body", "fingerprint")


def latest_rating(field: str, *, source: str = "pk") -> Subquery:
    """`field` of the latest rating of the source at `source` (an outer reference): the
    current grade and its companions, one correlated subquery each, computed only for the
    rows a page fetches. Ratings are append-only, so the latest one is the current one."""
    from articles.models import SourceRating

    latest = SourceRating.objects.filter(source=OuterRef(source)).order_by("-rated_at", "-id")
    return Subquery(latest.values(field)[:1])


class SourceQuerySet(models.QuerySet):
    def with_current_grade(self) -> "SourceQuerySet":
        """Annotate `current_grade` and `last_rated_at`: the latest rating's, or None if
        unrated."""
        return self.annotate(
            current_grade=latest_rating("grade"), last_rated_at=latest_rating("rated_at")
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

    def with_last_rating(self) -> "SourceQuerySet":
        """`with_current_grade()` and `last_rated_by`: the latest rater's user name."""
        from django.contrib.auth import get_user_model

        username = f"rated_by__{get_user_model().USERNAME_FIELD}"
        return self.with_current_grade().annotate(last_rated_by=latest_rating(username))

    def for_list(self) -> "SourceQuerySet":
        """A row of the source list, in one query per page plus one for the page's
        domains: the latest rating; not the notes or boilerplate. The track record
        (`n_articles`, `n_claims`, `n_flagged`) is stored on the source."""
        from articles.models import SourceDomain

        return (
            self.defer("notes", "boilerplate")
            .with_last_rating()
            .prefetch_related(
                Prefetch("domains", queryset=SourceDomain.objects.only("source_id", "domain"))
            )
        )

    def for_page(self) -> "SourceQuerySet":
        """The source page's source (its track record is stored on it), domains and
        aliases. Its ratings are read separately, newest first; the newest is the current
        grade."""
        return self.defer("boilerplate").prefetch_related("domains", "aliases")


class ArticleQuerySet(models.QuerySet):
    def canonical(self) -> "ArticleQuerySet":
        """Articles that are not a duplicate of another: the default list.

        On SQLite, tested as `duplicate_of_id + 0 IS NULL`, the same test without the
        duplicate_of index. Nine articles in ten are canonical, but SQLite's planner takes
        any indexed IS NULL as selective: it read every canonical article through that
        index and sorted them all for each page of the list (0.25 s at 2,000 articles,
        growing with the desk), instead of walking the list's sort index and stopping after
        one page (1 ms). PostgreSQL knows the share of NULLs from its statistics, but has
        none for the expression: it guessed 16 rows of 10,000 and joined every article to
        every source (the list 95 ms at 10,000 articles), so there the column is tested
        as it is."""
        if connections[self.db].vendor != "sqlite":
            return self.filter(duplicate_of__isnull=True)
        not_a_copy = ExpressionWrapper(F("duplicate_of") + 0, output_field=BigIntegerField())
        return self.filter(IsNull(not_a_copy, True))

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
        return self.annotate(source_grade=latest_rating("grade", source="source_id"))

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


def independence_key(path: str = "article") -> Coalesce:
    """The independence rule, in one place: which source an appearance's article counts as
    when counting the independent sources of a claim. An article derived from another
    (upstream attribution) counts as its upstream; a duplicate counts as its canonical
    article, and so as the canonical's upstream or source. Distinct keys = independent
    sources. `path` leads from the rows to the article."""
    return Coalesce(
        f"{path}__upstream_source_id",
        f"{path}__duplicate_of__upstream_source_id",
        f"{path}__duplicate_of__source_id",
        f"{path}__source_id",
    )


class ClaimQuerySet(models.QuerySet):
    def for_list(self) -> "ClaimQuerySet":
        """A row of the claim list, in one query per page plus one for the page's tags and
        one for its claimants. Counts and the best grade are stored on the claim."""
        from articles.models import Appearance

        claimants = (
            Appearance.objects.exclude(claimant="")
            .only("claim_id", "claimant")
            .order_by("claimant")
        )
        return self.prefetch_related(
            "tags", Prefetch("appearances", queryset=claimants, to_attr="claimant_rows")
        )

    def for_page(self) -> "ClaimQuerySet":
        return self.select_related("created_by").prefetch_related("tags").with_flags()

    def appearing_in(self, source) -> "ClaimQuerySet":
        """Claims with an appearance in one of `source`'s articles, each once."""
        from articles.models import Appearance

        return self.filter(
            Exists(Appearance.objects.filter(claim=OuterRef("pk"), article__source=source))
        )

    def with_flags(self) -> "ClaimQuerySet":
        """Annotate `contradicted` and `flagged`, as `flagged_claim` decides."""
        return self.annotate(
            contradicted=_contradicted("pk"),
            flagged=ExpressionWrapper(flagged_claim(), output_field=BooleanField()),
        )


class DuplicateCandidateQuerySet(models.QuerySet):
    def _with_articles(self) -> "DuplicateCandidateQuerySet":
        return self.select_related(
            "article_a__source", "article_b__source", "proposed_by", "decided_by"
        ).annotate(
            grade_a=latest_rating("grade", source="article_a__source_id"),
            grade_b=latest_rating("grade", source="article_b__source_id"),
        )

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


def flagged_claim(path: str = "") -> Q:
    """The track-record rule, in one place: a claim counts against the sources it appears
    in when it is rated credibility 5 (improbable) or 6 (cannot be judged), or when a
    "contradicts" link points to or from it. `path` leads from the filtered rows to the
    claim: `""` for claims, `"claim"` for appearances."""
    from articles.models import Credibility

    prefix = f"{path}__" if path else ""
    claim_id = f"{path}_id" if path else "pk"
    flagged_grades = (Credibility.IMPROBABLE, Credibility.UNJUDGED)
    return Q(**{f"{prefix}credibility__in": flagged_grades}) | Q(_contradicted(claim_id))


def track_record(source: str = "pk") -> dict[str, Coalesce]:
    """The track-record figures of the source at `source` (an outer reference), as
    expressions: `n_articles` (all its articles, copies included), `n_claims` (distinct
    claims appearing in them) and `n_flagged` (how many of those `flagged_claim` flags).
    Stored on the source by `services.claims.refresh_source_stats`; correlated subqueries,
    so an UPDATE computes them for the rows it touches only."""
    from articles.models import Appearance, Article

    articles = (
        Article.objects.filter(source=OuterRef(source))
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values("n")
    )
    appearances = (
        Appearance.objects.filter(article__source=OuterRef(source))
        .order_by()
        .values("article__source")
    )

    def distinct_claims(rows) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(n=Count("claim", distinct=True)).values("n")), 0)

    return {
        "n_articles": Coalesce(Subquery(articles), 0),
        "n_claims": distinct_claims(appearances),
        "n_flagged": distinct_claims(appearances.filter(flagged_claim("claim"))),
    }


def _contradicted(claim_id: str) -> Exists:
    """A "contradicts" link points to or from the claim whose id is the outer `claim_id`."""
    from articles.models import ClaimLink, LinkRelation

    return Exists(
        ClaimLink.objects.filter(relation=LinkRelation.CONTRADICTS).filter(
            Q(from_claim=OuterRef(claim_id)) | Q(to_claim=OuterRef(claim_id))
        )
    )
