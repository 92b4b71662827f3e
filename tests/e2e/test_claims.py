"""Marking claims in a real browser: an Analyst selects words with the mouse (after Cyrillic
and an emoji, so UTF-16 and Python offsets differ), marks a sentence from the keyboard,
adds an appearance to an existing claim through the autocomplete list; hostile article and
claim text stays text; a Viewer gets no annotation tools."""

import re

import pytest
from playwright.sync_api import expect

from articles import suggest
from articles.anchoring import index_to_utf16
from articles.models import Appearance, Claim
from tests.e2e.conftest import log_in
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    SourceFactory,
    SourceRatingFactory,
)

BODY = (
    "Фокус 🙂 пише.\n\n"
    "Officials said that 430 soldiers were captured near Kursk. Другий абзац 🙂 тут.\n"
    "The ministry said 12 drones were downed overnight."
)
TARGET = "430 soldiers were captured"

# Finds `needle` in the text nodes of #article-text and returns the viewport boxes of its
# first and last characters (the page counts offsets over exactly these nodes).
CHARACTER_BOXES = """(needle) => {
  const root = document.getElementById("article-text");
  root.scrollIntoView({ block: "center" });
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const box = (from, to) => {
      const range = document.createRange();
      range.setStart(node, from);
      range.setEnd(node, to);
      const r = range.getClientRects()[0];
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    return { first: box(at, at + 1), last: box(at + needle.length - 1, at + needle.length) };
  }
  return null;
}"""


def drag_select(page, needle: str) -> None:
    """Select `needle` in the article text with a real mouse drag: press just inside the
    left half of its first character, release just inside the right half of its last one.
    The release is a real mouseup on the text, which is what annotate.js listens to."""
    boxes = page.evaluate(CHARACTER_BOXES, needle)
    assert boxes, f"{needle!r} is not in one text node of #article-text"
    first, last = boxes["first"], boxes["last"]
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=8)
    page.mouse.up()


def selected_text(page) -> str:
    return page.evaluate("() => window.getSelection().toString()")


@pytest.fixture
def article(transactional_db):
    source = SourceFactory(name="Фокус")
    SourceRatingFactory(source=source, grade="B")
    return ArticleFactory(source=source, title="Полонені під Курськом", body=BODY)


