"""The claim list (`/claims/`), the claim page (`/claims/<id>/`) and its actions: edit
(Analysts: text, type, tags, notes; Editors also credibility and status), link or merge,
and possibly-same sentences elsewhere turned into appearances with one click.

Every write goes through `articles/services/claims.py`, which checks the permission
again, validates and records who and when; these views only translate forms to it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import exports, suggest
from articles.filters import ClaimFilter
from articles.forms import ClaimEditForm, ClaimLinkForm, add_service_errors
from articles.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    Credibility,
    SuggestionDismissal,
)
from articles.querysets import latest_rating
from articles.selectors import history_entries, possibly_same_candidates
from articles.services.bulk import CLAIMS
from articles.services.claims import (
    EditConflict,
    annotate,
    dismiss_suggestion,
    independent_source_grades,
    link_claims,
    sentence_hash,
    suggested_credibility,
    update_claim,
)
from articles.tables import ClaimTable, admiralty_cell, grade_label
from articles.views.bulk import bulk_form
from articles.views.lists import render_list

# The claim page lists at most this many appearances and history entries.
APPEARANCES_SHOWN = 200
HISTORY_SHOWN = 30
# Possibly-same sentences offered on the suggestions page.
SUGGESTIONS_SHOWN = 20
HISTORY_FIELDS = ["text", "claim_type", "credibility", "status", "notes", "credibility_rationale"]


@permission_required("articles.view_claim", raise_exception=True)
def claim_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        "articles/claim_list.html",
        filterset=ClaimFilter(request.GET, queryset=Claim.objects.for_list()),
        table_class=ClaimTable,
        list_url="claim-list",
        caption="Claims",
        bulk=bulk_form(CLAIMS, request),
    )


@permission_required("articles.view_claim", raise_exception=True)
def claim_list_export(request: HttpRequest) -> HttpResponse:
    """The claims of the current filter (archived left out unless asked for), streamed in
    `?format=` csv, jsonl, claimreview (schema.org) or annotation (W3C Web Annotation)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.CLAIM_FORMATS:
        return HttpResponseBadRequest(
            f"Unknown export format “{fmt}”: choose {', '.join(exports.CLAIM_FORMATS)}.".encode()
        )
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all())
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in filterset.errors.items())
        return HttpResponseBadRequest(f"Correct the filters: {errors}".encode())
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        exports.claim_export(filterset.qs, fmt, base_url=base_url),
        content_type=exports.CLAIM_FORMATS[fmt],
    )
    filename = f"claims-{timezone.localdate():%Y-%m-%d}.{exports.CLAIM_EXTENSIONS[fmt]}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("articles.view_claim", raise_exception=True)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.for_page(), pk=pk)
    form = ClaimEditForm(
        initial=ClaimEditForm.initial_for(claim),
        can_set_credibility=request.user.has_perm("articles.set_claim_credibility"),
    )
    return _render_page(request, claim, form=form)


