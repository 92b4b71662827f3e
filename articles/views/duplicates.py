"""The duplicate review queue (`/duplicates/`) and the review page of one pair.

Editors decide (confirm, choosing the canonical, or reject); Analysts propose; Viewers
read. Every write goes through the dedupe service, which checks the permission again and
records who and when.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.dedupe import Text, template_lines
from articles.diff import word_diff
from articles.filters import DuplicateFilter
from articles.models import Article, DuplicateCandidate, DuplicateStatus, Proposal
from articles.services.duplicates import decide, propose, rule_canonical
from articles.tables import DuplicateTable, grade_label
from articles.views.lists import render_list


@permission_required("articles.view_duplicatecandidate", raise_exception=True)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        "articles/duplicate_list.html",
        filterset=DuplicateFilter(request.GET, queryset=DuplicateCandidate.objects.for_list()),
        table_class=DuplicateTable,
        list_url="duplicate-list",
        caption="Duplicate pairs",
        export_url="duplicate-export",
    )


@permission_required("articles.view_duplicatecandidate", raise_exception=True)
def duplicate_review(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(DuplicateCandidate.objects.for_review(), pk=pk)
    a, b = pair.article_a, pair.article_b
    # Dimmed: each source's learned boilerplate, and what the similarity left out.
    shared = template_lines(Text(a.body), Text(b.body), same_source=a.source_id == b.source_id)
    side_a, side_b = word_diff(
        a.body,
        b.body,
        template_a=frozenset(a.source.boilerplate or ()) | shared,
        template_b=frozenset(b.source.boilerplate or ()) | shared,
    )
    context = {
        "pair": pair,
        "sides": [
            (a, side_a, grade_label(pair.grade_a)),
            (b, side_b, grade_label(pair.grade_b)),
        ],
        "default_canonical": pair.canonical or rule_canonical(a, b),
        "previous": _neighbour(pair, before=True),
        "next": _neighbour(pair, before=False),
        "history": pair.history.select_related("history_user").order_by("-history_date")[:20],
        "can_decide": request.user.has_perm("articles.decide_duplicatecandidate"),
        "can_propose": request.user.has_perm("articles.add_duplicatecandidate"),
    }
    return render(request, "articles/duplicate_review.html", context)


@require_POST
@permission_required("articles.decide_duplicatecandidate", raise_exception=True)
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(DuplicateCandidate, pk=pk)
    action = request.POST.get("action")
    if action not in ("confirm", "reject"):
        messages.error(request, "Choose to confirm or to reject the pair.")
        return redirect("duplicate-review", pk=pk)
    canonical = None
    if action == "confirm" and request.POST.get("canonical"):
        canonical = Article.objects.filter(
            pk__in=[pair.article_a_id, pair.article_b_id], pk=_int(request.POST["canonical"])
        ).first()
        if canonical is None:
            messages.error(request, "The canonical article must be one of the pair.")
            return redirect("duplicate-review", pk=pk)
    try:
        decide(candidate=pair, confirm=action == "confirm", by=request.user, canonical=canonical)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect("duplicate-review", pk=pk)
    done = "Confirmed as duplicates" if action == "confirm" else "Rejected: not duplicates"
    messages.success(request, f"{done}: #{pair.article_a_id} and #{pair.article_b_id}.")
    return _to_next(pair)


@require_POST
@permission_required("articles.add_duplicatecandidate", raise_exception=True)
def duplicate_propose(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(DuplicateCandidate, pk=pk)
    try:
        propose(candidate=pair, proposal=request.POST.get("proposal", ""), by=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect("duplicate-review", pk=pk)
    messages.success(request, f"Proposal recorded: {Proposal(pair.proposal).label.lower()}.")
    return _to_next(pair)


def _neighbour(pair: DuplicateCandidate, *, before: bool) -> int | None:
    """The pending pair before or after this one in the queue's order (most similar
    first, then oldest id)."""
    pending = DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING).exclude(pk=pair.pk)
    if before:
        neighbours = pending.filter(
            Q(similarity__gt=pair.similarity) | Q(similarity=pair.similarity, pk__lt=pair.pk)
        ).order_by("similarity", "-pk")
    else:
        neighbours = pending.filter(
            Q(similarity__lt=pair.similarity) | Q(similarity=pair.similarity, pk__gt=pair.pk)
        ).order_by("-similarity", "pk")
    return neighbours.values_list("pk", flat=True).first()


def _to_next(pair: DuplicateCandidate) -> HttpResponse:
    following = _neighbour(pair, before=False)
    if following is None:
        return redirect("duplicate-list")
    return redirect(reverse("duplicate-review", args=[following]))


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None
