"""The article list (`/articles/`), the article page (`/articles/<id>/`) with its marked
claim appearances and suggested claims, and the two writes made from that page:
annotating a selected span, and accepting or dismissing a suggested claim.

Writes go through `articles/services/claims.py`; the page only translates. The body is
escaped piece by piece by `articles/highlight.py`; article text is never marked safe.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import suggest
from articles.anchoring import index_to_utf16, utf16_to_index
from articles.filters import ArticleFilter
from articles.forms import AnnotationForm
from articles.highlight import Span, highlight
from articles.models import Appearance, Article, ClaimType, DuplicateCandidate
from articles.querysets import ARTICLE_TEXT_FIELDS
from articles.selectors import history_entries
from articles.services.bulk import ARTICLES
from articles.services.claims import annotate, dismiss_suggestion, dismissed_hashes, sentence_hash
from articles.tables import ArticleTable, admiralty_cell, grade_label
from articles.views.bulk import bulk_form
from articles.views.lists import render_list

# The suggested-claims panel lists at most this many sentences.
SUGGESTIONS_SHOWN = 30
# The article's history: the last changes and the fields they compare (long values, like
# the body, are shortened on the page).
HISTORY_SHOWN = 20
HISTORY_FIELDS = [
    "title",
    "status",
    "body",
    "duplicate_of",
    "source",
    "upstream_source",
    "published_at",
]

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
        export_url="article-export",
        bulk=bulk_form(ARTICLES, request),
    )


@permission_required("articles.view_article", raise_exception=True)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    can_set = request.user.has_perm("articles.set_claim_credibility")
    return _render_page(request, pk, AnnotationForm(can_set_credibility=can_set))


@require_POST
@permission_required("articles.add_appearance", raise_exception=True)
def article_annotate(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a selected span as an appearance of a new or an existing claim. The browser
    sends UTF-16 offsets and the quote it saw; a quote that no longer matches the body
    (re-cleaned meanwhile) is refused rather than anchored in the wrong place."""
    article = get_object_or_404(Article.objects.defer("raw", "fingerprint"), pk=pk)
    can_set = request.user.has_perm("articles.set_claim_credibility")
    form = AnnotationForm(request.POST, can_set_credibility=can_set)
    if form.is_valid():
        data = form.cleaned_data
        try:
            start, end = _python_span(article.body, data["start"], data["end"], data["quote"])
            appearance = annotate(
                article=article,
                start=start,
                end=end,
                by=request.user,
                claim=data["claim"],
                text=data["text"],
                claimant=data["claimant"],
                verb=data["verb"],
                claim_type=data["claim_type"],
                credibility=data.get("credibility"),
                tags=data["tags"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Marked an appearance of claim #{appearance.claim_id}.")
            return redirect(reverse("article-detail", args=[pk]) + f"#appearance-{appearance.pk}")
    messages.error(request, "Nothing was saved: correct the annotation form.")
    return _render_page(request, pk, form, status=400)


@require_POST
@permission_required("articles.add_appearance", raise_exception=True)
def article_suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a suggested claim (a new claim and its appearance) or dismiss it."""
    article = get_object_or_404(Article.objects.defer("raw", "fingerprint"), pk=pk)
    text = request.POST.get("text", "")
    try:
        if request.POST.get("action") == "dismiss":
            dismiss_suggestion(article=article, text=text, by=request.user)
            messages.success(request, "Dismissed: it will not be suggested again.")
        else:
            found = [s for s in suggest.suggest_claims(article.body) if s.text == text]
            if not found:
                raise ValidationError("That suggestion is gone: the text changed. Look again.")
            suggestion = found[0]
            appearance = annotate(
                article=article,
                start=suggestion.start,
                end=suggestion.end,
                by=request.user,
                text=suggestion.text,
                claimant=suggestion.claimant,
                verb=suggestion.verb,
                claim_type=suggestion.claim_type
                if suggestion.claim_type in ClaimType.values
                else ClaimType.OTHER,
            )
            messages.success(
                request,
                f"Created claim #{appearance.claim_id} from the suggestion; edit its "
                "wording on the claim page.",
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("article-detail", args=[pk]) + "#suggestions")


def _python_span(body: str, start16: int, end16: int, quote: str) -> tuple[int, int]:
    try:
        start, end = utf16_to_index(body, start16), utf16_to_index(body, end16)
    except ValueError as error:
        raise ValidationError(
            "The selection is outside the article's text: reload the page and select again."
        ) from error
    if body[start:end] != quote:
        raise ValidationError(
            "The article's text changed since you opened it: reload the page and select again."
        )
    return start, end


def _render_page(request: HttpRequest, pk: int, form: AnnotationForm, *, status: int = 200):
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
    appearances = list(
        Appearance.objects.filter(article=article)
        .select_related("claim")
        .only(
            "start",
            "end",
            "exact",
            "claimant",
            "verb",
            "anchor_status",
            "anchor_score",
            "article_id",
            "claim__text",
            "claim__credibility",
            "claim__best_grade",
        )
        .order_by("start", "end", "id")
    )
    body = article.body
    marked = [a for a in appearances if a.anchor_status != "orphaned"]
    can_annotate = request.user.has_perm("articles.add_appearance")
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
        "marked_body": highlight(body, [Span(a.pk, a.start, a.end, a.claim.text) for a in marked]),
        "appearances": [
            {
                "appearance": a,
                "admiralty": admiralty_cell(a.claim.best_grade, a.claim.credibility),
            }
            for a in appearances
        ],
        "suggestions": _suggestions(article, appearances) if can_annotate else [],
        # Sentence spans in UTF-16 units for the keyboard's sentence mode (annotate.js).
        "sentence_spans": [
            [index_to_utf16(body, s), index_to_utf16(body, e)] for s, e in suggest.sentences(body)
        ]
        if can_annotate
        else [],
        "form": form,
        "can_annotate": can_annotate,
        "history": history_entries(article, fields=HISTORY_FIELDS, limit=HISTORY_SHOWN),
    }
    return render(request, "articles/article_detail.html", context, status=status)


def _suggestions(article: Article, appearances: list[Appearance]) -> list:
    """Suggested claims not yet marked (no overlap with an appearance) nor dismissed."""
    dismissed = dismissed_hashes(article)
    spans = [(a.start, a.end) for a in appearances if a.anchor_status != "orphaned"]
    shown = []
    for suggestion in suggest.suggest_claims(article.body):
        if any(suggestion.start < end and start < suggestion.end for start, end in spans):
            continue
        if sentence_hash(suggestion.text) in dismissed:
            continue
        shown.append(suggestion)
        if len(shown) == SUGGESTIONS_SHOWN:
            break
    return shown


def _web_link(url: str) -> str:
    """The URL if it is safe to put in an href (http or https), else "" and it is shown
    as text: an imported `javascript:` URL must not become a clickable link."""
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""
