"""Near-duplicate detection, the pure part: fingerprints, LSH band keys, exact verification.

An article's clean body (with its source's learned boilerplate already removed) becomes a
set of word shingles. Its fingerprint is two MinHash signatures (datasketch): one of all
shingles, which finds copies, edits and rewrites by Jaccard similarity, and one of the
opening shingles only, which finds teasers and truncated copies, whose Jaccard similarity
to the full article is low but whose opening is the same. Each signature is cut into bands;
articles that share a band key are candidates. A candidate pair is then verified exactly on
the shingle sets: Jaccard, and containment (how much of the shorter text is in the longer).

Within one source, lines that both articles share are usually the source's template (a
footer, a "related stories" block) rather than the story, and the source may not have
enough articles yet to have learned them as boilerplate. So when two articles of the same
source each have a substantial part of their own, only those parts are compared.

Nothing here touches the database (the dedupe service does); every threshold lives here.
Parameters were chosen by measurement on the corpus of `bench/dedupe_corpus.py`
(`python -m bench.dedupe_quality`): see that script for the figures.
"""

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property

import numpy as np

from articles.ingest.clean import line_key

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS, ROWS = 32, 4  # full-text bands: 32 × 4 = 128 permutations
LEAD_SHINGLES = 30  # an opening: about 35 words
LEAD_PERM = 16
LEAD_BANDS, LEAD_ROWS = 4, 4
# Openings are taken at the first lines (paragraphs) of at least LEAD_MIN_WORDS words, so
# a teaser still meets a copy that put a new intro before the same first paragraph.
LEAD_PARAGRAPHS = 3
LEAD_MIN_WORDS = 8
# Band keys an article has at most (its opening bands may coincide).
KEYS_PER_ARTICLE = BANDS + LEAD_PARAGRAPHS * LEAD_BANDS
_SEED = 1
_MINHASH = "affine32"
SCHEME = (
    f"minhash-{_MINHASH}-crc32chain:w{SHINGLE_WORDS}:p{NUM_PERM}b{BANDS}r{ROWS}"
    f":lead{LEAD_PARAGRAPHS}x{LEAD_SHINGLES}p{LEAD_PERM}b{LEAD_BANDS}r{LEAD_ROWS}:v3"
)

# Verification thresholds. Jaccard for copies of the whole text; containment (of the
# smaller shingle set in the larger) for teasers and cuts, trusted only when the smaller
# text is long enough to be a story rather than a shared sentence.
AUTO_JACCARD = 0.8
AUTO_CONTAINMENT = 0.9
REVIEW_JACCARD = 0.3
REVIEW_CONTAINMENT = 0.5
MIN_CONTAINED_SHINGLES = 20

# Same-source pairs: compare only what each article has of its own when both have at
# least this many words and this share of their words outside the lines they share.
OWN_PART_MIN_WORDS = 25
OWN_PART_MIN_SHARE = 0.3

_WORD = re.compile(r"\w+")


class Verdict(StrEnum):
    LINK = "link"  # the same text: linked automatically
    REVIEW = "review"  # maybe: a person decides
    DISTINCT = "distinct"


def words(text: str) -> list[str]:
    """Case-folded words, compatibility-normalised (ﬁ → fi, full-width digits), so
    typography and case never separate two copies."""
    return _WORD.findall(_folded(text))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def shingles(word_list: list[str]) -> list[str]:
    """Overlapping runs of SHINGLE_WORDS words, in order (repeats kept); a text shorter
    than one shingle is one shingle of all its words."""
    if len(word_list) <= SHINGLE_WORDS:
        return [" ".join(word_list)] if word_list else []
    # The runs as tuples from shifted copies of the list, not a slice a shingle (79 -> 59
    # µs for a benchmark article's 330 shingles).
    shifted = (word_list[i:] for i in range(SHINGLE_WORDS))
    return list(map(" ".join, zip(*shifted, strict=False)))  # shorter and shorter


@dataclass(frozen=True)
class Fingerprint:
    """Both signatures, as stored on the article (`to_bytes`), with their band keys."""

    full: np.ndarray  # uint32[NUM_PERM]
    lead: np.ndarray  # uint32[LEAD_PARAGRAPHS * LEAD_PERM], one signature per opening

    def to_bytes(self) -> bytes:
        return self.full.astype("<u4").tobytes() + self.lead.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Fingerprint":
        values = np.frombuffer(bytes(data), dtype="<u4")
        if len(values) != NUM_PERM + LEAD_PARAGRAPHS * LEAD_PERM:
            raise ValueError(f"fingerprint has {len(values)} values, expected the current scheme")
        return cls(full=values[:NUM_PERM], lead=values[NUM_PERM:])

    def __reduce__(self):
        """Pickled as its stored bytes and, once computed, its band keys packed as 64-bit
        integers: every fingerprint an import worker prepares travels to the storing
        process (numpy's own pickling took 11 µs to pickle and 9 µs to load one)."""
        keys = self.__dict__.get("band_keys")
        packed = None if keys is None else np.array(keys, dtype="<i8").tobytes()
        return _unpickled_fingerprint, (self.to_bytes(), packed)

    @cached_property
    def band_keys(self) -> list[int]:
        """One signed 64-bit key per band (`_band_keys`); full-text and opening bands have
        seeds of their own, and an opening's keys do not depend on which paragraph it
        starts at. Computed once, and pickled with the fingerprint (an import worker
        computes them)."""
        keys = np.concatenate(
            [
                _band_keys(self.full, ROWS, _band_seeds(b"F", BANDS)),
                _band_keys(self.lead, LEAD_ROWS, _band_seeds(b"L", LEAD_BANDS, LEAD_PARAGRAPHS)),
            ]
        )
        return list(dict.fromkeys(keys.view(np.int64).tolist()))


