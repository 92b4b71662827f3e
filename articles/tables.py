"""The lists' tables: which columns `/articles/`, `/claims/`, `/duplicates/` and `/sources/`
show and how each sorts.

Rows come from each model's `objects.for_list()`, which annotates or prefetches what the
cells need, so that rendering a page runs no query per row.
"""

import django_tables2 as tables
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import utils as tables_utils

from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    Credibility,
    DuplicateCandidate,
    DuplicateStatus,
    ImportBatch,
    ReliabilityGrade,
    Source,
)

PER_PAGE = 50
# The name of the bulk actions' checkbox per row (and of the column holding it).
SELECTED = "selected"
UNTITLED = "(untitled)"


def remember_render_signatures() -> None:
    """Make django-tables2 remember the signature of each cell's render method. Called once
    at startup (`articles.apps`).

    django-tables2 inspects it for every cell it renders (`utils.call_with_appropriate` →
    `inspect.signature`: a fifth of a list page's time at 50 rows, before the lists' own
    columns rendered from the record). A function's signature never changes, so it is
    remembered per function; a bound method's is computed on the first one seen (without
    `self`) and shared by the others, which differ only in the instance they are bound to."""
    inspect_signature = tables_utils.signature
    if getattr(inspect_signature, "remembers", False):
        return
    known: dict = {}

    def signature(fn):
        key = getattr(fn, "__func__", fn)
        if key not in known:
            known[key] = inspect_signature(fn)
        return known[key]

    signature.remembers = True
    tables_utils.signature = signature


class SelectColumn(tables.Column):
    """The bulk actions' checkbox per row (`name="selected"`, the row's id) and, in the
    header, one that ticks the whole page (static/js/list-keys.js). What django-tables2's
    CheckBoxColumn renders, without its attribute merging: 50 µs a cell there, a tenth of
    the claim list's rows."""

    def __init__(self, **kwargs):
        super().__init__(accessor="pk", orderable=False, **kwargs)

    @property
    def header(self) -> SafeString:
        return mark_safe(
            '<input type="checkbox" data-select-all aria-label="Select all rows on this page">'
        )

    def render(self, value) -> SafeString:
        return mark_safe(
            f'<input type="checkbox" name="{SELECTED}" value="{int(value)}" '
            'aria-label="Select this row">'
        )

    def cell(self, table, name: str, record) -> SafeString:
        return self.render(record.pk)


class TimestampColumn(tables.Column):
    """A date and time in the current time zone, as `2025-01-08 23:41` ("—" when empty),
    of the record's attribute `accessor`.

    django-tables2's DateTimeColumn is a TemplateColumn: it compiles a template for every
    cell it renders (a tenth of a list page's time at 50 rows); this formats directly."""

    def render(self, value) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def cell(self, table, name: str, record) -> str:
        value = getattr(record, str(self.accessor))
        if value is None:  # as django-tables2 shows an empty cell: the column's default
            return table.default if self.default is None else self.default
        return self.render(value)


class ChoiceColumn(tables.Column):
    """A field with choices, shown by its label (`choices`: the field's TextChoices or
    IntegerChoices), read from a dictionary rather than through `get_FOO_display`, which
    rebuilds the field's choices for every cell."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices.choices)
        super().__init__(**kwargs)

    def render(self, record, bound_column) -> str:
        return self.cell(None, bound_column.name, record)

    def cell(self, table, name: str, record) -> str:
        value = getattr(record, str(self.accessor) if self.accessor else name)
        return self.labels.get(value, value)


class RecordColumn(tables.Column):
    """A cell the table makes from the whole record: its `render_<name>(record)` method,
    called for every row, empty or not."""

    def __init__(self, **kwargs):
        super().__init__(empty_values=(), **kwargs)

    def cell(self, table, name: str, record):
        return getattr(table, f"render_{name}")(record=record)


class ListTable(tables.Table):
    """What every list's table shares: a fixed page size, and its rows rendered in Python."""

    def paginate(self, *args, per_page=None, **kwargs):
        # Fixed page size: a `per_page` in the query string must not fetch the whole table.
        return super().paginate(*args, per_page=PER_PAGE, **kwargs)

    def rows_html(self) -> SafeString:
        """The page's `<tr>` rows, each cell escaped unless its renderer marked it safe
        (what the template's `{{ cell }}` does).

        Built here rather than by two nested template loops, which cost a third of a list
        page's time at 50 rows × 12 columns; the admin's changelist builds its rows in
        Python too. The columns above (`cell`) render straight from the record; others go
        through django-tables2's cell (accessor, empty values, `render_<name>` by
        signature: about 25 µs a cell)."""
        columns = [(column.name, getattr(column.column, "cell", None)) for column in self.columns]
        lines = []
        for row in self.paginated_rows:
            record = row.record
            cells = "".join(
                f'<td class="col-{name}">'
                f"{conditional_escape(cell(self, name, record) if cell else row.get_cell(name))}"
                "</td>"
                for name, cell in columns
            )
            lines.append(f"<tr>{cells}</tr>\n")
        return mark_safe("".join(lines))


