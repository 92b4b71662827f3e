"""The source list (`/sources/`), the source page (`/sources/<id>/`) and its three actions:
rate (Editors), propose a rating (Analysts), accept or reject a proposal (Editors).

Every write goes through `articles/services/ratings.py`, which checks the permission
again and records who and when; these views only translate between the form and it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles.criteria import CRITERIA, weighted_score
from articles.filters import SourceFilter
from articles.forms import RatingForm, add_service_errors
from articles.models import Claim, ProposalStatus, RatingProposal, Source
from articles.services.ratings import accept_proposal, propose_rating, rate_source, reject_proposal
from articles.tables import SourceTable, grade_label, track_record_text
from articles.views.lists import render_list

# The source page lists this many of the source's most recent articles and claims.
RECENT_SHOWN = 20


@permission_required("articles.view_source", raise_exception=True)
def source_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        "articles/source_list.html",
        filterset=SourceFilter(request.GET, queryset=Source.objects.for_list()),
        table_class=SourceTable,
        list_url="source-list",
        caption="Sources",
        export_url="source-export",
    )


@permission_required("articles.view_source", raise_exception=True)
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_page(request, pk, RatingForm())


@require_POST
@permission_required("articles.add_sourcerating", raise_exception=True)
def source_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _rate(
        request,
        pk,
        write=rate_source,
        done=lambda rating: f"Rated {grade_label(rating.grade)}: now the current grade.",
    )


@require_POST
@permission_required("articles.add_ratingproposal", raise_exception=True)
def source_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _rate(
        request,
        pk,
        write=propose_rating,
        done=lambda proposal: (
            f"Proposed {grade_label(proposal.grade)}: an Editor will accept or reject it."
        ),
    )


@require_POST
@permission_required("articles.change_ratingproposal", raise_exception=True)
def proposal_decide(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        RatingProposal.objects.select_related("proposed_by"), pk=proposal_pk, source_id=pk
    )
    action = request.POST.get("action")
    proposer, grade = proposal.proposed_by.get_username(), grade_label(proposal.grade)
    try:
        if action == "accept":
            accept_proposal(proposal=proposal, by=request.user)
            messages.success(request, f"Accepted {proposer}’s proposal: {grade} is now current.")
        elif action == "reject":
            reject_proposal(proposal=proposal, by=request.user)
            messages.success(request, f"Rejected {proposer}’s proposal of {grade}.")
        else:
            messages.error(request, "Choose to accept or to reject the proposal.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("source-detail", pk=pk)


def _rate(request: HttpRequest, pk: int, *, write, done) -> HttpResponse:
    """Rate or propose with the posted form; back to the page on success, else the page
    again with the form and its errors."""
    source = get_object_or_404(Source.objects.only("pk"), pk=pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            result = write(source=source, by=request.user, **form.rating())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(result))
            return redirect("source-detail", pk=pk)
    messages.error(request, "Nothing was saved: correct the marked fields.")
    return _render_page(request, pk, form)


def _render_page(request: HttpRequest, pk: int, form: RatingForm) -> HttpResponse:
    source = get_object_or_404(Source.objects.for_page(), pk=pk)
    ratings = list(source.ratings.select_related("rated_by", "proposal__proposed_by"))
    pending = source.proposals.filter(status=ProposalStatus.PENDING).select_related("proposed_by")
    articles = (
        source.articles.canonical()
        .only("title", "published_at", "source_id")
        .order_by(F("published_at").desc(nulls_last=True), "-id")[:RECENT_SHOWN]
    )
    claims = (
        Claim.objects.appearing_in(source)
        .with_flags()
        .only("text", "credibility")
        .order_by("-created_at", "-id")[:RECENT_SHOWN]
    )
    current = ratings[0] if ratings else None
    context = {
        "source": source,
        "current": _rating_entry(current) if current else None,
        "current_grade": grade_label(current.grade if current else None),
        "ratings": [_rating_entry(rating) for rating in ratings],
        "proposals": [_proposal_entry(proposal) for proposal in pending],
        "articles": articles,
        "claims": claims,
        "recent_shown": RECENT_SHOWN,
        "track_record": track_record_text(source.n_flagged, source.n_claims),
        "form": form,
        "can_rate": request.user.has_perm("articles.add_sourcerating"),
        "can_propose": request.user.has_perm("articles.add_ratingproposal"),
        "can_decide": request.user.has_perm("articles.change_ratingproposal"),
    }
    return render(request, "articles/source_detail.html", context)


def _rating_entry(rating) -> dict:
    proposal = getattr(rating, "proposal", None)  # selected with the rating; None if direct
    return {
        "rating": rating,
        "grade": grade_label(rating.grade),
        "proposed_by": proposal.proposed_by.get_username() if proposal else "",
        "checklist": _checklist(rating.criteria),
        "score": _score(rating.criteria),
    }


def _proposal_entry(proposal: RatingProposal) -> dict:
    return {
        "proposal": proposal,
        "grade": grade_label(proposal.grade),
        "checklist": _checklist(proposal.criteria),
        "score": _score(proposal.criteria),
    }


def _checklist(criteria: dict) -> list[dict]:
    """The nine criteria in weight order with each verdict; empty for no checklist."""
    if not criteria:
        return []
    rows = []
    for criterion in CRITERIA:
        answer = criteria.get(criterion.key)
        if answer is None:
            verdict = "Not assessed"
        else:
            verdict = "Pass" if answer.get("pass") is True else "Fail"
        note = answer.get("note", "") if answer else ""
        rows.append(
            {
                "label": criterion.label,
                "weight": f"{criterion.weight:g}",
                "verdict": verdict,
                "note": note,
            }
        )
    return rows


def _score(criteria: dict) -> str:
    """`"62.5 / 100"`, or "" for no checklist."""
    score = weighted_score(criteria)
    return "" if score is None else f"{score:g} / 100"