def _unpickled_fingerprint(data: bytes, packed_keys: bytes | None) -> Fingerprint:
    fp = Fingerprint.from_bytes(data)
    if packed_keys is not None:
        fp.__dict__["band_keys"] = np.frombuffer(packed_keys, dtype="<i8").tolist()
    return fp


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a clean body."""
    word_list, starts = [], []
    # The words of each line, as `words` finds them, with the text normalised once rather
    # than line by line: no character normalises or folds into or out of a line break,
    # and none composes across one (an article 215-226 -> 208-217 µs).
    for line in _folded(text).splitlines():
        line_words = _WORD.findall(line)
        if len(line_words) >= LEAD_MIN_WORDS and len(starts) < LEAD_PARAGRAPHS:
            starts.append(len(word_list))
        word_list += line_words
    hashes = _shingle_hashes(word_list)
    starts = starts or [0]
    starts += [starts[0]] * (LEAD_PARAGRAPHS - len(starts))  # short texts: repeat the first
    openings = [_signature(hashes[s : s + LEAD_SHINGLES], LEAD_PERM) for s in starts]
    return Fingerprint(full=_signature(hashes, NUM_PERM), lead=np.concatenate(openings))


class Text:
    """A body prepared for verification: its lines, words and shingle hashes, computed
    once however many pairs the article is in."""

    def __init__(self, body: str):
        self.body = body

    @cached_property
    def lines(self) -> list[str]:
        return [line for line in self.body.splitlines() if line.strip()]

    @cached_property
    def line_keys(self) -> frozenset[str]:
        return frozenset(line_key(line) for line in self.lines)

    @cached_property
    def shingle_set(self) -> np.ndarray:
        return _hashed(shingles(words(self.body)))

    def own_part(self, shared: frozenset[str]) -> list[str]:
        """The words of the lines that are not in `shared`."""
        return words("\n".join(line for line in self.lines if line_key(line) not in shared))


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float
    smaller: int  # shingles in the smaller set
    own_parts: bool  # same source: only each article's own lines were compared
    exact: bool = False  # the same normalised body: nothing to measure (`EXACT_COPY`)

    @property
    def verdict(self) -> Verdict:
        contained = self.smaller >= MIN_CONTAINED_SHINGLES
        if self.jaccard >= AUTO_JACCARD or (contained and self.containment >= AUTO_CONTAINMENT):
            return Verdict.LINK
        if self.jaccard >= REVIEW_JACCARD or (contained and self.containment >= REVIEW_CONTAINMENT):
            return Verdict.REVIEW
        return Verdict.DISTINCT

    @property
    def method(self) -> str:
        if self.exact:
            return "exact copy (same normalised body)"
        how = "own lines" if self.own_parts else "full text"
        return f"shingles w{SHINGLE_WORDS}, {how}"


# Two bodies with the same content hash (`ingest.hashing`: the same words, whitespace and
# case aside) have the same shingles: linked without comparing them.
EXACT_COPY = Similarity(jaccard=1.0, containment=1.0, smaller=0, own_parts=False, exact=True)


def template_lines(a: Text, b: Text, *, same_source: bool) -> frozenset[str]:
    """The line keys `compare` leaves out as the source's template: the lines two articles
    of one source share, when both also have a substantial part of their own; else none."""
    if not same_source:
        return frozenset()
    shared = a.line_keys & b.line_keys
    if shared and _substantial(a.own_part(shared), a) and _substantial(b.own_part(shared), b):
        return shared
    return frozenset()


def compare(a: Text, b: Text, *, same_source: bool) -> Similarity:
    """Exact similarity of two bodies on their shingle sets, without their shared
    template lines (`template_lines`)."""
    if template := template_lines(a, b, same_source=same_source):
        own_a, own_b = a.own_part(template), b.own_part(template)
        return _measure(_hashed(shingles(own_a)), _hashed(shingles(own_b)), True)
    return _measure(a.shingle_set, b.shingle_set, False)


# --- Helpers --------------------------------------------------------------------------------


# The signatures are datasketch's MinHash of the shingle set, scheme "affine32", with a
# shingle's hash (its hash function) the crc32 of each of its words chained as a
# polynomial over 64-bit integers (x -> x*_CHAIN + crc32 of the word's UTF-8), through
# MurmurHash3's 64-bit finalizer, the top 32 bits. Computed as datasketch computes them:
# the hashes premixed with MurmurHash3's 32-bit finalizer, then permuted by datasketch's
# permutations (h -> a*h + b mod 2^32), the minimum of each kept. Done here on one array of hashes
# rather than with four MinHash objects an article, each hashing its shingles again:
# 0.38 -> 0.25 ms an article with its band keys; a test holds the values to datasketch's.
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))
_FMIX64 = tuple(np.uint64(c) for c in (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33))
_EMPTY = np.uint32(0xFFFFFFFF)  # an empty set's signature, as datasketch's
_CHAIN = np.uint64(0x9E3779B97F4A7C15)  # an odd multiplier: the golden ratio's 64 bits
_TOP = np.uint64(32)


def _shingle_hashes(word_list: list[str]) -> np.ndarray:
    """The hash of every shingle of the words (`shingles`, repeats kept: they do not
    change a minimum), premixed: the input of the permutations. From each word's crc32,
    never building a shingle's string: a benchmark article's 340 words, joining and
    crc32-hashing the shingles 105 µs -> the words' crc32 and the chaining 45 µs."""
    count = len(word_list)
    crcs = np.fromiter(map(zlib.crc32, map(str.encode, word_list)), np.uint64, count)
    width = min(count, SHINGLE_WORDS)  # a short text is one shingle of all its words
    runs = count - width + 1 if count else 0
    chained = _chained(crcs[:runs].copy(), (crcs[at : at + runs] for at in range(1, width)))
    return _fmix((chained >> _TOP).astype(np.uint32), _FMIX32)


