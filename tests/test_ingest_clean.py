"""Specification of plain-text cleaning (articles/ingest/clean.py).

The seed documents must come out exactly as hand-cleaned in fixtures/seed.json; boilerplate
from other real sites goes; sentences, headings, tables and lists that merely share a word
with boilerplate stay word for word; a source's own recurring lines are learned from its
articles. Pure strings and files, no database.
"""

import json
import re
from pathlib import Path

import pytest

from articles.ingest.clean import clean_text, learn_boilerplate, line_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SEED_ARTICLES = {
    item["fields"]["origin"]: item["fields"]
    for item in json.loads((FIXTURES / "seed.json").read_text(encoding="utf-8"))
    if item["model"] == "articles.article"
}


def raw_seed(name: str) -> str:
    return (FIXTURES / "seeds" / name).read_text(encoding="utf-8")


def words(text: str) -> list[str]:
    return text.split()


# A paragraph of running text, reused so that samples have an article around their furniture.
P1 = (
    "Russian President Vladimir Putin visited the Kursk region on Wednesday, his first trip "
    "there since Ukraine's incursion last August, state television showed."
)
P2 = (
    "The Kremlin said it was studying a US proposal for a 30-day ceasefire, while officials "
    "in Kyiv said the offer had been accepted on condition that Moscow does the same."
)
P3 = (
    "Analysts who subscribe to this view argue that the comment was related to the talks, "
    "and that the timing of the visit was chosen with the negotiators in mind."
)


# --- 1. The seed documents ------------------------------------------------------------------


@pytest.mark.parametrize("name", [p.name for p in SEEDS if not p.name.startswith("000")])
def test_seed_with_a_title_line_cleans_to_the_hand_cleaned_title_and_body(name):
    expected = SEED_ARTICLES[name]
    title, _, body = clean_text(raw_seed(name)).partition("\n")
    assert title == expected["title"]
    assert body.strip("\n") == expected["body"]


def test_seed_without_a_title_line_cleans_to_the_hand_cleaned_body():
    name = "000_eea13ded1a225f67.txt"
    assert clean_text(raw_seed(name)) == SEED_ARTICLES[name]["body"]


def test_all_five_seeds_are_covered():
    assert sorted(p.name for p in SEEDS) == sorted(SEED_ARTICLES)
    assert len(SEEDS) == 5


# --- 2. Boilerplate from real sites goes --------------------------------------------------

