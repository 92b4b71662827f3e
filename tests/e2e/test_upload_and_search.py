"""The import-to-search path in a real browser: an Analyst uploads a text file and a real
news page on /import/, opens an imported article from the result, finds it again with the
search box (focused with `/`), opens the hit from the keyboard, and the dashboard is
screenshotted for review."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import log_in

DATA = "tests/data/extraction"
STORY = """Harbour cranes idle as dockworkers strike
By Jane Doe

Dockworkers at the Quillmarsh container terminal walked out on Monday, the union said.

The strike halted 14 cranes, according to the port authority, which said 3,200 containers
were waiting to be unloaded.
"""


@pytest.fixture
def upload_files(tmp_path):
    story = tmp_path / "quillmarsh-strike.txt"
    story.write_text(STORY, encoding="utf-8")
    page = tmp_path / "en_wired.html"
    shutil.copy(f"{DATA}/en_wired.html", page)
    return [story, page]


def test_an_analyst_uploads_opens_and_finds_an_article_from_the_keyboard(
    page, live_server, e2e_user, upload_files, screenshot
):
    e2e_user("ana", "Analysts")
    log_in(page, live_server, "ana")

    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Files").set_input_files([str(path) for path in upload_files])
    page.get_by_role("button", name=re.compile("Import", re.I)).click()
    expect(page.locator("body")).to_contain_text("imported 2")
    screenshot("import-result")
    assert Article.objects.count() == 2
    strike = Article.objects.get(title="Harbour cranes idle as dockworkers strike")

    page.locator(f'a[href="/articles/{strike.pk}/"]').first.click()
    expect(page.get_by_role("heading", name=strike.title)).to_be_visible()
    expect(page.locator("#article-text")).to_contain_text("Quillmarsh container terminal")

    page.locator("main").click()  # focus leaves any field: "/" is a shortcut, not text
    page.keyboard.press("/")
    search_box = page.locator("[data-search-box]").last
    expect(search_box).to_be_focused()
    page.keyboard.type("Quillmarsh")
    page.keyboard.press("Enter")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark")).to_have_text(re.compile("Quillmarsh", re.I))

    hits.first.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/articles/{strike.pk}/$"))

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    screenshot("dashboard")
