"""Properties of re-anchoring and of the UTF-16 offsets, for arbitrary text and edits."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.anchoring import (
    FUZZY_THRESHOLD,
    index_to_utf16,
    reanchor,
    selectors,
    utf16_to_index,
)

fast = settings(max_examples=200, deadline=None)

SEED = "Putin visited Kursk on Wednesday , said 430 Ukrainian soldiers were captured ."
# Words of a seed article plus what breaks naive offset code: Cyrillic, emoji (outside the
# BMP, two UTF-16 units), a skin tone modifier, zero-width joiners, combining accents, and
# whitespace of several kinds.
WORDS = (
    *SEED.split(),
    *("Герасимов", "заявив", "🙂", "👍🏽", "👨\u200d👩\u200d👧", "cafe\u0301", "Zu\u0308rich"),
    *("\n\n", "\t", "\u00a0"),
)
characters = st.one_of(
    st.characters(codec="utf-8"),  # any code point but a lone surrogate, as bodies are stored
    st.sampled_from("Герасимов 🙂👍🏽\u200d\u0301\u0308 .,\n"),
)
texts = st.one_of(
    st.text(characters, max_size=120),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
)


@st.composite
def edited(draw) -> tuple[str, dict, str]:
    """A body, the selectors of a span of it, and the body after a few random edits
    (inserts, deletes and replacements, often inside the quoted span)."""
    body = draw(texts)
    start = draw(st.integers(0, len(body)))
    end = draw(st.integers(start, len(body)))
    anchor = selectors(body, start, end)
    new = body
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(new)))
        if start < end and draw(st.booleans()):
            at = draw(st.integers(min(start, len(new)), min(end, len(new))))
        cut = draw(st.integers(0, 8))
        new = (
            new[:at]
            + draw(st.text(characters, max_size=8) | st.sampled_from(WORDS))
            + new[at + cut :]
        )
    return body, anchor, new


@fast
@given(edited())
def test_reanchoring_never_raises_and_returns_a_valid_span(case):
    _, anchor, body = case
    result = reanchor(body, **anchor)
    assert result.status in {"exact", "moved", "fuzzy", "orphaned"}
    assert 0 <= result.start <= result.end <= len(body)
    if result.status != "orphaned":
        assert result.start < result.end
    if result.status in {"exact", "moved"}:
        assert body[result.start : result.end] == anchor["exact"]
    if result.status == "fuzzy":
        assert FUZZY_THRESHOLD <= result.score <= 1
        found = body[result.start : result.end]
        assert found == found.strip()
    else:
        assert result.score is None


@fast
@given(edited())
def test_a_quote_still_in_the_body_is_exact_or_moved_never_approximate(case):
    _, anchor, body = case
    if anchor["exact"] and anchor["exact"] in body:
        assert reanchor(body, **anchor).status in {"exact", "moved"}


@fast
@given(texts, st.data())
def test_an_unchanged_body_keeps_every_nonempty_span_exact(body, data):
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, len(body)))
    result = reanchor(body, **selectors(body, start, end))
    if start < end:
        assert (result.status, result.start, result.end) == ("exact", start, end)


@fast
@given(edited(), st.floats(0.5, 1.0))
def test_a_fuzzy_match_scores_at_least_the_threshold_asked_for(case, threshold):
    _, anchor, body = case
    result = reanchor(body, **anchor, fuzzy_threshold=threshold)
    if result.status == "fuzzy":
        assert result.score >= threshold


@fast
@given(texts)
def test_utf16_offsets_round_trip_at_every_code_point_boundary(text):
    units = len(text.encode("utf-16-le")) // 2
    assert index_to_utf16(text, len(text)) == units
    offsets = [index_to_utf16(text, index) for index in range(len(text) + 1)]
    assert offsets == sorted(offsets)
    for index, offset in enumerate(offsets):
        assert utf16_to_index(text, offset) == index
        assert len(text[:index].encode("utf-16-le")) // 2 == offset


@fast
@given(texts)
def test_a_utf16_offset_inside_a_surrogate_pair_rounds_down_to_its_character(text):
    boundaries = {index_to_utf16(text, index) for index in range(len(text) + 1)}
    for offset in range(index_to_utf16(text, len(text)) + 1):
        index = utf16_to_index(text, offset)
        if offset in boundaries:
            assert index_to_utf16(text, index) == offset
        else:
            assert index_to_utf16(text, index) == offset - 1
            assert ord(text[index]) > 0xFFFF


@fast
@given(texts, st.integers(1, 5))
def test_offsets_outside_the_text_are_refused(text, beyond):
    units = index_to_utf16(text, len(text))
    for call, bad in ((utf16_to_index, units + beyond), (index_to_utf16, len(text) + beyond)):
        for offset in (bad, -beyond):
            try:
                call(text, offset)
            except ValueError:
                continue
            raise AssertionError(f"{call.__name__}({offset}) did not raise")


@st.composite
def one_character_edited(draw) -> tuple[dict, str]:
    """Selectors of a quote of at least 20 characters in news-like text, and the body after
    one character inside the quote was replaced, inserted or deleted."""
    body = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=12, max_size=40)))
    start = draw(st.integers(0, len(body) - 20))
    end = draw(st.integers(start + 20, min(len(body), start + 120)))
    at = draw(st.integers(start + 1, end - 2))
    kind = draw(st.sampled_from(["replace", "insert", "delete"]))
    letter = draw(st.sampled_from("xqжё"))
    new = body[:at] + (letter if kind != "delete" else "") + body[at + (kind != "insert") :]
    return selectors(body, start, end), new


@fast
@given(one_character_edited())
@example(  # a 2-character prefix, one of it still there, once outweighed the quote
    (
        selectors("\t Putin Putin Putin Putin Putin Putin Putin visited Putin", 0, 22),
        "\txPutin Putin Putin Putin Putin Putin Putin visited Putin",
    )
)
def test_a_quote_with_one_character_changed_is_found_again_near_its_place(case):
    anchor, body = case
    if len(anchor["exact"].strip()) < 20:
        return
    result = reanchor(body, **anchor)
    assert result.status in {"moved", "fuzzy"}
    if result.status == "fuzzy":
        assert result.score >= 0.9
        assert result.start < anchor["end"] + 1 and result.end > anchor["start"]
