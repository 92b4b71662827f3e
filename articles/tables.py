"""The article list's table: which columns `/articles/` shows and how each sorts.

Rows come from `Article.objects.for_list()`, which annotates what the cells need
(`source_grade`, `n_copies`, `canonical_title`) so that rendering a page runs no query.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.models import Article, ReliabilityGrade

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
