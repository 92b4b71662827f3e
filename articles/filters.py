"""The filters of the lists (`/articles/`, `/claims/`, `/duplicates/`, `/sources/`), bound to
the query string.

By default the list shows what `Article.objects.visible()` shows: canonical articles that
are not archived. Two toggles widen it (`duplicates=1`, `archived=1`); every other filter
narrows it. Nothing here searches article bodies: `title` matches the title only.
"""

import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone

from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    ArticleStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    Credibility,
    DuplicateCandidate,
    DuplicateStatus,
    ImportBatch,
    ImportVia,
    Proposal,
    ReliabilityGrade,
    Source,
    Tag,
)


class ToggleInput(forms.CheckboxInput):
    """A checkbox whose `0`/`false` in a hand-written query string also means off."""

    def __init__(self, attrs=None):
        super().__init__({"value": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name) -> bool:
        value = data.get(name)
        return isinstance(value, str) and value.lower() in {"1", "on", "true", "yes"}


class ToggleFilter(django_filters.BooleanFilter):
    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", ToggleInput)
        super().__init__(*args, **kwargs)


class SourceField(forms.CharField):
    """A source given as text: its exact name or an alias in any case (what a person types,
    or picks from the autocomplete list), or its id (what a link carries). A name wins over
    an id, so a source called "1843" is found by its name. Cleans to a `Source`."""

    def clean(self, value) -> Source | None:
        text = super().clean(value)
        if not text:
            return None
        source = resolve_source(text)
        if source is None:
            raise ValidationError("No source is named “%(name)s”.", params={"name": text})
        return source


def resolve_source(text: str) -> Source | None:
    """The source `text` names (exact case first), else the source with that id."""
    named = list(Source.objects.named(text).only("name")[:10])
    if named:
        exact = [source for source in named if source.name == text]
        return (exact or named)[0]
    if text.isdigit():
        return Source.objects.filter(pk=int(text)).only("name").first()
    return None


class SourceFieldFilter(django_filters.Filter):
    """One source, typed or picked from the autocomplete list (static/js/source-autocomplete.js
    fills the datalist from the autocomplete URL)."""

    field_class = SourceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text", "Its exact name or an alias; suggestions appear as you type."
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "list": "source-options",
                    "data-autocomplete-url": reverse_lazy("source-autocomplete"),
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(*args, **kwargs)


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the current time zone: comparing the timestamp
    column with a timestamp (not its date) keeps the index usable."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _on_or_after(queryset: QuerySet, name: str, value: date) -> QuerySet:
    return queryset.filter(**{f"{name}__gte": _start_of(value)})


def _on_or_before(queryset: QuerySet, name: str, value: date) -> QuerySet:
    return queryset.filter(**{f"{name}__lt": _start_of(value + timedelta(days=1))})


def day_filter(field_name: str, *, until: bool = False) -> django_filters.DateFilter:
    """One end of a date range over a timestamp column: from the start of the day, or
    until the end of it."""
    return django_filters.DateFilter(
        field_name=field_name,
        method=_on_or_before if until else _on_or_after,
        label="To" if until else "From",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def tagged(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Rows carrying the tag named `value`, however it is cased or spaced. Tag names are
    unique regardless of case, so the join adds no repeated rows."""
    return queryset.filter(**{f"{name}__iexact": Tag.normalise(value)})


class ArticleFilter(django_filters.FilterSet):
    """Always bound: with no data at all it still applies the default (visible articles),
    where an unbound django-filter FilterSet would apply nothing."""

    title = django_filters.CharFilter(lookup_expr="icontains", label="Title contains")
    source = SourceFieldFilter(label="Source")
    status = django_filters.ChoiceFilter(choices=ArticleStatus.choices, empty_label="Any")
    language = django_filters.CharFilter(lookup_expr="iexact", label="Language")
    tag = django_filters.CharFilter(field_name="tags__name", method=tagged, label="Tag")
    published_from = day_filter("published_at")
    published_to = day_filter("published_at", until=True)
    imported_from = day_filter("imported_at")
    imported_to = day_filter("imported_at", until=True)
    duplicates = ToggleFilter(label="Show duplicates", method="show_duplicates")
    archived = ToggleFilter(label="Include archived", method="include_archived")

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__({} if data is None else data, *args, **kwargs)

    def show_duplicates(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset if value else queryset.canonical()

    def include_archived(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # Asking for the archived status is asking to see archived articles.
        if value or self.form.cleaned_data.get("status") == ArticleStatus.ARCHIVED:
            return queryset
        return queryset.exclude(status=ArticleStatus.ARCHIVED)


SIMILARITY_BANDS = {
    "high": ("80% or more", 0.8, None),
    "medium": ("50–80%", 0.5, 0.8),
    "low": ("under 50%", None, 0.5),
}


class DuplicateFilter(django_filters.FilterSet):
    """The review queue's filters. Without a status in the query string it shows the
    pending pairs: the work waiting for a person."""

    status = django_filters.ChoiceFilter(
        choices=DuplicateStatus.choices, empty_label="Any status", label="Status"
    )
    band = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _, _) in SIMILARITY_BANDS.items()],
        method="in_band",
        empty_label="Any similarity",
        label="Similarity",
    )
    source = SourceFieldFilter(label="Source (either article)", method="from_source")
    proposal = django_filters.ChoiceFilter(
        choices=[(Proposal.CONFIRM, "Confirm"), (Proposal.REJECT, "Reject")],
        empty_label="Any",
        label="Analyst's proposal",
    )
    found_from = day_filter("created_at")
    found_to = day_filter("created_at", until=True)

    class Meta:
        model = DuplicateCandidate
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = {} if data is None else data.copy()
        if "status" not in data:
            data["status"] = DuplicateStatus.PENDING
        super().__init__(data, *args, **kwargs)

    def in_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        _, low, high = SIMILARITY_BANDS[value]
        if low is not None:
            queryset = queryset.filter(similarity__gte=low)
        if high is not None:
            queryset = queryset.filter(similarity__lt=high)
        return queryset

    def from_source(self, queryset: QuerySet, name: str, value: Source) -> QuerySet:
        return queryset.filter(Q(article_a__source=value) | Q(article_b__source=value))


UNRATED = "unrated"
UNANCHORED = "unanchored"

# Bands of a source's track record (the share of its claims flagged, see
# querysets.flagged_claim), as a partition: each source with claims is in exactly one.
TRACK_RECORD_BANDS = {
    "none": "None flagged",
    "under25": "Under 25% flagged",
    "25plus": "25% or more flagged",
    "no_claims": "No claims yet",
}


class SourceFilter(django_filters.FilterSet):
    """The source list's filters, over `Source.objects.for_list()` (which annotates the
    grade and the track record they filter on)."""

    grade = django_filters.ChoiceFilter(
        choices=[*ReliabilityGrade.choices, (UNRATED, "Unrated")],
        method="with_grade",
        empty_label="Any grade",
        label="Current grade",
    )
    country = django_filters.CharFilter(lookup_expr="iexact", label="Country")
    language = django_filters.CharFilter(lookup_expr="iexact", label="Language")
    unrated = ToggleFilter(label="Unrated only", method="only_unrated")
    track_record = django_filters.ChoiceFilter(
        choices=list(TRACK_RECORD_BANDS.items()),
        method="in_band",
        empty_label="Any track record",
        label="Track record",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__({} if data is None else data, *args, **kwargs)

    def with_grade(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == UNRATED:
            return queryset.filter(current_grade__isnull=True)
        return queryset.filter(current_grade=value)

    def only_unrated(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(current_grade__isnull=True) if value else queryset

    def in_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Shares compared in whole numbers: flagged / claims < 1/4 ⇔ 4 × flagged < claims.
        if value == "no_claims":
            return queryset.filter(n_claims=0)
        if value == "none":
            return queryset.filter(n_claims__gt=0, n_flagged=0)
        if value == "under25":
            return queryset.filter(n_flagged__gt=0, n_claims__gt=F("n_flagged") * 4)
        return queryset.filter(n_claims__gt=0, n_claims__lte=F("n_flagged") * 4)


ADMIRALTY_CODE = re.compile(r"^\s*([A-Fa-f])\s*([1-6])\s*$")


class ClaimFilter(django_filters.FilterSet):
    """The claim list's filters, over `Claim.objects.for_list()`. Archived claims (merged
    or withdrawn) are left out unless asked for. Counts, independent sources and the best
    grade are stored on the claim, so filtering on them uses an index."""

    text = django_filters.CharFilter(lookup_expr="icontains", label="Text contains")
    claim_type = django_filters.ChoiceFilter(
        choices=ClaimType.choices, empty_label="Any type", label="Claim type"
    )
    credibility = django_filters.ChoiceFilter(
        choices=Credibility.choices, empty_label="Any credibility"
    )
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, empty_label="Any status")
    claimant = django_filters.CharFilter(method="with_claimant", label="Claimant contains")
    min_appearances = django_filters.NumberFilter(
        field_name="n_appearances", lookup_expr="gte", label="At least N appearances"
    )
    min_sources = django_filters.NumberFilter(
        field_name="n_sources", lookup_expr="gte", label="At least N independent sources"
    )
    best_grade = django_filters.ChoiceFilter(
        choices=[*ReliabilityGrade.choices, (UNRATED, "No rated source")],
        method="with_best_grade",
        empty_label="Any grade",
        label="Best source grade",
    )
    admiralty = django_filters.CharFilter(
        method="with_admiralty_code",
        label="Admiralty code",
        help_text="For example B2.",
        validators=[
            RegexValidator(
                ADMIRALTY_CODE, "An Admiralty code is a letter A–F and a digit 1–6, like B2."
            )
        ],
    )
    tag = django_filters.CharFilter(field_name="tags__name", method=tagged, label="Tag")
    source = SourceFieldFilter(label="Appears in source", method="in_source")
    anchor = django_filters.ChoiceFilter(
        choices=[*AnchorStatus.choices, (UNANCHORED, "Fuzzy or orphaned")],
        method="with_anchor",
        empty_label="Any anchor",
        label="An appearance anchored",
    )
    appeared_from = django_filters.DateFilter(
        method="appeared_between",
        label="From",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    appeared_to = django_filters.DateFilter(
        method="appeared_between",
        label="To",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    updated_from = day_filter("updated_at")
    updated_to = day_filter("updated_at", until=True)
    archived = ToggleFilter(label="Include archived", method="include_archived")

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__({} if data is None else data, *args, **kwargs)

    def with_claimant(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        rows = Appearance.objects.filter(claim=OuterRef("pk"), claimant__icontains=value.strip())
        return queryset.filter(Exists(rows))

    def with_best_grade(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(best_grade="" if value == UNRATED else value)

    def with_admiralty_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = ADMIRALTY_CODE.match(value)
        grade, credibility = match.group(1).upper(), int(match.group(2))
        # No rated source reads as F (reliability cannot be judged), as on the claim.
        grades = ["", "F"] if grade == "F" else [grade]
        return queryset.filter(best_grade__in=grades, credibility=credibility)

    def in_source(self, queryset: QuerySet, name: str, value: Source) -> QuerySet:
        return queryset.appearing_in(value)

    def with_anchor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        statuses = [AnchorStatus.FUZZY, AnchorStatus.ORPHANED] if value == UNANCHORED else [value]
        rows = Appearance.objects.filter(claim=OuterRef("pk"), anchor_status__in=statuses)
        return queryset.filter(Exists(rows))

    def appeared_between(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        # Both ends apply to one appearance: see filter_queryset.
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        first, last = (self.form.cleaned_data.get(n) for n in ("appeared_from", "appeared_to"))
        if first is None and last is None:
            return queryset
        rows = Appearance.objects.filter(claim=OuterRef("pk"))
        if first is not None:
            rows = rows.filter(article__published_at__gte=_start_of(first))
        if last is not None:
            rows = rows.filter(article__published_at__lt=_start_of(last + timedelta(days=1)))
        return queryset.filter(Exists(rows))

    def include_archived(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value or self.form.cleaned_data.get("status") == ClaimStatus.ARCHIVED:
            return queryset
        return queryset.exclude(status=ClaimStatus.ARCHIVED)


BATCH_OUTCOMES = {"failed": "Some input failed", "clean": "Nothing failed"}


class ImportBatchFilter(django_filters.FilterSet):
    """The import batches' filters: how and by whom a batch was started, when, what it was
    given, and whether any of its input failed."""

    via = django_filters.ChoiceFilter(
        choices=ImportVia.choices, empty_label="Command or upload", label="Started from"
    )
    started_by = django_filters.CharFilter(
        field_name="started_by__username", lookup_expr="iexact", label="Started by (username)"
    )
    outcome = django_filters.ChoiceFilter(
        choices=list(BATCH_OUTCOMES.items()),
        method="with_outcome",
        empty_label="Any outcome",
        label="Outcome",
    )
    description = django_filters.CharFilter(
        lookup_expr="icontains", label="Files or options contain"
    )
    started_from = day_filter("started_at")
    started_to = day_filter("started_at", until=True)

    class Meta:
        model = ImportBatch
        fields: list[str] = []

    def with_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "failed":
            return queryset.filter(failed_count__gt=0)
        return queryset.filter(failed_count=0)