def grade_label(grade: str | None) -> str:
    """`"B"` → `"B – Usually reliable"`; a source never rated reads "Unrated"."""
    return ReliabilityGrade(grade).label if grade else "Unrated"


class ArticleTable(ListTable):
    # Rendered even when empty, so that every row links to its article.
    title = RecordColumn(order_by=("title", "id"))
    source = RecordColumn(order_by=("source__name", "id"))
    published = TimestampColumn(
        accessor="published_at",
        verbose_name="Published",
        order_by=("published_at", "id"),
    )
    status = ChoiceColumn(ArticleStatus, order_by=("status", "id"))
    language = tables.Column(orderable=False)
    imported = TimestampColumn(
        accessor="imported_at",
        verbose_name="Imported",
        order_by=("imported_at", "id"),
    )

    class Meta:
        model = Article
        fields = ()
        sequence = ("title", "source", "published", "status", "language", "imported")
        order_by = "-published"
        empty_text = "No articles match these filters."

    def render_title(self, record: Article) -> SafeString:
        cell = format_html(
            '<a href="{}">{}</a>',
            reverse("article-detail", args=[record.pk]),
            record.title or UNTITLED,
        )
        if record.duplicate_of_id:
            cell += format_html(
                ' <span class="copy-of">copy of <a href="{}">{}</a></span>',
                reverse("article-detail", args=[record.duplicate_of_id]),
                record.canonical_title or UNTITLED,
            )
        if record.n_copies:
            cell += format_html(
                ' <span class="copies" data-copies="{}">+{} {}</span>',
                record.n_copies,
                record.n_copies,
                "copy" if record.n_copies == 1 else "copies",
            )
        return cell

    def render_source(self, record: Article) -> SafeString:
        return format_html(
            '{} <span class="grade">{}</span>',
            record.source.name,
            grade_label(record.source_grade),
        )


class DuplicateTable(ListTable):
    """The review queue: most similar pairs first."""

    first = RecordColumn(verbose_name="Article", order_by=("article_a",))
    second = RecordColumn(verbose_name="Similar article", orderable=False)
    similarity = tables.Column(verbose_name="Similarity", order_by=("similarity", "id"))
    containment = tables.Column(verbose_name="Containment", order_by=("containment", "id"))
    status = ChoiceColumn(DuplicateStatus, order_by=("status", "id"))
    proposal = RecordColumn(verbose_name="Proposal", orderable=False)
    found = TimestampColumn(accessor="created_at", verbose_name="Found", order_by=("created_at",))
    review = RecordColumn(verbose_name="", orderable=False)

    class Meta:
        model = DuplicateCandidate
        fields = ()
        sequence = (
            "first",
            "second",
            "similarity",
            "containment",
            "status",
            "proposal",
            "found",
            "review",
        )
        order_by = "-similarity"
        empty_text = "No pairs match these filters."

    def render_first(self, record: DuplicateCandidate) -> SafeString:
        return _article_cell(record.article_a, record.grade_a)

    def render_second(self, record: DuplicateCandidate) -> SafeString:
        return _article_cell(record.article_b, record.grade_b)

    def order_similarity(self, queryset, is_descending: bool):
        # Ties go oldest pair first in both directions: the order the review page's
        # Previous/Next and "decide, then open the next" walk (see views/duplicates.py).
        return queryset.order_by("-similarity" if is_descending else "similarity", "id"), True

    def render_similarity(self, value: float) -> str:
        return f"{value:.0%}"

    def render_containment(self, value: float) -> str:
        return f"{value:.0%}"

    def render_proposal(self, record: DuplicateCandidate) -> str:
        if not record.proposal:
            return "—"
        return f"{record.get_proposal_display()} ({record.proposed_by.get_username()})"

    def render_review(self, record: DuplicateCandidate) -> SafeString:
        return format_html('<a href="{}">Review</a>', reverse("duplicate-review", args=[record.pk]))


