"""Reads that combine several models, for pages that summarise (the dashboard)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    ArticleStatus,
    Claim,
    ClaimLink,
    ClaimStatus,
    Credibility,
    DuplicateCandidate,
    DuplicateStatus,
    LinkRelation,
    Source,
    SourceRating,
    Tag,
)
from articles.querysets import latest_rating


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
    unmarked_new_articles: int
    contradicted_claims: int


def dashboard_counts() -> DashboardCounts:
    """The dashboard's figures in a fixed, small number of aggregate queries.

    `unmarked_new_articles`: new canonical articles in which no claim is marked yet, the
    articles whose suggested claims nobody has worked through (suggestions are computed
    when the article page opens, not stored, so this is the closest honest count).
    `contradicted_claims`: claims in use (not archived) with a "contradicts" link to or
    from another claim."""
    new_canonical = Q(status=ArticleStatus.NEW, duplicate_of__isnull=True)
    articles = Article.objects.aggregate(
        total=Count("id"),
        canonical=Count("id", filter=Q(duplicate_of__isnull=True)),
        new=Count("id", filter=new_canonical),
        unmarked=Count(
            "id",
            filter=new_canonical & ~Exists(Appearance.objects.filter(article=OuterRef("pk"))),
        ),
    )
    claims = Claim.objects.aggregate(
        total=Count("id"),
        contradicted=Count("id", filter=_contradicted_claims() & ~Q(status=ClaimStatus.ARCHIVED)),
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
        claims=claims["total"],
        appearances=appearances["total"],
        unanchored_appearances=appearances["unanchored"],
        sources=sources["total"],
        unrated_sources=sources["unrated"],
        pending_duplicates=DuplicateCandidate.objects.filter(
            status=DuplicateStatus.PENDING
        ).count(),
        unmarked_new_articles=articles["unmarked"],
        contradicted_claims=claims["contradicted"],
    )


def _contradicted_claims() -> Q:
    """Claims a "contradicts" link points to or from. Read from the links' side (two IN
    lists from the relation index) rather than an EXISTS per claim over the whole table."""
    links = ClaimLink.objects.filter(relation=LinkRelation.CONTRADICTS)
    return Q(pk__in=links.values("from_claim")) | Q(pk__in=links.values("to_claim"))


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


# --- Dashboard: claims to look at, charts and recent activity ------------------------------


def contradicted_claims(limit: int = 10) -> list[Claim]:
    """The most recently changed claims in use (not archived) that contradict, or are
    contradicted by, another claim: the queue `DashboardCounts.contradicted_claims` counts."""
    return list(
        Claim.objects.filter(_contradicted_claims())
        .exclude(status=ClaimStatus.ARCHIVED)
        .only("text", "credibility", "best_grade", "status", "updated_at")
        .order_by("-updated_at", "-id")[:limit]
    )


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the start of the day after `last`, in the current time
    zone: a range on the timestamp column itself, so its index bounds the query."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def articles_per_day_by_grade(first: date, last: date) -> dict[date, dict[str, int]]:
    """Canonical articles published each day from `first` to `last` (inclusive), by the
    current reliability grade of their source (`""`: unrated). Days without articles are
    absent. One query: bounded by the `published_at` index, grouped by day and source, the
    source's latest grade read once per group, the groups of one grade summed here."""
    start, end = _day_bounds(first, last)
    rows = (
        Article.objects.canonical()
        .filter(published_at__gte=start, published_at__lt=end)
        .annotate(day=TruncDate("published_at"))
        .values("day", "source_id")
        .annotate(n=Count("id"))
        .annotate(grade=latest_rating("grade", source="source_id"))
        .order_by()
    )
    per_day: dict[date, dict[str, int]] = {}
    for row in rows:
        grades = per_day.setdefault(row["day"], {})
        grade = row["grade"] or ""
        grades[grade] = grades.get(grade, 0) + row["n"]
    return per_day