REMOVED = [
    pytest.param(
        f"Putin visits Kursk\n\nShare\nFacebook\nTwitter\nWhatsApp\nTelegram\n\n{P1}\n\n"
        f"Advertisement\n\n{P2}\n\nShare this:\nFacebook\nX\nLike this:\nLike Loading...\n\n"
        "Related\n\nPutin orders troops to expel Ukraine from Kursk\n"
        "Ceasefire talks: what we know so far",
        f"Putin visits Kursk\n\n{P1}\n\n{P2}",
        id="wordpress-share-bars-and-related-list",
    ),
    pytest.param(
        f"Putin visits Kursk\n{P1}\nClick to share on X (Opens in new window)\n"
        "Click to share on Facebook (Opens in new window)\nClick to print (Opens in new window)\n"
        f"{P2}",
        f"Putin visits Kursk\n{P1}\n{P2}",
        id="jetpack-click-to-share",
    ),
    pytest.param(
        f"Notes from the front\n\n{P1}\n\nSubscribe\n\n{P2}\n\n{P3}\n\n"
        "Thanks for reading Frontline Notes! Subscribe for free to receive new posts and "
        "support my work.\n\nType your email…\n\nSubscribe\n\nShare\n\nLeave a comment",
        f"Notes from the front\n\n{P1}\n\n{P2}\n\n{P3}",
        id="substack-subscribe-widgets",
    ),
    pytest.param(
        f"What the Kursk visit means\n\nListen\n\nShare\n\n{P1}\n\n{P2}\n\n"
        "Sign up to discover human stories that deepen your understanding of the world.\n\n"
        "Written by Jane Roe\n1.2K Followers\nFollow\n\nResponses (3)\n\n"
        "Help Status About Careers Press Blog Privacy Terms Text to speech Teams",
        f"What the Kursk visit means\n\n{P1}\n\n{P2}",
        id="medium-footer",
    ),
    pytest.param(
        f"Putin visits Kursk\nPhoto: Reuters/Maxim Shemetov\n{P1}\nRead also: Kremlin weighs "
        f"US truce offer\n{P2}\nFollow us on Telegram\n"
        "Our Standards: The Thomson Reuters Trust Principles.\n"
        "© 2024 Reuters. All rights reserved.",
        f"Putin visits Kursk\n{P1}\n{P2}",
        id="news-agency-credits-links-and-copyright",
    ),
    pytest.param(
        "We use cookies to ensure that we give you the best experience on our website. If you "
        "continue to use this site we will assume that you are happy with it.\nAccept all "
        f"cookies\nCookie settings\nHome | World | Politics | Business | Sport\n"
        f"Putin visits Kursk\n{P1}\nStory continues below advertisement\n{P2}",
        f"Putin visits Kursk\n{P1}\n{P2}",
        id="cookie-notice-and-menu-above-the-headline",
    ),
    pytest.param(
        f"Putin visits Kursk\n\n{P1}\n\n{P2}\n\n{P3}\n\nTags: Russia, Ukraine, Kursk\n\n"
        "LEAVE A REPLY Cancel reply\n\nPlease enter your comment!\nPlease enter your name here\n"
        "You have entered an incorrect email address!\nPlease enter your email address here\n"
        "Save my name, email, and website in this browser for the next time I comment.\n\n"
        "Previous article\nZelensky presents victory plan\nNext article\n"
        "Drone attack on Belgorod\n\nRELATED ARTICLESMORE FROM AUTHOR\n\n"
        "Kremlin weighs truce\n\nMost Popular\n\nSudzha in ruins after airstrikes\n"
        "Residents of the border town describe weeks in basements as shelling continued and "
        "the last aid convoys turned back.",
        f"Putin visits Kursk\n\n{P1}\n\n{P2}\n\n{P3}",
        id="newspaper-theme-comment-form-and-sidebar-cut-as-tail",
    ),
    pytest.param(
        f"Putin visits Kursk\n\n{P1}\n\nRead more:\n\nKremlin weighs US truce offer\n"
        f"Ukraine pulls back near Sudzha\n\n{P2}\n\n{P3}",
        f"Putin visits Kursk\n\n{P1}\n\n{P2}\n\n{P3}",
        id="mid-article-read-more-list-with-its-headlines",
    ),
    pytest.param(
        f"Putin visits Kursk\n\n{P1}\n\n{P2}\n\nAbout the author\n\nJane Roe is a Moscow "
        "correspondent who has covered Russian politics for a decade.\n\n"
        "😀 😂 😡 👍\n\n3 Comments",
        f"Putin visits Kursk\n\n{P1}\n\n{P2}",
        id="about-the-author-and-reaction-row",
    ),
    pytest.param(
        f"Putin visits Kursk\nUpdated: 2025-03-12 18:05\nNo time for reading?\nShow AI summary\n"
        f"5 min read\n{P1}\n{P2}\nSponsored\n- ADVERTISEMENT -\n{P3}\n"
        "Based on materials of: reuters.com",
        f"Putin visits Kursk\n{P1}\n{P2}\n{P3}",
        id="head-date-teasers-ads-and-attribution",
    ),
    pytest.param(
        f"Skip to content\nMenu\nSearch\nPutin visits Kursk\nPublished 3 hours ago\n"
        f"Image source, Getty Images\n{P1}\nAdvertisement - Scroll to continue\n{P2}\n"
        "Share 0 Tweet 0 Pin 0\nAlready a subscriber? Log in\nContact us\nPrivacy Policy\n"
        "Terms of Use\nPhoto: focus.ua",
        f"Putin visits Kursk\n{P1}\n{P2}",
        id="skip-links-counters-and-a-footer-menu-column",
    ),
    pytest.param(
        "Путин посетил Курскую область\nФото: РИА Новости\nВладимир Путин впервые с начала "
        "вторжения посетил Курскую область и провёл совещание с командованием.\n"
        "Читайте также: Кремль изучает предложение о перемирии\nРеклама\n"
        "В Кремле заявили, что предложение о перемирии будет тщательно изучено в ближайшие "
        "дни.\nПодписывайтесь на наш Telegram-канал\nПоделиться\nКомментарии (3)",
        "Путин посетил Курскую область\nВладимир Путин впервые с начала вторжения посетил "
        "Курскую область и провёл совещание с командованием.\nВ Кремле заявили, что "
        "предложение о перемирии будет тщательно изучено в ближайшие дни.",
        id="russian-language-site",
    ),
    pytest.param(
        f"Putin visits Kursk\n\n{P1}\n\n{P2}\n\nJoin our Telegram channel for breaking news\n\n"
        "Discover more from Frontline Daily\n\nSubscribe to get the latest posts sent to "
        "your email.\n\nJane Roe\n\nJane Roe is a reporter covering Russia and Ukraine for "
        "Frontline Daily.",
        f"Putin visits Kursk\n\n{P1}\n\n{P2}",
        id="subscribe-box-and-author-bio",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), REMOVED)
