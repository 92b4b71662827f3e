"""Property tests for plain-text cleaning (Hypothesis): on any text, cleaning never fails,
is idempotent, and only removes or trims whole lines — every line it keeps is one of the
input's lines, its words untouched (appearances are anchored in the clean body)."""

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.ingest.clean import _flat, _word_count, clean_text, learn_boilerplate, line_key

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_LINES = [
    line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text().splitlines()
]
FURNITURE = [
    "Share this:",
    "LEAVE A REPLY",
    "Subscribe to our newsletter",
    "No time to read? Get a summary",
    "Previous Article",
    "Next Article",
    "Related Posts",
    "😀 😂 😡 👍",
    "Advertisement",
    "\u200b\u00a0",
]

# Lines of real seed text and page furniture, with arbitrary text (emoji, Cyrillic,
# control and invisible characters) mixed in.
line = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(FURNITURE),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=80),
)
texts = st.lists(line, max_size=40).map("\n".join)
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(texts)
@example("Title\n\nBody line.\n\n\n\nShare this:\nFacebook\nTwitter\n")
@example("\r\n\x00\u2028\u2029\x85")
def test_cleaning_never_fails_and_is_idempotent(text):
    cleaned = clean_text(text)
    assert isinstance(cleaned, str)
    assert clean_text(cleaned) == cleaned


@PROPERTY
@given(texts)
def test_every_kept_line_is_an_input_line_with_its_words_untouched(text):
    for kept in clean_text(text).split("\n"):
        if kept.strip():
            assert kept in text


@PROPERTY
@given(st.lists(texts, max_size=8), texts)
def test_learned_lines_come_from_the_articles_and_are_cut(articles, text):
    learned = learn_boilerplate(articles)
    keys = {line_key(line) for article in articles for line in article.splitlines()}
    assert learned <= keys
    for kept in clean_text(text, source_boilerplate=learned).split("\n"):
        assert not kept.strip() or line_key(kept) not in learned


@PROPERTY
@given(line)
def test_a_flat_lines_words_are_counted_as_splitting_would_count_them(text):
    flat = _flat(text)
    assert _word_count(flat) == len(flat.split())
