"""Suggest claims in an article's clean body text, and find sentences that restate a claim.

Pure Python (the standard library only: no Django, no ORM, no NLP model), so it runs on any
string, in tests without a database and inside a request at no noticeable cost.

What it is for: pointing an analyst at the sentences worth annotating — attributed statements
("Gerasimov asserted that…", "according to the state news agency TASS"), quoted speech with a
speaker, and sentences carrying a quantity — with a guess of the claimant and of the
attribution verb as stated; and finding the sentences of an article that possibly state a
given claim.

What it is not for: deciding what is a claim, or what is true. Every rule is a readable
heuristic for English news prose; a suggestion is a starting point that a person accepts,
trims or ignores. bench/suggestion_quality.py measures the rules against the hand
annotations of the seed fixture.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ATTRIBUTION_VERBS",
    "SIMILARITY_THRESHOLD",
    "SentenceMatch",
    "Suggestion",
    "sentences",
    "similar_sentences",
    "suggest_claims",
]


def _word_list(text: str) -> list[str]:
    """Words written as whitespace-separated text: vocabularies stay easy to read and review."""
    return text.split()


def _words(text: str) -> frozenset[str]:
    return frozenset(_word_list(text))


# The attribution verbs we recognise, as they appear in text. Some forms are also nouns
# ("the claims", "United States"): _NOUN_LIKE_VERBS count only with a complement ("claims
# that"), _BARE_VERBS only after a subject ("officials say"), and -ing forms only with a
# complement ("…, stating that…").
ATTRIBUTION_VERBS = _words(
    """
    said says say stated states asserted asserts announced announces reported reports
    claimed claims claim warned warns warn noted notes note told tells added adds
    explained explains argued argues argue insisted insists insist confirmed confirms
    denied denies acknowledged acknowledges admitted admits emphasized emphasizes
    emphasised emphasises stressed stresses indicated indicates suggested suggests suggest
    mentioned mentions remarked remarks declared declares alleged alleges wrote writes
    concluded concludes summarized summarizes summarised summarises informed articulated
    labeled labelled branded described spoke speaks predicted predicts predict estimated
    estimates promised promises vowed vows pledged pledges revealed reveals disclosed
    observed commented tweeted testified contended maintained reiterated reiterates affirmed
    assured accused believes believe expects expect highlighted
    saying stating claiming warning adding noting insisting arguing asserting announcing
    explaining stressing emphasizing emphasising
    """
)
_NOUN_LIKE_VERBS = _words("states reports claims claim notes note remarks estimates promises")
_BARE_VERBS = _words("say claim warn note argue insist suggest predict believe expect")
# Adverbs that mark a statement as reported without naming who made it.
_HEARSAY_ADVERBS = _words("reportedly allegedly purportedly supposedly")

SIMILARITY_THRESHOLD = 0.5

_KINDS = ("attribution", "quote", "quantity")
_QUOTE_SPAN_MAX = 300  # a longer quotation may hold sentences of its own
_MAX_NP_WORDS = 8  # a claimant is a noun phrase, not a clause
_NUMBER_WEIGHT = 2  # a number weighs as much as two of the rarest words
_TYPO_WEIGHT = 0.8

# --- Vocabulary --------------------------------------------------------------------------

_TITLE_ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof gen lt col maj capt sgt cpl adm cmdr gov sen rep rev hon pres st fr
    mt ft vs v e.g i.e cf approx est fig vol pp dept messrs
    """
)
_SOFT_ABBREVIATIONS = _words(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec inc co corp ltd llc plc jr sr etc
    a.m p.m al no nos
    """
)
# After an abbreviation that can also end a sentence ("the U.S."), a new sentence starts
# only with one of these words; "the U.S. Army" stays one sentence.
_SENTENCE_STARTERS = _words(
    """
    the a an this that these those it its he she they we i you there here his her their our
    my in on at but and or so yet however meanwhile also still as if when while after before
    since although though despite during according for with by from what why how who
    moreover furthermore additionally earlier later then now today yesterday
    """
)
_OPENING_MARKS = "“\"‘'«„([¿¡"
_CLOSING_MARKS = "”\"’'»)]"
_QUOTE_MARKS = '“”"«»„'

_DETERMINERS = _words("the a an its his her their our your my this these those")
_PRONOUNS = _words("he she they we i you it")
_AUXILIARIES = _words("has have had")
_PASSIVE = _words("is are was were be been being")
_MODALS = _words("will would shall should can could may might must to")
# Words that end a claimant noun phrase.
_NP_STOP = _words(
    """
    that which who whom whose where when while as if because since although though but or
    nor so yet than then in on at to with from by for about into onto over under after
    before during despite without within between against among through across amid amidst
    upon is are was were be been being am has have had do does did will would shall should
    can could may might must not no also there here what how why it whether both either
    neither such very just only even however meanwhile
    """
)
# Words that do not start a claimant: "On Wednesday, Gerasimov…", "Meanwhile Peskov…".
_LEADING_JUNK = _words(
    """
    and but or so then now also still however meanwhile moreover furthermore additionally
    earlier later yesterday today tonight thus therefore indeed plus monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july
    august september october november december last this next of
    """
)
_ADVERBS = _words(
    """
    also further later previously then again earlier recently once now never always already
    still just first initially subsequently repeatedly publicly privately separately
    officially explicitly specifically clearly firmly strongly reportedly allegedly not
    """
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# From two: "one" is far more often a pronoun than a count.
_SMALL_NUMBERS = dict(
    zip(
        _word_list(
            """
            two three four five six seven eight nine ten eleven twelve thirteen fourteen
            fifteen sixteen seventeen eighteen nineteen twenty
            """
        ),
        range(2, 21),
        strict=True,
    )
) | dict(
    zip(
        _word_list("thirty forty fifty sixty seventy eighty ninety"),
        range(30, 100, 10),
        strict=True,
    )
)
_LARGE_NUMBER_WORDS = _words(
    """
    hundred hundreds thousand thousands million millions billion billions trillion trillions
    dozen dozens twice double doubled triple tripled percent
    """
)
_UNITS = _words("k m bn b tn km kg mph mm cm ha mw gw kw t pc pct x")  # "5km", "$3bn"
_NAVIGATION_WORDS = _words(
    """
    subscribe newsletter share tweet email print comment comments reply login log sign
    register menu home next previous prev article articles related posts post read more
    top week month follow us click here cookie cookies advertisement sponsored privacy
    policy terms contact about tags tag source sources photo video watch listen
    """
)
_NOUN_WILL = _words("the a his her their its our my political free good ill own popular")
_STOPWORDS = (
    _words(
        """
        a about above after again against all almost also although am among an and another
        any are around as at be because been before being below between both but by can
        could did do does doing down during each either even ever every few for from further
        had has have having he her here hers herself him himself his how however i if in
        into is it its itself just least less like made make many may me might more most
        much must my myself near neither no nor not now of off on once one only onto or other
        others our ours ourselves out over own per perhaps quite rather really same she
        should since so some such than that the their theirs them themselves then there
        these they this those though through thus to too toward towards under until up upon
        us very via was we were what whatever when whenever where whether which while who
        whom whose why will with within without would yet you your yours according already
        still therefore
        """
    )
    | ATTRIBUTION_VERBS
    | _LARGE_NUMBER_WORDS
    | set(_SMALL_NUMBERS)
)

# --- Regular expressions -----------------------------------------------------------------

_LINE = re.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_TERMINATOR = re.compile(r"(?:[.!?…]+|[。！？]+)[”\"’'»)\]]*")
_SPACE = re.compile(r"\s+")
_WORD_BEFORE = re.compile(r"\S+$")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]|[^\W\d_]")
# A word, a hyphenated or apostrophed word ("30-day", "Russia’s"), or an initialism ("U.S.").
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*(?:(?<=\b[^\W\d_])\.(?:[^\W\d_]\.)+)?")
_CONTENT_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")
_US = re.compile(r"\bU\.S\.|\bUSA?\b")
_QUOTE_CHAR = re.compile(r"[“”\"«»„]")
_HAS_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?:18|19|20)\d\d")
_CURRENCIES = "$€£¥₽₴"
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{4}}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:\.\d{2})?\s*[ap]\.m\.",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|pct\b)", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[^\W\d_]+")
_COUNT_WORDS = frozenset(_SMALL_NUMBERS) | _LARGE_NUMBER_WORDS
_REFERRING = _words("the these those both")  # "the two nations" refers, it does not count
_PREDICTION = re.compile(
    r"\b(?:will|won[’']t|shall)\b"
    r"|\b(?:is|are|was|were)\s+(?:widely\s+|also\s+)?"
    r"(?:expected|likely|set|poised|projected|forecast)\s+to\b"
    r"|\b(?:expects?|predicts?|predicted|forecasts?)\b",
    re.IGNORECASE,
)
_SPEECH_QUOTE = re.compile(r"[,!?…]\s?[”\"]\s+")  # “…,” Trump stated
_SPEECH_OPENING = re.compile(r":\s*[“\"«]")  # emphasizes: “I do not…
# A sentence with none of these cannot be suggested; most sentences are skipped on them.
_SIGNAL_MARKS = re.compile(r"[\d“”\"«»]")
_SPEAKER_WORDS = ATTRIBUTION_VERBS | _HEARSAY_ADVERBS | {"according"}
_SIGNAL_WORDS = _SPEAKER_WORDS | _COUNT_WORDS


# --- Public API --------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A sentence that probably carries a claim; `body[start:end] == text`."""

    start: int
    end: int
    text: str
    kinds: tuple[str, ...]  # of "attribution", "quote", "quantity", in that order
    claimant: str  # as stated ("Gerasimov", "the head of state"); "" if none found
    verb: str  # as stated ("asserted", "has stated", "according to"); "" if none
    claim_type: str  # "quantity", "prediction" or "other"


@dataclass(frozen=True)
class SentenceMatch:
    """A sentence that possibly states a given claim; `score` is 0..1, higher is closer."""

    start: int
    end: int
    text: str
    score: float


def sentences(body: str) -> list[tuple[int, int]]:
    """Spans of the sentences of `body`, trimmed of surrounding whitespace, in order.

    Line breaks always end a sentence (clean bodies keep paragraphs, table rows and list
    items on lines of their own). Within a line a sentence ends at . ! ? … (with their closing
    quotes or brackets) before a capital, a digit or an opening quote — unless the word
    before is an abbreviation ("Mr.", "Jan. 20", "the U.S. Army") or the break would fall
    inside a short quotation. A missing space ("the conflict.This trip") still ends one.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(body):
        offset = line.start()
        text = line.group()
        start = 0
        for cut in _line_breaks(text):
            _append_trimmed(spans, text, offset, start, cut)
            start = cut
        _append_trimmed(spans, text, offset, start, len(text))
    return spans


def suggest_claims(body: str) -> list[Suggestion]:
    """The sentences of `body` that carry an attributed statement, quoted speech with a
    speaker, or a quantity, in order of position.

    Not suggested: questions, headings, navigation lines, lead-ins ending in a colon, and
    sentences whose only number is a date, a year or a time.
    """
    suggestions = []
    for start, end in sentences(body):
        text = body[start:end]
        found = _analyse(text)
        if found is not None:
            kinds, claimant, verb, claim_type = found
            suggestions.append(Suggestion(start, end, text, kinds, claimant, verb, claim_type))
    return suggestions


def similar_sentences(
    claim_text: str, body: str, *, threshold: float = SIMILARITY_THRESHOLD
) -> list[SentenceMatch]:
    """Sentences of `body` that possibly state the same claim as `claim_text`, best first.

    The score is the weighted share of the claim's content — stemmed content words and
    numbers — that a sentence contains. A word weighs more the fewer sentences of `body`
    contain it (in an article about Kursk, "Kursk" tells little); a number weighs as much as
    two of the rarest words; a word misspelt by one letter ("frist") counts for most of its
    weight. Numbers must agree: a sentence stating numbers, none of them the claim's, is
    never a match ("430" is not "431"; "86%" is "86 percent"). At least two content items
    must be shared.
    """
    claim_terms, claim_numbers = _content(claim_text)
    if not claim_terms and not claim_numbers:
        return []
    spans = sentences(body)
    contents = [_content(body[start:end]) for start, end in spans]
    frequency = dict.fromkeys(claim_terms, 0)
    for terms, _ in contents:
        for term in terms & claim_terms:
            frequency[term] += 1
    size = len(spans) + 1
    weights = {term: 1 + math.log(size / (count + 1)) for term, count in frequency.items()}
    number_weight = _NUMBER_WEIGHT * (1 + math.log(size))
    total = sum(weights.values()) + number_weight * len(claim_numbers)
    needed = min(2, len(claim_terms) + len(claim_numbers))
    matches = []
    for (start, end), (terms, numbers) in zip(spans, contents, strict=True):
        if claim_numbers and numbers and not claim_numbers & numbers:
            continue
        shared = claim_terms & terms
        shared_numbers = claim_numbers & numbers
        weight = sum(weights[term] for term in shared) + number_weight * len(shared_numbers)
        unshared = [term for term in claim_terms - shared if len(term) >= 5]
        misspelt = []
        if (weight + _TYPO_WEIGHT * sum(weights[term] for term in unshared)) / total >= threshold:
            misspelt = [term for term in unshared if any(_one_typo(term, w) for w in terms)]
        if len(shared) + len(misspelt) + len(shared_numbers) < needed:
            continue
        score = (weight + _TYPO_WEIGHT * sum(weights[term] for term in misspelt)) / total
        if score >= threshold:
            matches.append(SentenceMatch(start, end, body[start:end], round(score, 3)))
    matches.sort(key=lambda match: (-match.score, match.start))
    return matches


# --- Sentence splitting ------------------------------------------------------------------


def _append_trimmed(spans: list, text: str, offset: int, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((offset + start, offset + end))


def _line_breaks(line: str) -> list[int]:
    """Positions in `line` where a new sentence starts (just after a terminator)."""
    cuts = []
    quotes = None
    n = len(line)
    indent = _SPACE.match(line)
    line_start = indent.end() if indent else 0
    for match in _TERMINATOR.finditer(line):
        end = match.end()
        if end >= n:
            continue
        mark = match.group()
        cjk = mark[0] in "。！？"
        following = line[end]
        if following.isspace():
            after = _SPACE.match(line, end).end()
            if after >= n:
                continue
            first = line[after]
            if not (cjk or first.isupper() or first.isdigit() or first in _OPENING_MARKS):
                continue
            if (
                mark[0] == "."
                and mark[:2] != ".."
                and _is_abbreviation(line, match.start(), after, line_start)
            ):
                continue
        elif not cjk and not (
            # "the conflict.This trip": a missing space between two words.
            len(mark) <= 2
            and following.isupper()
            and line[end + 1 : end + 2].islower()
            and line[max(0, match.start() - 2) : match.start()].islower()
            and match.start() >= 2
        ):
            continue
        if quotes is None:
            quotes = _quotations(line)
        if not _inside(quotes, end):
            cuts.append(end)
    return cuts


def _is_abbreviation(line: str, dot: int, next_word_at: int, line_start: int) -> bool:
    """Whether the "." at `dot` closes an abbreviation rather than a sentence."""
    before = _WORD_BEFORE.search(line, max(0, dot - 24), dot)
    if before is None:
        return False
    begin = before.start()
    word = before.group().lstrip(_OPENING_MARKS)
    lowered = word.lower()
    if lowered in _TITLE_ABBREVIATIONS:
        return True
    if word.isdigit() and begin == line_start:
        return True  # "1. The first point": list numbering
    if lowered in _SOFT_ABBREVIATIONS or _INITIALISM.fullmatch(word):
        following = _WORD.match(line, next_word_at)
        return not (following and following.group().lower() in _SENTENCE_STARTERS)
    return False


def _quotations(line: str) -> tuple[list[int], list[int]]:
    """The short quotations of `line` as disjoint spans: (sorted starts, their ends).

    Curly quotes and guillemets pair by direction; a straight quote opens after a space or a
    bracket and closes otherwise. A quotation left open is ignored."""
    stack: list[int] = []
    spans = []
    n = len(line)
    for match in _QUOTE_CHAR.finditer(line):
        mark = match.group()
        at = match.start()
        if mark in "“«„":
            opening = True
        elif mark in "”»":
            opening = False
        else:
            before = line[at - 1] if at else " "
            after = line[at + 1] if at + 1 < n else " "
            opening = (before.isspace() or before in "([{—–-") and not after.isspace()
        if opening:
            stack.append(at)
        elif stack:
            begin = stack.pop()
            if at - begin <= _QUOTE_SPAN_MAX:
                spans.append((begin, at))
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []
    for begin, end in spans:
        if ends and begin <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(begin)
            ends.append(end)
    return starts, ends


def _inside(quotes: tuple[list[int], list[int]], at: int) -> bool:
    """Whether a break at `at` falls inside a quotation (before its closing mark)."""
    starts, ends = quotes
    index = bisect_right(starts, at - 1) - 1
    return index >= 0 and at <= ends[index]


# --- Claim signals -----------------------------------------------------------------------


class _Token:
    """A word of a sentence, with what separates it from the previous word."""

    __slots__ = ("text", "lower", "start", "end", "gap_before", "joined")

    def __init__(self, text: str, start: int, end: int, gap_before: str) -> None:
        self.text = text
        self.lower = text.lower()
        self.start = start
        self.end = end
        self.gap_before = gap_before  # "" for the first word
        # Only whitespace from the previous word: still the same phrase.
        self.joined = gap_before == "" or gap_before.isspace()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        start = match.start()
        gap = text[previous_end:start] if tokens else ""
        previous_end = match.end()
        token = _Token(match.group(), start, previous_end, gap)
        if not token.joined and gap.rstrip() == "." and gap != ".":
            previous = tokens[-1].text
            if previous.lower() in _TITLE_ABBREVIATIONS or (
                len(previous) == 1 and previous.isupper()
            ):
                token.joined = True  # "Dr. Jane Goodall", "John F. Kennedy": one name
        tokens.append(token)
    return tokens


def _analyse(text: str) -> tuple[tuple[str, ...], str, str, str] | None:
    """(kinds, claimant, verb, claim type) for a sentence that carries a claim, else None."""
    stripped = text.rstrip(_CLOSING_MARKS + " .")
    if not stripped or stripped.endswith("?"):
        return None  # a question asks; it does not claim
    if text.endswith(":"):
        return None  # the lead-in to a list or table: the claims are in what follows
    words = _PLAIN_WORD.findall(text)
    lowered = _PLAIN_WORD.findall(text.lower())
    marks = _SIGNAL_MARKS.search(text)
    if not marks and _SIGNAL_WORDS.isdisjoint(lowered):
        return None  # no verb, number or quotation mark: nothing below can fire
    table_row = "|" in text
    if len(words) < 4 and not table_row:
        return None
    quoted = marks is not None and _has_quote(text)
    claimant, verb, attributed = "", "", False
    if quoted or not _SPEAKER_WORDS.isdisjoint(lowered):
        tokens = _tokens(text)  # the costly part, only for sentences that may name a speaker
        claimant, verb, attributed = _attribution(tokens)
        if quoted and not attributed:
            claimant, verb, attributed = _quote_speaker(text, tokens)
    quantities = _quantities(text, lowered)
    if not attributed and not table_row and (_is_heading(text, words) or _is_navigation(lowered)):
        return None
    if not attributed and not quantities:
        return None
    present = (attributed, quoted and attributed, bool(quantities))
    kinds = tuple(kind for kind, found in zip(_KINDS, present, strict=True) if found)
    if quantities:
        claim_type = "quantity"
    elif _is_prediction(text):
        claim_type = "prediction"
    else:
        claim_type = "other"
    return kinds, claimant, verb, claim_type


def _is_heading(text: str, words: list[str]) -> bool:
    """A short title-case line without closing punctuation: a heading, not a statement."""
    if text.endswith((".", "!", "?", "…", "”", '"', ";", ",")) or len(words) > 14:
        return False
    long_words = [word for word in words if len(word) >= 4]
    if not long_words:
        return True
    capitalised = sum(1 for word in long_words if word[0].isupper())
    return capitalised / len(long_words) >= 0.7


def _is_navigation(lowered: list[str]) -> bool:
    """A short line made mostly of site furniture: "Share this article", "Read more"."""
    if not lowered or len(lowered) > 12:
        return False
    navigation = sum(1 for word in lowered if word in _NAVIGATION_WORDS)
    return navigation / len(lowered) >= 0.5


def _has_quote(text: str) -> bool:
    """Quoted speech: a quotation of three words or more, one ending in ',”', or one opened
    after a colon ('emphasizes: “I do not…')."""
    if _SPEECH_QUOTE.search(text) or _SPEECH_OPENING.search(text):
        return True
    starts, ends = _quotations(text)
    return any(
        len(_WORD.findall(text, begin, end)) >= 3 for begin, end in zip(starts, ends, strict=True)
    )


def _attribution(tokens: list[_Token]) -> tuple[str, str, bool]:
    """(claimant, verb, found) for the attribution of a sentence.

    Of several ("Gerasimov asserted that…, reported that…") the first of the best kind: a
    named claimant with a "that"/":" complement, then a named claimant, then a pronoun, then
    none at all.
    """
    best: tuple[int, str, str] | None = None
    for index, token in enumerate(tokens):
        lowered = token.lower
        if lowered == "according":
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following.lower != "to" or not following.joined:
                continue
            claimant = _noun_phrase_after(tokens, index + 2)
            verb = f"{token.text} {following.text}"
            complement = True
        elif lowered in _HEARSAY_ADVERBS:
            claimant, verb, complement = "", token.text, False
        elif lowered in ATTRIBUTION_VERBS and _is_verb(tokens, index):
            claimant, verb = _claimant_for_verb(tokens, index)
            complement = _has_complement(tokens, index)
        else:
            continue
        if not claimant:
            rank = 0
        elif claimant.lower() in _PRONOUNS:
            rank = 1
        else:
            rank = 3 if complement else 2
        if best is None or rank > best[0]:
            best = (rank, claimant, verb)
    if best is None:
        return "", "", False
    return best[1], best[2], True


def _has_complement(tokens: list[_Token], index: int) -> bool:
    """A verb followed by "that", a colon or a quotation: "stated that", "emphasizes: “…"."""
    if index + 1 >= len(tokens):
        return False
    following = tokens[index + 1]
    if following.lower == "that" and following.joined:
        return True
    return any(mark in following.gap_before for mark in ':“"«')


def _is_adverb(word: str) -> bool:
    return word in _ADVERBS or (word.endswith("ly") and len(word) > 4)


def _is_verb(tokens: list[_Token], index: int) -> bool:
    """Whether the attribution-verb form at `index` is used as a verb in this sentence."""
    token = tokens[index]
    lowered = token.lower
    start = index
    while start > 0 and tokens[start].joined and _is_adverb(tokens[start - 1].lower):
        start -= 1
    previous = tokens[start - 1] if start > 0 and tokens[start].joined else None
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if previous is not None:
        before = previous.lower
        if before in _DETERMINERS or before.endswith(("’s", "'s")):
            return False  # "Russia’s stated readiness", "the already mentioned statement"
        if before in ("let’s", "let's", "having"):
            return False
        if before == "as" and not (following and following.lower == "by" and following.joined):
            return False  # "as noted above"
    complement = _has_complement(tokens, index)
    if lowered.endswith("ing"):
        return complement  # "…, stating that Moscow aims to…"
    inverted = not token.joined  # after a comma or a quotation: "…,” notes Zhelikhovsky"
    if lowered in _NOUN_LIKE_VERBS and not (
        complement or (inverted and following is not None and following.text[0].isupper())
    ):
        return False
    if lowered in _BARE_VERBS:
        if previous is None or previous.lower in _MODALS:
            return False
        subject = previous.lower in _PRONOUNS or (
            previous.lower.endswith("s") and previous.lower not in _NP_STOP
        )
        return subject or complement
    return True


def _claimant_for_verb(tokens: list[_Token], index: int) -> tuple[str, str]:
    """The claimant of the attribution verb at `index`, and the verb as stated."""
    verb_token = tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    after = index + 1  # the first token after the verb
    if (
        following is not None
        and following.joined
        and verb_token.lower in ("spoke", "speaks", "talked", "commented", "wrote")
        and following.lower in ("about", "of", "on")
    ):
        after = index + 2  # "spoke about"
    # Back over adverbs and auxiliaries to the subject: "Putin has controversially labeled".
    first_verb_word = index
    cursor = index
    passive = False
    while cursor > 0 and tokens[cursor].joined and index - cursor < 4:
        previous = tokens[cursor - 1].lower
        if previous in _AUXILIARIES:
            if cursor == index:
                first_verb_word = cursor - 1  # "has stated"
        elif previous in _PASSIVE:
            passive = True
        elif not _is_adverb(previous):
            break
        cursor -= 1
    verb = _phrase(tokens[first_verb_word:after], trim=False)
    if verb_token.lower.endswith("ing"):
        return "", verb  # the subject of a participle is too far away to guess
    if passive:  # "was articulated by Sergei Shoigu"
        if following is not None and following.lower == "by" and following.joined:
            return _noun_phrase_after(tokens, index + 2), verb
        return "", verb
    claimant = _noun_phrase_before(tokens, cursor)
    gap = tokens[cursor].gap_before
    quoted = any(mark in gap for mark in _QUOTE_MARKS)
    if not claimant and "," in gap and not quoted:
        claimant = _appositive_before(tokens, cursor)  # "Syrskyi, the army chief, said"
    inverted = cursor == 0 or not tokens[cursor].joined
    if (
        not claimant
        and inverted
        and after < len(tokens)
        and tokens[after].joined
        and tokens[after].lower != "that"
    ):
        # “…,” concluded Antony Blinken / And also, notes Stanislav Zhelikhovsky, the…
        # but not "…, claimed Russia had lost": the phrase must end the clause.
        taken = _noun_phrase_tokens_after(tokens, after)
        following_phrase = after + len(taken)
        if quoted or following_phrase >= len(tokens) or not tokens[following_phrase].joined:
            claimant = _phrase(taken)
    return claimant, verb


def _noun_phrase_before(tokens: list[_Token], index: int, *, adjacent: bool = True) -> str:
    """The noun phrase ending just before tokens[index], as written; "" if there is none.
    With `adjacent`, only whitespace may separate it from tokens[index]."""
    if index <= 0 or index > len(tokens):
        return ""
    if adjacent and index < len(tokens) and not tokens[index].joined:
        return ""
    taken: list[_Token] = []
    cursor = index - 1
    while cursor >= 0 and len(taken) < _MAX_NP_WORDS:
        token = tokens[cursor]
        lowered = token.lower
        if lowered in _PRONOUNS:
            if not taken:
                taken.append(token)
            break
        if lowered in _DETERMINERS:
            taken.append(token)
            # "the head of the State Department": go on through "of".
            if cursor >= 2 and token.joined and tokens[cursor - 1].lower == "of":
                cursor -= 1
                continue
            break
        if lowered == "and" and not (cursor > 0 and tokens[cursor - 1].text[0].isupper()):
            break
        if lowered in _NP_STOP or lowered in ATTRIBUTION_VERBS:
            break
        if token.text[0].islower() and lowered.endswith(("ed", "ing")) and len(lowered) > 4:
            break  # a verb or participle: "released", "following"
        taken.append(token)
        if not token.joined:
            break
        cursor -= 1
    taken.reverse()
    return _phrase(taken)


def _appositive_before(tokens: list[_Token], index: int) -> str:
    """The claimant of "Syrskyi, Ukraine’s army chief, said", "expert X, in a conversation
    with Focus, stated": a comma-separated segment before the verb that is a whole noun
    phrase, skipping segments that start with a preposition. When the nearest is a
    description ("a primatologist", "Ukraine’s army chief"), a name just before it wins."""
    segment_end = index
    found: list[str] = []
    for _ in range(4):
        segment_start = segment_end - 1
        while segment_start > 0 and tokens[segment_start].joined:
            segment_start -= 1
        if segment_start < 0:
            break
        first = tokens[segment_start]
        participle = first.text[0].islower() and first.lower.endswith(("ing", "ed"))
        if first.lower in _NP_STOP or first.lower == "according" or participle:
            if found:  # "in a conversation with Focus", "speaking in Kyiv"
                break
        else:
            phrase = _noun_phrase_before(tokens, segment_end, adjacent=False)
            whole = segment_end - segment_start <= _MAX_NP_WORDS
            if not (phrase and whole and phrase.startswith(first.text)):
                break
            found.append(phrase)
            descriptive = first.lower in _DETERMINERS or first.lower.endswith(("’s", "'s"))
            if len(found) == 2 or not descriptive:
                break
        segment_end = segment_start
        if segment_end <= 0:
            break
    if len(found) == 2 and _is_name(found[1]):
        return found[1]
    return found[0] if found else ""


def _is_name(phrase: str) -> bool:
    """A proper name: every word capitalised, bar "of" and "the"."""
    words = [word for word in phrase.split() if word not in ("of", "the")]
    return bool(words) and all(word[0].isupper() for word in words)


def _noun_phrase_after(tokens: list[_Token], index: int) -> str:
    """The noun phrase starting at tokens[index], as written; "" if there is none."""
    return _phrase(_noun_phrase_tokens_after(tokens, index))


def _noun_phrase_tokens_after(tokens: list[_Token], index: int) -> list[_Token]:
    taken: list[_Token] = []
    cursor = index
    while cursor < len(tokens) and len(taken) < _MAX_NP_WORDS:
        token = tokens[cursor]
        if taken and not token.joined:
            break
        lowered = token.lower
        if (not taken and lowered in _DETERMINERS) or (taken and lowered == "of"):
            taken.append(token)
            cursor += 1
            continue
        if lowered in _NP_STOP or lowered in ATTRIBUTION_VERBS or lowered == "and":
            break
        if token.text[0].islower() and lowered.endswith(("ed", "ing")) and len(lowered) > 4:
            break
        taken.append(token)
        cursor += 1
    return taken


def _phrase(taken: list[_Token], *, trim: bool = True) -> str:
    """Consecutive tokens as written; with `trim`, without leading time words or a trailing
    "of", "and" or article."""
    while trim and taken and taken[0].lower in _LEADING_JUNK:
        taken = taken[1:]
    while trim and taken and taken[-1].lower in ("of", "and", "the", "a", "an"):
        taken = taken[:-1]
    if not taken:
        return ""
    parts = [taken[0].text]
    for token in taken[1:]:
        parts.append(token.gap_before)
        parts.append(token.text)
    return "".join(parts)


def _quote_speaker(text: str, tokens: list[_Token]) -> tuple[str, str, bool]:
    """Speech with a verb we do not list: “…,” Trump quipped / “…,” quipped Trump."""
    starts = [token.start for token in tokens]
    for match in _SPEECH_QUOTE.finditer(text):
        index = bisect_left(starts, match.end())
        window = tokens[index : index + _MAX_NP_WORDS + 1]
        for offset, token in enumerate(window):
            lowered = token.lower
            if (offset and not token.joined) or lowered in _NP_STOP:
                break
            verb_like = token.text[0].islower() and (
                lowered.endswith("ed") or (lowered.endswith("s") and offset > 0)
            )
            if not verb_like:
                continue
            if offset:
                claimant = _phrase(window[:offset])
                plausible = claimant[:1].isupper() or window[0].lower in _DETERMINERS
            else:
                claimant = _noun_phrase_after(tokens, index + 1)
                plausible = claimant[:1].isupper()
            if claimant and plausible:
                return claimant, token.text, True
            break
    return "", "", False


def _quantities(text: str, lowered: list[str] | None = None) -> set[str]:
    """The normalised quantities of a text: numbers ("430", "86%", "2.5") and counts in
    words ("5" for "five", "thousands"). Not quantities: dates, years, times, ordinals,
    numbers inside names (F-16, COVID-19), and "the two" (a reference, not a count)."""
    found: set[str] = set()
    if _HAS_DIGIT.search(text):
        dates = [match.span() for match in _DATE.finditer(text)]
        date_starts = [begin for begin, _ in dates]
        for match in _NUMBER.finditer(text):
            value = _number(text, match, dates, date_starts)
            if value:
                found.add(value)
    if lowered is None:
        lowered = _PLAIN_WORD.findall(text.lower())
    if not _COUNT_WORDS.isdisjoint(lowered):
        previous = ""
        for word in lowered:
            if word in _LARGE_NUMBER_WORDS:
                found.add(word)
            elif word in _SMALL_NUMBERS and previous not in _REFERRING:
                found.add(str(_SMALL_NUMBERS[word]))
            previous = word
    return found


def _number(
    text: str, match: re.Match, dates: list[tuple[int, int]], date_starts: list[int]
) -> str:
    """The normalised number of `match`; "" when it belongs to a date or a name."""
    start, end = match.span()
    index = bisect_right(date_starts, start) - 1
    if index >= 0 and start < dates[index][1]:
        return ""
    before = text[start - 1] if start else ""
    if before.isalpha() or before == ".":
        return ""
    if before == "-" and start >= 2 and text[start - 2].isalpha():
        return ""  # F-16, COVID-19
    unit = _LETTERS.match(text, end).group().lower()
    if unit and unit not in _UNITS:
        return ""  # 20th, 1990s, 3D
    value = match.group()
    value = value.replace(",", "") if _THOUSANDS.fullmatch(value) else value.replace(",", ".")
    if _PERCENT_AFTER.match(text, end):
        return value + "%"
    if _YEAR.fullmatch(value) and before not in _CURRENCIES:
        return ""  # a year
    return value


def _is_prediction(text: str) -> bool:
    """A statement about the future: will/won't/shall (not "the will"), "is expected to",
    "expects", "predicted", "forecasts"."""
    for match in _PREDICTION.finditer(text):
        if match.group().lower() == "will":
            before = text[max(0, match.start() - 24) : match.start()].split()
            if before and before[-1].lower() in _NOUN_WILL:
                continue
        return True
    return False


# --- Similarity --------------------------------------------------------------------------


def _content(text: str) -> tuple[set[str], set[str]]:
    """(stemmed content words, normalised numbers) of a text."""
    numbers = {value for value in _quantities(text) if value[0].isdigit()}
    terms = {"usa"} if _US.search(text) else set()
    for word in _CONTENT_WORD.findall(text):
        lowered = word.lower()
        if lowered.endswith(("’s", "'s")):
            lowered = lowered[:-2]
        if len(lowered) > 1 and lowered not in _STOPWORDS:
            terms.add(_stem(lowered))
    return terms, numbers


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A tiny suffix-stripper, enough for news English: captured/capture/captures → captur,
    soldiers → soldier, studies/studied → study, Russian/Russia → russ."""
    if len(word) <= 3:
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif (word.endswith("ed") and len(word) > 4) or (word.endswith("ly") and len(word) > 5):
        word = word[:-2]
    if word.endswith("ian") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ia") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned → plann → plan
    return word


def _one_typo(a: str, b: str) -> bool:
    """Same length (five letters or more), same first letter, and one wrong letter or one
    swapped pair of neighbours: "frist" for "first", as content farms write."""
    if len(a) != len(b) or len(a) < 5 or a[0] != b[0] or a == b:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    first, second = diffs[0], diffs[-1]
    return (
        len(diffs) == 2 and second == first + 1 and a[first] == b[second] and a[second] == b[first]
    )
