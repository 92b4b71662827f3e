"""Metadata stated in an article's own text: dates, upstream attribution, bylines, site
names and domains.

Pure functions over strings, no database. Where a case comes from a real scraped article,
the text is the seed file under fixtures/seeds/; the rest are lines as news sites print them.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.ingest.metadata import (
    domain_of,
    find_byline,
    find_date,
    find_site_name,
    find_upstream,
    looks_like_domain,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_000 = "000_eea13ded1a225f67.txt"
SEED_001 = "001_2b8243f986ff2b1c.txt"
SEED_002 = "002_5b2aafa6bc0a4be8.txt"
SEED_003 = "003_88877d2485751673.txt"
SEED_004 = "004_cc85c02ca42a962c.txt"
ALL_SEEDS = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004]

HEADLINE = "Putin visits Kursk as talks loom"
PARAGRAPH = (
    "President Vladimir Putin made an unannounced visit to the Kursk region on Wednesday, "
    "his first since Ukrainian forces crossed the border last summer."
)


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# find_date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("08 January 2025, 23:41 | Policy", utc(2025, 1, 8, 23, 41)),
        ("Tuesday, June 17, 2025", utc(2025, 6, 17)),
        ("Jun 17, 2025 10:30", utc(2025, 6, 17, 10, 30)),
        ("2025-06-17", utc(2025, 6, 17)),
        ("17.06.2025", utc(2025, 6, 17)),
        ("17 june 2025", utc(2025, 6, 17)),
        ("Sept. 3, 2025", utc(2025, 9, 3)),
        ("3 Sept 2025", utc(2025, 9, 3)),
        ("Published: 17 June 2025 at 09:15", utc(2025, 6, 17, 9, 15)),
        ("2025-06-17 08:05", utc(2025, 6, 17, 8, 5)),
    ],
)
def test_find_date_reads_the_date_formats_news_sites_print(line, expected):
    text = f"{HEADLINE}\n\n{line}\n\n{PARAGRAPH}"
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "line", ["31 February 2025", "February 30, 2025", "2025-02-30", "31.02.2025", "17.13.2025"]
)
def test_an_impossible_date_is_no_date(line):
    assert find_date(f"{HEADLINE}\n{line}\n{PARAGRAPH}") is None


def test_an_impossible_date_does_not_hide_a_real_one_below_it():
    assert find_date(f"{HEADLINE}\n31 February 2025\n17 June 2025\n") == utc(2025, 6, 17)


def test_the_date_found_is_timezone_aware_utc():
    found = find_date("08 January 2025, 23:41 | Policy")
    assert found is not None
    assert found.tzinfo is not None
    assert found.utcoffset().total_seconds() == 0


def test_a_date_inside_a_long_sentence_near_the_top_is_part_of_the_story():
    sentence = (
        "On 6 August 2024 Ukrainian troops crossed the border into the Kursk region of "
        "Russia, catching Moscow off guard."
    )
    assert find_date(f"{HEADLINE}\n\n{sentence}\n\n{PARAGRAPH}") is None


def test_a_date_below_the_first_lines_is_not_the_publication_date():
    filler = "\n".join(f"Paragraph {n} of the story." for n in range(12))
    assert find_date(f"{HEADLINE}\n{filler}\n17 June 2025\n") is None


def test_text_without_a_date_has_none():
    assert find_date(f"{HEADLINE}\n\n{PARAGRAPH}") is None
    assert find_date("") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (SEED_003, utc(2025, 6, 17)),  # "Tuesday, June 17, 2025" as the first line
        (SEED_004, utc(2025, 1, 8, 23, 41)),  # "08 January 2025, 23:41 | Policy"
        (SEED_000, None),
        (SEED_001, None),
        (SEED_002, None),
    ],
)
def test_find_date_on_the_seed_articles(name, expected):
    assert find_date(seed(name)) == expected


def test_an_afternoon_time_is_read_as_afternoon():
    assert find_date("June 17, 2025, 10:30 PM") == utc(2025, 6, 17, 22, 30)


def test_an_iso_date_with_an_offset_is_converted_to_utc():
    assert find_date("Updated: 2025-06-17T10:30:00+03:00") == utc(2025, 6, 17, 7, 30)


def test_a_date_in_a_short_sentence_of_running_text_is_not_taken():
    assert find_date(f"{HEADLINE}\nThe offensive began on 6 August 2024.\n{PARAGRAPH}") is None


# find_upstream


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Based on materials: barrons.com", "barrons.com"),
        ("Source: Reuters", "Reuters"),
        ("source: reuters.com", "reuters.com"),
        ("Via: The Guardian", "The Guardian"),
        ("According to materials of RBC", "RBC"),
        ("Originally published by Kyiv Independent", "Kyiv Independent"),
        ("With materials from Interfax.", "Interfax"),
    ],
)
def test_find_upstream_reads_an_attribution_line(line, name):
    text = f"{HEADLINE}\n\n{PARAGRAPH}\n\n{line}\n\nAdd a comment"
    assert find_upstream(text) == (line, name)


def test_find_upstream_on_seed_004():
    assert find_upstream(seed(SEED_004)) == ("Based on materials: barrons.com", "barrons.com")


@pytest.mark.parametrize("name", [SEED_000, SEED_001, SEED_002, SEED_003])
def test_seeds_without_an_attribution_have_none(name):
    assert find_upstream(seed(name)) == ("", "")


@pytest.mark.parametrize(
    "sentence",
    [
        "The source of the leak remains unknown, officials in Kyiv said on Tuesday.",
        "Officials did not name a source for the figure of 430 captured soldiers.",
        "According to the Kremlin, the visit had been planned for weeks.",
    ],
)
def test_a_sentence_that_mentions_a_source_is_not_an_attribution(sentence):
    assert find_upstream(f"{HEADLINE}\n{sentence}\n{PARAGRAPH}") == ("", "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Sources close to the Kremlin said Putin had not decided.",
        "Source code of the app was leaked",
        "Via the border crossing near Sudzha the convoy moved on",
    ],
)
def test_a_sentence_that_starts_with_source_is_not_an_attribution(sentence):
    assert find_upstream(f"{HEADLINE}\n{PARAGRAPH}\n{sentence}") == ("", "")


def test_a_plural_sources_line_names_the_sources():
    assert find_upstream("Sources: Reuters, AP") == ("Sources: Reuters, AP", "Reuters, AP")


# find_byline


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Jane Roe", "Jane Roe"),
        ("by Jane Roe", "Jane Roe"),
        ("Written by Jane Roe", "Jane Roe"),
        ("Author: Jane Roe", "Jane Roe"),
        ("By Jane Roe and John Doe", "Jane Roe and John Doe"),
    ],
)
def test_find_byline_reads_a_by_line_near_the_top(line, name):
    assert find_byline(f"{HEADLINE}\n{line}\n\n{PARAGRAPH}") == name


def test_find_byline_reads_the_author_bio_block_of_seed_003():
    assert find_byline(seed(SEED_003)) == "Hammad Saeed"


def test_find_byline_reads_an_author_bio_block_at_the_end():
    text = (
        f"{HEADLINE}\n\n{PARAGRAPH}\n\nJane Roe\n"
        "Jane Roe has been a correspondent in Kyiv since 2014, covering the war for radio."
    )
    assert find_byline(text) == "Jane Roe"


@pytest.mark.parametrize("name", [SEED_000, SEED_001, SEED_002, SEED_004])
def test_seeds_without_an_author_have_no_byline(name):
    assert find_byline(seed(name)) == ""


@pytest.mark.parametrize(
    "text",
    [
        f"{HEADLINE}\n\n{PARAGRAPH}",
        f"{HEADLINE}\nBy the end of the week, talks will resume in Riyadh.\n{PARAGRAPH}",
        "",
    ],
)
def test_no_byline_gives_an_empty_string(text):
    assert find_byline(text) == ""


def test_a_by_line_far_below_the_top_is_not_a_byline():
    filler = "\n".join(f"Paragraph {n} of the story." for n in range(12))
    assert find_byline(f"{HEADLINE}\n{filler}\nBy Jane Roe\n") == ""


def test_a_profile_subheading_in_the_story_is_not_a_byline():
    text = (
        f"{HEADLINE}\n\n{PARAGRAPH}\n\nOleksandr Syrskyi\n"
        "Oleksandr Syrskyi is the commander-in-chief of Ukraine's armed forces since 2024.\n\n"
        f"{PARAGRAPH}"
    )
    assert find_byline(text) == ""


# find_site_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (SEED_001, "infobud.news"),  # "infobud.news is an AI-driven news aggregator…"
        (SEED_003, "Defence Talks"),  # "Discover more from Defence Talks | Defense News Hub…"
        (SEED_000, ""),
        (SEED_002, ""),
        (SEED_004, ""),
    ],
)
def test_find_site_name_on_the_seed_articles(name, expected):
    assert find_site_name(seed(name)) == expected


def test_a_domain_in_running_text_is_not_a_site_name():
    text = f"{HEADLINE}\nAnalysts at barrons.com said the market shrugged off the news.\n"
    assert find_site_name(text) == ""


# domain_of and looks_like_domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.reuters.com/world/europe/putin-kursk", "reuters.com"),
        ("http://WWW.BBC.CO.UK:8080/news", "bbc.co.uk"),
        ("https://news.example.org:443/a", "news.example.org"),
        ("https://news.example.org./a", "news.example.org"),
        ("https://user:secret@www.example.com/x", "example.com"),
        ("barrons.com", "barrons.com"),
        ("www.Barrons.com", "barrons.com"),
        ("//cdn.example.com/x", "cdn.example.com"),
        ("https://www2.example.com/", "www2.example.com"),
        ("https://wwwfoo.com/", "wwwfoo.com"),
        ("", ""),
    ],
)
def test_domain_of(url, domain):
    assert domain_of(url) == domain


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("barrons.com", True),
        ("Barrons.COM", True),
        ("news.bbc.co.uk", True),
        ("infobud.news", True),
        ("kyiv-post.com.ua", True),
        ("Reuters", False),
        ("Defence Talks", False),
        ("barrons .com", False),
        ("barrons.c", False),
        ("http://barrons.com", False),
        ("barrons.com/", False),
        ("", False),
    ],
)
def test_looks_like_domain(name, expected):
    assert looks_like_domain(name) is expected