def _chained(start: np.ndarray, parts) -> np.ndarray:
    """`start` (uint64) chained with each of `parts` in turn (x -> x*_CHAIN + part, mod
    2^64) and finalised by MurmurHash3's fmix64, in place: how the scheme hashes a
    shingle's words and a band's values."""
    for part in parts:
        start *= _CHAIN
        start += part
    return _fmix(start, _FMIX64)


def _fmix(values: np.ndarray, constants: tuple) -> np.ndarray:
    """MurmurHash3's finalizer, in place: 32-bit (`_FMIX32`, uint32 values) or 64-bit
    (`_FMIX64`, uint64)."""
    shift1, multiply1, shift2, multiply2, shift3 = constants
    values ^= values >> shift1
    values *= multiply1
    values ^= values >> shift2
    values *= multiply2
    values ^= values >> shift3
    return values


def _signature(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """The MinHash signature (uint32[num_perm]) of the shingles with these hashes."""
    if not len(hashes):
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(num_perm)
    return (hashes[:, np.newaxis] * a + b).min(axis=0)


@cache
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's permutation parameters (uint32[2, num_perm]: a, b), drawn as its
    MinHash draws them for the "affine32" scheme (an odd `a`, any `b`, from numpy's
    RandomState of the seed): importing datasketch, which imports scipy, took 0.4 s of
    each import worker's start. Generating them costs more than hashing an article: done
    once."""
    draw = np.random.RandomState(_SEED)
    a = draw.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _band_keys(signature: np.ndarray, rows: int, seeds: np.ndarray) -> np.ndarray:
    """The LSH key of each band (ROWS signature values) of `signature`, uint64: the band's
    seed and its values chained as a shingle's words are, through MurmurHash3's 64-bit
    finalizer (an article's 44 keys by blake2b 35 µs, at once 8 µs)."""
    values = signature.reshape(-1, rows).astype(np.uint64)
    return _chained(seeds.copy(), (values[:, row] for row in range(rows)))


@cache
def _band_seeds(kind: bytes, bands: int, repeat: int = 1) -> np.ndarray:
    """The seeds of `bands` bands of `kind` (each the blake2b of kind and band number),
    `repeat` times over: the openings' bands are numbered alike whichever they are."""
    seeds = [
        int.from_bytes(
            hashlib.blake2b(kind + band.to_bytes(2, "little"), digest_size=8).digest(), "big"
        )
        for band in range(bands)
    ]
    return np.array(seeds * repeat, dtype=np.uint64)


def _hashed(shingle_list: list[str]) -> np.ndarray:
    """The distinct shingles as a sorted array of 64-bit hashes: a twentieth of the memory
    of a Python set, which matters when a rebuild holds tens of thousands of articles.
    Python's string hash is fast and stable within one process, which is all verification
    needs (it never leaves the process, unlike the MinHash input)."""
    return np.unique(np.fromiter(map(hash, shingle_list), dtype=np.int64, count=len(shingle_list)))


def _substantial(own: list[str], text: Text) -> bool:
    total = len(words(text.body))
    return len(own) >= OWN_PART_MIN_WORDS and len(own) >= OWN_PART_MIN_SHARE * total


def _measure(a: np.ndarray, b: np.ndarray, own_parts: bool) -> Similarity:
    if not len(a) or not len(b):
        return Similarity(0.0, 0.0, 0, own_parts)
    common = len(np.intersect1d(a, b, assume_unique=True))
    smaller = min(len(a), len(b))
    return Similarity(
        jaccard=common / (len(a) + len(b) - common),
        containment=common / smaller,
        smaller=smaller,
        own_parts=own_parts,
    )
