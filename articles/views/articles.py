"""The article list (`/articles/`) and the article page (`/articles/<id>/`): reads only."""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.filters import ArticleFilter
from articles.models import Article, DuplicateCandidate
from articles.querysets import ARTICLE_TEXT_FIELDS
from articles.tables import ArticleTable, grade_label
from articles.views.lists import render_list

# The article page lists at most this many copies and this many duplicate pairs; a wire
# story republished by hundreds of outlets must not make its page slow.
RELATED_SHOWN = 100


@permission_required("articles.view_article", raise_exception=True)
def article_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        "articles/article_list.html",
        filterset=ArticleFilter(request.GET, queryset=Article.objects.for_list()),
        table_class=ArticleTable,
        list_url="article-list",
        caption="Articles",
    )


@permission_required("articles.view_article", raise_exception=True)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.for_page(), pk=pk)
    copies = list(
        article.duplicates.select_related("source")
        .defer(*ARTICLE_TEXT_FIELDS, "source__notes", "source__boilerplate")
        .order_by("published_at", "id")[: RELATED_SHOWN + 1]
    )
    pairs = list(
        DuplicateCandidate.objects.filter(Q(article_a=article) | Q(article_b=article))
        .select_related("article_a", "article_b")
        .only("similarity", "containment", "status", "article_a__title", "article_b__title")
        .order_by("-similarity", "id")[: RELATED_SHOWN + 1]
    )
    context = {
        "article": article,
        "grade": grade_label(article.source_grade),
        "external_url": _web_link(article.url),
        "copies": copies[:RELATED_SHOWN],
        "more_copies": len(copies) > RELATED_SHOWN,
        "pairs": [
            (pair, pair.article_b if pair.article_a_id == article.pk else pair.article_a)
            for pair in pairs[:RELATED_SHOWN]
        ],
        "more_pairs": len(pairs) > RELATED_SHOWN,
        "related_shown": RELATED_SHOWN,
    }
    return render(request, "articles/article_detail.html", context)


def _web_link(url: str) -> str:
    """The URL if it is safe to put in an href (http or https), else "" and it is shown
    as text: an imported `javascript:` URL must not become a clickable link."""
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""
