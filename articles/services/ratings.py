"""Writes to source ratings: Editors rate, Analysts propose, Editors accept or reject.

Ratings are append-only: every judgement is a new SourceRating and the latest one is the
source's current grade; nothing here edits or deletes an old rating. Each function checks
the permission itself (a view or command forgetting to is still refused) and writes in one
transaction, with the acting user recorded in the history.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles import criteria as checklist
from articles.models import (
    ProposalStatus,
    RatingProposal,
    ReliabilityGrade,
    Source,
    SourceRating,
)
from articles.services.claims import refresh_claim_stats


def rate_source(
    *, source: Source, grade: str, rationale: str, by, criteria: dict | None = None
) -> SourceRating:
    """Append a rating; it becomes the source's current grade."""
    _require(by, "articles.add_sourcerating", "Only Editors rate sources.")
    grade, rationale, criteria = _validated(grade, rationale, criteria)
    with transaction.atomic():
        rating = SourceRating(
            source=source, grade=grade, rationale=rationale, criteria=criteria, rated_by=by
        )
        rating._history_user = by
        rating.save()
        # The best grade among a claim's sources may have changed.
        refresh_claim_stats(sources=[source.pk])
    return rating


def propose_rating(
    *, source: Source, grade: str, rationale: str, by, criteria: dict | None = None
) -> RatingProposal:
    """An Analyst suggests a rating for an Editor to accept."""
    _require(by, "articles.add_ratingproposal", "Viewers cannot propose ratings.")
    grade, rationale, criteria = _validated(grade, rationale, criteria)
    proposal = RatingProposal(
        source=source, grade=grade, rationale=rationale, criteria=criteria, proposed_by=by
    )
    proposal._history_user = by
    proposal.save()
    return proposal


def accept_proposal(*, proposal: RatingProposal, by) -> SourceRating:
    """Make a pending proposal the source's newest rating, rated by the accepting Editor."""
    _require(by, "articles.change_ratingproposal", "Only Editors accept proposed ratings.")
    with transaction.atomic():
        proposal = _pending(proposal)
        rating = rate_source(
            source=proposal.source,
            grade=proposal.grade,
            rationale=proposal.rationale,
            criteria=proposal.criteria,
            by=by,
        )
        _decide(proposal, ProposalStatus.ACCEPTED, by, rating=rating)
    return rating


def reject_proposal(*, proposal: RatingProposal, by) -> RatingProposal:
    _require(by, "articles.change_ratingproposal", "Only Editors reject proposed ratings.")
    with transaction.atomic():
        proposal = _pending(proposal)
        _decide(proposal, ProposalStatus.REJECTED, by)
    return proposal


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def _validated(grade: str, rationale: str, criteria: dict | None) -> tuple[str, str, dict]:
    errors = {}
    if grade not in ReliabilityGrade.values:
        errors["grade"] = "Choose a grade from A to F."
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "Say why this grade: the rationale is required."
    try:
        criteria = checklist.clean(criteria or {})
    except ValueError as error:
        errors["criteria"] = str(error)
    if errors:
        raise ValidationError(errors)
    return grade, rationale, criteria


def _pending(proposal: RatingProposal) -> RatingProposal:
    proposal = (
        RatingProposal.objects.select_for_update().select_related("source").get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(f"This proposal was already {proposal.get_status_display().lower()}.")
    return proposal


def _decide(proposal: RatingProposal, status: str, by, rating: SourceRating | None = None):
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.rating = rating
    proposal._history_user = by
    proposal.save()
