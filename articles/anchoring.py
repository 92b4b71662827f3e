"""Re-finding an appearance's quote after an article's body changes, and the offsets
browsers use. Pure functions.

Follows the W3C Web Annotation selectors: the TextPositionSelector (start, end) is tried
first, then the TextQuoteSelector (exact with prefix/suffix context), then an approximate
match of `exact` near its old place and, for long enough quotes, anywhere in the body.

Offsets here are Python string indexes (code points). Browsers count UTF-16 code units in
Selection and Range offsets; `utf16_to_index` and `index_to_utf16` convert between the two.
"""

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import zip_longest
from typing import NamedTuple

from rapidfuzz import fuzz, process

SELECTOR_CONTEXT = 32

# The score of a fuzzy match is rapidfuzz's normalized Indel similarity between the quote
# and the span found, 1 - (characters inserted + deleted) / (len(quote) + len(span)).
# A corrected typo or changed punctuation in a quote of 30+ characters scores 0.95 or more,
# one inserted or replaced word 0.8-0.95. Quotes of 30-150 characters cut from one seed
# article (fixtures/seeds) and searched for in another whole article score a median of
# 0.47-0.57 and reached 0.8 once in 600 tries, so 0.8 keeps edited quotes and rejects
# unrelated text. A fuzzy anchor can still have changed meaning (one replaced word), which
# is why it has a status of its own for an editor to review.
FUZZY_THRESHOLD = 0.8
# Shorter quotes are never matched approximately: one changed character is most of them.
FUZZY_MIN_LENGTH = 4
# Short quotes match something unrelated too easily in a whole article (of the cuts above,
# 46% of 6-character, 10% of 12- and 1% of 20-character ones reached 0.8 somewhere), so
# below this length the approximate search stays in the window around the old place (where
# that happened to 7% of 6- and 1% of 12-character cuts).
FUZZY_BODY_MIN_LENGTH = 20
# How far from the old place the first, local search looks, in lengths of the quote (plus
# the prefix and suffix lengths): a few paragraphs added or removed nearby stay local.
FUZZY_WINDOW_QUOTES = 3
# Approximate matches within FUZZY_NEAR of the best one are compared with their context too
# (a window at the very end of the body can score a little higher than the same text in the
# middle); at most FUZZY_MAX_CANDIDATES of them, each one more search of part of the body.
FUZZY_NEAR = 0.05
FUZZY_MAX_CANDIDATES = 8
# How far each end of a match may move when it is placed, to take in inserted or dropped
# words: half the quote's length (the longest insertion after which a quote can still score
# 0.8), at least 16 and at most 100 characters.
FUZZY_SLACK = (16, 100)
# Where the ends of a fuzzy match go, and which of several matches wins, weighs how much of
# the prefix and of the suffix are still right next to them, each at 0.4 of the quote's
# similarity (the Hypothesis annotation client weighs quote 50, prefix 20, suffix 20): an
# inserted word next to an end is taken in rather than the quote's first or last word
# dropped. Only context that is still exactly adjacent counts, so text that merely resembles
# the context cannot pull an end into the quote.
CONTEXT_WEIGHT = 0.4
# rapidfuzz's window search takes time growing with the square of the quote's length (about
# 0.01 s for 500 characters in a 100 KB body, 0.4 s for 2000), so a quote longer than two
# probes is found by its first and last FUZZY_PROBE characters; a probe is taken for a
# candidate from FUZZY_PROBE_LEAST up (unrelated text scores under 0.7 against one).
FUZZY_PROBE = 128
FUZZY_PROBE_LEAST = 0.6


@dataclass(frozen=True)
class Anchor:
    """Where a quote is now.

    status is "exact" (still at start/end), "moved" (the same text elsewhere, offsets
    updated), "fuzzy" (approximately matching text, offsets of that text) or "orphaned" (not
    found: the old offsets, clamped into the new body, so they are always valid slice bounds;
    the stored selectors stay the authority). score is the similarity 0..1 of a fuzzy match
    (see FUZZY_THRESHOLD) and None for every other status.
    """

    status: str  # exact / moved / fuzzy / orphaned
    start: int
    end: int
    score: float | None = None


def selectors(body: str, start: int, end: int) -> dict[str, str | int]:
    """The quote selector of body[start:end]: exact text and 32 characters either side."""
    return {
        "start": start,
        "end": end,
        "exact": body[start:end],
        "prefix": body[max(0, start - SELECTOR_CONTEXT) : start],
        "suffix": body[end : end + SELECTOR_CONTEXT],
    }