def _article_cell(article: Article, grade: str | None) -> SafeString:
    return format_html(
        '<a href="{}">{}</a><br><span class="source">{}</span> <span class="grade">{}</span>',
        reverse("article-detail", args=[article.pk]),
        article.title or "(untitled)",
        article.source.name,
        grade_label(grade),
    )


def track_record_text(flagged: int, claims: int) -> str:
    """`"25% (3 of 12)"`: the share of a source's claims that count against it; "—" when
    it carries no claims yet."""
    if not claims:
        return "—"
    return f"{flagged / claims:.0%} ({flagged} of {claims})"


class SourceTable(ListTable):
    """The source list. Rows come from `Source.objects.for_list()`: the latest rating is
    an annotation, the track record is stored on the source (services.claims
    .refresh_source_stats), the domains a prefetch, so a page runs no query per row. By
    grade or by last rating, sources never rated sort last either way."""

    name = tables.Column(order_by=("name",))
    domains = tables.Column(accessor="pk", verbose_name="Domains", orderable=False)
    country = tables.Column(orderable=False)
    language = tables.Column(orderable=False)
    grade = tables.Column(accessor="current_grade", verbose_name="Current grade", empty_values=())
    last_rated = tables.Column(accessor="last_rated_at", verbose_name="Last rated", empty_values=())
    articles = tables.Column(
        accessor="n_articles", verbose_name="Articles", order_by=("n_articles", "name")
    )
    claims = tables.Column(
        accessor="n_claims", verbose_name="Claims", order_by=("n_claims", "name")
    )
    track_record = tables.Column(accessor="n_flagged", verbose_name="Track record", orderable=False)
    unrated = tables.Column(
        accessor="current_grade", verbose_name="Flag", orderable=False, empty_values=()
    )

    class Meta:
        model = Source
        fields = ()
        sequence = (
            "name",
            "domains",
            "country",
            "language",
            "grade",
            "last_rated",
            "articles",
            "claims",
            "track_record",
            "unrated",
        )
        order_by = "name"
        empty_text = "No sources match these filters."

    def render_name(self, record: Source, value: str) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("source-detail", args=[record.pk]), value)

    def render_domains(self, record: Source) -> SafeString | str:
        domains = record.domains.all()
        if not domains:
            return "—"
        return format_html_join(", ", "{}", ((domain.domain,) for domain in domains))

    def render_grade(self, value: str | None) -> str:
        return grade_label(value)

    def order_grade(self, queryset: QuerySet, is_descending: bool):
        return _nulls_last(queryset, "current_grade", is_descending), True

    def render_last_rated(self, record: Source) -> str:
        if record.last_rated_at is None:
            return "Never"
        return f"{timezone.localtime(record.last_rated_at):%Y-%m-%d} by {record.last_rated_by}"

    def order_last_rated(self, queryset: QuerySet, is_descending: bool):
        return _nulls_last(queryset, "last_rated_at", is_descending), True

    def render_track_record(self, record: Source) -> str:
        return track_record_text(record.n_flagged, record.n_claims)

    def render_unrated(self, value: str | None) -> SafeString | str:
        return "" if value else format_html('<span class="flag">{}</span>', "Unrated")


def _nulls_last(queryset: QuerySet, field: str, is_descending: bool) -> QuerySet:
    column = F(field)
    ordered = column.desc(nulls_last=True) if is_descending else column.asc(nulls_last=True)
    return queryset.order_by(ordered, "name")


def admiralty_cell(grade: str, credibility: int) -> SafeString:
    """`B2` with its meaning in a tooltip (and for screen readers)."""
    reliability = ReliabilityGrade(grade or ReliabilityGrade.F).label
    if not grade:
        reliability += " (no rated source)"
    meaning = f"{reliability}; {Credibility(credibility).label}"
    return format_html(
        '<abbr class="admiralty" title="{}">{}{}</abbr>',
        meaning,
        grade or ReliabilityGrade.F,
        credibility,
    )


