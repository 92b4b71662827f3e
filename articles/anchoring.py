"""Re-finding an appearance's quote after an article's body changes. Pure functions.

Follows the W3C Web Annotation selectors: the TextPositionSelector (start, end) is tried
first, then the TextQuoteSelector (exact with prefix/suffix context). This module does the
exact and moved cases; a quote that is no longer in the body is orphaned (fuzzy matching
arrives with the claims work).
"""

from dataclasses import dataclass

SELECTOR_CONTEXT = 32


@dataclass(frozen=True)
class Anchor:
    status: str  # exact / moved / orphaned
    start: int
    end: int


def selectors(body: str, start: int, end: int) -> dict[str, str | int]:
    """The quote selector of body[start:end]: exact text and 32 characters either side."""
    return {
        "start": start,
        "end": end,
        "exact": body[start:end],
        "prefix": body[max(0, start - SELECTOR_CONTEXT) : start],
        "suffix": body[end : end + SELECTOR_CONTEXT],
    }


def reanchor(body: str, *, start: int, end: int, exact: str, prefix: str, suffix: str) -> Anchor:
    """Where the quote is in `body` now. Among several occurrences the one whose context
    best matches prefix/suffix wins; a quote that is gone is orphaned at its old place."""
    if exact and body[start:end] == exact:
        return Anchor("exact", start, end)
    occurrences = []
    position = body.find(exact) if exact else -1
    while position >= 0:
        occurrences.append(position)
        position = body.find(exact, position + 1)
    if not occurrences:
        return Anchor("orphaned", start, end)

    def context_score(at: int) -> int:
        before = body[max(0, at - len(prefix)) : at]
        after = body[at + len(exact) : at + len(exact) + len(suffix)]
        return _common_suffix(before, prefix) + _common_prefix(after, suffix)

    best = max(occurrences, key=lambda at: (context_score(at), -abs(at - start)))
    return Anchor("moved", best, best + len(exact))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
