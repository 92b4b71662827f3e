"""Re-finding an appearance's quote after the body changes (exact, moved, fuzzy, orphaned),
and the UTF-16 offsets browsers count in."""

from pathlib import Path

import pytest

from articles.anchoring import (
    FUZZY_THRESHOLD,
    Anchor,
    index_to_utf16,
    reanchor,
    selectors,
    utf16_to_index,
)

BODY = "Gerasimov said 430 soldiers were captured. Later, Kyiv said 430 soldiers were freed."
# From fixtures/seeds/000_*.txt (with its typo) and 001_*.txt.
KURSK = (
    "In a notable development amid escalating tensions between Russia and the West, "
    "President Vladimir Putin has made his frist visit to Kursk since the onset of the Ukraine "
    "conflict. This trip comes at a critical juncture, just ahead of anticipated talks between "
    "US and Russian officials."
)
FATIGUES = (
    "Putin, dressed in military fatigues, met with General Valery Gerasimov to discuss the "
    "situation, emphasizing the need to fully expel Ukrainian forces from Kursk."
)
SMILE = "Вчора Герасимов 🙂 заявив, що 430 військових взято в полон."
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def _anchor_of(quote: str, body: str = BODY, occurrence: int = 1) -> dict:
    start = -1
    for _ in range(occurrence):
        start = body.index(quote, start + 1)
    return selectors(body, start, start + len(quote))


def _similarity(a: str, b: str) -> float:
    """The fuzzy score worked out independently: the share of the two strings' characters in
    their longest common subsequence (the textbook dynamic programme)."""
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal, row[0] = 0, 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return 2 * row[-1] / (len(a) + len(b))


def test_selectors_hold_32_characters_of_context_and_python_offsets():
    body = "Фокус 🙂 " * 10 + "430 Ukrainian soldiers" + " — Герасимов" * 5
    anchor = _anchor_of("430 Ukrainian soldiers", body)
    assert body[anchor["start"] : anchor["end"]] == anchor["exact"] == "430 Ukrainian soldiers"
    assert len(anchor["prefix"]) == len(anchor["suffix"]) == 32
    assert body[: anchor["start"]].endswith(anchor["prefix"])


# (old body, quote, its occurrence, new body, status, the text found, text before it)
FOUND = {
    "unchanged": (BODY, "430 soldiers were captured", 1, BODY, "exact", None, "said "),
    "unchanged, Cyrillic and emoji": (SMILE, "Герасимов 🙂 заявив", 1, SMILE, "exact", None, ""),
    "shifted by an edit": (
        BODY,
        "430 soldiers were captured",
        1,
        "UPDATED: " + BODY,
        "moved",
        None,
        "Gerasimov said ",
    ),
    "prefix chooses the second of two": (
        BODY,
        "430 soldiers were",
        2,
        "Note. " + BODY,
        "moved",
        None,
        "Kyiv said ",
    ),
    "suffix chooses the first of two": (
        BODY,
        "430 soldiers were",
        1,
        BODY.replace("Gerasimov said", "Gerasimov, the chief of staff, said"),
        "moved",
        None,
        "chief of staff, said ",
    ),
    "context chooses among three that moved": (
        "Kyiv: talks resumed. Moscow: talks resumed. Ankara: talks resumed.",
        "talks resumed",
        3,
        "Ankara: talks resumed. Kyiv: talks resumed today. Moscow: talks resumed, Ankara said.",
        "moved",
        None,
        "Ankara: ",
    ),
    "Cyrillic and emoji shifted": (
        SMILE,
        "Герасимов 🙂 заявив",
        1,
        "Оновлено 🙂🙂. " + SMILE,
        "moved",
        None,
        "Вчора ",
    ),
    "typo corrected": (
        KURSK,
        "has made his frist visit to Kursk",
        1,
        KURSK.replace("frist", "first"),
        "fuzzy",
        "has made his first visit to Kursk",
        "Putin ",
    ),
    "punctuation changed": (
        FATIGUES,
        "dressed in military fatigues, met with General Valery Gerasimov",
        1,
        FATIGUES.replace(", met", "; met"),
        "fuzzy",
        "dressed in military fatigues; met with General Valery Gerasimov",
        "Putin, ",
    ),
    "dashes for commas around the quote, which are left out of it": (
        FATIGUES,
        "dressed in military fatigues, met with General Valery Gerasimov",
        1,
        FATIGUES.replace(", met", " — met").replace("Putin,", "Putin —"),
        "fuzzy",
        "dressed in military fatigues — met with General Valery Gerasimov",
        "Putin — ",
    ),
    "a word inserted inside": (
        FATIGUES,
        "met with General Valery Gerasimov to discuss the situation",
        1,
        FATIGUES.replace("to discuss", "on Wednesday to discuss"),
        "fuzzy",
        "met with General Valery Gerasimov on Wednesday to discuss the situation",
        "fatigues, ",
    ),
    "a word inserted after the first, which is kept": (
        BODY,
        "430 soldiers were captured",
        1,
        BODY.replace("430 soldiers were captured", "430 Ukrainian soldiers were captured"),
        "fuzzy",
        "430 Ukrainian soldiers were captured",
        "Gerasimov said ",
    ),
    "the last word edited, and the prefix chooses which sentence": (
        BODY,
        "430 soldiers were captured",
        1,
        BODY.replace("captured", "freed"),
        "fuzzy",
        "430 soldiers were freed",
        "Gerasimov said ",
    ),
    "Cyrillic with emoji, a letter corrected": (
        SMILE,
        "Герасимов 🙂 заявив, що 430 військових",
        1,
        SMILE.replace("заявив", "заявил"),
        "fuzzy",
        "Герасимов 🙂 заявил, що 430 військових",
        "Вчора ",
    ),
    "moved far away with a typo corrected": (
        KURSK,
        "President Vladimir Putin has made his frist visit to Kursk",
        1,
        FATIGUES + "\n" + "Background. " * 40 + KURSK.replace("frist", "first"),
        "fuzzy",
        "President Vladimir Putin has made his first visit to Kursk",
        "the West, ",
    ),
}