def test_boilerplate_from_real_sites_is_removed(raw, expected):
    assert clean_text(raw) == expected


# --- 2b. Hard negatives: kept word for word ---------------------------------------------

KEPT_LINES = [
    "Analysts who subscribe to this view argue that the comment was related to the talks.",
    "He declined to comment.",
    "Comments from Kremlin officials suggest that the choice of Kursk was not accidental.",
    "Share prices in Moscow fell 3% after the announcement.",
    "Related talks are planned for next week in Riyadh.",
    "More news is expected after the briefing on Friday.",
    "More reports on the incident are expected.",
    "Previous talks in Istanbul ended without agreement.",
    "Next week, the envoy will travel to Moscow.",
    "Welcome to the new Cold War, one diplomat said.",
    "Follow the money, investigators say.",
    "Sign up for military service is now voluntary in the region, the ministry said.",
    "Subscribers in Kursk lost internet access for three days.",
    "The newsletter was first published in 1990 by dissidents.",
    "Copyright law was also discussed.",
    "Sponsored by the state, the festival drew thousands.",
    "Advertisement revenue fell sharply in 2024.",
    "Most popular leaders in the region faced protests.",
    "Read the full statement below.",
    "Text size matters less than clarity, the editor said.",
    "Putin said on that issue: “We will not negotiate.”",
    "Closing Remarks",
    "Top 10 countries by defence spending",
    "Telegram",
    "Oct 3 | Military Training Exercises | Kursk |",
    "---|---|---|",
    "Supportive | 45% |",
    "- Military Presence: An obvious emphasis on showcasing the Russian military’s readiness.",
    "• Timing: the proximity of the visit to the talks",
    '"',
    "430",
    "Source: Rosstat",
    "Photo finish in the Duma vote",
    "Ivan Petrov",
    "Ivan Petrov is a lawyer who defended protesters in 2022.",
    "Photo: the destroyed bridge near Sudzha, March 2025.",
    "Join the conversation about Ukraine's future, Zelensky urged Europeans.",
    "No comments yet from the Kremlin, Peskov said.",
    "Enter the correct answer to the riddle and win.",
    "Category: 5 hurricane warnings were issued.",
    "Discussion",
    "Welcome back, Mr President.",
    "Follow Putin on his trip to Kursk in our live blog.",
    "According to materials of the case, the suspect had planned the attack for months.",
    "World",
    "X",
]
PLACES = {
    "below-the-title": "Putin visits Kursk\n{line}\n" + P1 + "\n" + P2,
    "mid-article": "Putin visits Kursk\n" + P1 + "\n{line}\n" + P2,
    "after-the-last-paragraph": "Putin visits Kursk\n" + P1 + "\n" + P2 + "\n{line}",
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("line", KEPT_LINES)
def test_article_lines_that_resemble_boilerplate_are_kept(line, place):
    text = PLACES[place].replace("{line}", line)
    assert clean_text(text) == text


def test_a_date_line_is_chrome_above_the_first_paragraph_and_a_heading_below_it():
    timeline = f"Putin visits Kursk\n{P1}\nMarch 3, 2025\n{P2}"
    assert clean_text(timeline) == timeline
    assert clean_text(f"Putin visits Kursk\nMarch 3, 2025\n{P1}") == f"Putin visits Kursk\n{P1}"


def test_a_profile_of_a_journalist_is_not_taken_for_an_author_bio():
    profile = (
        "Anna Politkovskaya\n\nAnna Politkovskaya was a Russian journalist who reported on "
        "the Second Chechen War for Novaya Gazeta until her murder in 2006.\n\n" + P1
    )
    assert clean_text(profile) == profile


def test_a_heading_after_a_top_widget_is_the_title_and_is_kept():
    raw = f"Related Posts\n\nPutin visits Kursk as talks loom\n\n{P1}"
    assert clean_text(raw) == f"Putin visits Kursk as talks loom\n\n{P1}"


def test_an_end_marker_in_the_middle_does_not_cut_the_article():
    raw = f"Putin visits Kursk\n{P1}\nSubscribe now\n{P2}\n{P3}\nLeave a comment\n{P1}"
    assert clean_text(raw) == f"Putin visits Kursk\n{P1}\n{P2}\n{P3}\n{P1}"


def test_a_related_heading_does_not_cut_a_closing_paragraph():
    closing = "The visit, officials said, was over by nightfall."
    raw = f"Putin visits Kursk\n{P1}\n{P2}\nRelated stories\n{P3}\n{closing}"
    assert clean_text(raw) == f"Putin visits Kursk\n{P1}\n{P2}\n{P3}\n{closing}"


# --- 3. Whitespace ------------------------------------------------------------------------

WHITESPACE = [
    pytest.param(
        "\n\n  \nPutin visits Kursk   \n\n\n\nBody line one.\xa0\n\xa0Body line two\t\n\n\n",
        "Putin visits Kursk\n\nBody line one.\nBody line two",
        id="trailing-spaces-nbsp-and-blank-runs",
    ),
    pytest.param(
        "Putin visits Kursk\r\n\r\nPutin  said   it,\u00a0twice.\r\nSecond line.\u200b\r\n",
        "Putin visits Kursk\n\nPutin  said   it,\u00a0twice.\nSecond line.",
        id="crlf-and-inner-spacing-untouched",
    ),
    pytest.param(
        "\ufeffPutin visits Kursk\n    indented quote, kept as written\n",
        "Putin visits Kursk\n    indented quote, kept as written",
        id="bom-and-leading-indentation",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), WHITESPACE)
def test_whitespace_is_normalised_at_line_edges_only(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", [p.values[0] for p in WHITESPACE])
def test_whitespace_normalisation_keeps_every_word(raw):
    assert words(clean_text(raw)) == words(raw.replace("\ufeff", "").replace("\u200b", ""))


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_kept_seed_lines_are_raw_lines_in_order(name):
    raw_lines = [re.sub(r"\s+$", "", line) for line in raw_seed(name).split("\n")]
    kept = [line for line in clean_text(raw_seed(name)).split("\n") if line]
    position = 0
    for line in kept:
        assert line in raw_lines[position:], f"{line[:60]!r} is not a raw line"
        position = raw_lines.index(line, position) + 1


# --- 4. Learning a source's boilerplate ---------------------------------------------------

HEADER = "Frontline Daily | News from the Eastern Front"
FOOTER = (
    "Frontline Daily is an independent outlet covering security and military affairs across "
    "Eastern Europe, funded by its readers."
)
STORIES = [
    [P1, "Ceasefire envoy arrives in Moscow", P2],
    [P2, "Kursk residents count the damage", P3],
    [P3, "Drones strike a refinery near Ryazan", P1],
    [P1 + " Officials declined to say more.", "Sudzha lies in ruins"],
]


def frontline_article(n: int, *, extra: tuple[str, ...] = ()) -> str:
    title = f"Frontline story {n}: the war in week {n + 100}"
    lines = [HEADER, title, f"Published: 1{n} March 2025", *STORIES[n % 4], *extra]
    lines += ["Advertisement", FOOTER, f"© 202{n} Frontline Daily"]
    return "\n".join(lines)


def test_a_header_and_footer_shared_by_several_articles_are_learned():
    learned = learn_boilerplate([frontline_article(n) for n in range(4)])
    assert {line_key(HEADER), line_key(FOOTER), line_key("Advertisement")} <= learned
    assert line_key("Published: 10 March 2025") not in learned  # numbers differ


def test_a_line_in_only_one_article_is_not_learned():
    texts = [frontline_article(n, extra=("Kursk",) if n == 0 else ()) for n in range(4)]
    learned = learn_boilerplate(texts)
    assert line_key("Kursk") not in learned
    # Serial titles differ only in numbers: still article lines, not boilerplate.
    assert not any(key.startswith("frontline story") for key in learned)


def test_weak_lines_need_most_articles_short_lines_only_their_share():
    repeated = (
        "Ceasefire monitors reported no violations along the line of contact overnight, "
        "the mission said."
    )
    half = [
        frontline_article(n, extra=("Photo", "Photo gallery", repeated) if n < 2 else ())
        for n in range(4)
    ]
    learned = learn_boilerplate(half, min_articles=2)
    assert line_key("Photo gallery") in learned  # furniture in half of the pages
    assert line_key("Photo") not in learned  # a single word needs most pages
    assert line_key(repeated) not in learned  # so does a sentence
    everywhere = [frontline_article(n, extra=(repeated,)) for n in range(4)]
    assert line_key(repeated) in learn_boilerplate(everywhere)


def test_learning_needs_enough_articles_and_counts_identical_texts_once():
    assert learn_boilerplate([frontline_article(0), frontline_article(1)]) == frozenset()
    copies = [frontline_article(0)] * 3
    assert learn_boilerplate(copies) == frozenset()
    # The same text with other line endings, spacing or case is still the same text.
    text = frontline_article(0)
    assert learn_boilerplate(
        [text, text.replace("\n", "\r\n"), text.replace(" ", "  ").upper()]
    ) == (frozenset())
    assert learn_boilerplate(copies + [frontline_article(1)], min_articles=2) >= {line_key(FOOTER)}


def test_structure_lines_are_never_learned():
    texts = [frontline_article(n, extra=('"', "---|---|", "430")) for n in range(4)]
    learned = learn_boilerplate(texts)
    assert not {line_key('"'), line_key("---|---|"), line_key("430")} & learned


def test_learned_lines_are_removed_from_a_new_article_of_the_source():
    learned = learn_boilerplate([frontline_article(n) for n in range(4)])
    new = frontline_article(5)
    cleaned = clean_text(new, source_boilerplate=learned)
    assert HEADER not in cleaned and FOOTER not in cleaned
    assert cleaned.split("\n")[0] == "Frontline story 5: the war in week 105"
    assert HEADER in clean_text(new)  # without the learned set the header is an ordinary line
    respaced = f"Frontline story 6\n{P1}\n  FRONTLINE DAILY |  news from the Eastern Front\xa0"
    assert clean_text(respaced, source_boilerplate=learned) == f"Frontline story 6\n{P1}"


def test_two_articles_sharing_a_big_footer_differ_after_removal():
    footer = "\n".join(
        [
            FOOTER,
            "Frontline Daily was founded in 2014 by a group of reporters from Kharkiv and "
            "Donetsk who wanted to report the war from the ground.",
            "Our reporting is supported by readers in more than forty countries.",
            "Editorial office: 12 Sumska Street, Kharkiv, Ukraine",
        ]
    )
    texts = [f"Story {n}\n{STORIES[n][0]}\n{STORIES[n][1]}\n{footer}" for n in range(4)]
    learned = learn_boilerplate(texts)

    def similarity(a: str, b: str) -> float:
        x, y = set(words(a)), set(words(b))
        return len(x & y) / len(x | y)

    first = clean_text(texts[0], source_boilerplate=learned)
    second = clean_text(texts[1], source_boilerplate=learned)
    assert first != second
    assert "Editorial office" not in first + second
    assert similarity(first, second) < similarity(texts[0], texts[1])


def test_line_key_ignores_spacing_case_and_invisibles_but_not_numbers():
    assert line_key("  © 2024\xa0Frontline   DAILY\u200b") == "© 2024 frontline daily"
    assert line_key("War diary, day 412") != line_key("War diary, day 413")
    assert line_key("Putin visits Kursk") != line_key("Putin visits Belgorod")


# --- 5. Idempotence -----------------------------------------------------------------------

SAMPLES = (
    [raw_seed(p.name) for p in SEEDS]
    + [p.values[0] for p in REMOVED]
    + [p.values[0] for p in WHITESPACE]
    + [frontline_article(n) for n in range(4)]
)


@pytest.mark.parametrize("raw", SAMPLES)
def test_cleaning_is_idempotent(raw):
    once = clean_text(raw)
    assert clean_text(once) == once


def test_cleaning_with_learned_boilerplate_is_idempotent():
    learned = learn_boilerplate([frontline_article(n) for n in range(4)])
    once = clean_text(frontline_article(7), source_boilerplate=learned)
    assert clean_text(once, source_boilerplate=learned) == once
