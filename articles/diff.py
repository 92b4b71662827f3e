"""Word-level differences between two article bodies, for the duplicate review page.

Pure text work: the result is a list of lines per side, each a list of segments
`(kind, text)`, which templates render with autoescaping (article text is never marked
safe). Kinds: "same" (in both), "changed" (this side's words where the other has other
words), "only" (words the other side does not have), and "template" for lines that are the
source's boilerplate and were left out of the similarity (shown dimmed).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from articles.ingest.clean import line_key

SAME, CHANGED, ONLY, TEMPLATE = "same", "changed", "only", "template"
# A replacement of at most this many words on each side is "changed wording"; a longer one
# is text each side has and the other does not (a paragraph cut here, another added there).
MAX_CHANGED_WORDS = 6
MIN_SAME_RUN = 3
# Beyond this many words per side the diff is not computed word by word (it would take
# seconds); the texts are shown side by side without highlighting.
MAX_WORDS = 20_000

_TOKEN = re.compile(r"\S+|\s+")
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


@dataclass
class Side:
    lines: list[list[tuple[str, str]]] = field(default_factory=list)
    words: int = 0
    only_words: int = 0  # words that the other side does not have (added, or cut there)
    changed_words: int = 0


def word_diff(
    a: str, b: str, *, template_a: frozenset[str] = frozenset(), template_b=frozenset()
) -> tuple[Side, Side]:
    """The two bodies as lines of segments. Lines whose `line_key` is in a side's
    `template` are shown whole as TEMPLATE and take no part in the comparison."""
    tokens_a, lines_a = _tokens(a, template_a)
    tokens_b, lines_b = _tokens(b, template_b)
    kinds_a = [SAME] * len(tokens_a)
    kinds_b = [SAME] * len(tokens_b)
    words_a = [(i, t) for i, t in enumerate(tokens_a) if t[1] is not None]
    words_b = [(i, t) for i, t in enumerate(tokens_b) if t[1] is not None]
    if len(words_a) <= MAX_WORDS and len(words_b) <= MAX_WORDS:
        matcher = SequenceMatcher(
            None, [t[1] for _, t in words_a], [t[1] for _, t in words_b], autojunk=False
        )
        for tag, i1, i2, j1, j2 in _coalesced(matcher.get_opcodes()):
            if tag == "equal":
                continue
            small = max(i2 - i1, j2 - j1) <= MAX_CHANGED_WORDS
            kind = CHANGED if tag == "replace" and small else ONLY
            for index, _ in words_a[i1:i2]:
                kinds_a[index] = kind
            for index, _ in words_b[j1:j2]:
                kinds_b[index] = kind
    return _side(tokens_a, kinds_a, lines_a), _side(tokens_b, kinds_b, lines_b)


def _coalesced(opcodes: list[tuple]) -> list[tuple]:
    """Opcodes where a stretch of fewer than MIN_SAME_RUN equal words between two
    differences joins them: two different paragraphs share "the" and "about" by chance,
    and marking those as common would break a paragraph cut into confetti."""
    merged: list[tuple] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        inside = 0 < index < len(opcodes) - 1
        if tag == "equal" and inside and i2 - i1 < MIN_SAME_RUN:
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _, start_i, _, start_j, _ = merged.pop()
            i1, j1 = start_i, start_j
            tag = "replace"
        merged.append((tag, i1, i2, j1, j2))
    return merged


def _tokens(text: str, template: frozenset[str]):
    """Tokens `(text, comparable word or None, line number)`; whitespace and template
    lines have no comparable word."""
    tokens = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        is_template = bool(template) and line_key(line) in template
        for token in _TOKEN.findall(line):
            word = None if is_template or token.isspace() else _comparable(token)
            tokens.append((token, word, number, is_template))
    return tokens, len(lines)


def _comparable(token: str) -> str:
    """Case and edge punctuation do not make a word different ("World," = "world")."""
    folded = token.casefold()
    return _EDGE_PUNCTUATION.sub("", folded) or folded


def _side(tokens, kinds, line_count: int) -> Side:
    side = Side(lines=[[] for _ in range(line_count)])
    kinds = _space_kinds(tokens, kinds)
    for (text, word, number, is_template), kind in zip(tokens, kinds, strict=True):
        if is_template:
            kind = TEMPLATE
        elif word is not None:
            side.words += 1
            side.only_words += kind == ONLY
            side.changed_words += kind == CHANGED
        segments = side.lines[number]
        if segments and segments[-1][0] == kind:
            segments[-1] = (kind, segments[-1][1] + text)
        else:
            segments.append((kind, text))
    return side


def _space_kinds(tokens, kinds) -> list[str]:
    """Whitespace between two words of one kind takes that kind (a run renders as one
    element); any other whitespace is plain, so no mark spills into the gap after it."""
    kinds = list(kinds)
    for index, (_, word, number, is_template) in enumerate(tokens):
        if word is not None or is_template:
            continue
        before = kinds[index - 1] if index and tokens[index - 1][2] == number else None
        after = (
            kinds[index + 1] if index + 1 < len(tokens) and tokens[index + 1][2] == number else None
        )
        kinds[index] = before if before == after and before is not None else SAME
    return kinds
