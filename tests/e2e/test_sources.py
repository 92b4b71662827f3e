"""Source ratings in a real browser: an Editor finds an unrated source and rates it with a
checklist, an Analyst proposes a grade that an Editor then accepts (a Viewer sees neither
form), and a rating without a rationale is refused with nothing stored."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import ProposalStatus, RatingProposal, SourceRating
from tests.e2e.conftest import log_in
from tests.factories import ArticleFactory, SourceFactory, SourceRatingFactory, UserFactory

FALSE_CONTENT = "Does not repeatedly publish false content"
OWNERSHIP = "Discloses ownership and financing"


@pytest.fixture
def sources(transactional_db):
    """One unrated source with an article, one rated A a week ago by someone else."""
    gazette = SourceFactory(name="Harbour Gazette")
    ArticleFactory(source=gazette, title="Harbour dredging resumes")
    wire = SourceFactory(name="Wire Agency")
    SourceRatingFactory(
        source=wire,
        grade="A",
        rated_by=UserFactory(username="old-editor"),
        rated_at=timezone.now() - timedelta(days=7),
    )
    return gazette, wire


def sign_in(page, live_server, username: str, role: str) -> None:
    log_in(page, live_server, username)
    expect(page.get_by_text(f"{username} · {role}")).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Newsdesk")).to_be_visible()


def source_row(page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def criterion(page, label: str):
    return page.locator("fieldset.criterion").filter(has=page.locator("legend", has_text=label))


def history(page):
    return page.locator("section[aria-labelledby='history-heading'] .rating-entry")


def pending(page):
    return page.locator("section[aria-labelledby='proposals-heading']")


def test_an_editor_rates_an_unrated_source_with_a_checklist(
    page, live_server, e2e_user, sources, screenshot
):
    gazette, _ = sources
    editor = e2e_user("erin", "Editors")
    sign_in(page, live_server, "erin", "Editors")

    page.goto(f"{live_server.url}/sources/")
    expect(source_row(page, "Wire Agency")).to_contain_text("A – Completely reliable")
    expect(source_row(page, "Harbour Gazette").locator("td.col-unrated")).to_have_text("Unrated")
    page.get_by_label("Unrated only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/sources/\?.*unrated=1"))
    expect(source_row(page, "Wire Agency")).to_have_count(0)
    expect(source_row(page, "Harbour Gazette")).to_contain_text("Never")
    source_row(page, "Harbour Gazette").get_by_role("link", name="Harbour Gazette").click()

    expect(page.get_by_role("heading", name="Harbour Gazette", level=1)).to_be_visible()
    expect(page.locator("dl.meta .grade")).to_have_text("Unrated")
    expect(page.get_by_text("Never rated.")).to_be_visible()
    expect(page.get_by_role("heading", name="Rate this source")).to_be_visible()
    expect(page.get_by_role("button", name="Propose", exact=True)).to_have_count(0)

    page.get_by_label("Grade").select_option("B")
    page.get_by_label("Rationale").fill("Named reporters; corrections are published openly.")
    passed = criterion(page, FALSE_CONTENT)
    passed.get_by_label("Pass", exact=True).check()
    passed.get_by_label("Note").fill("No false stories found in a year of checks.")
    failed = criterion(page, OWNERSHIP)
    failed.get_by_label("Fail", exact=True).check()
    failed.get_by_label("Note").fill("Owner not named anywhere on the site.")
    page.get_by_role("button", name="Rate", exact=True).click()

    expect(page.locator(".messages .success")).to_have_text(
        "Rated B – Usually reliable: now the current grade."
    )
    expect(page).to_have_url(re.compile(rf"/sources/{gazette.pk}/$"))
    meta = page.locator("dl.meta")
    expect(meta.locator(".grade")).to_have_text("B – Usually reliable")
    expect(meta).to_contain_text("by erin")
    expect(meta.locator(".score")).to_have_text("22 / 100")
    entries = history(page)
    expect(entries).to_have_count(1)
    expect(entries.first.locator("h3")).to_contain_text("B – Usually reliable rated by erin")
    expect(entries.first.locator("h3")).to_contain_text("· current")
    expect(entries.first.locator(".rationale")).to_have_text(
        "Named reporters; corrections are published openly."
    )
    checklist = entries.first.locator("table.checklist")
    expect(checklist.locator("caption")).to_have_text("Checklist: 22 / 100")
    expect(checklist.get_by_role("row").filter(has_text=FALSE_CONTENT)).to_contain_text("Pass")
    expect(checklist.get_by_role("row").filter(has_text=FALSE_CONTENT)).to_contain_text(
        "No false stories found in a year of checks."
    )
    expect(checklist.get_by_role("row").filter(has_text=OWNERSHIP)).to_contain_text("Fail")
    expect(checklist.get_by_role("row").filter(has_text=OWNERSHIP)).to_contain_text(
        "Owner not named anywhere on the site."
    )
    expect(checklist.locator("td.verdict", has_text="Not assessed")).to_have_count(7)
    screenshot("source-page")

    page.get_by_role("link", name="Sources", exact=True).first.click()
    row = source_row(page, "Harbour Gazette")
    expect(row.locator("td.col-grade")).to_have_text("B – Usually reliable")
    expect(row.locator("td.col-last_rated")).to_contain_text("by erin")
    expect(row.locator("td.col-unrated")).to_have_text("")
    screenshot("source-list")
    page.get_by_label("Unrated only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No sources match these filters.")).to_be_visible()
    page.get_by_label("Unrated only").uncheck()
    page.get_by_label("Current grade").select_option("B")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.data-table tbody tr")).to_have_count(1)
    expect(source_row(page, "Harbour Gazette")).to_contain_text("B – Usually reliable")

    rating = SourceRating.objects.get(source=gazette)
    assert rating.grade == "B"
    assert rating.rated_by == editor
    assert rating.rationale == "Named reporters; corrections are published openly."
    assert rating.criteria == {
        "false_content": {"pass": True, "note": "No false stories found in a year of checks."},
        "ownership": {"pass": False, "note": "Owner not named anywhere on the site."},
    }


def test_an_analyst_proposes_and_an_editor_accepts_a_viewer_sees_neither_form(
    page, live_server, e2e_user, sources
):
    _, wire = sources
    analyst = e2e_user("ana", "Analysts")
    editor = e2e_user("erin", "Editors")
    e2e_user("vic", "Viewers")
    source_page = f"{live_server.url}/sources/{wire.pk}/"

    sign_in(page, live_server, "ana", "Analysts")
    page.goto(source_page)
    expect(page.get_by_role("heading", name="Propose a rating")).to_be_visible()
    expect(page.get_by_role("button", name="Rate", exact=True)).to_have_count(0)
    page.get_by_label("Grade").select_option("C")
    page.get_by_label("Rationale").fill("Two uncorrected errors this spring.")
    page.get_by_role("button", name="Propose", exact=True).click()

    expect(page.locator(".messages .success")).to_have_text(
        "Proposed C – Fairly reliable: an Editor will accept or reject it."
    )
    proposals = pending(page).locator(".rating-entry.proposal")
    expect(proposals).to_have_count(1)
    expect(proposals.first.locator("h3")).to_contain_text("C – Fairly reliable proposed by ana")
    expect(proposals.first.locator(".rationale")).to_have_text(
        "Two uncorrected errors this spring."
    )
    expect(proposals.first.get_by_role("button", name="Accept")).to_have_count(0)
    expect(page.locator("dl.meta .grade")).to_have_text("A – Completely reliable")
    sign_out(page)

    sign_in(page, live_server, "vic", "Viewers")
    page.goto(source_page)
    expect(pending(page)).to_contain_text("C – Fairly reliable proposed by ana")
    expect(page.locator("section.rating-form")).to_have_count(0)
    expect(page.get_by_role("heading", name="Rate this source")).to_have_count(0)
    expect(page.get_by_role("heading", name="Propose a rating")).to_have_count(0)
    expect(
        page.get_by_role("button", name=re.compile(r"^(Rate|Propose|Accept|Reject)$"))
    ).to_have_count(0)
    sign_out(page)

    sign_in(page, live_server, "erin", "Editors")
    page.goto(source_page)
    proposal_entry = pending(page).locator(".rating-entry.proposal")
    expect(proposal_entry).to_have_count(1)
    proposal_entry.get_by_role("button", name="Accept").click()

    expect(page.locator(".messages .success")).to_have_text(
        "Accepted ana’s proposal: C – Fairly reliable is now current."
    )
    expect(page.locator("dl.meta .grade")).to_have_text("C – Fairly reliable")
    expect(pending(page)).to_contain_text("No proposals wait for an Editor.")
    entries = history(page)
    expect(entries).to_have_count(2)
    newest, older = entries.nth(0).locator("h3"), entries.nth(1).locator("h3")
    expect(newest).to_contain_text("C – Fairly reliable rated by erin")
    expect(newest).to_contain_text("· proposed by ana")
    expect(newest).to_contain_text("· current")
    expect(entries.nth(0).locator(".rationale")).to_have_text("Two uncorrected errors this spring.")
    expect(older).to_contain_text("A – Completely reliable rated by old-editor")
    expect(older).not_to_contain_text("current")
    expect(older).not_to_contain_text("proposed by")

    proposal = RatingProposal.objects.get(source=wire)
    assert proposal.proposed_by == analyst
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decided_by == editor
    assert proposal.rating is not None
    assert proposal.rating.grade == "C"
    assert proposal.rating.rated_by == editor
    assert SourceRating.objects.filter(source=wire).latest() == proposal.rating


def test_a_rating_without_a_rationale_is_refused_and_nothing_is_stored(
    page, live_server, e2e_user, sources
):
    gazette, _ = sources
    e2e_user("erin", "Editors")
    sign_in(page, live_server, "erin", "Editors")
    page.goto(f"{live_server.url}/sources/{gazette.pk}/")

    page.get_by_label("Grade").select_option("A")
    rationale = page.get_by_label("Rationale")
    # Left empty, the browser itself holds the form back (the field is `required`).
    assert rationale.evaluate("field => field.validity.valueMissing") is True
    assert rationale.evaluate("field => field.form.checkValidity()") is False
    page.get_by_role("button", name="Rate", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/sources/{gazette.pk}/$"))
    expect(page.locator(".messages")).to_have_count(0)

    # Only blanks get past the browser; the server refuses them with the field's error.
    rationale.fill("   \n  ")
    page.get_by_role("button", name="Rate", exact=True).click()
    expect(page.locator(".messages .error")).to_have_text(
        "Nothing was saved: correct the marked fields."
    )
    field = page.locator(".rating-form .field").filter(has=page.get_by_label("Rationale"))
    expect(field.locator(".errorlist")).to_have_text(
        "Say why this grade: the rationale is required."
    )
    expect(page.get_by_label("Grade")).to_have_value("A")
    expect(page.locator("dl.meta .grade")).to_have_text("Unrated")
    expect(page.get_by_text("Never rated.")).to_be_visible()

    assert not SourceRating.objects.filter(source=gazette).exists()
    assert not RatingProposal.objects.exists()