@pytest.mark.parametrize(
    "old, quote, occurrence, new, status, text, before", FOUND.values(), ids=FOUND.keys()
)
def test_a_quote_is_found_again(old, quote, occurrence, new, status, text, before):
    result = reanchor(new, **_anchor_of(quote, old, occurrence))
    found = new[result.start : result.end]
    assert result.status == status
    assert found == (text or quote)
    assert new[: result.start].endswith(before)
    if status == "fuzzy":
        assert result.score == pytest.approx(_similarity(quote, found))
        assert FUZZY_THRESHOLD <= result.score < 1
    else:
        assert result.score is None


def test_an_exact_quote_keeps_its_offsets():
    anchor = _anchor_of("430 soldiers were captured")
    assert reanchor(BODY, **anchor) == Anchor("exact", anchor["start"], anchor["end"])


def test_a_fuzzy_score_is_the_share_of_characters_the_quote_and_the_match_have_in_common():
    result = reanchor(KURSK.replace("frist", "first"), **_anchor_of("his frist visit", KURSK))
    # "frist" → "first": one deletion and one insertion over 15 + 15 characters
    assert (result.status, result.score) == ("fuzzy", pytest.approx(1 - 2 / 30))


def test_a_long_quote_edited_at_both_ends_and_moved_is_found_by_its_head_and_tail():
    article = (SEEDS / "001_2b8243f986ff2b1c.txt").read_text()
    paragraph = next(line for line in article.splitlines() if line.startswith("Meanwhile,"))
    assert len(paragraph) > 400  # longer than two probes: searched for by its first and last
    edited = paragraph.replace("Meanwhile, the", "Meanwhile the").replace("exacerbate", "worsen")
    title, rest = article.replace(paragraph + "\n", "").split("\n", 1)
    new = f"{title}\n{edited}\n{rest}"
    result = reanchor(new, **_anchor_of(paragraph, article))
    assert result.status == "fuzzy"
    assert new[result.start : result.end] == edited
    assert result.score == pytest.approx(_similarity(paragraph, edited))


@pytest.mark.parametrize("threshold", [0, -0.5, 1.01])
def test_a_fuzzy_threshold_outside_0_to_1_is_refused(threshold):
    with pytest.raises(ValueError, match="fuzzy_threshold"):
        reanchor(BODY, **_anchor_of("430 soldiers were captured"), fuzzy_threshold=threshold)


# (old body, quote, new body, fuzzy_threshold): the quote is orphaned at its old place
ORPHANED = {
    "gone": (BODY, "430 soldiers were captured", BODY[:15] + "many were hurt." + " " * 80, None),
    "rewritten past recognition": (
        FATIGUES,
        "the need to fully expel Ukrainian forces from Kursk",
        FATIGUES.replace("the need to fully expel Ukrainian forces", "a ceasefire in the region"),
        None,
    ),
    "the last word edited, under a stricter threshold": (
        BODY,
        "430 soldiers were captured",
        BODY.replace("captured", "freed"),
        0.9,
    ),
    "a number of 3 characters changed": (BODY, "430", BODY.replace("430", "431"), None),
    "a short word edited far away": (
        "Kyiv said. " + "Background. " * 20,
        "Kyiv said",
        "Background. " * 20 + "Kyiv sayd.",
        None,
    ),
}