def articles_imported_per_day(first: date, last: date) -> dict[date, int]:
    """Articles imported each day from `first` to `last` (inclusive), copies included: what
    the desk took in. One GROUP BY bounded by the `imported_at` index."""
    start, end = _day_bounds(first, last)
    rows = (
        Article.objects.filter(imported_at__gte=start, imported_at__lt=end)
        .annotate(day=TruncDate("imported_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def claims_by_credibility() -> dict[int, int]:
    """How many claims in use (not archived) have each credibility grade, 1 to 6, zeros
    included. One GROUP BY over the credibility index."""
    counts = dict.fromkeys(Credibility.values, 0)
    rows = (
        Claim.objects.exclude(status=ClaimStatus.ARCHIVED)
        .values("credibility")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["credibility"]] = row["n"]
    return counts


def top_claimants(limit: int = 10) -> list[tuple[str, int]]:
    """The claimants (as stated, exact spelling) with the most appearances, most first,
    ties alphabetically. One GROUP BY over every appearance with a claimant: it reads the
    whole claimant index (300k appearances: one index scan, tens of milliseconds), since
    a top-N of a count cannot be bounded by an index."""
    rows = (
        Appearance.objects.exclude(claimant="")
        .values("claimant")
        .annotate(n=Count("id"))
        .order_by("-n", "claimant")[:limit]
    )
    return [(row["claimant"], row["n"]) for row in rows]


def top_tags(limit: int = 10) -> list[tuple[str, int, int]]:
    """The tags used most on claims and articles together: (name, claims, articles), most
    used first, ties by name. One query: per tag, two counts read from the tag index of
    each many-to-many table."""

    def uses(through) -> Coalesce:
        rows = (
            through.objects.filter(tag_id=OuterRef("pk"))
            .order_by()
            .values("tag_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    rows = (
        Tag.objects.annotate(n_claims=uses(Claim.tags.through))
        .annotate(n_articles=uses(Article.tags.through))
        .annotate(total=F("n_claims") + F("n_articles"))
        .order_by("-total", "name")
        .values_list("name", "n_claims", "n_articles", "total")[:limit]
    )
    # Unused tags sort last; dropping them here keeps the counts out of a WHERE clause.
    return [(name, n_claims, n_articles) for name, n_claims, n_articles, total in rows if total]


@dataclass(frozen=True)
class Activity:
    """One line of the dashboard's recent activity: `who` `action` `target` `detail`,
    e.g. "editor" "rated" "Barron's" "B", the target linking to `url`."""

    when: datetime
    who: str
    action: str
    target: str
    url: str | None = None
    detail: str = ""


# How many of the latest article and duplicate-pair history records to look through for
# status changes and decisions: most of their records are imports and dedupe's regrouping,
# and the change is found by comparing with the previous record, so the look is bounded.
ACTIVITY_LOOKBACK = 2000


def recent_activity(limit: int = 20) -> list[Activity]:
    """The latest changes people and commands made, newest first: claims created and
    edited, sources rated, duplicate pairs decided and article statuses changed, read
    from their history. One query per history model, each at most `limit` rows."""
    entries = [
        *_claim_activity(limit),
        *_rating_activity(limit),
        *_decision_activity(limit),
        *_article_status_activity(limit),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _who(record) -> str:
    return record.history_user.get_username() if record.history_user else "system"


def _user() -> str:
    """The one user field an activity line reads, for `only()` after `select_related`."""
    return f"history_user__{get_user_model().USERNAME_FIELD}"


def _quoted(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= length else text[: length - 1] + '…'}”"


def _previous(history, field: str) -> Subquery:
    """`field` of the history record just before the outer one, of the same object."""
    return Subquery(
        history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values(field)[:1]
    )


def _latest_changes(history) -> Q:
    recent = history.objects.filter(history_type="~").order_by("-history_date")
    return Q(history_id__in=recent.values("history_id")[:ACTIVITY_LOOKBACK])


def _claim_activity(limit: int) -> list[Activity]:
    history = Claim.history.model
    records = (
        history.objects.select_related("history_user")
        .annotate(previous_credibility=_previous(history, "credibility"))
        .only(
            "id",
            "text",
            "credibility",
            "history_type",
            "history_date",
            "history_change_reason",
            _user(),
        )
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = []
    for record in records:
        target, url = f"claim #{record.id}", reverse("claim-detail", args=[record.id])
        reason = record.history_change_reason or ""
        if record.history_type == "+":
            action, detail = "created", _quoted(record.text)
        elif record.history_type == "-":
            action, detail, url = "deleted", _quoted(record.text), None
        elif record.previous_credibility not in (None, record.credibility):
            action = "set the credibility of"
            detail = f"to {record.credibility} (was {record.previous_credibility})"
        else:
            action = "edited"
            detail = reason if reason and reason != "edited" else _quoted(record.text)
        entries.append(Activity(record.history_date, _who(record), action, target, url, detail))
    return entries


def _rating_activity(limit: int) -> list[Activity]:
    """New ratings ("+"): a rating is never edited, only moved when sources merge."""
    source_name = Source.objects.filter(pk=OuterRef("source_id")).order_by().values("name")[:1]
    records = (
        SourceRating.history.filter(history_type="+")
        .select_related("history_user")
        .annotate(source_name=Subquery(source_name))
        .only("source_id", "grade", "history_date", _user())
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = []
    for record in records:
        if record.source_name is None:  # merged into another source since
            target, url = f"source #{record.source_id}", None
        else:
            target = record.source_name
            url = reverse("source-detail", args=[record.source_id])
        entries.append(
            Activity(record.history_date, _who(record), "rated", target, url, record.grade)
        )
    return entries


def _decision_activity(limit: int) -> list[Activity]:
    history = DuplicateCandidate.history.model
    decided = (DuplicateStatus.CONFIRMED, DuplicateStatus.REJECTED)
    records = (
        history.objects.filter(_latest_changes(history), status__in=decided)
        .annotate(previous_status=_previous(history, "status"))
        .exclude(previous_status__in=decided)
        .select_related("history_user")
        .only("id", "status", "article_a_id", "article_b_id", "history_date", _user())
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        Activity(
            record.history_date,
            _who(record),
            "confirmed" if record.status == DuplicateStatus.CONFIRMED else "rejected",
            f"duplicate pair #{record.id}",
            reverse("duplicate-review", args=[record.id]),
            f"(articles #{record.article_a_id} and #{record.article_b_id})",
        )
        for record in records
    ]


def _article_status_activity(limit: int) -> list[Activity]:
    history = Article.history.model
    records = (
        history.objects.filter(_latest_changes(history))
        .annotate(previous_status=_previous(history, "status"))
        .filter(previous_status__isnull=False)
        .exclude(status=F("previous_status"))
        .select_related("history_user")
        .only("id", "title", "status", "history_date", _user())
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        Activity(
            record.history_date,
            _who(record),
            "marked",
            _quoted(record.title or "(untitled)"),
            reverse("article-detail", args=[record.id]),
            f"as {ArticleStatus(record.status).label.lower()}",
        )
        for record in records
    ]