def reanchor(
    body: str,
    *,
    start: int,
    end: int,
    exact: str,
    prefix: str,
    suffix: str,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
) -> Anchor:
    """Where the quote is in `body` now. Among several occurrences the one whose context
    best matches prefix/suffix wins (then the one nearest the old place). A quote that is no
    longer in the body is matched approximately (status "fuzzy") if a span scores at least
    `fuzzy_threshold` (0 < threshold <= 1, else ValueError); otherwise it is orphaned at its
    old place. Never raises for any body, offsets or selector texts."""
    if not 0 < fuzzy_threshold <= 1:
        raise ValueError(f"fuzzy_threshold {fuzzy_threshold} is outside (0, 1]")
    if exact and start >= 0 and body[start:end] == exact:
        return Anchor("exact", start, end)
    occurrences = []
    position = body.find(exact) if exact else -1
    while position >= 0:
        occurrences.append(position)
        position = body.find(exact, position + 1)
    if occurrences:
        best = max(
            occurrences,
            key=lambda at: (
                _context_score(body, at, at + len(exact), prefix, suffix),
                -abs(at - start),
            ),
        )
        return Anchor("moved", best, best + len(exact))
    found = _fuzzy_match(body, start, end, exact, prefix, suffix, fuzzy_threshold)
    if found is not None:
        return found
    old_start = min(max(start, 0), len(body))
    return Anchor("orphaned", old_start, min(max(end, old_start), len(body)))


def utf16_to_index(text: str, offset: int) -> int:
    """The Python index of a UTF-16 code unit offset into `text` (as a browser's Selection
    and Range count). An offset between the two halves of a surrogate pair (inside an emoji,
    say) rounds down to the index of that character, so a range never splits one.

    Raises ValueError for an offset outside 0..the text's length in UTF-16 code units.
    `text` must not hold lone surrogates (as no text from the database does)."""
    units = text.encode("utf-16-le", "surrogatepass")
    if not 0 <= offset <= len(units) // 2:
        raise ValueError(f"UTF-16 offset {offset} is outside 0..{len(units) // 2}")
    index = len(units[: 2 * offset].decode("utf-16-le", "surrogatepass"))
    if 0 < offset < len(units) // 2 and _is_pair(units, offset - 1):
        index -= 1  # the decoded prefix ends with the first half of a pair
    return index


def index_to_utf16(text: str, index: int) -> int:
    """The UTF-16 code unit offset (as a browser counts) of a Python index into `text`.

    Raises ValueError for an index outside 0..len(text)."""
    if not 0 <= index <= len(text):
        raise ValueError(f"index {index} is outside 0..{len(text)}")
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


def _is_pair(units: bytes, unit: int) -> bool:
    """Whether UTF-16-LE code units `unit` and `unit + 1` are a high and a low surrogate."""
    return 0xD8 <= units[2 * unit + 1] <= 0xDB and 0xDC <= units[2 * unit + 3] <= 0xDF