class ClaimTable(ListTable):
    """The claim list. Rows come from `Claim.objects.for_list()`: counts, independent
    sources and the best grade are stored on the claim; tags and claimants are two
    prefetches per page, so a page runs no query per row."""

    text = RecordColumn(verbose_name="Claim", order_by=("text", "id"))
    claim_type = ChoiceColumn(ClaimType, verbose_name="Type", order_by=("claim_type", "id"))
    credibility = ChoiceColumn(Credibility, order_by=("credibility", "id"))
    status = ChoiceColumn(ClaimStatus, order_by=("status", "id"))
    claimants = RecordColumn(verbose_name="Claimants", orderable=False)
    appearances = tables.Column(
        accessor="n_appearances", verbose_name="Appearances", order_by=("n_appearances", "id")
    )
    sources = tables.Column(
        accessor="n_sources", verbose_name="Independent sources", order_by=("n_sources", "id")
    )
    best_grade = RecordColumn(verbose_name="Best source grade", order_by=("best_grade", "id"))
    admiralty = RecordColumn(verbose_name="Admiralty code")
    tags = RecordColumn(verbose_name="Tags", orderable=False)
    updated = TimestampColumn(
        accessor="updated_at", verbose_name="Updated", order_by=("updated_at",)
    )

    class Meta:
        model = Claim
        fields = ()
        sequence = (
            "text",
            "claim_type",
            "credibility",
            "status",
            "claimants",
            "appearances",
            "sources",
            "best_grade",
            "admiralty",
            "tags",
            "updated",
        )
        order_by = "-updated"
        empty_text = "No claims match these filters."

    def render_text(self, record: Claim) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse("claim-detail", args=[record.pk]), record.text
        )

    def render_claimants(self, record: Claim) -> str:
        names = list(dict.fromkeys(row.claimant for row in record.claimant_rows))
        return ", ".join(names) if names else "—"

    def render_best_grade(self, record: Claim) -> str:
        return grade_label(record.best_grade) if record.best_grade else "No rated source"

    def render_admiralty(self, record: Claim) -> SafeString:
        return admiralty_cell(record.best_grade, record.credibility)

    def order_admiralty(self, queryset: QuerySet, is_descending: bool):
        # As the code reads: no rated source is F, after A–E.
        grade = Coalesce(NullIf("best_grade", Value("")), Value(ReliabilityGrade.F))
        keys = [grade, F("credibility"), F("id")]
        return queryset.order_by(*(k.desc() if is_descending else k.asc() for k in keys)), True

    def render_tags(self, record: Claim) -> SafeString | str:
        tags = record.tags.all()
        if not tags:
            return "—"
        return format_html_join(" ", '<span class="tag">{}</span>', ((t.name,) for t in tags))


class ImportBatchTable(ListTable):
    """The import batches, newest first: who started each and how, what it was given, and
    what became of its documents (the batch's page lists each failure)."""

    batch = tables.Column(accessor="pk", verbose_name="Batch", order_by=("id",))
    started = TimestampColumn(
        accessor="started_at", verbose_name="Started", order_by=("started_at", "id")
    )
    started_by = tables.Column(
        accessor="started_by__username", verbose_name="By", orderable=False, default="—"
    )
    via = tables.Column(verbose_name="From", order_by=("via", "id"))
    description = tables.Column(verbose_name="Files or options", orderable=False)
    imported = tables.Column(
        accessor="imported_count", verbose_name="Imported", order_by=("imported_count", "id")
    )
    present = tables.Column(
        accessor="skipped_count", verbose_name="Already present", order_by=("skipped_count", "id")
    )
    duplicates = tables.Column(
        accessor="duplicate_count", verbose_name="Duplicates", order_by=("duplicate_count", "id")
    )
    failed = tables.Column(
        accessor="failed_count", verbose_name="Failed", order_by=("failed_count", "id")
    )
    took = tables.Column(accessor="finished_at", verbose_name="Took", orderable=False)

    class Meta:
        model = ImportBatch
        fields = ()
        sequence = (
            "batch",
            "started",
            "started_by",
            "via",
            "description",
            "imported",
            "present",
            "duplicates",
            "failed",
            "took",
        )
        order_by = "-started"
        empty_text = "No import batches match these filters."

    def render_batch(self, value: int) -> SafeString:
        return format_html('<a href="{}">#{}</a>', reverse("import-batch", args=[value]), value)

    def render_took(self, record: ImportBatch) -> str:
        return f"{(record.finished_at - record.started_at).total_seconds():.1f} s"

    def render_failed(self, value: int) -> SafeString | int:
        return format_html('<span class="flag">{}</span>', value) if value else value
