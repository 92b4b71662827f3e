"""From a RawDocument to a Document: the clean body, the title and the metadata.

Plain text runs through our cleaning and metadata rules, checked against the hand-cleaned
seed articles (fixtures/seed.json); HTML runs through trafilatura, checked on whole news
pages written here with all their furniture, and on the short fragments feeds carry.
No database: extract is pure and runs in a process pool, so what it takes and returns
must pickle.
"""

import json
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.ingest.clean import line_key
from articles.ingest.document import Document, Kind, Problem, RawDocument
from articles.ingest.extract import (
    FRAGMENT_EXTRACTOR,
    HTML_EXTRACTOR,
    TEXT_EXTRACTOR,
    extract,
    recover_raw_document,
    remove_lines,
    split_title,
)
from articles.ingest.readers import read_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
SEED_ARTICLES = {
    item["fields"]["origin"]: item["fields"]
    for item in json.loads((ROOT / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    if item["model"] == "articles.article"
}

PARAGRAPH = (
    "President Vladimir Putin made an unannounced visit to the Kursk region on Wednesday. "
    "It was his first since Ukrainian forces crossed the border last summer."
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def text_document(text: str, origin: str = "story.txt", **fields) -> RawDocument:
    return RawDocument(origin=origin, raw=text, kind=Kind.TEXT, payload=text, **fields)


def html_document(html: str, origin: str = "page.html", **fields) -> RawDocument:
    return RawDocument(origin=origin, raw=html, kind=Kind.HTML, payload=html, **fields)


def extracted(raw: RawDocument) -> Document:
    document = extract(raw)
    assert isinstance(document, Document), document
    return document


# Plain text: the seed articles


def test_every_seed_file_has_a_hand_cleaned_article():
    assert len(SEED_NAMES) == 5
    assert set(SEED_NAMES) == set(SEED_ARTICLES)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_seed_file_extracts_to_the_hand_cleaned_title_and_body(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    expected = SEED_ARTICLES[name]

    document = extracted(text_document(text, origin=name))

    assert document.title == expected["title"]
    assert document.body == expected["body"]
    assert document.raw == text == expected["raw"]
    assert document.origin == name
    assert document.extractor == TEXT_EXTRACTOR


SEED_METADATA = {
    # Per seed file, in order: published_at, byline, upstream attribution, site name.
    "000_eea13ded1a225f67.txt": (None, "", "", ""),
    "001_2b8243f986ff2b1c.txt": (None, "", "", "infobud.news"),
    "002_5b2aafa6bc0a4be8.txt": (None, "", "", ""),
    "003_88877d2485751673.txt": (utc(2025, 6, 17), "Hammad Saeed", "", "Defence Talks"),
    # The page prints "08 January 2025, 23:41" without a zone: read as UTC, by contract.
    "004_cc85c02ca42a962c.txt": (
        utc(2025, 1, 8, 23, 41),
        "",
        "Based on materials: barrons.com",
        "",
    ),
}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_seed_file_yields_the_metadata_its_text_states(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    published_at, byline, upstream, source_name = SEED_METADATA[name]

    document = extracted(text_document(text, origin=name))

    assert document.published_at == published_at
    assert document.byline == byline
    assert document.upstream_attribution == upstream
    assert document.source_name == source_name
    assert document.url == document.site_domain == document.language == ""


def test_seed_metadata_agrees_with_the_fixture_where_the_fixture_states_it():
    for name in ("003_88877d2485751673.txt", "004_cc85c02ca42a962c.txt"):
        text = (SEEDS / name).read_text(encoding="utf-8")
        document = extracted(text_document(text, origin=name))
        expected = SEED_ARTICLES[name]
        assert document.byline == expected["byline"]
        assert document.upstream_attribution == expected["upstream_attribution"]
        assert document.published_at.date().isoformat() == expected["published_at"][:10]


def test_explicit_fields_of_the_input_win_over_what_the_text_says():
    text = (SEEDS / "003_88877d2485751673.txt").read_text(encoding="utf-8")
    raw = text_document(
        text,
        url="https://www.defencetalks.example/putin-kursk",
        published_at=utc(2025, 3, 12, 9, 0),
        byline="Desk Staff",
        language="en",
        source_name="Defence Talks Wire",
    )

    document = extracted(raw)

    assert document.published_at == utc(2025, 3, 12, 9, 0)
    assert document.byline == "Desk Staff"
    assert document.source_name == "Defence Talks Wire"
    assert document.language == "en"
    assert document.url == "https://www.defencetalks.example/putin-kursk"
    assert document.site_domain == "defencetalks.example"


# Plain text: the title


def test_split_title_takes_a_short_first_line_as_the_title():
    assert split_title("Putin visits Kursk\nBody line one.\nBody line two.") == (
        "Putin visits Kursk",
        "Body line one.\nBody line two.",
    )


def test_split_title_drops_the_blank_lines_between_title_and_body():
    assert split_title("Putin visits Kursk\n\n\nBody line one.") == (
        "Putin visits Kursk",
        "Body line one.",
    )


def test_split_title_after_a_paragraph_takes_a_short_heading_and_keeps_every_line():
    text = f"{PARAGRAPH}\nPutin visits Kursk as talks loom\nMore of the story follows here."

    title, body = split_title(text)

    assert title == "Putin visits Kursk as talks loom"
    assert body == text


def test_split_title_finds_no_title_when_no_line_reads_like_one():
    text = f"{PARAGRAPH}\nA line that ends with a colon:\nAnother paragraph. With two sentences."
    assert split_title(text) == ("", text)


def test_split_title_of_nothing_is_nothing():
    assert split_title("") == ("", "")


def test_a_text_without_a_title_line_is_titled_by_its_first_sentence():
    text = f"{PARAGRAPH}\nAnother paragraph. With two sentences."

    document = extracted(text_document(text))

    assert document.title == (
        "President Vladimir Putin made an unannounced visit to the Kursk region on Wednesday."
    )
    assert document.body == text


def test_a_title_made_from_a_long_first_sentence_is_cut_to_120_characters():
    sentence = "Officials " + "repeatedly " * 20 + "said the talks would resume. Then more."
    document = extracted(text_document(f"{sentence}\nSecond paragraph. Still none."))
    assert len(document.title) == 120
    assert document.title.endswith("…")
    assert document.title.startswith("Officials repeatedly")


def test_an_explicit_title_is_kept_and_the_payload_is_not_split():
    payload = "Putin visits Kursk\nBody line one of the story.\nBody line two of the story."

    document = extracted(text_document(payload, title="Feed title of the entry"))

    assert document.title == "Feed title of the entry"
    assert document.body == payload


@pytest.mark.parametrize("payload", ["", "   \n\n", "Share this:\nAdvertisement\n", "A title\n"])
def test_a_text_with_no_article_left_is_a_problem_naming_the_origin(payload):
    problem = extract(text_document(payload, origin="feeds/empty.txt"))
    assert problem == Problem("feeds/empty.txt", "no article text left after removing boilerplate")


# HTML: whole news pages

FRONTLINE_URL = "https://www.frontline-daily.example/world/putin-kursk"
FRONTLINE_PARAGRAPHS = [
    "President Vladimir Putin made an unannounced visit to the Kursk region on Wednesday, "
    "his first since Ukrainian forces crossed the border last summer, state television "
    "reported.",
    "Dressed in military fatigues, he told commanders that Moscow intended to drive the "
    "remaining Ukrainian units out of the region as quickly as possible, according to "
    "footage released by the Kremlin.",
    "The visit came a day after officials in Washington said that Kyiv had accepted a "
    "proposal for a thirty-day ceasefire along the entire front line, pending a response "
    "from Moscow.",
    "Analysts in Kyiv said the timing of the trip was meant to signal that Russia would "
    "negotiate from a position of strength, and that the fate of the Kursk salient would "
    "weigh on any talks.",
]
FRONTLINE_FURNITURE = [
    "We use cookies",
    "Accept all cookies",
    "Subscribe now",
    "Politics",
    "Business",
    "Related stories",
    "Zelensky meets European leaders in London",
    "Oil prices climb",
    "Reader4711",
    "obviously propaganda",
    "KremlinWatcher",
    "Wait until the negotiators arrive",
    "Copyright 2025",
    "All rights reserved",
    "Privacy policy",
    "Terms of use",
    "12 March 2025",
    "By Jane Roe",
]
FRONTLINE_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Putin visits Kursk as talks loom | Frontline Daily</title>
<meta property="og:site_name" content="Frontline Daily">
<meta property="og:title" content="Putin visits Kursk as talks loom">
<meta property="article:published_time" content="2025-03-12T14:30:00+00:00">
<meta name="author" content="Jane Roe">
<script>window.analytics = {{track: function () {{}}}};</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
Accept all cookies or manage your preferences.</div>
<header class="site-header">
  <a href="/">Frontline Daily</a>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
  <li><a href="/business">Business</a></li><li><a href="/subscribe">Subscribe now</a></li></ul>
  </nav>
</header>
<main>
<article>
  <h1>Putin visits Kursk as talks loom</h1>
  <p class="byline">By Jane Roe</p>
  <time datetime="2025-03-12T14:30:00+00:00">12 March 2025, 14:30</time>
  <p>{FRONTLINE_PARAGRAPHS[0]}</p>
  <p>{FRONTLINE_PARAGRAPHS[1]}</p>
  <p>{FRONTLINE_PARAGRAPHS[2]}</p>
  <p>{FRONTLINE_PARAGRAPHS[3]}</p>
</article>
<aside class="related">
  <h2>Related stories</h2>
  <ul><li><a href="/a">Zelensky meets European leaders in London</a></li>
  <li><a href="/b">Oil prices climb after drone strikes on refineries</a></li></ul>
</aside>
<section id="comments" class="comments">
  <h2>Comments</h2>
  <div class="comment"><p>Reader4711: This is obviously propaganda, nobody believes the
  footage anyway.</p></div>
  <div class="comment"><p>KremlinWatcher: Wait until the negotiators arrive before judging
  anything.</p></div>
</section>
</main>
<footer class="site-footer"><p>Copyright 2025 Frontline Daily Media Group. All rights
reserved.</p><a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body>
</html>
"""

LEDGER_PARAGRAPHS = [
    "Ukraine has agreed to a United States proposal for an immediate 30-day ceasefire along "
    "the entire front line, the two delegations said in a joint statement after talks in "
    "Jeddah on Tuesday.",
    "Washington said it would resume sharing intelligence with Kyiv and lift its pause on "
    "security assistance, while the proposal would now be taken to Moscow for a response.",
    "“The ball is now in Russia's court,” the US Secretary of State told reporters after "
    "more than eight hours of talks with the Ukrainian delegation.",
    "Russian officials did not immediately comment, although the Kremlin has previously "
    "said it would not agree to a pause that allowed Ukraine to regroup and re-arm.",
]
LEDGER_FURNITURE = [
    "This website uses cookies",
    "Accept cookies",
    "Log in",
    "Subscribe for 1 UAH",
    "Independent news from Ukraine",
    "About us",
    "Contact",
    "Telegram",
    "Tags:",
    "Get our morning briefing",
    "Sign up for the newsletter",
    "Drone attack on Moscow region",
    "Parliament passes wartime budget",
    "thoughts on",
    "Finally some good news",
    "Thirty days is far too short",
    "Leave a Reply",
    "Your email address will not be published",
    "Recent Posts",
    "Energy ministry reports",
    "All rights reserved",
    "Privacy Policy",
    "dataLayer",
    "cookie-notice",
]
LEDGER_PAGE = f"""<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<title>Kyiv accepts 30-day ceasefire proposal &#8211; Kyiv Ledger</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="Kyiv Ledger">
<meta property="og:title" content="Kyiv accepts 30-day ceasefire proposal">
<meta property="og:url" content="https://kyivledger.example/2025/03/11/ceasefire/">
<meta property="article:published_time" content="2025-03-11T18:05:00+02:00">
<meta name="author" content="Olena Kovalenko">
<script>window.dataLayer = window.dataLayer || [];</script>
<style>.cookie-notice{{position:fixed}}</style>
</head>
<body class="single single-post">
<div class="cookie-notice" id="cookie-notice"><p>This website uses cookies. By continuing to
browse you agree to our cookie policy.</p><button>Accept cookies</button></div>
<div class="top-bar"><a href="/login">Log in</a> | <a href="/subscribe">Subscribe for 1 UAH</a>
</div>
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Kyiv Ledger</a></p>
<p class="site-description">Independent news from Ukraine</p>
<nav id="site-navigation" class="main-navigation"><ul class="menu">
<li><a href="/category/war/">War</a></li><li><a href="/category/economy/">Economy</a></li>
<li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li></ul></nav>
</header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">Kyiv accepts 30-day ceasefire proposal</h1>
<div class="entry-meta"><span class="byline">by <a href="/author/ok/">Olena Kovalenko</a></span>
<time class="entry-date" datetime="2025-03-11T18:05:00+02:00">March 11, 2025</time></div>
</header>
<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Telegram</a></div>
<div class="entry-content">
<p>{LEDGER_PARAGRAPHS[0]}</p>
<p>{LEDGER_PARAGRAPHS[1]}</p>
<p>{LEDGER_PARAGRAPHS[2]}</p>
<p>{LEDGER_PARAGRAPHS[3]}</p>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: <a href="/tag/ceasefire/">ceasefire</a>,
<a href="/tag/jeddah/">Jeddah</a></span></footer>
</article>
<div class="newsletter-box"><h3>Get our morning briefing</h3><p>Sign up for the newsletter and
never miss a story from the front.</p><form><input type="email"><button>Sign up</button></form>
</div>
<nav class="navigation post-navigation">
<div class="nav-previous"><a href="/prev">Previous: Drone attack on Moscow region injures three</a>
</div><div class="nav-next"><a href="/next">Next: Parliament passes wartime budget amendments</a>
</div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on “Kyiv accepts
30-day ceasefire proposal”</h2>
<ol class="comment-list"><li class="comment"><div class="comment-author">Petro</div>
<div class="comment-content"><p>Finally some good news, let us hope Moscow agrees this time
around.</p></div></li>
<li class="comment"><div class="comment-author">Anna</div><div class="comment-content"><p>Thirty
days is far too short to achieve anything meaningful on the ground.</p></div></li></ol>
<div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form><p>Your email address will
not be published.</p><textarea></textarea><button>Post Comment</button></form></div></div>
</main>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Recent
Posts</h2><ul><li><a href="/r1">Energy ministry reports new strikes on gas facilities</a></li>
</ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">© 2025 Kyiv Ledger. All rights
reserved. <a href="/privacy-policy/">Privacy Policy</a></div></footer>
<script src="/wp-includes/js/jquery.min.js"></script>
</body>
</html>
"""

NEWS_PAGES = {
    # Per page: the HTML, the url the input gives, the article paragraphs, furniture text
    # that must not reach the body, and the expected metadata.
    "frontline": (
        FRONTLINE_PAGE,
        FRONTLINE_URL,
        FRONTLINE_PARAGRAPHS,
        FRONTLINE_FURNITURE,
        {
            "title": "Putin visits Kursk as talks loom",
            "byline": "Jane Roe",
            "language": "en-gb",
            "source_name": "Frontline Daily",
            "site_domain": "frontline-daily.example",
            "url": FRONTLINE_URL,
            "published_on": "2025-03-12",
        },
    ),
    "ledger": (
        LEDGER_PAGE,
        "",
        LEDGER_PARAGRAPHS,
        LEDGER_FURNITURE,
        {
            "title": "Kyiv accepts 30-day ceasefire proposal",
            "byline": "Olena Kovalenko",
            "language": "uk",
            "source_name": "Kyiv Ledger",
            "site_domain": "kyivledger.example",  # from og:url: the input gave no url
            "url": "https://kyivledger.example/2025/03/11/ceasefire/",
            "published_on": "2025-03-11",
        },
    ),
}


@pytest.fixture(params=sorted(NEWS_PAGES))
def news_page(request):
    page, url, paragraphs, furniture, expected = NEWS_PAGES[request.param]
    document = extracted(html_document(page, origin=f"{request.param}.html", url=url))
    return document, paragraphs, furniture, expected


def test_a_news_page_body_is_the_article_paragraphs_one_per_line(news_page):
    document, paragraphs, _, _ = news_page
    assert document.body.split("\n") == paragraphs


def test_a_news_page_body_has_none_of_the_page_furniture(news_page):
    document, _, furniture, expected = news_page
    for text in furniture:
        assert text not in document.body, text
    assert expected["title"] not in document.body  # the headline is the title, not a line


def test_a_news_page_title_comes_from_the_page(news_page):
    document, _, _, expected = news_page
    assert document.title == expected["title"]


def test_a_news_page_metadata_comes_from_its_meta_tags(news_page):
    document, _, _, expected = news_page
    assert document.byline == expected["byline"]
    assert document.language == expected["language"]
    assert document.source_name == expected["source_name"]
    assert document.site_domain == expected["site_domain"]
    assert document.url == expected["url"]
    assert document.published_at is not None
    assert document.published_at.tzinfo is not None
    assert document.published_at.date().isoformat() == expected["published_on"]


def test_a_news_page_is_extracted_by_trafilatura(news_page):
    document, _, _, _ = news_page
    assert document.extractor == HTML_EXTRACTOR
    assert document.extractor.startswith("trafilatura ")


def test_the_publication_date_is_the_meta_published_time_not_the_visible_date():
    page = FRONTLINE_PAGE.replace(
        'content="2025-03-12T14:30:00+00:00"', 'content="2024-11-02T09:00:00+00:00"'
    )
    assert "12 March 2025" in page
    document = extracted(html_document(page))
    assert document.published_at.date().isoformat() == "2024-11-02"


def test_explicit_fields_of_the_input_win_over_the_page_metadata():
    raw = html_document(
        FRONTLINE_PAGE,
        title="Feed headline",
        url="https://mirror.example/putin",
        published_at=utc(2025, 3, 13, 6, 0),
        byline="Wire Staff",
        language="de",
        source_name="Mirror Wire",
    )

    document = extracted(raw)

    assert document.title == "Feed headline"
    assert document.url == "https://mirror.example/putin"
    assert document.site_domain == "mirror.example"
    assert document.published_at == utc(2025, 3, 13, 6, 0)
    assert (document.byline, document.language, document.source_name) == (
        "Wire Staff",
        "de",
        "Mirror Wire",
    )


def test_the_publication_time_and_offset_of_a_page_are_kept():
    page = FRONTLINE_PAGE.replace("2025-03-12T14:30:00+00:00", "2025-03-12T23:30:00-05:00")
    assert extracted(html_document(page)).published_at == utc(2025, 3, 13, 4, 30)


# HTML: fragments, as feeds and JSON records carry them


@pytest.mark.parametrize(
    ("fragment", "lines"),
    [
        (
            "<p>Putin visited Kursk on Wednesday.<br>Talks follow next week.</p>",
            ["Putin visited Kursk on Wednesday.", "Talks follow next week."],
        ),
        (
            '<div><b>Kursk:</b> Putin visited <a href="/x">the region</a>.<br/>Talks follow.</div>',
            ["Kursk: Putin visited the region.", "Talks follow."],
        ),
        ("<p>Putin visited Kursk.</p>", ["Putin visited Kursk."]),
    ],
)
def test_a_fragment_trafilatura_declines_still_yields_its_text_one_line_per_block(fragment, lines):
    document = extracted(html_document(fragment, origin="feed.xml#entry 3"))
    assert document.extractor == FRAGMENT_EXTRACTOR == "lxml-text 1"
    assert document.body.split("\n") == lines
    assert document.title == lines[0]


def test_a_fragment_keeps_every_paragraph_one_per_line():
    fragment = (
        "<p>Putin visited the Kursk region on Wednesday, state television reported. He met "
        "commanders near Sudzha.</p><p>Talks between US and Russian officials are expected "
        "next week in Moscow, the Kremlin said.</p>"
    )
    document = extracted(html_document(fragment))
    # Fragments (feed entries, JSON "html" fields) are all article: no page extraction.
    assert document.extractor == FRAGMENT_EXTRACTOR
    assert document.body.split("\n") == [
        "Putin visited the Kursk region on Wednesday, state television reported. He met "
        "commanders near Sudzha.",
        "Talks between US and Russian officials are expected next week in Moscow, the "
        "Kremlin said.",
    ]


def test_text_before_a_nested_block_is_a_line_of_its_own():
    fragment = "<div>Putin visited Kursk.<div>Talks follow.</div></div>"
    document = extracted(html_document(fragment))
    assert document.extractor == FRAGMENT_EXTRACTOR
    assert document.body == "Putin visited Kursk.\nTalks follow."


def test_table_cells_of_a_fragment_are_not_glued_together():
    fragment = "<table><tr><td>Kursk</td><td>430</td></tr><tr><td>Sudzha</td><td>12</td></tr>"
    fragment += "</table>"
    document = extracted(html_document(fragment))
    assert document.extractor == FRAGMENT_EXTRACTOR
    assert "Kursk430" not in document.body
    assert "Kursk" in document.body and "430" in document.body


def test_a_feed_fragment_keeps_its_bullet_list():
    fragment = (
        "<p>Putin visited the Kursk region on Wednesday, state television reported.</p>"
        "<ul><li>430 soldiers were captured, officials said on Monday</li>"
        "<li>A ceasefire proposal is still pending in Moscow</li></ul>"
        "<p>Talks are expected next week.</p>"
    )
    body = extracted(html_document(fragment)).body
    assert "430 soldiers were captured, officials said on Monday" in body
    assert "A ceasefire proposal is still pending in Moscow" in body


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<script>var x = 1;</script>",
        "<html><head><script>track()</script><style>p {color: red}</style></head>"
        "<body><script>alert(1)</script></body></html>",
    ],
)
def test_html_with_no_text_is_a_problem_naming_the_origin(html):
    problem = extract(html_document(html, origin="feed.xml#entry 7"))
    assert isinstance(problem, Problem)
    assert problem.origin == "feed.xml#entry 7"
    assert "no extractable text" in problem.reason
    assert str(problem) == "feed.xml#entry 7: HTML with no extractable text"


def test_a_page_with_only_navigation_is_a_problem():
    page = (
        "<html><head><script>boot()</script></head><body><nav><a href='/'>Home</a> "
        "<a href='/world'>World</a> <a href='/politics'>Politics</a></nav>"
        "<noscript>Enable JavaScript</noscript><div id='app'></div></body></html>"
    )
    assert isinstance(extract(html_document(page, origin="spa.html")), Problem)


# Hostile HTML

HOSTILE_MARKUP = ["<script", "</script", "alert(", "<img", "onerror", "<iframe", "<svg", "onload"]


def assert_no_markup(document: Document) -> None:
    for text in (document.title, document.body):
        for marker in HOSTILE_MARKUP:
            assert marker not in text, (marker, text)
        assert "<" not in text and ">" not in text


def test_hostile_markup_in_a_news_page_never_reaches_the_title_or_body():
    page = FRONTLINE_PAGE.replace(
        "<h1>Putin visits Kursk as talks loom</h1>",
        "<h1>Putin visits Kursk<script>alert(1)</script> as talks loom"
        " <img src=x onerror=alert(1)></h1>",
    ).replace(
        "state television reported.</p>",
        "state television reported.<script>alert(1)</script><img src=x onerror=alert(1)>"
        '<iframe src="javascript:alert(1)"></iframe><svg onload=alert(1)></svg></p>',
    )

    document = extracted(html_document(page))

    assert_no_markup(document)
    assert FRONTLINE_PARAGRAPHS[0] in document.body


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>Officials said 430 soldiers were captured.<script>alert(1)</script><br>"
        "<img src=x onerror=alert(1)>Talks follow next week.</p>",
        "<p>Kursk.<script>alert(1)</script><img src=x onerror=alert(1)></p>",
        "<div>Talks<style>body{}</style> follow.<noscript><img src=x onerror=alert(1)>"
        "</noscript></div>",
    ],
)
def test_hostile_markup_in_a_fragment_never_reaches_the_title_or_body(fragment):
    document = extracted(html_document(fragment))
    assert_no_markup(document)
    assert document.body.strip()


# Pickling, for the process pool


def test_a_raw_document_pickles():
    raw = html_document(
        FRONTLINE_PAGE, url=FRONTLINE_URL, published_at=utc(2025, 3, 12), byline="Jane Roe"
    )
    restored = pickle.loads(pickle.dumps(raw))
    assert restored == raw
    assert restored.kind is Kind.HTML


@pytest.mark.parametrize(
    "raw",
    [
        html_document(FRONTLINE_PAGE, url=FRONTLINE_URL),
        text_document((SEEDS / "004_cc85c02ca42a962c.txt").read_text(encoding="utf-8")),
        html_document("<script>only()</script>"),
    ],
    ids=["html", "text", "problem"],
)
def test_what_extract_returns_pickles(raw):
    result = extract(raw)
    restored = pickle.loads(pickle.dumps(result))
    assert restored == result
    assert type(restored) is type(result)


# Recovering the input of a stored article (reclean)


def test_recover_a_stored_plain_text():
    text = (SEEDS / "003_88877d2485751673.txt").read_text(encoding="utf-8")

    raw = recover_raw_document(text, TEXT_EXTRACTOR, origin="003.txt", title="ignored")

    assert raw == RawDocument("003.txt", text, Kind.TEXT, text)
    assert extracted(raw).body == SEED_ARTICLES["003_88877d2485751673.txt"]["body"]


def test_recover_a_stored_html_page():
    original = extracted(html_document(FRONTLINE_PAGE, origin="putin.html"))

    raw = recover_raw_document(original.raw, original.extractor, origin="putin.html")

    assert raw.kind is Kind.HTML
    assert raw.payload == FRONTLINE_PAGE
    again = extracted(raw)
    assert (again.title, again.body) == (original.title, original.body)


def test_recover_a_stored_fragment_extracted_by_lxml_as_html():
    fragment = "<p>Putin visited Kursk on Wednesday.<br>Talks follow next week.</p>"
    raw = recover_raw_document(fragment, FRAGMENT_EXTRACTOR, origin="x.html")
    assert raw.kind is Kind.HTML
    assert extracted(raw).body == "Putin visited Kursk on Wednesday.\nTalks follow next week."


def write_and_read(tmp_path: Path, name: str, content: str) -> list[RawDocument]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = list(read_file(path))
    assert all(isinstance(item, RawDocument) for item in items), items
    return items


def assert_recovers(original_raw: RawDocument) -> tuple[RawDocument, Document]:
    """Extract, recover from what would be stored, extract again: same title and body."""
    original = extracted(original_raw)
    recovered = recover_raw_document(
        original.raw, original.extractor, origin=original.origin, title=original.title
    )
    again = extracted(recovered)
    assert (again.title, again.body) == (original.title, original.body)
    return recovered, again


def test_recover_a_json_record_with_html(tmp_path):
    record = {
        "title": "Putin visits Kursk",
        "url": "https://frontline-daily.example/putin",
        "html": "<p>" + "</p><p>".join(FRONTLINE_PARAGRAPHS) + "</p>",
    }
    [raw] = write_and_read(tmp_path, "records.json", json.dumps(record))

    recovered, again = assert_recovers(raw)

    assert recovered.kind is Kind.HTML
    assert recovered.payload == record["html"]
    assert recovered.title == "Putin visits Kursk"
    assert again.body.split("\n") == FRONTLINE_PARAGRAPHS


def test_recover_a_json_record_with_body_and_title(tmp_path):
    record = {"title": "Putin visits Kursk", "body": "Short first line\n" + PARAGRAPH}
    [raw] = write_and_read(tmp_path, "records.jsonl", json.dumps(record) + "\n")

    recovered, again = assert_recovers(raw)

    assert recovered.kind is Kind.TEXT
    assert recovered.payload == record["body"]
    assert recovered.title == "Putin visits Kursk"
    assert again.body == record["body"]  # an explicit title: the body is not split


def test_recover_a_json_record_without_a_title_splits_the_body_again(tmp_path):
    record = {"body": "Putin visits Kursk\n" + PARAGRAPH}
    [raw] = write_and_read(tmp_path, "records.json", json.dumps(record))

    recovered, again = assert_recovers(raw)

    assert recovered.title == ""
    assert (again.title, again.body) == ("Putin visits Kursk", PARAGRAPH)


RSS_ENTRY = """<item>
<title>Putin visits Kursk as talks loom</title>
<link>https://frontline-daily.example/world/putin-kursk</link>
<dc:creator>Jane Roe</dc:creator>
<pubDate>Wed, 12 Mar 2025 14:30:00 +0000</pubDate>
{description}
<content:encoded><![CDATA[<p>{first}</p><p>{second}</p>]]></content:encoded>
</item>"""


def rss(description: str = "") -> str:
    item = RSS_ENTRY.format(
        description=description, first=FRONTLINE_PARAGRAPHS[0], second=FRONTLINE_PARAGRAPHS[1]
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel><title>Frontline Daily</title>'
        "<link>https://frontline-daily.example/</link><description>News</description>"
        f"{item}</channel></rss>\n"
    )


def test_recover_a_feed_entry(tmp_path):
    [raw] = write_and_read(tmp_path, "frontline.xml", rss())
    assert json.loads(raw.raw)["title"] == "Putin visits Kursk as talks loom"  # a JSON object

    recovered, again = assert_recovers(raw)

    assert recovered.kind is Kind.HTML
    assert recovered.title == "Putin visits Kursk as talks loom"
    assert again.body.split("\n") == FRONTLINE_PARAGRAPHS[:2]


def test_recover_a_feed_entry_with_a_teaser_and_full_content(tmp_path):
    teaser = "<description>Putin made an unannounced visit to Kursk.</description>"
    [raw] = write_and_read(tmp_path, "frontline.xml", rss(description=teaser))
    assert extracted(raw).body.split("\n") == FRONTLINE_PARAGRAPHS[:2]

    assert_recovers(raw)


def test_recover_a_json_feed_item(tmp_path):
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Frontline Daily",
        "items": [
            {
                "id": "1",
                "title": "Putin visits Kursk",
                "content_html": "<p>" + "</p><p>".join(FRONTLINE_PARAGRAPHS) + "</p>",
            }
        ],
    }
    [raw] = write_and_read(tmp_path, "frontline.json", json.dumps(feed))

    assert_recovers(raw)


# Removing a source's learned boilerplate


def test_remove_lines_drops_learned_lines_whatever_their_spacing_and_case():
    body = "First line of the story.\n  SUBSCRIBE  to\xa0our channel \nLast line of the story."
    keys = frozenset({line_key("Subscribe to our channel")})
    assert remove_lines(body, keys) == "First line of the story.\nLast line of the story."


def test_remove_lines_collapses_the_blank_runs_it_leaves():
    body = (
        "Frontline Daily — independent news\n\nFirst paragraph.\n\nRead us on Telegram\n\n"
        "Second paragraph.\n\nFrontline Daily — independent news\n"
    )
    keys = frozenset(
        {line_key("Frontline Daily — independent news"), line_key("Read us on Telegram")}
    )
    assert remove_lines(body, keys) == "First paragraph.\n\nSecond paragraph."


def test_remove_lines_keeps_lines_that_differ_in_numbers():
    body = "War diary, day 412\nFighting continued near Sudzha."
    keys = frozenset({line_key("War diary, day 413")})
    assert remove_lines(body, keys) == body


def test_remove_lines_without_keys_changes_nothing_but_edge_newlines():
    body = "First paragraph.\n\nSecond paragraph."
    assert remove_lines(body, frozenset()) == body
    assert remove_lines("\n" + body + "\n", frozenset()) == body
