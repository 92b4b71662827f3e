"""Bulk actions on the article and claim lists: the list posts the action and the ticked
rows (or "all matching") here with its filters in the query string; this page shows how
many rows and what will happen, and only a second POST with `confirm` acts. Roles are
checked again by `articles/services/bulk.py`, which does the writing."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.filters import ArticleFilter, ClaimFilter
from articles.forms import BulkForm
from articles.services.bulk import (
    ARTICLES,
    CLAIMS,
    BulkKind,
    allowed_actions,
    apply_bulk_action,
    check_bulk_action,
    describe,
)

BULK_URLS = {ARTICLES.noun: "article-bulk", CLAIMS.noun: "claim-bulk"}


def bulk_form(kind: BulkKind, request: HttpRequest) -> BulkForm | None:
    """The list's bulk form for this user (posting to `action_url`), or None when they
    may take no action."""
    if not allowed_actions(kind, request.user):
        return None
    form = BulkForm(kind=kind, user=request.user)
    form.action_url = reverse(BULK_URLS[kind.noun])
    return form


@require_POST
@permission_required("articles.change_article", raise_exception=True)
def article_bulk(request: HttpRequest) -> HttpResponse:
    return _bulk(request, ARTICLES, ArticleFilter, "article-list")


@require_POST
@permission_required("articles.change_claim", raise_exception=True)
def claim_bulk(request: HttpRequest) -> HttpResponse:
    return _bulk(request, CLAIMS, ClaimFilter, "claim-list")


def _bulk(request: HttpRequest, kind: BulkKind, filter_class, list_url: str) -> HttpResponse:
    form = BulkForm(request.POST, kind=kind, user=request.user)
    query = request.GET.urlencode()
    back = reverse(list_url) + (f"?{query}" if query else "")
    context = {"form": form, "kind": kind, "back": back, "query": query, "list_url": list_url}
    if not form.is_valid():
        return render(request, "articles/bulk_confirm.html", context, status=400)
    data = form.cleaned_data
    change = {"tag": data["tag"], "status": data["status"]}
    try:
        check_bulk_action(kind, data["action"], by=request.user, **change)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render(request, "articles/bulk_confirm.html", context, status=400)
    if data["scope"] == BulkForm.ALL:
        filterset = filter_class(request.GET, queryset=kind.model.objects.all())
        if not filterset.is_valid():
            form.add_error(None, "Correct the list's filters first.")
            return render(request, "articles/bulk_confirm.html", context, status=400)
        rows = filterset.qs
    else:
        rows = kind.model.objects.filter(pk__in=data["selected"])
    if not data["confirm"]:
        context |= {
            "count": rows.count(),
            "what": describe(kind, data["action"], **change),
            "all_matching": data["scope"] == BulkForm.ALL,
        }
        return render(request, "articles/bulk_confirm.html", context)
    changed = apply_bulk_action(kind, rows, data["action"], by=request.user, **change)
    what = describe(kind, data["action"], **change)
    noun = kind.noun if changed == 1 else f"{kind.noun}s"
    messages.success(request, f"Done: {what} — {changed} {noun} changed.")
    return redirect(back)
