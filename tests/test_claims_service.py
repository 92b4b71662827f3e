"""The claim service: annotating, editing with an optimistic lock, linking and merging,
dismissing suggestions, re-anchoring, and the stored figures every write keeps current."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from articles.models import (
    AnchorStatus,
    Appearance,
    Claim,
    ClaimLink,
    ClaimStatus,
    Credibility,
    LinkRelation,
    SuggestionDismissal,
    Tag,
)
from articles.services.claims import (
    EditConflict,
    annotate,
    dismiss_suggestion,
    dismissed_hashes,
    link_claims,
    reanchor_article,
    refresh_claim_stats,
    remove_appearance,
    sentence_hash,
    suggested_credibility,
    update_claim,
)
from articles.services.ratings import rate_source
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, SourceRatingFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


def seed_line(file_prefix: str, containing: str) -> str:
    """The line of seed document `file_prefix`_*.txt that contains `containing`."""
    path = next(SEEDS.glob(f"{file_prefix}_*.txt"))
    return next(line for line in path.read_text("utf-8").splitlines() if containing in line)


VISIT = seed_line("001", "dressed in military fatigues")
OFFENSIVE = seed_line("001", "unexpected summer offensive")
TRUCE = seed_line("001", "U.S. negotiators have been dispatched")
CAPTIVES = seed_line("001", "Russia has captured 430 Ukrainian soldiers")
BLINKEN = seed_line("004", "Antony Blinken spoke")
TRUMP = seed_line("003", "the decision now rests with Putin")
SHOIGU = seed_line("002", "Russia has stated it will not engage in negotiations")

CAPTURED = "Russia has captured 430 Ukrainian soldiers"
DISPATCHED = "U.S. negotiators have been dispatched to Russia"


def span(body: str, quote: str) -> tuple[int, int]:
    start = body.index(quote)
    return start, start + len(quote)


def mark(article, quote: str, *, by, **options) -> Appearance:
    start, end = span(article.body, quote)
    return annotate(article=article, start=start, end=end, by=by, **options)


def figures(claim: Claim) -> tuple[int, int, str]:
    claim.refresh_from_db()
    return claim.n_appearances, claim.n_sources, claim.best_grade


# --- annotate -------------------------------------------------------------------------------


def test_annotating_a_span_creates_a_claim_and_its_appearance_with_selectors(analyst):
    article = ArticleFactory(body=f"{VISIT}\n{CAPTIVES}")
    start, end = span(article.body, CAPTURED)

    appearance = annotate(
        article=article,
        start=start,
        end=end,
        by=analyst,
        claimant="  Putin ",
        verb="said",
        claim_type="quantity",
        tags=["Place : Kursk", "topic:prisoners of war"],
        notes="  Figure repeated by several outlets.  ",
    )

    appearance.refresh_from_db()
    claim = appearance.claim
    body = article.body
    assert (appearance.start, appearance.end) == (start, end)
    assert appearance.exact == body[start:end] == CAPTURED
    assert appearance.prefix == body[start - 32 : start]
    assert appearance.suffix == body[end : end + 32]
    assert len(appearance.prefix) == len(appearance.suffix) == 32
    assert (appearance.claimant, appearance.verb) == ("Putin", "said")
    assert appearance.anchor_status == AnchorStatus.EXACT
    assert appearance.created_by == analyst
    assert claim.text == CAPTURED
    assert claim.claim_type == "quantity"
    assert claim.credibility == Credibility.UNJUDGED
    assert claim.notes == "Figure repeated by several outlets."
    assert claim.created_by == analyst
    assert sorted(t.name for t in claim.tags.all()) == ["place:Kursk", "topic:prisoners of war"]


def test_a_new_claim_takes_the_text_given_rather_than_the_span(analyst):
    article = ArticleFactory(body=CAPTIVES)
    appearance = mark(
        article, CAPTURED, by=analyst, text="  Russia captured   430 Ukrainian soldiers "
    )
    assert appearance.claim.text == "Russia captured 430 Ukrainian soldiers"
    assert appearance.exact == CAPTURED


def test_whitespace_around_the_selection_is_trimmed_from_the_span(analyst):
    body = f"{VISIT}\n  {TRUMP}\n"
    article = ArticleFactory(body=body)
    start = body.index(TRUMP) - 3  # the newline and the two spaces before the line
    end = len(body)  # the trailing newline

    appearance = annotate(article=article, start=start, end=end, by=analyst)

    assert appearance.exact == TRUMP == body[appearance.start : appearance.end]
    assert appearance.start == body.index(TRUMP)
    assert appearance.suffix == "\n"
    assert appearance.claim.text == TRUMP


def test_offsets_in_a_cyrillic_and_emoji_body_are_python_string_indexes(analyst):
    body = f"08 January 2025, 23:41 | Policy\nphoto Фокус 📷 {BLINKEN}"
    article = ArticleFactory(body=body, language="en")
    quote = "Current US Secretary of State Antony Blinken"
    start, end = span(body, quote)

    appearance = annotate(article=article, start=start, end=end, by=analyst)

    appearance.refresh_from_db()
    assert appearance.start == len("08 January 2025, 23:41 | Policy\nphoto Фокус 📷 ")
    assert appearance.exact == body[appearance.start : appearance.end] == quote
    assert appearance.prefix == "5, 23:41 | Policy\nphoto Фокус 📷 "
    assert len(appearance.prefix) == 32
    assert appearance.suffix == body[end : end + 32]


def test_a_quote_of_cyrillic_and_emoji_is_stored_exactly(analyst):
    body = f"photo Фокус 📷 — Фокус\n{BLINKEN}"
    article = ArticleFactory(body=body)
    appearance = mark(article, "Фокус 📷 — Фокус", by=analyst, text="Focus photo credit")
    appearance.refresh_from_db()
    assert appearance.exact == "Фокус 📷 — Фокус"
    assert appearance.prefix == "photo "
    assert appearance.suffix == "\n" + BLINKEN[:31]


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 10), (0, 10_000), (50, 10)],
    ids=["before-the-start", "past-the-end", "reversed"],
)
def test_a_selection_outside_the_body_is_refused_with_its_offsets(analyst, start, end):
    article = ArticleFactory(body=TRUMP)
    with pytest.raises(ValidationError) as error:
        annotate(article=article, start=start, end=end, by=analyst)
    assert "outside the article's text" in error.value.messages[0]
    assert f"{start}–{end}" in error.value.messages[0]
    assert f"({len(TRUMP)} characters)" in error.value.messages[0]
    assert not Claim.objects.exists()
    assert not Appearance.objects.exists()


def test_a_whitespace_only_selection_is_refused(analyst):
    body = f"{VISIT}\n \n\t{TRUMP}"
    article = ArticleFactory(body=body)
    start = len(VISIT)
    with pytest.raises(ValidationError) as error:
        annotate(article=article, start=start, end=start + 4, by=analyst)
    assert "only whitespace" in error.value.messages[0]
    assert not Claim.objects.exists()


def test_an_invalid_claim_type_is_refused_by_field(analyst):
    article = ArticleFactory(body=TRUMP)
    with pytest.raises(ValidationError) as error:
        mark(article, "Donald Trump", by=analyst, claim_type="rumour")
    assert set(error.value.message_dict) == {"claim_type"}
    assert not Claim.objects.exists()


def test_the_same_span_marked_twice_for_one_claim_is_refused(analyst):
    article = ArticleFactory(body=CAPTIVES)
    first = mark(article, CAPTURED, by=analyst)
    start, end = span(article.body, CAPTURED)

    with pytest.raises(ValidationError, match="already marked"):
        annotate(article=article, start=start, end=end, by=analyst, claim=first.claim)
    # The same span with whitespace around it trims to the same span.
    with pytest.raises(ValidationError, match="already marked"):
        annotate(article=article, start=start - 1, end=end, by=analyst, claim=first.claim)

    assert Appearance.objects.count() == 1
    assert figures(first.claim) == (1, 1, "")


def test_the_same_span_may_be_an_appearance_of_two_claims(analyst):
    article = ArticleFactory(body=CAPTIVES)
    one = mark(article, CAPTURED, by=analyst)
    two = mark(article, CAPTURED, by=analyst, text="Russia holds Ukrainian prisoners of war")
    assert one.claim != two.claim
    assert Appearance.objects.count() == 2


def test_attaching_to_an_existing_claim_adds_an_appearance_and_its_tags(analyst):
    first = mark(ArticleFactory(body=CAPTIVES), CAPTURED, by=analyst, tags=["place:Kursk"])
    claim = first.claim
    other = ArticleFactory(body=f"{VISIT}\n{CAPTIVES}")

    second = mark(
        other, CAPTURED, by=analyst, claim=claim, tags="PLACE:kursk, topic:prisoners of war"
    )

    assert second.claim == claim
    assert claim.appearances.count() == 2
    assert sorted(t.name for t in claim.tags.all()) == ["place:Kursk", "topic:prisoners of war"]
    assert Tag.objects.filter(name__iexact="place:kursk").count() == 1
    assert Claim.objects.count() == 1


def test_attaching_to_an_archived_claim_is_refused(analyst):
    claim = ClaimFactory(status=ClaimStatus.ARCHIVED)
    article = ArticleFactory(body=CAPTIVES)
    with pytest.raises(ValidationError, match="archived"):
        mark(article, CAPTURED, by=analyst, claim=claim)
    assert not Appearance.objects.exists()


def test_a_viewer_cannot_annotate(viewer):
    article = ArticleFactory(body=CAPTIVES)
    claim = ClaimFactory()
    with pytest.raises(PermissionDenied):
        mark(article, CAPTURED, by=viewer)
    with pytest.raises(PermissionDenied):
        mark(article, CAPTURED, by=viewer, claim=claim)
    assert not Appearance.objects.exists()
    assert Claim.objects.count() == 1


def test_an_analyst_cannot_create_a_claim_with_a_credibility(analyst):
    article = ArticleFactory(body=CAPTIVES)
    with pytest.raises(PermissionDenied):
        mark(article, CAPTURED, by=analyst, credibility=Credibility.PROBABLE)
    assert not Claim.objects.exists()
    assert not Appearance.objects.exists()


def test_an_analyst_may_leave_the_credibility_unjudged(analyst):
    article = ArticleFactory(body=CAPTIVES)
    appearance = mark(article, CAPTURED, by=analyst, credibility=Credibility.UNJUDGED)
    assert appearance.claim.credibility == Credibility.UNJUDGED


def test_an_editor_creates_a_claim_with_a_credibility(editor):
    article = ArticleFactory(body=CAPTIVES)
    appearance = mark(article, CAPTURED, by=editor, credibility=Credibility.PROBABLE)
    appearance.claim.refresh_from_db()
    assert appearance.claim.credibility == Credibility.PROBABLE


def test_annotating_records_the_user_in_the_history(analyst):
    article = ArticleFactory(body=CAPTIVES)
    appearance = mark(article, CAPTURED, by=analyst, tags=["place:Kursk"])
    claim = appearance.claim

    assert claim.history.first().history_user == analyst
    assert claim.history.earliest().history_type == "+"
    assert claim.history.earliest().history_user == analyst
    assert appearance.history.count() == 1
    assert appearance.history.first().history_user == analyst
    assert appearance.history.first().history_change_reason == "annotated"


def test_annotating_updates_the_claims_figures(analyst, editor):
    rated = SourceFactory()
    rate_source(source=rated, grade="C", rationale="Fair record.", by=editor)
    first = mark(ArticleFactory(body=CAPTIVES, source=rated), CAPTURED, by=analyst)
    claim = first.claim
    assert figures(claim) == (1, 1, "C")

    mark(ArticleFactory(body=f"{TRUMP}\n{CAPTIVES}"), CAPTURED, by=analyst, claim=claim)

    assert figures(claim) == (2, 2, "C")


# --- update_claim ---------------------------------------------------------------------------


def test_an_edit_raises_the_version_by_one_each_time(analyst):
    claim = ClaimFactory(text=CAPTURED)
    claim = update_claim(claim=claim, version=1, by=analyst, notes="First check.")
    assert claim.version == 2
    claim = update_claim(claim=claim, version=2, by=analyst, notes="Second check.")
    claim.refresh_from_db()
    assert claim.version == 3
    assert claim.notes == "Second check."


def test_an_edit_of_a_stale_version_raises_a_conflict_and_changes_nothing(analyst, editor):
    claim = ClaimFactory(text=CAPTURED, notes="")
    update_claim(claim=claim, version=1, by=editor, text="Russia captured 430 soldiers")
    history_before = claim.history.count()

    with pytest.raises(EditConflict) as conflict:
        update_claim(claim=claim, version=1, by=analyst, text="Russia captured 500 soldiers")

    assert conflict.value.current.pk == claim.pk
    assert conflict.value.current.version == 2
    assert conflict.value.current.text == "Russia captured 430 soldiers"
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.text == "Russia captured 430 soldiers"
    assert claim.history.count() == history_before


def test_an_analyst_edits_text_tags_and_notes(analyst):
    claim = ClaimFactory(text=CAPTURED)
    claim.tags.set([Tag.objects.create(name="place:Kursk")])

    saved = update_claim(
        claim=claim,
        version=1,
        by=analyst,
        text="  Russia captured\n430 Ukrainian   soldiers ",
        notes="  Putin calls them terrorists. ",
        tags=["topic:prisoners of war", "Topic: Prisoners of war", "place:Sudzha"],
        claim_type="quantity",
    )

    saved.refresh_from_db()
    assert saved.text == "Russia captured 430 Ukrainian soldiers"
    assert saved.notes == "Putin calls them terrorists."
    assert sorted(t.name for t in saved.tags.all()) == ["place:Sudzha", "topic:prisoners of war"]
    assert saved.version == 2


def test_an_edit_is_recorded_in_the_history_with_its_user(analyst):
    claim = ClaimFactory(text=CAPTURED)
    before = claim.history.count()

    update_claim(claim=claim, version=1, by=analyst, notes="Checked against the MoD statement.")

    assert claim.history.count() == before + 1
    latest = claim.history.first()
    assert latest.history_user == analyst
    assert latest.history_change_reason == "edited"
    assert latest.notes == "Checked against the MoD statement."
    assert latest.version == 2


@pytest.mark.parametrize(
    "change",
    [{"credibility": Credibility.PROBABLE}, {"status": ClaimStatus.REVIEWED}],
    ids=["credibility", "status"],
)
def test_an_analyst_cannot_change_credibility_or_status(analyst, change):
    claim = ClaimFactory(text=CAPTURED)
    with pytest.raises(PermissionDenied):
        update_claim(claim=claim, version=1, by=analyst, notes="Sneaked in.", **change)
    claim.refresh_from_db()
    assert (claim.version, claim.notes) == (1, "")
    assert (claim.credibility, claim.status) == (Credibility.UNJUDGED, ClaimStatus.OPEN)


def test_an_analyst_may_resubmit_the_current_credibility_unchanged(analyst):
    claim = ClaimFactory(text=CAPTURED, credibility=Credibility.POSSIBLE)
    saved = update_claim(
        claim=claim,
        version=1,
        by=analyst,
        credibility=Credibility.POSSIBLE,
        credibility_rationale="Analysts may not write this.",
        notes="Form resubmitted.",
    )
    saved.refresh_from_db()
    assert saved.credibility == Credibility.POSSIBLE
    assert saved.credibility_rationale == ""
    assert saved.notes == "Form resubmitted."


def test_a_viewer_cannot_edit_a_claim(viewer):
    claim = ClaimFactory(text=CAPTURED)
    with pytest.raises(PermissionDenied):
        update_claim(claim=claim, version=1, by=viewer, notes="No.")


def test_an_unknown_field_is_a_programming_error(editor):
    claim = ClaimFactory(text=CAPTURED)
    with pytest.raises(TypeError, match="n_sources"):
        update_claim(claim=claim, version=1, by=editor, n_sources=9)


def test_an_editor_departing_from_the_suggested_credibility_must_say_why(editor):
    # No graded sources: the evidence suggests 6, cannot be judged.
    claim = ClaimFactory(text=CAPTURED)
    with pytest.raises(ValidationError) as error:
        update_claim(claim=claim, version=1, by=editor, credibility=Credibility.PROBABLE)
    assert set(error.value.message_dict) == {"credibility_rationale"}
    assert "Truth cannot be judged" in error.value.message_dict["credibility_rationale"][0]
    claim.refresh_from_db()
    assert (claim.credibility, claim.version) == (Credibility.UNJUDGED, 1)

    saved = update_claim(
        claim=claim,
        version=1,
        by=editor,
        credibility=Credibility.PROBABLE,
        credibility_rationale="  The MoD confirmed the figure by phone. ",
        status=ClaimStatus.REVIEWED,
    )
    saved.refresh_from_db()
    assert saved.credibility == Credibility.PROBABLE
    assert saved.credibility_rationale == "The MoD confirmed the figure by phone."
    assert saved.status == ClaimStatus.REVIEWED
    assert saved.history.first().history_user == editor


def test_an_editor_choosing_the_suggested_credibility_needs_no_rationale(analyst, editor):
    claim = None
    for body in (CAPTIVES, f"{VISIT}\n{CAPTIVES}"):
        source = SourceFactory()
        SourceRatingFactory(source=source, grade="B")
        article = ArticleFactory(body=body, source=source)
        claim = mark(article, CAPTURED, by=analyst, claim=claim).claim
    assert suggested_credibility(["B", "B"]) == Credibility.PROBABLE

    saved = update_claim(claim=claim, version=1, by=editor, credibility=Credibility.PROBABLE)

    saved.refresh_from_db()
    assert saved.credibility == Credibility.PROBABLE
    assert saved.credibility_rationale == ""


# --- suggested_credibility ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        (["A", "B", "A"], Credibility.CONFIRMED),
        (["B", "B", "B", "E"], Credibility.CONFIRMED),
        (["A", "B"], Credibility.PROBABLE),
        (["B", "B", None, "F"], Credibility.PROBABLE),
        (["A"], Credibility.POSSIBLE),
        (["B", "E"], Credibility.POSSIBLE),
        (["C", "C"], Credibility.POSSIBLE),
        (["A", "C", "D"], Credibility.POSSIBLE),
        (["D"], Credibility.DOUBTFUL),
        (["D", "E", "E"], Credibility.DOUBTFUL),
        (["C"], Credibility.UNJUDGED),
        (["C", "D"], Credibility.UNJUDGED),
        (["D", None], Credibility.UNJUDGED),
        (["F", "E"], Credibility.UNJUDGED),
        ([None], Credibility.UNJUDGED),
        ([], Credibility.UNJUDGED),
    ],
)
def test_suggested_credibility_follows_the_grades_of_independent_sources(grades, expected):
    assert suggested_credibility(grades) == expected
    assert suggested_credibility(iter(grades)) == expected


# --- independent sources and the best grade -------------------------------------------------


def test_two_articles_of_one_source_count_as_one_source(analyst):
    source = SourceFactory()
    first = mark(ArticleFactory(body=CAPTIVES, source=source), CAPTURED, by=analyst)
    mark(
        ArticleFactory(body=f"{TRUMP}\n{CAPTIVES}", source=source),
        CAPTURED,
        by=analyst,
        claim=first.claim,
    )
    refresh_claim_stats(claims=[first.claim_id])
    assert figures(first.claim) == (2, 1, "")


def test_an_article_and_its_duplicate_from_another_source_count_once(analyst):
    canonical = ArticleFactory(body=CAPTIVES)
    copy = ArticleFactory(body=CAPTIVES)
    claim = mark(canonical, CAPTURED, by=analyst).claim
    mark(copy, CAPTURED, by=analyst, claim=claim)
    assert figures(claim) == (2, 2, "")

    copy.duplicate_of = canonical
    copy.save()
    assert refresh_claim_stats(articles=[copy.pk]) == 1

    assert figures(claim) == (2, 1, "")


def test_an_article_derived_from_another_appearing_source_counts_once(analyst):
    upstream = SourceFactory(name="Reuters", slug="reuters")
    original = ArticleFactory(body=TRUMP, source=upstream)
    derived = ArticleFactory(body=f"{VISIT}\n{TRUMP}", upstream_source=upstream)
    claim = mark(original, "the decision now rests with Putin", by=analyst).claim
    mark(derived, "the decision now rests with Putin", by=analyst, claim=claim)
    assert figures(claim)[:2] == (2, 1)


def test_a_duplicate_of_a_derived_article_counts_as_the_upstream(analyst):
    upstream = SourceFactory()
    original = ArticleFactory(body=TRUMP, source=upstream)
    derived = ArticleFactory(body=TRUMP, upstream_source=upstream)
    copy_of_derived = ArticleFactory(body=TRUMP, duplicate_of=derived)
    claim = None
    for article in (original, derived, copy_of_derived):
        claim = mark(article, "the decision now rests with Putin", by=analyst, claim=claim).claim
    assert figures(claim)[:2] == (3, 1)


def test_three_independent_sources_count_three(analyst):
    claim = None
    for body in (CAPTIVES, f"{VISIT}\n{CAPTIVES}", f"{TRUMP}\n{CAPTIVES}"):
        claim = mark(ArticleFactory(body=body), CAPTURED, by=analyst, claim=claim).claim
    assert figures(claim) == (3, 3, "")


def test_the_best_grade_follows_the_sources_current_ratings(analyst, editor):
    fair, good = SourceFactory(), SourceFactory()
    claim = mark(ArticleFactory(body=CAPTIVES, source=fair), CAPTURED, by=analyst).claim
    mark(ArticleFactory(body=CAPTIVES, source=good), CAPTURED, by=analyst, claim=claim)
    assert figures(claim) == (2, 2, "")
    assert claim.admiralty_code == "F6"

    rate_source(source=fair, grade="C", rationale="Two corrections this year.", by=editor)
    assert figures(claim)[2] == "C"

    rate_source(source=good, grade="B", rationale="Named reporters, corrects openly.", by=editor)
    assert figures(claim)[2] == "B"

    rate_source(source=good, grade="D", rationale="Ran an invented poll.", by=editor)
    assert figures(claim)[2] == "C"

    claim.credibility = Credibility.PROBABLE
    assert claim.admiralty_code == "C2"


def test_the_admiralty_code_joins_the_best_grade_and_the_credibility(analyst, editor):
    source = SourceFactory()
    rate_source(source=source, grade="B", rationale="Usually reliable.", by=editor)
    appearance = mark(
        ArticleFactory(body=CAPTIVES, source=source),
        CAPTURED,
        by=editor,
        credibility=Credibility.PROBABLE,
    )
    appearance.claim.refresh_from_db()
    assert appearance.claim.admiralty_code == "B2"

    unrated = mark(ArticleFactory(body=TRUMP), "Donald Trump", by=analyst).claim
    unrated.refresh_from_db()
    assert unrated.best_grade == ""
    assert unrated.admiralty_code == "F6"


def test_rating_a_source_refreshes_only_its_claims(analyst, editor):
    rated, other = SourceFactory(), SourceFactory()
    mine = mark(ArticleFactory(body=CAPTIVES, source=rated), CAPTURED, by=analyst).claim
    theirs = mark(ArticleFactory(body=TRUMP, source=other), "Donald Trump", by=analyst).claim

    rate_source(source=rated, grade="A", rationale="Wire service, strict sourcing.", by=editor)

    assert figures(mine)[2] == "A"
    assert figures(theirs)[2] == ""


# --- link_claims ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relation",
    [LinkRelation.CORROBORATES, LinkRelation.CONTRADICTS, LinkRelation.REFINES],
)
def test_linking_two_claims_records_the_relation(analyst, relation):
    one, two = ClaimFactory(text=CAPTURED), ClaimFactory(text="Ukraine denies the figure")

    kept = link_claims(from_claim=one, to_claim=two, relation=relation, by=analyst, note=" MoD ")

    assert kept == one
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim, link.relation) == (one, two, relation)
    assert link.note == "MoD"
    assert link.created_by == analyst
    assert link.history.first().history_user == analyst
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == two.status == ClaimStatus.OPEN


def test_the_same_link_twice_is_refused(analyst):
    one, two = ClaimFactory(), ClaimFactory()
    link_claims(from_claim=one, to_claim=two, relation="corroborates", by=analyst)
    with pytest.raises(ValidationError, match="already linked"):
        link_claims(from_claim=one, to_claim=two, relation="corroborates", by=analyst)
    assert ClaimLink.objects.count() == 1
    # Another relation, or the other direction, is a different link.
    link_claims(from_claim=one, to_claim=two, relation="refines", by=analyst)
    link_claims(from_claim=two, to_claim=one, relation="corroborates", by=analyst)
    assert ClaimLink.objects.count() == 3


def test_a_claim_cannot_be_linked_to_itself(analyst):
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="itself"):
        link_claims(from_claim=claim, to_claim=claim, relation="corroborates", by=analyst)
    with pytest.raises(ValidationError, match="itself"):
        link_claims(from_claim=claim, to_claim=claim, relation="same_as", by=analyst)
    assert not ClaimLink.objects.exists()


def test_an_unknown_relation_is_refused(analyst):
    with pytest.raises(ValidationError) as error:
        link_claims(
            from_claim=ClaimFactory(), to_claim=ClaimFactory(), relation="implies", by=analyst
        )
    assert set(error.value.message_dict) == {"relation"}


def test_a_viewer_cannot_link_or_merge_claims(viewer):
    one, two = ClaimFactory(), ClaimFactory()
    for relation in ("corroborates", "same_as"):
        with pytest.raises(PermissionDenied):
            link_claims(from_claim=one, to_claim=two, relation=relation, by=viewer)
    assert not ClaimLink.objects.exists()
    two.refresh_from_db()
    assert two.status == ClaimStatus.OPEN


@pytest.fixture
def merge_pair(analyst, editor):
    """Two claims about the 430 captured soldiers, each with appearances, tags, notes and
    links, and a third claim both are linked to."""
    wire = SourceFactory()
    rate_source(source=wire, grade="B", rationale="Usually reliable.", by=editor)
    keep = mark(
        ArticleFactory(body=CAPTIVES, source=wire),
        CAPTURED,
        by=analyst,
        tags=["place:Kursk"],
        notes="From the humanitarian paragraph.",
    ).claim
    other_article = ArticleFactory(body=f"{VISIT}\n{CAPTIVES}")
    other = mark(
        other_article,
        "430 Ukrainian soldiers",
        by=analyst,
        text="Russia holds 430 Ukrainian soldiers",
        tags=["topic:prisoners of war", "PLACE:Kursk"],
        notes="Putin calls them terrorists.",
    ).claim
    mark(ArticleFactory(body=f"{TRUMP}\n{CAPTIVES}"), CAPTURED, by=analyst, claim=other)
    third = ClaimFactory(text="Putin labeled the captured soldiers terrorists")
    for from_claim, to_claim, relation in [
        (other, third, "refines"),  # moves to keep → third
        (third, other, "contradicts"),  # moves to third → keep
        (keep, other, "corroborates"),  # would become keep → keep: stays
        (keep, third, "corroborates"),
        (other, third, "corroborates"),  # would repeat keep → third: stays
    ]:
        ClaimLink.objects.create(from_claim=from_claim, to_claim=to_claim, relation=relation)
    return keep, other, third


def test_same_as_merges_the_other_claims_appearances_into_the_kept_one(analyst, merge_pair):
    keep, other, _ = merge_pair
    moved = list(other.appearances.values_list("pk", flat=True))
    assert len(moved) == 2

    result = link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)

    assert result == keep
    assert set(keep.appearances.values_list("pk", flat=True)) >= set(moved)
    assert keep.appearances.count() == 3
    assert not other.appearances.exists()
    for pk in moved:
        latest = Appearance.history.filter(id=pk).first()
        assert latest.claim_id == keep.pk
        assert latest.history_user == analyst
        assert f"merged into claim {keep.pk}" in latest.history_change_reason
        assert Appearance.history.filter(id=pk).count() == 2


def test_same_as_unions_tags_and_appends_notes(analyst, merge_pair):
    keep, other, _ = merge_pair

    link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)

    keep.refresh_from_db()
    assert sorted(t.name for t in keep.tags.all()) == ["place:Kursk", "topic:prisoners of war"]
    assert keep.notes == (
        f"From the humanitarian paragraph.\n\n[from claim {other.pk}] Putin calls them terrorists."
    )
    assert keep.version == 2
    assert keep.history.first().history_user == analyst


def test_same_as_repoints_links_without_self_links_or_repeats(analyst, merge_pair):
    keep, other, third = merge_pair

    link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)

    links = set(ClaimLink.objects.values_list("from_claim", "to_claim", "relation"))
    assert links == {
        (keep.pk, third.pk, "refines"),
        (third.pk, keep.pk, "contradicts"),
        (keep.pk, third.pk, "corroborates"),
        # Left where they were: moving them would link keep to itself or repeat a link.
        (keep.pk, other.pk, "corroborates"),
        (other.pk, third.pk, "corroborates"),
        # Where the merged claim went.
        (keep.pk, other.pk, "same_as"),
    }
    assert not ClaimLink.objects.filter(from_claim=keep, to_claim=keep).exists()


def test_same_as_archives_the_merged_claim_and_refreshes_both_figures(analyst, merge_pair):
    keep, other, _ = merge_pair
    assert figures(keep) == (1, 1, "B")
    assert figures(other) == (2, 2, "")

    link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)

    other.refresh_from_db()
    assert other.status == ClaimStatus.ARCHIVED
    assert other.version == 2
    assert other.history.first().history_change_reason == f"merged into claim {keep.pk}"
    assert other.history.first().history_user == analyst
    assert figures(keep) == (3, 3, "B")
    assert figures(other) == (0, 0, "")


def test_merging_an_archived_claim_again_is_refused(analyst, merge_pair):
    keep, other, _ = merge_pair
    link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)
    newcomer = ClaimFactory()
    with pytest.raises(ValidationError, match="archived"):
        link_claims(from_claim=newcomer, to_claim=other, relation="same_as", by=analyst)
    assert figures(newcomer) == (0, 0, "")
    assert keep.appearances.count() == 3


def test_merging_into_an_archived_claim_is_refused(analyst, merge_pair):
    keep, other, _ = merge_pair
    link_claims(from_claim=keep, to_claim=other, relation="same_as", by=analyst)

    with pytest.raises(ValidationError, match="archived"):
        link_claims(from_claim=other, to_claim=keep, relation="same_as", by=analyst)

    keep.refresh_from_db()
    assert keep.status == ClaimStatus.OPEN
    assert keep.appearances.count() == 3
    assert not other.appearances.exists()


# --- suggestions ----------------------------------------------------------------------------


def test_dismissing_a_suggestion_twice_keeps_one_dismissal(analyst):
    article = ArticleFactory(body=TRUMP)
    sentence = TRUMP

    dismiss_suggestion(article=article, text=sentence, by=analyst)
    dismiss_suggestion(article=article, text=f"  {sentence}\n", by=analyst)

    dismissal = SuggestionDismissal.objects.get()
    assert dismissal.text == sentence
    assert dismissal.dismissed_by == analyst
    assert dismissal.claim is None
    assert dismissed_hashes(article) == {sentence_hash(sentence)}


def test_a_sentence_hash_ignores_how_whitespace_was_laid_out():
    assert sentence_hash("Russia has captured\n430  Ukrainian soldiers") == sentence_hash(
        " Russia has captured 430 Ukrainian soldiers "
    )
    assert sentence_hash(CAPTURED) != sentence_hash(DISPATCHED)


def test_a_dismissal_for_a_claim_is_separate_from_one_for_the_article(analyst):
    article = ArticleFactory(body=CAPTIVES)
    claim = ClaimFactory(text=CAPTURED)
    other_claim = ClaimFactory(text=DISPATCHED)

    dismiss_suggestion(article=article, text=CAPTURED, by=analyst, claim=claim)
    assert dismissed_hashes(article) == set()
    assert dismissed_hashes(article, claim=claim) == {sentence_hash(CAPTURED)}
    assert dismissed_hashes(article, claim=other_claim) == set()

    dismiss_suggestion(article=article, text=CAPTURED, by=analyst)
    dismiss_suggestion(article=article, text=CAPTURED, by=analyst, claim=claim)

    assert SuggestionDismissal.objects.count() == 2
    assert dismissed_hashes(article) == {sentence_hash(CAPTURED)}
    assert dismissed_hashes(ArticleFactory(body=CAPTIVES)) == set()


def test_dismissing_nothing_is_refused(analyst):
    with pytest.raises(ValidationError):
        dismiss_suggestion(article=ArticleFactory(), text=" \n ", by=analyst)
    assert not SuggestionDismissal.objects.exists()


def test_a_viewer_cannot_dismiss_suggestions(viewer):
    with pytest.raises(PermissionDenied):
        dismiss_suggestion(article=ArticleFactory(body=TRUMP), text=TRUMP, by=viewer)
    assert not SuggestionDismissal.objects.exists()


# --- reanchor_article -----------------------------------------------------------------------

FATIGUES = "Putin, dressed in military fatigues, met with General Valery Gerasimov"
SUMMER = "Ukraine's unexpected summer offensive initially gaining control of significant territory"
TERRORISTS = "whom Putin has controversially labeled as terrorists"
TERRORISTS_EDITED = "whom Putin has controversially called terrorists"


@pytest.fixture
def edited_article(analyst):
    """A seed article with four appearances, then its body edited: the first paragraph
    kept, the second deleted, the third shifted, a phrase of the fourth reworded."""
    article = ArticleFactory(body="\n".join([VISIT, OFFENSIVE, TRUCE, CAPTIVES]))
    marked = {
        "exact": mark(article, FATIGUES, by=analyst),
        "orphaned": mark(article, SUMMER, by=analyst),
        "moved": mark(article, DISPATCHED, by=analyst),
        "fuzzy": mark(article, TERRORISTS, by=analyst),
    }
    article.body = "\n".join(
        [VISIT, SHOIGU, TRUCE, CAPTIVES.replace(TERRORISTS, TERRORISTS_EDITED)]
    )
    article.save()
    return article, marked


def test_reanchoring_stores_and_counts_each_outcome(analyst, edited_article):
    article, marked = edited_article

    report = reanchor_article(article=article, by=analyst)

    assert (report.exact, report.moved, report.fuzzy, report.orphaned) == (1, 1, 1, 1)
    assert report.summary() == "exact 1, moved 1, fuzzy 1, orphaned 1"
    body = article.body
    for status, appearance in marked.items():
        appearance.refresh_from_db()
        assert appearance.anchor_status == status

    moved = marked["moved"]
    assert (moved.start, moved.end) == span(body, DISPATCHED)
    assert moved.exact == DISPATCHED
    assert body[: moved.start].endswith(moved.prefix)
    assert body[moved.end :].startswith(moved.suffix)
    assert moved.anchor_score is None
    assert moved.history.first().history_change_reason == "re-anchored: moved"
    assert moved.history.first().history_user == analyst

    exact = marked["exact"]
    assert (exact.start, exact.end) == span(body, FATIGUES)
    assert exact.anchor_score is None
    assert exact.history.count() == 1  # unchanged, so not written


def test_a_fuzzy_appearance_follows_the_text_and_keeps_the_quote_with_its_score(
    analyst, edited_article
):
    article, marked = edited_article

    reanchor_article(article=article, by=analyst)

    fuzzy = marked["fuzzy"]
    fuzzy.refresh_from_db()
    body = article.body
    assert fuzzy.anchor_status == AnchorStatus.FUZZY
    assert 0.8 <= fuzzy.anchor_score < 1
    assert "called terrorists" in body[fuzzy.start : fuzzy.end]
    assert fuzzy.exact == TERRORISTS  # what the analyst marked, kept as evidence
    assert fuzzy.prefix == body[max(0, fuzzy.start - 32) : fuzzy.start]
    assert fuzzy.suffix == body[fuzzy.end : fuzzy.end + 32]


def test_an_orphaned_appearance_keeps_its_old_offsets_and_quote(analyst, edited_article):
    article, marked = edited_article
    orphan = marked["orphaned"]
    before = (orphan.start, orphan.end, orphan.exact, orphan.prefix, orphan.suffix)

    reanchor_article(article=article, by=analyst)

    orphan.refresh_from_db()
    assert orphan.anchor_status == AnchorStatus.ORPHANED
    assert orphan.anchor_score is None
    assert (orphan.start, orphan.end, orphan.exact, orphan.prefix, orphan.suffix) == before
    assert orphan.history.first().history_change_reason == "re-anchored: orphaned"


def test_reanchoring_twice_changes_nothing_the_second_time(analyst, edited_article):
    article, _ = edited_article
    fields = ["pk", "start", "end", "exact", "prefix", "suffix", "anchor_status", "anchor_score"]
    first = reanchor_article(article=article, by=analyst)
    stored = list(Appearance.objects.order_by("pk").values_list(*fields))
    history = Appearance.history.count()

    second = reanchor_article(article=article, by=analyst)

    assert list(Appearance.objects.order_by("pk").values_list(*fields)) == stored
    assert Appearance.history.count() == history
    assert second == first


def test_reanchoring_an_unchanged_body_writes_nothing(analyst):
    article = ArticleFactory(body=f"{VISIT}\n{CAPTIVES}")
    mark(article, FATIGUES, by=analyst)
    mark(article, CAPTURED, by=analyst)
    history = Appearance.history.count()

    report = reanchor_article(article=article, by=analyst)

    assert report.summary() == "exact 2, moved 0, fuzzy 0, orphaned 0"
    assert Appearance.history.count() == history


# --- remove_appearance ----------------------------------------------------------------------


def test_an_analyst_removes_an_appearance_and_the_figures_follow(analyst, editor):
    graded = SourceFactory()
    rate_source(source=graded, grade="A", rationale="Wire service.", by=editor)
    first = mark(ArticleFactory(body=CAPTIVES, source=graded), CAPTURED, by=analyst)
    claim = first.claim
    mark(ArticleFactory(body=f"{TRUMP}\n{CAPTIVES}"), CAPTURED, by=analyst, claim=claim)
    assert figures(claim) == (2, 2, "A")
    pk = first.pk

    remove_appearance(appearance=first, by=analyst)

    assert not Appearance.objects.filter(pk=pk).exists()
    assert figures(claim) == (1, 1, "")
    assert Claim.objects.filter(pk=claim.pk).exists()
    deleted = Appearance.history.filter(id=pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", analyst)


def test_a_viewer_cannot_remove_an_appearance(analyst, viewer):
    appearance = mark(ArticleFactory(body=CAPTIVES), CAPTURED, by=analyst)
    with pytest.raises(PermissionDenied):
        remove_appearance(appearance=appearance, by=viewer)
    assert Appearance.objects.filter(pk=appearance.pk).exists()
    assert figures(appearance.claim) == (1, 1, "")


# --- the seed fixture -----------------------------------------------------------------------


def test_the_seed_fixtures_claim_figures_are_what_the_service_computes():
    call_command("loaddata", "seed", verbosity=0)
    claims = Claim.objects.order_by("pk")
    stored = list(claims.values_list("pk", "n_appearances", "n_sources", "best_grade"))
    assert len(stored) >= 12
    assert any(n_sources < n_appearances for _, n_appearances, n_sources, _ in stored)

    assert refresh_claim_stats(claims=[pk for pk, *_ in stored]) == len(stored)

    assert list(claims.values_list("pk", "n_appearances", "n_sources", "best_grade")) == stored