def test_an_analyst_marks_a_mouse_selection_after_cyrillic_and_an_emoji(
    page, live_server, e2e_user, article, screenshot
):
    analyst = e2e_user("ana", "Analysts")
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    form = page.locator("#annotate-form")
    expect(form).to_be_hidden()

    drag_select(page, TARGET)
    expect(form).to_be_visible()
    expect(form.locator("[data-selection-quote]")).to_have_text(TARGET)
    start = BODY.index(TARGET)
    # The browser counts UTF-16 units: the emoji before the target is two of them.
    assert index_to_utf16(BODY, start) == start + 1
    expect(form.locator('input[name="start"]')).to_have_value(str(start + 1))
    expect(form.locator('input[name="end"]')).to_have_value(str(start + 1 + len(TARGET)))
    expect(form.locator('input[name="quote"]')).to_have_value(TARGET)
    new_claim = form.get_by_label("New claim")
    expect(new_claim).to_have_value(TARGET)
    expect(new_claim).to_be_focused()

    new_claim.fill("Russia captured 430 Ukrainian soldiers near Kursk")
    form.get_by_label("Claimant, as stated").fill("Officials")
    form.get_by_label("Attribution verb").fill("said")
    form.get_by_label("Claim type").select_option(label="Quantity")
    form.get_by_label("Tags").fill("place:Kursk, topic:POWs")
    form.get_by_role("button", name="Save claim").click()

    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/#appearance-\d+$"))
    expect(page.locator(".messages .success")).to_contain_text("Marked an appearance of claim #")
    marks = page.locator("#article-text mark")
    expect(marks).to_have_count(1)
    expect(marks).to_have_text(TARGET)
    expect(marks).to_have_attribute("title", "Russia captured 430 Ukrainian soldiers near Kursk")
    # The marked body still reads exactly as the article (offsets count over it).
    assert page.locator("#article-text").evaluate("e => e.textContent") == BODY
    expect(form).to_be_hidden()
    screenshot("claims-article")

    appearance = Appearance.objects.get()
    assert appearance.exact == TARGET
    assert BODY[appearance.start : appearance.end] == appearance.exact
    assert (appearance.start, appearance.end) == (start, start + len(TARGET))
    assert (appearance.claimant, appearance.verb) == ("Officials", "said")
    assert appearance.created_by == analyst
    claim = appearance.claim
    assert claim.text == "Russia captured 430 Ukrainian soldiers near Kursk"
    assert claim.claim_type == "quantity"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["place:Kursk", "topic:POWs"]

    page.goto(f"{live_server.url}/claims/")
    page.get_by_label("Text contains").fill("430")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/claims/\?.*text=430"))
    rows = page.locator(".list-results tbody tr")
    expect(rows).to_have_count(1)
    row = rows.filter(has=page.locator(f'a[href="/claims/{claim.pk}/"]'))
    expect(row).to_contain_text("Russia captured 430 Ukrainian soldiers near Kursk")
    expect(row).to_contain_text("Officials")
    screenshot("claims-list")

    row.get_by_role("link", name="Russia captured 430 Ukrainian soldiers near Kursk").click()
    expect(page).to_have_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("h1.claim-text")).to_have_text(
        "Russia captured 430 Ukrainian soldiers near Kursk"
    )
    rows = page.locator(".appearances-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("mark")).to_have_text(TARGET)
    expect(rows).to_contain_text("Officials")
    expect(rows).to_contain_text("said")
    expect(rows).to_contain_text("Полонені під Курськом")
    expect(rows).to_contain_text("Фокус")
    expect(page.locator(".meta")).to_contain_text("place:Kursk")
    screenshot("claim-page")


def test_an_analyst_marks_a_sentence_from_the_keyboard(page, live_server, e2e_user, article):
    e2e_user("ana", "Analysts")
    spans = suggest.sentences(BODY)
    # The third sentence, after the emoji: its UTF-16 offsets differ from Python's.
    start, end = spans[2]
    sentence = BODY[start:end]
    assert sentence == "Другий абзац 🙂 тут."

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    form = page.locator("#annotate-form")
    toggle = page.locator("[data-sentence-mode]")

    page.keyboard.press("m")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert selected_text(page) == BODY[slice(*spans[0])]
    page.keyboard.press("n")
    assert selected_text(page) == BODY[slice(*spans[1])]
    page.keyboard.press("n")
    assert selected_text(page) == sentence
    expect(form).to_be_hidden()
    page.keyboard.press("Enter")

    expect(form).to_be_visible()
    expect(form.locator("[data-selection-quote]")).to_have_text(sentence)
    expect(form.locator('input[name="quote"]')).to_have_value(sentence)
    expect(form.get_by_label("New claim")).to_have_value(sentence)
    form.get_by_role("button", name="Save claim").click()

    expect(page.locator(".messages .success")).to_contain_text("Marked an appearance")
    expect(page.locator("#article-text mark")).to_have_text(sentence)
    appearance = Appearance.objects.get()
    assert (appearance.start, appearance.end) == (start, end)
    assert appearance.exact == sentence == BODY[appearance.start : appearance.end]
    assert appearance.claim.text == sentence


def test_with_shortcuts_off_sentences_are_walked_with_the_arrows_not_letters(
    page, live_server, e2e_user, article
):
    e2e_user("ana", "Analysts")
    first, second = (BODY[slice(*span)] for span in suggest.sentences(BODY)[:2])
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.get_by_role("button", name="Turn keyboard shortcuts off").click()
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "off")
    toggle = page.locator("[data-sentence-mode]")

    page.keyboard.press("m")
    expect(toggle).to_have_attribute("aria-pressed", "false")  # a single-key shortcut
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert selected_text(page) == first
    page.keyboard.press("n")
    assert selected_text(page) == first  # a letter: off with the other shortcuts
    page.keyboard.press("ArrowDown")
    assert selected_text(page) == second
    page.keyboard.press("ArrowUp")
    assert selected_text(page) == first
    page.keyboard.press("Enter")

    expect(page.locator("#annotate-form")).to_be_visible()
    expect(page.locator("#annotate-form [data-selection-quote]")).to_have_text(first)


