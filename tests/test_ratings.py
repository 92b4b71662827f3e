"""Source ratings: append-only history, the current grade, the criteria checklist, and
the proposal → acceptance flow with its permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.criteria import CRITERIA, weighted_score
from articles.models import ProposalStatus, Source, SourceRating
from articles.services.ratings import accept_proposal, propose_rating, rate_source, reject_proposal
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def _grade(source: Source) -> str | None:
    return Source.objects.with_current_grade().get(pk=source.pk).current_grade


def test_a_new_rating_is_appended_and_becomes_the_current_grade(editor):
    source = SourceFactory()
    first = rate_source(source=source, grade="B", rationale="Named reporters.", by=editor)
    second = rate_source(source=source, grade="D", rationale="Three retractions.", by=editor)

    assert _grade(source) == "D"
    first.refresh_from_db()
    assert (first.grade, first.rationale) == ("B", "Named reporters.")  # never edited
    assert list(source.ratings.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert second.history.get().history_user == editor


@pytest.mark.parametrize(
    ("grade", "rationale", "field"),
    [("Z", "Fine.", "grade"), ("B", "   ", "rationale"), ("B", "", "rationale")],
)
def test_a_rating_needs_a_valid_grade_and_a_rationale(editor, grade, rationale, field):
    source = SourceFactory()
    with pytest.raises(ValidationError) as raised:
        rate_source(source=source, grade=grade, rationale=rationale, by=editor)
    assert field in raised.value.message_dict
    assert not SourceRating.objects.exists()


def test_the_checklist_gives_a_weighted_score_out_of_100(editor):
    passed = {"false_content": {"pass": True}, "corrections": {"pass": True, "note": "Log"}}
    failed = {"ownership": {"pass": False, "note": "Owner hidden"}}
    rating = rate_source(
        source=SourceFactory(), grade="C", rationale="Mixed.", by=editor, criteria=passed | failed
    )
    assert rating.criteria_score == 22 + 12.5
    assert rating.criteria["ownership"] == {"pass": False, "note": "Owner hidden"}
    assert weighted_score({c.key: {"pass": True} for c in CRITERIA}) == 100
    assert weighted_score({}) is None


def test_an_unknown_criterion_is_refused(editor):
    with pytest.raises(ValidationError, match="unknown criterion"):
        rate_source(
            source=SourceFactory(),
            grade="C",
            rationale="Mixed.",
            by=editor,
            criteria={"vibes": {"pass": True}},
        )


def test_only_editors_rate(viewer, analyst):
    for user in (viewer, analyst):
        with pytest.raises(PermissionDenied):
            rate_source(source=SourceFactory(), grade="A", rationale="Great.", by=user)


def test_an_analyst_proposes_and_an_editor_accepts_into_the_history(analyst, editor):
    source = SourceFactory()
    rate_source(source=source, grade="B", rationale="Named reporters.", by=editor)
    proposal = propose_rating(source=source, grade="E", rationale="Fabricated quotes.", by=analyst)
    assert _grade(source) == "B"  # a proposal is not a rating

    rating = accept_proposal(proposal=proposal, by=editor)

    proposal.refresh_from_db()
    assert _grade(source) == "E"
    assert (rating.rated_by, rating.rationale) == (editor, "Fabricated quotes.")
    assert (proposal.status, proposal.decided_by, proposal.rating) == (
        ProposalStatus.ACCEPTED,
        editor,
        rating,
    )
    assert source.ratings.count() == 2
    with pytest.raises(ValidationError, match="already accepted"):
        accept_proposal(proposal=proposal, by=editor)
    assert source.ratings.count() == 2


def test_a_rejected_proposal_changes_no_grade(analyst, editor):
    source = SourceFactory()
    proposal = propose_rating(source=source, grade="A", rationale="Looks fine.", by=analyst)
    reject_proposal(proposal=proposal, by=editor)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.rating is None
    assert _grade(source) is None


def test_viewers_cannot_propose_and_analysts_cannot_accept(viewer, analyst):
    source = SourceFactory()
    with pytest.raises(PermissionDenied):
        propose_rating(source=source, grade="C", rationale="Meh.", by=viewer)
    proposal = propose_rating(source=source, grade="C", rationale="Meh.", by=analyst)
    with pytest.raises(PermissionDenied):
        accept_proposal(proposal=proposal, by=analyst)
    with pytest.raises(PermissionDenied):
        reject_proposal(proposal=proposal, by=analyst)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