@pytest.mark.parametrize("old, quote, new, threshold", ORPHANED.values(), ids=ORPHANED.keys())
def test_a_quote_that_is_gone_is_orphaned_at_its_old_place(old, quote, new, threshold):
    anchor = _anchor_of(quote, old)
    options = {"fuzzy_threshold": threshold} if threshold else {}
    result = reanchor(new, **anchor, **options)
    assert result == Anchor("orphaned", anchor["start"], min(anchor["end"], len(new)))


# (body, start, end, exact): edge cases, all orphaned with offsets clamped into the body
EDGES = {
    "empty quote": (BODY, 5, 5, ""),
    "empty quote with a span": (BODY, 5, 9, ""),
    "offsets beyond a shorter body": ("A different article altogether.", 15, 41, "430 soldiers"),
    "start beyond the body": ("Short.", 40, 52, "430 soldiers"),
    "whitespace-only body": (" \n\t ", 2, 14, "430 soldiers"),
    "empty body": ("", 0, 12, "430 soldiers"),
    "whitespace-only quote": ("Kyiv said.", 4, 5, "\n"),
    "negative start": (BODY, -3, 4, "Oslo"),
}


@pytest.mark.parametrize("body, start, end, exact", EDGES.values(), ids=EDGES.keys())
def test_an_edge_case_is_orphaned_within_the_body(body, start, end, exact):
    result = reanchor(body, start=start, end=end, exact=exact, prefix="", suffix="")
    clamped = min(max(start, 0), len(body))
    assert result == Anchor("orphaned", clamped, min(max(end, clamped), len(body)))


def test_a_quote_still_in_a_shorter_body_is_moved_not_orphaned():
    result = reanchor("430 soldiers.", start=40, end=52, exact="430 soldiers", prefix="", suffix="")
    assert result == Anchor("moved", 0, 12)


def test_a_fuzzy_search_in_a_100_kb_body_finds_the_quote_far_from_its_old_place():
    others = "\n".join(path.read_text() for path in sorted(SEEDS.glob("00[1-4]_*.txt")))
    filler = (others * (100_000 // len(others) + 1))[:100_000]
    old = filler[:60_000] + KURSK + filler[60_000:]
    anchor = _anchor_of("President Vladimir Putin has made his frist visit to Kursk", old)
    edited = filler[:5_000] + KURSK.replace("frist", "first") + filler[5_000:]
    found = reanchor(edited, **anchor)  # not near the old place: the whole body is searched
    orphaned = reanchor(filler, **anchor)
    assert found.status == "fuzzy"
    assert (
        edited[found.start : found.end]
        == "President Vladimir Putin has made his first visit to Kursk"
    )
    assert orphaned.status == "orphaned"


# Offsets a browser reports (UTF-16 code units) and Python's (code points) in SMILE:
# "Вчора Герасимов " is 16 of each, then 🙂 is one code point but two code units.
UTF16 = {
    "start": (0, 0),
    "before the emoji": (16, 16),
    "after the emoji": (17, 18),
    "after заявив": (24, 25),
    "end": (len(SMILE), len(SMILE) + 1),
}


@pytest.mark.parametrize("index, offset", UTF16.values(), ids=UTF16.keys())
def test_utf16_offsets_and_python_indexes_convert_both_ways(index, offset):
    assert index_to_utf16(SMILE, index) == offset
    assert utf16_to_index(SMILE, offset) == index


def test_an_offset_inside_a_surrogate_pair_rounds_down_to_the_emoji():
    assert utf16_to_index(SMILE, 17) == 16  # between the halves of 🙂
    text = "👍🏽 Герасимов"  # thumbs up and a skin tone: two code points, four code units
    assert [utf16_to_index(text, offset) for offset in range(6)] == [0, 0, 1, 1, 2, 3]


def test_offsets_round_trip_through_a_seed_article():
    text = (SEEDS / "004_cc85c02ca42a962c.txt").read_text()[:2000] + SMILE * 3
    for index in range(len(text) + 1):
        assert utf16_to_index(text, index_to_utf16(text, index)) == index
    assert index_to_utf16(text, len(text)) == len(text.encode("utf-16-le")) // 2


def test_offsets_near_the_end_of_100_kb_round_trip():
    text = (SMILE + "\n") * (100_000 // len(SMILE))
    for index in range(len(text) - 100, len(text) + 1):
        assert utf16_to_index(text, index_to_utf16(text, index)) == index


@pytest.mark.parametrize(
    "convert, offset",
    [
        (utf16_to_index, -1),
        (utf16_to_index, len(SMILE) + 2),
        (index_to_utf16, -1),
        (index_to_utf16, len(SMILE) + 1),
    ],
)
def test_offsets_outside_the_text_are_refused(convert, offset):
    with pytest.raises(ValueError, match="outside"):
        convert(SMILE, offset)