@require_POST
@permission_required("articles.change_claim", raise_exception=True)
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.for_page(), pk=pk)
    # Disabled (Editor-only) fields clean to their initial values: give them the claim's.
    form = ClaimEditForm(
        request.POST,
        initial=ClaimEditForm.initial_for(claim),
        can_set_credibility=request.user.has_perm("articles.set_claim_credibility"),
    )
    conflict = None
    if form.is_valid():
        try:
            update_claim(
                claim=claim, version=form.cleaned_data["version"], by=request.user, **form.changes()
            )
        except EditConflict as error:
            conflict = _conflict(form, error.current)
            messages.error(
                request,
                "Not saved: someone changed this claim after you opened it. Their version "
                "is below next to yours; make your change again on the current version.",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Claim saved.")
            return redirect(claim)
    if conflict is None:
        messages.error(request, "Nothing was saved: correct the marked fields.")
    if conflict is not None:
        claim = Claim.objects.for_page().get(pk=pk)
        form = ClaimEditForm(
            initial=ClaimEditForm.initial_for(claim),
            can_set_credibility=request.user.has_perm("articles.set_claim_credibility"),
        )
    return _render_page(
        request, claim, form=form, conflict=conflict, status=409 if conflict else 200
    )


@require_POST
@permission_required("articles.add_claimlink", raise_exception=True)
def claim_link(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = ClaimLinkForm(request.POST)
    if form.is_valid():
        other, relation = form.cleaned_data["other"], form.cleaned_data["relation"]
        try:
            link_claims(
                from_claim=claim,
                to_claim=other,
                relation=relation,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if relation == "same_as":
                messages.success(
                    request,
                    f"Merged claim #{other.pk} into this one: its appearances are here now "
                    "and it is archived.",
                )
            else:
                messages.success(request, f"Linked to claim #{other.pk}.")
    else:
        errors = "; ".join(" ".join(e) for e in form.errors.values())
        messages.error(request, f"No link made: {errors}")
    return redirect(claim)


@permission_required("articles.view_claim", raise_exception=True)
def claim_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Sentences in other articles that possibly state this claim: text similarity, or
    the same numbers and names (articles/suggest.py), among recent canonical articles
    around the claim's appearances (selectors.possibly_same_candidates)."""
    claim = get_object_or_404(Claim, pk=pk)
    found = []
    dismissed_by_article: dict[int, set[str]] = {}
    articles = possibly_same_candidates(claim)
    for article in articles:
        for match in suggest.similar_sentences(claim.text, article.body):
            found.append((match.score, article, match))
    if found:
        for article_id, text_hash in SuggestionDismissal.objects.filter(
            claim=claim, article__in={article.pk for _, article, _ in found}
        ).values_list("article_id", "text_hash"):
            dismissed_by_article.setdefault(article_id, set()).add(text_hash)
    found = [
        (score, article, match)
        for score, article, match in found
        if sentence_hash(match.text) not in dismissed_by_article.get(article.pk, ())
    ]
    found.sort(key=lambda item: -item[0])
    context = {
        "claim": claim,
        "suggestions": [
            {"article": article, "match": match, "score": f"{score:.0%}"}
            for score, article, match in found[:SUGGESTIONS_SHOWN]
        ],
        "searched": len(articles),
        "can_annotate": request.user.has_perm("articles.add_appearance"),
    }
    return render(request, "articles/claim_suggestions.html", context)


@require_POST
@permission_required("articles.add_appearance", raise_exception=True)
def claim_suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (a new appearance of this claim) or dismiss (never offered again) one
    possibly-same sentence."""
    claim = get_object_or_404(Claim, pk=pk)
    article = get_object_or_404(
        Article.objects.defer("raw", "fingerprint"), pk=_int(request, "article")
    )
    text = request.POST.get("text", "")
    try:
        if request.POST.get("action") == "dismiss":
            dismiss_suggestion(article=article, text=text, claim=claim, by=request.user)
            messages.success(request, "Dismissed: it will not be suggested again.")
        else:
            start, end = _int(request, "start"), _int(request, "end")
            if article.body[start:end] != text:
                raise ValidationError(
                    "That article's text changed since the suggestion was made: look again."
                )
            annotate(article=article, start=start, end=end, claim=claim, by=request.user)
            messages.success(request, f"Added an appearance in “{article.title}”.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("claim-suggestions", pk=claim.pk)


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError as error:
        raise BadRequest(f"Malformed request: {name} is not a number.") from error


def _render_page(request, claim: Claim, *, form, conflict=None, status: int = 200):
    appearances = list(
        Appearance.objects.filter(claim=claim)
        .select_related("article__source")
        .only(
            "start",
            "end",
            "exact",
            "prefix",
            "suffix",
            "claimant",
            "verb",
            "anchor_status",
            "anchor_score",
            "claim_id",
            "article__title",
            "article__published_at",
            "article__duplicate_of_id",
            "article__upstream_source_id",
            "article__source__name",
        )
        .annotate(grade=latest_rating("grade", source="article__source_id"))
        .order_by("article__published_at", "article_id", "start")[: APPEARANCES_SHOWN + 1]
    )
    links = ClaimLink.objects.filter(Q(from_claim=claim) | Q(to_claim=claim)).select_related(
        "from_claim", "to_claim", "created_by"
    )
    suggested = suggested_credibility(independent_source_grades(claim))
    context = {
        "claim": claim,
        "admiralty": admiralty_cell(claim.best_grade, claim.credibility),
        "best_grade": grade_label(claim.best_grade) if claim.best_grade else "No rated source",
        "appearances": [
            {"appearance": a, "grade": grade_label(a.grade)}
            for a in appearances[:APPEARANCES_SHOWN]
        ],
        "more_appearances": len(appearances) > APPEARANCES_SHOWN,
        "links": [
            {
                "link": link,
                "other": link.to_claim if link.from_claim_id == claim.pk else link.from_claim,
                "outgoing": link.from_claim_id == claim.pk,
            }
            for link in links
        ],
        "history": history_entries(claim, fields=HISTORY_FIELDS, limit=HISTORY_SHOWN),
        "form": form,
        "link_form": ClaimLinkForm(),
        "conflict": conflict,
        "suggested_credibility": Credibility(suggested).label,
        "can_edit": request.user.has_perm("articles.change_claim"),
        "can_link": request.user.has_perm("articles.add_claimlink"),
    }
    return render(request, "articles/claim_detail.html", context, status=status)


def _conflict(form: ClaimEditForm, current: Claim) -> list[dict]:
    """Field by field: what this person submitted and what is stored now."""
    mine = form.cleaned_data
    theirs = ClaimEditForm.initial_for(current)
    rows = []
    for name in ("text", "claim_type", "tags", "notes", "credibility", "status"):
        if form.fields[name].disabled:
            continue
        rows.append(
            {
                "label": form.fields[name].label or name.replace("_", " ").capitalize(),
                "mine": mine.get(name),
                "theirs": theirs.get(name),
                "differs": str(mine.get(name)) != str(theirs.get(name)),
            }
        )
    return rows
