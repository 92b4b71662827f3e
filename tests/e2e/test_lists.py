"""The lists in a real browser: j/k move the highlighted row, o opens it, ? shows the keys,
the user menu turns single-key shortcuts off (and on again), and a saved view comes back
from the sidebar."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import ArticleFactory, SourceFactory

TITLES = ["First story", "Second story", "Third story"]


@pytest.fixture
def articles(transactional_db):
    """Three articles, newest first in the list's default order."""
    source = SourceFactory(name="Wire Agency")
    now = timezone.now()
    return [
        ArticleFactory(source=source, title=title, published_at=now - timedelta(hours=n))
        for n, title in enumerate(TITLES)
    ]


def highlighted(page):
    return page.locator(".data-table tbody tr.is-current")


def test_j_and_k_move_through_the_rows_and_o_opens_one(
    page, live_server, e2e_user, articles, screenshot
):
    e2e_user("vera")
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/articles/")
    expect(page.get_by_role("link", name="First story")).to_be_visible()

    page.keyboard.press("j")
    expect(highlighted(page)).to_contain_text("First story")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(highlighted(page)).to_contain_text("Third story")
    expect(highlighted(page)).to_have_attribute("aria-current", "true")
    page.keyboard.press("j")  # stays on the last row
    expect(highlighted(page)).to_contain_text("Third story")
    page.keyboard.press("k")
    expect(highlighted(page)).to_contain_text("Second story")
    expect(page.locator(".data-table tbody tr.is-current")).to_have_count(1)
    screenshot("list-keys-highlight")

    page.keyboard.press("o")

    expect(page).to_have_url(re.compile(rf"/articles/{articles[1].pk}/$"))


def test_question_mark_shows_the_keys(page, live_server, e2e_user, articles):
    e2e_user("vera")
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/claims/")

    page.keyboard.press("?")

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Open the highlighted row")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_the_setting_turns_single_key_shortcuts_off_and_on(page, live_server, e2e_user, articles):
    e2e_user("vera")
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/articles/?status=new")

    page.get_by_role("button", name="Turn keyboard shortcuts off").click()

    expect(page).to_have_url(re.compile(r"/articles/\?status=new$"))
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "off")
    page.keyboard.press("j")
    page.keyboard.press("?")
    expect(highlighted(page)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(r"/articles/\?status=new$"))

    # It lasts across pages, and turns back on.
    page.goto(f"{live_server.url}/claims/")
    page.get_by_role("button", name="Turn keyboard shortcuts on").click()
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("j")
    expect(highlighted(page)).to_contain_text("First story")


def test_keys_typed_in_a_filter_field_are_text(page, live_server, e2e_user, articles):
    e2e_user("vera")
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/articles/")

    field = page.get_by_label("Title contains")
    field.click()
    field.type("jko")

    expect(field).to_have_value("jko")
    expect(highlighted(page)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/articles/$"))


def test_a_saved_view_comes_back_from_the_sidebar(page, live_server, e2e_user, articles):
    e2e_user("vera")
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/articles/?title=Second")
    expect(page.locator(".data-table tbody tr")).to_have_count(1)

    page.get_by_label("Save these filters as").fill("Just the second")
    page.get_by_role("button", name="Save view").click()
    page.goto(f"{live_server.url}/articles/")
    expect(page.locator(".data-table tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Just the second").click()

    expect(page).to_have_url(re.compile(r"/articles/\?title=Second$"))
    expect(page.locator(".data-table tbody tr")).to_have_count(1)


def test_an_analyst_ticks_rows_with_x_and_tags_them_after_confirming(
    page, live_server, e2e_user, articles, screenshot
):
    e2e_user("ana", "Analysts")
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/")

    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.locator(".bulk-controls").get_by_label("Action").select_option("add_tag")
    page.locator(".bulk-controls").get_by_label("Tag").fill("place:Kursk")
    screenshot("list-bulk-selected")
    page.get_by_role("button", name="Review…").click()

    expect(page.get_by_role("heading", name="Confirm a bulk action")).to_be_visible()
    expect(page.locator("[data-count]")).to_have_text("2 articles")
    page.get_by_role("button", name="Yes, add the tag “place:Kursk”").click()

    expect(page.get_by_text("2 articles changed")).to_be_visible()
    tagged = {a.title for a in articles if a.tags.filter(name="place:Kursk").exists()}
    assert tagged == {"First story", "Third story"}
