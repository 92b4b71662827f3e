"""The article list's table: which columns `/articles/` shows and how each sorts.

Rows come from `Article.objects.for_list()`, which annotates what the cells need
(`source_grade`, `n_copies`, `canonical_title`) so that rendering a page runs no query.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.models import Article, DuplicateCandidate, ReliabilityGrade

PER_PAGE = 50
UNTITLED = "(untitled)"


def grade_label(grade: str | None) -> str:
    """`"B"` → `"B – Usually reliable"`; a source never rated reads "Unrated"."""
    return ReliabilityGrade(grade).label if grade else "Unrated"


class ArticleTable(tables.Table):
    # Rendered even when empty, so that every row links to its article.
    title = tables.Column(order_by=("title", "id"), empty_values=())
    source = tables.Column(order_by=("source__name", "id"))
    published = tables.DateTimeColumn(
        accessor="published_at",
        verbose_name="Published",
        format="Y-m-d H:i",
        order_by=("published_at", "id"),
    )
    status = tables.Column(order_by=("status", "id"))
    language = tables.Column(orderable=False)
    imported = tables.DateTimeColumn(
        accessor="imported_at",
        verbose_name="Imported",
        format="Y-m-d H:i",
        order_by=("imported_at", "id"),
    )

    class Meta:
        model = Article
        fields = ()
        sequence = ("title", "source", "published", "status", "language", "imported")
        order_by = "-published"
        empty_text = "No articles match these filters."

    def paginate(self, *args, per_page=None, **kwargs):
        # Fixed page size: a `per_page` in the query string must not fetch the whole table.
        return super().paginate(*args, per_page=PER_PAGE, **kwargs)

    def render_title(self, record: Article, value: str) -> SafeString:
        cell = format_html(
            '<a href="{}">{}</a>', reverse("article-detail", args=[record.pk]), value or UNTITLED
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


class DuplicateTable(tables.Table):
    """The review queue: most similar pairs first."""

    first = tables.Column(accessor="article_a", verbose_name="Article", order_by=("article_a",))
    second = tables.Column(accessor="article_b", verbose_name="Similar article", orderable=False)
    similarity = tables.Column(verbose_name="Similarity", order_by=("similarity", "id"))
    containment = tables.Column(verbose_name="Containment", order_by=("containment", "id"))
    status = tables.Column(order_by=("status", "id"))
    proposal = tables.Column(verbose_name="Proposal", orderable=False)
    found = tables.DateTimeColumn(
        accessor="created_at", verbose_name="Found", format="Y-m-d H:i", order_by=("created_at",)
    )
    review = tables.Column(accessor="pk", verbose_name="", orderable=False)

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

    def paginate(self, *args, per_page=None, **kwargs):
        return super().paginate(*args, per_page=PER_PAGE, **kwargs)

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

    def render_review(self, value: int) -> SafeString:
        return format_html('<a href="{}">Review</a>', reverse("duplicate-review", args=[value]))


def _article_cell(article: Article, grade: str | None) -> SafeString:
    return format_html(
        '<a href="{}">{}</a><br><span class="source">{}</span> <span class="grade">{}</span>',
        reverse("article-detail", args=[article.pk]),
        article.title or "(untitled)",
        article.source.name,
        grade_label(grade),
    )
