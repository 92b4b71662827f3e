"""Reads that combine several models, for pages that summarise (the dashboard)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
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


UNANCHORED = (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)

# Work-queue counts that cannot be read from one index stop counting past this many: the
# page shows "1000+", and the list behind the link has the rest.
QUEUE_COUNT_CAP = 1000


def dashboard_counts() -> DashboardCounts:
    """The dashboard's figures, one small COUNT query each, so that every count is read
    from an index (or stops at QUEUE_COUNT_CAP) instead of one aggregate scanning whole
    tables of article bodies.

    `new_articles` and `unmarked_new_articles` are capped at QUEUE_COUNT_CAP + 1.
    `unmarked_new_articles`: new canonical articles in which no claim is marked yet, the
    articles whose suggested claims nobody has worked through (suggestions are computed
    when the article page opens, not stored, so this is the closest honest count).
    `contradicted_claims`: claims in use (not archived) with a "contradicts" link to or
    from another claim."""
    articles = Article.objects.order_by()
    new = articles.filter(status=ArticleStatus.NEW, duplicate_of__isnull=True)
    unmarked = new.filter(~Exists(Appearance.objects.filter(article=OuterRef("pk"))))
    total = articles.count()
    canonical = articles.filter(duplicate_of__isnull=True).count()
    appearances = Appearance.objects.order_by()
    sources = Source.objects.aggregate(
        total=Count("id", distinct=True),
        unrated=Count("id", filter=Q(ratings__isnull=True), distinct=True),
    )
    return DashboardCounts(
        articles=total,
        canonical_articles=canonical,
        new_articles=_capped(new),
        duplicate_articles=total - canonical,
        claims=Claim.objects.order_by().count(),
        appearances=appearances.count(),
        unanchored_appearances=appearances.filter(anchor_status__in=UNANCHORED).count(),
        sources=sources["total"],
        unrated_sources=sources["unrated"],
        pending_duplicates=DuplicateCandidate.objects.filter(
            status=DuplicateStatus.PENDING
        ).count(),
        unmarked_new_articles=_capped(unmarked),
        contradicted_claims=Claim.objects.filter(_contradicted_claims())
        .exclude(status=ClaimStatus.ARCHIVED)
        .count(),
    )


def desk_version() -> tuple[int | None, ...]:
    """Changes whenever the desk's contents change: the newest history record of each
    model the dashboard counts (every service write records one, imports included), and
    the newest duplicate pair (pairs are found in bulk, without history). One indexed
    MAX per table; the dashboard keys its cached figures on it."""
    newest = [
        model.history.model.objects.aggregate(v=Max("history_id"))["v"]
        for model in (
            Source,
            SourceRating,
            Article,
            DuplicateCandidate,
            Claim,
            Appearance,
            ClaimLink,
        )
    ]
    newest.append(DuplicateCandidate.objects.aggregate(v=Max("id"))["v"])
    return tuple(newest)


def _capped(queryset) -> int:
    return queryset.values("pk")[: QUEUE_COUNT_CAP + 1].count()


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


def _day_starts(first: date, last: date) -> list[datetime]:
    """The start of each day from `first` to the day after `last`, in the current time
    zone: the days' bounds as timestamps, so queries compare the indexed column itself."""
    days = (last - first).days + 1
    return [
        timezone.make_aware(datetime.combine(first + timedelta(days=n), time.min))
        for n in range(days + 1)
    ]


def _day_number(field: str, starts: list[datetime], first: int = 0, last: int | None = None):
    """Which day (0 for the first) the timestamp `field` falls in, as a balanced tree of
    CASE comparisons against the days' bounds: about five comparisons per row for 30 days,
    done natively by the database. Grouping by a truncated date instead calls a
    conversion function for every row (on SQLite a Python one, ten times slower), and a
    filtered COUNT per day makes 60 comparisons per row."""
    last = len(starts) - 2 if last is None else last
    if first == last:
        return Value(first)
    middle = (first + last) // 2
    return Case(
        When(
            Q(**{f"{field}__lt": starts[middle + 1]}),
            then=_day_number(field, starts, first, middle),
        ),
        default=_day_number(field, starts, middle + 1, last),
        output_field=IntegerField(),
    )


def articles_per_day_by_grade(first: date, last: date) -> dict[date, dict[str, int]]:
    """Canonical articles published each day from `first` to `last` (inclusive), by the
    current reliability grade of their source (`""`: unrated). Days without articles are
    absent. One GROUP BY (day, source) bounded by the `published_at` index, the source's
    latest grade read once per group; the groups of one grade are summed here."""
    starts = _day_starts(first, last)
    rows = (
        Article.objects.filter(published_at__gte=starts[0], published_at__lt=starts[-1])
        # "Not a copy", written so that SQLite bounds the query by published_at: offered
        # `duplicate_of IS NULL`, it walks that index over nearly every article instead.
        .alias(copy_of=Coalesce("duplicate_of_id", Value(0)))
        .filter(copy_of=0)
        .annotate(day=_day_number("published_at", starts))
        .values("day", "source_id")
        .annotate(n=Count("id"))
        .annotate(grade=latest_rating("grade", source="source_id"))
        .order_by()
    )
    per_day: dict[date, dict[str, int]] = {}
    for row in rows:
        grades = per_day.setdefault(first + timedelta(days=row["day"]), {})
        grade = row["grade"] or ""
        grades[grade] = grades.get(grade, 0) + row["n"]
    return per_day


def articles_imported_per_day(first: date, last: date) -> dict[date, int]:
    """Articles imported each day from `first` to `last` (inclusive), copies included: what
    the desk took in. Days without imports are absent. One GROUP BY bounded by (and
    covered by) the `imported_at` index."""
    starts = _day_starts(first, last)
    rows = (
        Article.objects.filter(imported_at__gte=starts[0], imported_at__lt=starts[-1])
        .annotate(day=_day_number("imported_at", starts))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {first + timedelta(days=row["day"]): row["n"] for row in rows}


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


# How many of the latest history records of articles and of duplicate pairs to look
# through for status changes and decisions. The history tables have no index on the
# record type, only on the date: reading the latest N records is one bounded walk of that
# index, where looking for N changes ("~") could walk past every import record ("+"). An
# import or a regrouping of more than this many articles since pushes earlier status
# changes out of the activity (they stay in each article's history).
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
    """`field` of the history record written just before the outer one, of the same
    object: one seek in the index on the object's id (which also orders by history_id)."""
    return Subquery(
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values(field)[:1]
    )


def _latest_changes(history) -> Q:
    """Changes ("~") among the latest ACTIVITY_LOOKBACK records of `history`."""
    latest = history.objects.order_by("-history_date").values("history_id")
    return Q(history_type="~", history_id__in=latest[:ACTIVITY_LOOKBACK])


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


def history_entries(instance, *, fields: list[str], limit: int = 30) -> list[dict]:
    """An object's history, newest first: when, who, what kind of change and why, and for
    each of `fields` that changed, its old and new value. One query (the records, with
    their users); consecutive records are compared in Python."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, included_fields=fields)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
        entries.append(
            {
                "record": newer,
                "user": newer.history_user.get_username() if newer.history_user else "system",
                "changes": changes,
            }
        )
    return entries[:limit]
