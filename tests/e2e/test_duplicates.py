"""The duplicate review queue in a real browser: an Editor confirms a pair with the `c` key,
an Analyst proposes a rejection with the `r` key."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from articles.models import Article, DuplicateCandidate, DuplicateStatus, Proposal
from articles.services.duplicates import dedupe_articles
from tests.e2e.conftest import log_in
from tests.factories import SourceFactory, SourceRatingFactory
from tests.test_dedupe import NOW, STORY, _article, _copyedited, _wrapped

PARAGRAPHS = [line for line in STORY.splitlines() if line.strip()]


@pytest.fixture
def pending_pair(transactional_db) -> DuplicateCandidate:
    """A wire story and another outlet's cut, copy-edited copy of it under its own header
    and footer: found by the dedupe service and left for a person to decide."""
    wire = SourceFactory(name="Wire Agency")
    SourceRatingFactory(source=wire, grade="B")
    original = _article(
        "\n".join(PARAGRAPHS[:8]),
        source=wire,
        title="Storm spares holiday travel",
        byline="By Jane Doe",
        published_at=NOW - timedelta(hours=3),
    )
    copy = _article(
        _wrapped(_copyedited("\n".join(PARAGRAPHS[:6]))),
        source=SourceFactory(name="Evening Ledger"),
        title="Holiday travel spared by storm",
    )
    dedupe_articles(ids=[original.pk, copy.pk])
    pair = DuplicateCandidate.objects.get()
    assert pair.status == DuplicateStatus.PENDING
    return pair


def open_the_pair(page, live_server) -> None:
    page.goto(f"{live_server.url}/duplicates/")
    row = page.get_by_role("row").filter(has_text="Storm spares holiday travel")
    expect(row).to_contain_text("Holiday travel spared by storm")
    row.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Are these the same story?")).to_be_visible()


def test_an_editor_confirms_a_pending_pair_with_the_c_key(
    page, live_server, e2e_user, pending_pair, screenshot
):
    editor = e2e_user("erin", "Editors")
    log_in(page, live_server, "erin")

    open_the_pair(page, live_server)
    sides = page.locator(".side-by-side article.side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text("Wire Agency B – Usually reliable")
    expect(sides.nth(1)).to_contain_text("Evening Ledger Unrated")
    said = re.compile(r"^\s*said\s*$")
    stated = re.compile(r"^\s*stated\s*$")
    expect(sides.nth(0).locator("mark.seg-changed", has_text=said)).to_be_visible()
    expect(sides.nth(1).locator("mark.seg-changed", has_text=stated)).to_be_visible()
    expect(sides.nth(1).locator("ins.seg-only").first).to_have_text(
        "Home | World | Business | Sport"
    )
    screenshot("duplicate-review")

    # The rule preselects the wire story; the Editor keeps the other one instead.
    expect(page.get_by_label(re.compile(r"Left: #\d+ Wire Agency,"))).to_be_checked()
    page.get_by_label(
        re.compile(r"Right: #\d+ Evening Ledger,")
    ).check()  # focus stays on the radio
    page.keyboard.press("c")

    # The only pending pair is decided: back to the queue, which is now empty.
    expect(page).to_have_url(re.compile(r"/duplicates/$"))
    expect(page.locator(".messages .success")).to_contain_text("Confirmed as duplicates")
    expect(page.get_by_text("No pairs match these filters.")).to_be_visible()
    pending_pair.refresh_from_db()
    assert pending_pair.status == DuplicateStatus.CONFIRMED
    assert pending_pair.decided_by == editor
    assert pending_pair.canonical == pending_pair.article_b
    assert Article.objects.get(pk=pending_pair.article_a_id).duplicate_of == pending_pair.article_b


def test_an_analyst_proposes_a_rejection_with_the_r_key(page, live_server, e2e_user, pending_pair):
    analyst = e2e_user("ana", "Analysts")
    log_in(page, live_server, "ana")

    open_the_pair(page, live_server)
    expect(page.get_by_role("button", name=re.compile("Confirm duplicates"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Reject: different"))).to_have_count(0)
    expect(
        page.get_by_role("button", name=re.compile("Propose: different stories"))
    ).to_be_visible()

    page.keyboard.press("r")

    expect(page).to_have_url(re.compile(r"/duplicates/$"))
    expect(page.locator(".messages .success")).to_contain_text("Proposal recorded: reject.")
    pending_pair.refresh_from_db()
    assert pending_pair.proposal == Proposal.REJECT
    assert pending_pair.proposed_by == analyst
    assert pending_pair.status == DuplicateStatus.PENDING