def test_an_analyst_adds_a_selection_to_an_existing_claim(page, live_server, e2e_user, article):
    e2e_user("ana", "Analysts")
    other = ArticleFactory(
        source=SourceFactory(name="Wire Agency"),
        title="Wire: soldiers captured",
        body="A spokesman said 430 soldiers had been captured near Kursk on Monday.",
    )
    claim = ClaimFactory(text="Russia captured 430 Ukrainian soldiers near Kursk")
    quoted = "430 soldiers had been captured near Kursk"
    at = other.body.index(quoted)
    AppearanceFactory(
        claim=claim, article=other, start=at, end=at + len(quoted), claimant="A spokesman"
    )
    ClaimFactory(text="Ukraine downed 12 drones overnight")  # not offered for "Kursk"

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    drag_select(page, TARGET)
    form = page.locator("#annotate-form")
    expect(form).to_be_visible()

    existing = form.get_by_label("Existing claim")
    existing.press_sequentially("Kursk", delay=20)
    options = page.locator("#claim-options option")
    expect(options).to_have_count(1)
    offered = f"#{claim.pk} · Russia captured 430 Ukrainian soldiers near Kursk"
    expect(options).to_have_attribute("value", offered)
    # Picking the option from the native datalist popup puts its value in the input.
    existing.fill(options.get_attribute("value"))
    form.get_by_label("Claimant, as stated").fill("Officials")
    form.get_by_role("button", name="Save claim").click()

    expect(page.locator(".messages .success")).to_contain_text(
        f"Marked an appearance of claim #{claim.pk}."
    )
    assert Claim.objects.count() == 2  # no new claim
    appearance = Appearance.objects.get(article=article)
    assert appearance.claim_id == claim.pk
    assert appearance.exact == TARGET == BODY[appearance.start : appearance.end]

    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    rows = page.locator(".appearances-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Полонені під Курськом")).to_contain_text("Officials")
    expect(rows.filter(has_text="Wire: soldiers captured")).to_contain_text("A spokesman")
    expect(page.locator(".meta")).to_contain_text(re.compile(r"Appearances\s*2"))


def test_words_typed_in_the_existing_claim_field_are_not_read_as_a_claim_number(
    page, live_server, e2e_user, article
):
    e2e_user("ana", "Analysts")
    unrelated = ClaimFactory(pk=430, text="Grain exports doubled in May")
    kursk = ClaimFactory(text="Russia captured 430 Ukrainian soldiers near Kursk")

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    drag_select(page, TARGET)
    form = page.locator("#annotate-form")
    existing = form.get_by_label("Existing claim")
    existing.press_sequentially("430 soldiers", delay=20)
    # The list offers the Kursk claim only; the person saves without picking it.
    options = page.locator("#claim-options option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", re.compile(rf"^#{kursk.pk} · "))
    form.get_by_role("button", name="Save claim").click()
    expect(page.locator(".messages")).to_be_visible()

    assert not Appearance.objects.filter(claim=unrelated).exists()
    expect(form.locator(".errorlist")).to_contain_text("Pick a claim from the list")