def _context_score(body: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of prefix and suffix still surround body[start:end]."""
    before = body[max(0, start - len(prefix)) : start]
    after = body[end : end + len(suffix)]
    return _common_suffix(before, prefix) + _common_prefix(after, suffix)


class _Match(NamedTuple):
    score: float  # similarity of the quote and body[start:end], 0..1
    fit: float  # score plus the weighted share of the context still either side
    start: int
    end: int


def _fuzzy_match(
    body: str, start: int, end: int, exact: str, prefix: str, suffix: str, threshold: float
) -> Anchor | None:
    """The best approximate match of `exact`, searched for near its old place first and
    then, for quotes of FUZZY_BODY_MIN_LENGTH or more, in the whole body."""
    quote = exact.strip()
    if len(quote) < FUZZY_MIN_LENGTH or not body.strip():
        return None
    # the context of the stripped quote takes in the whitespace stripped from it
    prefix += exact[: len(exact) - len(exact.lstrip())]
    suffix = exact[len(exact.rstrip()) :] + suffix
    old = min(max(start, 0), len(body))
    reach = FUZZY_WINDOW_QUOTES * len(quote) + len(prefix) + len(suffix)
    window = (max(0, old - reach), min(len(body), max(end, old) + reach))
    regions = [window]
    if window != (0, len(body)) and len(quote) >= FUZZY_BODY_MIN_LENGTH:
        regions.append((0, len(body)))
    for low, high in regions:
        if len(quote) > 2 * FUZZY_PROBE:
            matches = _long_matches(body, quote, prefix, suffix, low, high, threshold)
        else:
            matches = _matches(body, quote, prefix, suffix, low, high, threshold)
        if matches:
            best = max(matches, key=lambda m: (m.fit, -abs(m.start - old)))
            return Anchor("fuzzy", best.start, best.end, best.score)
    return None


def _matches(
    body: str, quote: str, prefix: str, suffix: str, low: int, high: int, threshold: float
) -> list[_Match]:
    """Approximate matches of `quote` in body[low:high] scoring at least `threshold`. Rivals
    of the best alignment are looked for only if it came within FUZZY_NEAR of a match."""
    # see _slack: a window scoring less cannot be placed up to the threshold
    least = threshold - (1 - threshold / 2) * _slack(quote) / len(quote)
    matches = []
    for rank, span in enumerate(_aligned_spans(body, quote, low, high, least=least)):
        # ends placed by quote and context first; by the quote alone if that scores too low
        match = _place(body, quote, prefix, suffix, *span, context_weight=CONTEXT_WEIGHT)
        if match.score < threshold:
            match = _place(body, quote, prefix, suffix, *span, context_weight=0.0)
        if match.score >= threshold:
            matches.append(match)
        elif rank == 0 and match.score < threshold - FUZZY_NEAR:
            break
    return matches


def _long_matches(
    body: str, quote: str, prefix: str, suffix: str, low: int, high: int, threshold: float
) -> list[_Match]:
    """Approximate matches of a long quote in body[low:high] scoring at least `threshold`,
    found by its first and last FUZZY_PROBE characters: each alignment of either gives a
    window of the quote's length, whose start is placed by the head and end by the tail."""
    head, tail = quote[:FUZZY_PROBE], quote[-FUZZY_PROBE:]
    after_head = quote[FUZZY_PROBE : FUZZY_PROBE + len(suffix)]
    before_tail = quote[max(0, len(quote) - FUZZY_PROBE - len(prefix)) : -FUZZY_PROBE]
    heads = _aligned_spans(body, head, low, high, least=FUZZY_PROBE_LEAST)
    tails = _aligned_spans(body, tail, low, high, least=FUZZY_PROBE_LEAST)
    windows = zip_longest(
        ((start, start + len(quote)) for start, _ in heads),
        ((end - len(quote), end) for _, end in tails),
    )
    matches = []
    for rank, pair in enumerate(windows):
        placed = []
        for window_start, window_end in filter(None, pair):
            window_start, window_end = max(0, window_start), min(len(body), window_end)
            head_end = min(window_end, window_start + FUZZY_PROBE)
            tail_start = max(window_start, window_end - FUZZY_PROBE)
            weight = CONTEXT_WEIGHT
            start = _place(
                body, head, prefix, after_head, window_start, head_end, context_weight=weight
            ).start
            end = _place(
                body, tail, before_tail, suffix, tail_start, window_end, context_weight=weight
            ).end
            if start < end:
                placed.append(_measure(body, quote, prefix, suffix, start, end))
        matches += [match for match in placed if match.score >= threshold]
        if rank == 0 and all(match.score < threshold - FUZZY_NEAR for match in placed):
            break
    return matches


def _aligned_spans(
    body: str, quote: str, low: int, high: int, *, least: float
) -> Iterator[tuple[int, int]]:
    """The spans of body[low:high] where `quote` aligns best, then those within FUZZY_NEAR
    of it, all scoring at least `least` (0..1), up to FUZZY_MAX_CANDIDATES of them:
    rapidfuzz's partial_ratio_alignment finds the best window of the quote's length in one
    fast pass; the parts either side of it are searched again, as they are asked for."""
    cutoff = 100 * max(least, 0.0)
    parts = [(low, high)]
    found = 0
    while parts and found < FUZZY_MAX_CANDIDATES:
        part_low, part_high = parts.pop()
        if found and part_high - part_low < len(quote):
            continue  # too short to hold a whole window
        hit = fuzz.partial_ratio_alignment(quote, body[part_low:part_high], score_cutoff=cutoff)
        if hit is None or hit.score <= 0 or hit.dest_end <= hit.dest_start:
            if not found:
                return  # nothing in the whole region
            continue
        if not found:
            cutoff = max(cutoff, hit.score - 100 * FUZZY_NEAR)
        found += 1
        yield part_low + hit.dest_start, part_low + hit.dest_end
        parts += [(part_low, part_low + hit.dest_start), (part_low + hit.dest_end, part_high)]


def _slack(quote: str) -> int:
    """How far each end of a match may move when it is placed (FUZZY_SLACK).

    It also bounds what placing can gain: a span of the quote's length m plus or minus d
    scoring r against the quote holds a window of length m that scores at least
    r - (1 - r/2)·d/m, so a best window scoring less than that cannot be placed up to r."""
    return min(max(len(quote) // 2, FUZZY_SLACK[0]), FUZZY_SLACK[1])


def _place(
    body: str, quote: str, prefix: str, suffix: str, start: int, end: int, *, context_weight: float
) -> _Match:
    """Move the ends of the span body[start:end] to where the span is most like `quote` and
    most of prefix/suffix is still next to it (weighted by context_weight), taking in
    inserted or dropped words, one end then the other until they stay; then _snap them."""
    slack = _slack(quote)
    for _ in range(3):
        ends = range(max(start + 1, end - slack), min(len(body), end + slack) + 1)
        new_end = _most_like(
            quote,
            {e: body[start:e] for e in ends},
            lambda e: context_weight * _after(body, e, suffix) if context_weight else 0.0,
        )
        starts = range(max(0, start - slack), min(new_end - 1, start + slack) + 1)
        new_start = _most_like(
            quote,
            {s: body[s:new_end] for s in starts},
            lambda s: context_weight * _before(body, s, prefix) if context_weight else 0.0,
        )
        if (new_start, new_end) == (start, end):
            break
        start, end = new_start, new_end
    start, end = _snap(body, quote, prefix, suffix, start, end, limit=slack)
    if start >= end:
        return _Match(0.0, 0.0, start, end)
    return _measure(body, quote, prefix, suffix, start, end)


def _most_like(quote: str, spans: dict[int, str], context: Callable[[int], float]) -> int:
    """The key of the span most like `quote` plus its `context` bonus (then the one closest
    to the quote's length); rapidfuzz scores all the spans in one call."""
    scored = process.extract(quote, spans, scorer=fuzz.ratio, limit=None)
    _, _, best = max(
        scored,
        key=lambda hit: (hit[1] / 100 + context(hit[2]), -abs(len(hit[0]) - len(quote))),
    )
    return best


def _measure(body: str, quote: str, prefix: str, suffix: str, start: int, end: int) -> _Match:
    score = fuzz.ratio(quote, body[start:end]) / 100
    context = _before(body, start, prefix) + _after(body, end, suffix)
    return _Match(score, score + CONTEXT_WEIGHT * context, start, end)


def _before(body: str, start: int, prefix: str) -> float:
    """How much of `prefix` (from its end) is still right before `start`, 0..1: the share
    of a whole context, so a short prefix (a quote near the top) counts for less."""
    common = _common_suffix(body[max(0, start - len(prefix)) : start], prefix)
    return common / max(len(prefix), SELECTOR_CONTEXT)


def _after(body: str, end: int, suffix: str) -> float:
    """How much of `suffix` (from its start) is still right after `end`, 0..1, as _before."""
    common = _common_prefix(body[end : end + len(suffix)], suffix)
    return common / max(len(suffix), SELECTOR_CONTEXT)


def _snap(
    body: str, quote: str, prefix: str, suffix: str, start: int, end: int, *, limit: int
) -> tuple[int, int]:
    """Sensible ends for body[start:end]: no whitespace at either end, no punctuation where
    the quote begins or ends with a letter or digit, no word cut in two where the quote began
    or ended at a word's edge (a word is completed within `limit` characters), combining
    marks kept with their letters."""
    starts_word, ends_word = _is_word(quote[0]), _is_word(quote[-1])
    while start < end and (body[start].isspace() or starts_word and not _is_word(body[start])):
        start += 1
    while end > start and (body[end - 1].isspace() or ends_word and not _is_word(body[end - 1])):
        end -= 1
    if start < end and starts_word and not (prefix and _is_word(prefix[-1])):
        word_start = start
        while word_start > max(0, start - limit) and _is_word(body[word_start - 1]):
            word_start -= 1
        if word_start == 0 or not _is_word(body[word_start - 1]):
            start = word_start
    if start < end and ends_word and not (suffix and _is_word(suffix[0])):
        word_end = end
        while word_end < min(len(body), end + limit) and _is_word(body[word_end]):
            word_end += 1
        if word_end == len(body) or not _is_word(body[word_end]):
            end = word_end
    while 0 < start < end and unicodedata.combining(body[start]) and not body[start - 1].isspace():
        start -= 1
    while start < end < len(body) and unicodedata.combining(body[end]):
        end += 1
    return start, end


def _is_word(char: str) -> bool:
    return char.isalnum() or bool(unicodedata.combining(char))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