HOSTILE_BODY = (
    "Officials said <script>alert(1)</script> 5 tanks were destroyed.\n"
    "A witness said <img src=x onerror=alert(1)> and "
    '<img src="https://evil.example/p.png" onerror="alert(2)"> 3 drones fell.'
)
HOSTILE_CLAIM = 'Claim "quoted" <script>alert(3)</script><img src=x onerror=alert(4)>'


def test_hostile_text_stays_text(page, live_server, e2e_user):
    e2e_user("ana", "Analysts")
    article = ArticleFactory(title="<script>alert(5)</script> title", body=HOSTILE_BODY)
    claim = ClaimFactory(text=HOSTILE_CLAIM)
    quote = "<script>alert(1)</script> 5 tanks"
    start = HOSTILE_BODY.index(quote)
    AppearanceFactory(
        claim=claim,
        article=article,
        start=start,
        end=start + len(quote),
        claimant="<b>Officials</b>",
    )
    dialogs, foreign = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else foreign.append(request.url)
        ),
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    text = page.locator("#article-text")
    expect(text).to_contain_text("Officials said <script>alert(1)</script> 5 tanks")
    expect(text).to_contain_text("<img src=x onerror=alert(1)>")
    assert text.evaluate("e => e.textContent") == HOSTILE_BODY
    expect(text.locator("script, img")).to_have_count(0)
    expect(text.locator("mark")).to_have_text(quote)
    expect(text.locator("mark")).to_have_attribute("title", HOSTILE_CLAIM)
    expect(page.locator("h1")).to_have_text("<script>alert(5)</script> title")
    # The suggestion panel offers the hostile second sentence, as text.
    expect(page.locator("#suggestions")).to_contain_text('<img src="https://evil.example/p.png"')
    expect(page.locator("#suggestions img")).to_have_count(0)
    expect(page.locator(".appearances")).to_contain_text(HOSTILE_CLAIM)
    expect(page.locator(".appearances")).to_contain_text("<b>Officials</b>")

    page.goto(f"{live_server.url}/claims/")
    row = page.locator(".list-results tbody tr").filter(
        has=page.locator(f'a[href="/claims/{claim.pk}/"]')
    )
    expect(row).to_contain_text(HOSTILE_CLAIM)
    expect(row).to_contain_text("<b>Officials</b>")
    expect(row.locator("script, img, b")).to_have_count(0)

    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator("h1.claim-text")).to_have_text(HOSTILE_CLAIM)
    appearance = page.locator(".appearances-table tbody tr")
    expect(appearance.locator("mark")).to_have_text(quote)
    expect(appearance).to_contain_text("<b>Officials</b>")
    expect(page.locator(".claim-page script, .claim-page img, .claim-page b")).to_have_count(0)

    page.wait_for_timeout(300)  # give any injected handler time to run
    assert dialogs == []
    assert foreign == []
    assert not [url for url in requested if re.search(r"/x$|evil\.example", url)]


def test_a_viewer_gets_no_annotation_tools(page, live_server, e2e_user, article):
    e2e_user("vic", "Viewers")
    log_in(page, live_server, "vic")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_contain_text("430 soldiers were captured")
    expect(page.locator("#article-text[data-annotatable]")).to_have_count(0)
    expect(page.locator("#annotate-form")).to_have_count(0)
    expect(page.locator("#suggestions")).to_have_count(0)
    expect(page.locator("[data-sentence-mode]")).to_have_count(0)
    expect(page.locator("#sentence-spans")).to_have_count(0)

    drag_select(page, TARGET)
    assert selected_text(page) == TARGET  # the text is selectable, for copying
    page.keyboard.press("m")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mark a claim")).to_have_count(0)
    expect(page.locator("form[action*='/annotate/']")).to_have_count(0)

    # And the server refuses the write itself.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/articles/{article.pk}/annotate/",
        form={"start": "0", "end": "5", "quote": BODY[:5], "text": "x"},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/"},
    )
    assert response.status == 403
    assert not Appearance.objects.exists()
