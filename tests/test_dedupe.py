"""Near-duplicate detection: verification on real article text, and the dedupe service's
links, candidates, groups and decisions on a real database (both SQLite and PostgreSQL)."""

import hashlib
import importlib
import pickle
import sqlite3
import zlib
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.dedupe import (
    SCHEME,
    Fingerprint,
    Text,
    Verdict,
    compare,
    fingerprint,
    shingles,
    words,
)
from articles.ingest.hashing import content_hash
from articles.models import Article, DuplicateCandidate, DuplicateStatus, FingerprintBand
from articles.services import duplicates
from articles.services.duplicates import (
    UnwrittenBands,
    decide,
    dedupe_articles,
    propose,
    rebuild,
)
from articles.services.imports import import_paths
from tests.factories import ArticleFactory, SourceFactory, SourceRatingFactory

EXTRACTION = Path(settings.BASE_DIR) / "tests" / "data" / "extraction"


def _real_text(name: str) -> str:
    """A real article's clean text (the gold text of the extraction tests)."""
    return (EXTRACTION / f"{name}.txt").read_text(encoding="utf-8").strip()


STORY = _real_text("en_cnn")
OTHER = _real_text("en_cleveland")
THIRD = _real_text("en_fox13now")


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _wrapped(text: str) -> str:
    header = "Home | World | Business | Sport\nShare on Facebook Share on X"
    footer = (
        "Subscribe to the Evening Ledger newsletter for the day's top stories.\n"
        "© 2026 Evening Ledger. All rights reserved."
    )
    return f"{header}\n{text}\n{footer}"


def _copyedited(text: str) -> str:
    edits = [(" said ", " stated "), (" the ", " the "), (" and ", " & "), (" on ", " upon ")]
    for old, new in edits:
        text = text.replace(old, new, 1)
    return text


def _teaser(text: str) -> str:
    return "\n".join(_paragraphs(text)[:2]) + "\nRead the full story at the Evening Ledger."


def _rewrite(text: str) -> str:
    paragraphs = _paragraphs(text)
    intro = _paragraphs(THIRD)[0]
    return "\n".join([intro, *paragraphs[:3], *paragraphs[4:]])


# --- Verification on real text (no database) ------------------------------------------------


def test_an_exact_copy_is_linked():
    similarity = compare(Text(STORY), Text(STORY), same_source=False)
    assert similarity.jaccard == 1.0 and similarity.verdict == Verdict.LINK


def test_a_copy_under_another_outlets_boilerplate_is_linked():
    similarity = compare(Text(STORY), Text(_wrapped(STORY)), same_source=False)
    assert similarity.verdict == Verdict.LINK


def test_a_copy_edited_copy_is_linked():
    edited = _copyedited(STORY)
    assert edited != STORY
    assert compare(Text(STORY), Text(edited), same_source=False).verdict == Verdict.LINK


def test_a_teaser_is_matched_by_containment_not_jaccard():
    similarity = compare(Text(STORY), Text(_teaser(STORY)), same_source=False)
    assert similarity.jaccard < 0.5
    assert similarity.containment >= 0.8
    assert similarity.verdict in (Verdict.LINK, Verdict.REVIEW)


def test_a_rewrite_with_a_new_intro_and_a_dropped_paragraph_is_at_least_reviewed():
    similarity = compare(Text(STORY), Text(_rewrite(STORY)), same_source=False)
    assert similarity.verdict in (Verdict.LINK, Verdict.REVIEW)


def test_different_articles_are_distinct():
    assert compare(Text(STORY), Text(OTHER), same_source=False).verdict == Verdict.DISTINCT
    assert compare(Text(STORY), Text(THIRD), same_source=False).verdict == Verdict.DISTINCT


FOOTER = "\n".join(
    [
        "About the Daily Bulletin: we are an independent newsroom serving the valley since 1998,"
        " funded by readers and committed to accurate, fair and fearless local journalism.",
        "Get our morning briefing in your inbox every weekday: the stories that matter to the"
        " valley, the weather, the traffic and the council decisions you need to know about.",
        "Comment policy: we welcome civil debate. Comments that insult other readers, reveal"
        " private information or promote products are removed by our moderators without notice.",
        "Related: Council approves new budget for road repairs after long debate in chamber",
        "Related: Local school wins regional science fair with project on river pollution",
    ]
)


def _short(text: str) -> str:
    return " ".join(" ".join(_paragraphs(text)).split()[:70])


def test_two_short_articles_of_one_outlet_with_a_large_shared_footer_are_distinct():
    a = f"{_short(OTHER)}\n{FOOTER}"
    b = f"{_short(THIRD)}\n{FOOTER}"
    # Measured on the whole text the footer dominates ...
    assert compare(Text(a), Text(b), same_source=False).verdict != Verdict.DISTINCT
    # ... but within one source the shared lines are its template, not the story.
    similarity = compare(Text(a), Text(b), same_source=True)
    assert similarity.own_parts
    assert similarity.verdict == Verdict.DISTINCT


def test_within_one_source_a_copy_and_an_edit_are_still_linked():
    a = f"{STORY}\n{FOOTER}"
    assert compare(Text(a), Text(a), same_source=True).verdict == Verdict.LINK
    edited = f"{_copyedited(STORY)}\n{FOOTER}"
    assert compare(Text(a), Text(edited), same_source=True).verdict == Verdict.LINK


def test_the_fingerprint_round_trips_and_copies_share_band_keys():
    fp = fingerprint(STORY)
    assert Fingerprint.from_bytes(fp.to_bytes()).band_keys == fp.band_keys
    assert set(fingerprint(_wrapped(STORY)).band_keys) & set(fp.band_keys)
    # A teaser shares the opening: the lead bands find it.
    assert set(fingerprint(_teaser(STORY)).band_keys) & set(fp.band_keys)
    assert not set(fingerprint(OTHER).band_keys) & set(fp.band_keys)


# The hashing as the scheme defines it, in plain integers (independent of the numpy code
# that computes it for a whole text at once).
_MASK64 = 2**64 - 1
_CHAIN = 0x9E3779B97F4A7C15


def _fmix64(value: int) -> int:
    value ^= value >> 33
    value = value * 0xFF51AFD7ED558CCD & _MASK64
    value ^= value >> 33
    value = value * 0xC4CEB9FE1A85EC53 & _MASK64
    return value ^ value >> 33


def _chained(start: int, values) -> int:
    for value in values:
        start = (start * _CHAIN + value) & _MASK64
    return _fmix64(start)


def _shingle_hash(shingle: bytes) -> int:
    """A shingle's hash: its words' crc32 chained, finalised, the top 32 bits."""
    return _chained(0, map(zlib.crc32, shingle.split(b" "))) >> 32


def _datasketch_signature(shingle_set: set[str], num_perm: int) -> np.ndarray:
    minhash = MinHash(num_perm=num_perm, seed=1, hashfunc=_shingle_hash, scheme="affine32")
    minhash.update_batch([shingle.encode() for shingle in shingle_set])
    return minhash.hashvalues


def _band_key(kind: bytes, index: int, values: np.ndarray) -> int:
    """A band's key: its values chained after the band's seed, finalised, signed."""
    seed = hashlib.blake2b(kind + index.to_bytes(2, "little"), digest_size=8).digest()
    key = _chained(int.from_bytes(seed, "big"), map(int, values))
    return key - 2**64 if key >= 2**63 else key


@pytest.mark.parametrize(
    "text",
    [
        STORY,
        "Short text.",
        "",
        "ﬁve Ｗｏｒｄｓ in «another» script: Київ, Харків і Львів сьогодні вранці.",
        "Opening line with enough words to count as one.\n\nSecond line that also has "
        "more than eight words in it.\nA third such line, a line of ten words or so.",
    ],
)
def test_the_signatures_and_band_keys_are_datasketchs_minhash_of_the_shingles(text):
    """fingerprint() computes the MinHash signatures from one array of hashes instead of
    through four datasketch objects: the values must be datasketch's, and the band keys
    those of its signatures, or stored fingerprints would stop meeting new ones."""
    _assert_datasketchs_minhash(text)


# Any text, with every kind of line break, combining marks and compatibility characters.
_TRICKY = st.lists(
    st.one_of(
        st.sampled_from("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 \u0301\u0308ﬁＷ①ſΣς"),
        st.characters(blacklist_categories=["Cs"]),
        # Lines of eight words or more are where the openings start.
        st.sampled_from(["word ", "Київ ", "one two three four five six seven eight nine "]),
    ),
    max_size=120,
).map("".join)


@hypothesis_settings(max_examples=60, deadline=None)
@given(_TRICKY)
def test_a_fingerprint_takes_each_lines_words_as_words_finds_them(text):
    """fingerprint() normalises the whole text at once: its words per line must still be
    those `words` finds line by line (line breaks of every kind, marks after a break)."""
    _assert_datasketchs_minhash(text)


def _assert_datasketchs_minhash(text: str) -> None:
    lines = [words(line) for line in text.splitlines()]
    word_list = [word for line in lines for word in line]
    all_shingles = shingles(word_list)
    starts, offset = [], 0
    for line in lines:
        if len(line) >= 8 and len(starts) < 3:
            starts.append(offset)
        offset += len(line)
    starts = (starts or [0]) + [(starts or [0])[0]] * (3 - len(starts or [0]))

    fp = fingerprint(text)

    full = _datasketch_signature(set(all_shingles), 128)
    leads = [_datasketch_signature(set(all_shingles[s : s + 30]), 16) for s in starts]
    assert fp.full.tolist() == full.tolist()
    assert fp.lead.tolist() == np.concatenate(leads).tolist()
    keys = [_band_key(b"F", i, full[i * 4 : (i + 1) * 4]) for i in range(32)]
    keys += [_band_key(b"L", i, lead[i * 4 : (i + 1) * 4]) for lead in leads for i in range(4)]
    assert fp.band_keys == list(dict.fromkeys(keys))


def test_a_fingerprint_pickles_with_its_band_keys_as_an_import_worker_sends_it():
    computed, bare = fingerprint(STORY), fingerprint(OTHER)
    computed.band_keys  # noqa: B018 - a worker computes them before sending

    for fp in (computed, bare):
        copy = pickle.loads(pickle.dumps(fp))
        assert copy.to_bytes() == fp.to_bytes()
        assert ("band_keys" in copy.__dict__) == ("band_keys" in fp.__dict__)
        assert copy.band_keys == fp.band_keys and all(type(k) is int for k in copy.band_keys)


def test_a_fingerprint_of_another_scheme_is_refused():
    with pytest.raises(ValueError, match="current scheme"):
        Fingerprint.from_bytes(b"\x00" * 40)


@pytest.mark.django_db
def test_the_migration_to_the_current_scheme_fingerprints_a_desks_articles_again():
    """Keys of an earlier scheme never meet new articles': migration 0015 replaces them
    (and leaves articles never fingerprinted, and current ones, alone)."""
    from django.apps import apps

    refingerprint = importlib.import_module(
        "articles.migrations.0015_fingerprints_of_the_current_scheme"
    ).refingerprint
    old, current = _article(STORY), _article(OTHER)
    never = ArticleFactory(body=STORY + " Again.")
    Article.objects.filter(pk=old.pk).update(fingerprint=b"\x01" * 704, fingerprint_scheme="v2")
    FingerprintBand.objects.filter(article=old).delete()
    FingerprintBand.objects.create(article=old, key=12345)
    untouched = set(FingerprintBand.objects.filter(article=current).values_list("key", flat=True))

    refingerprint(apps, None)

    old.refresh_from_db()
    assert old.fingerprint_scheme == SCHEME
    assert bytes(old.fingerprint) == fingerprint(STORY).to_bytes()
    keys = FingerprintBand.objects.filter(article=old).values_list("key", flat=True)
    assert sorted(keys) == sorted(fingerprint(STORY).band_keys)
    assert set(current.bands.values_list("key", flat=True)) == untouched
    never.refresh_from_db()
    assert never.fingerprint is None and not never.bands.exists()


# --- The service ----------------------------------------------------------------------------

NOW = timezone.now().replace(microsecond=0)


def _article(body: str, *, source=None, published_at=NOW, **fields) -> Article:
    """An article as an import leaves it: fingerprinted, its band keys indexed."""
    from articles.services.duplicates import store_fingerprints

    article = ArticleFactory(
        body=body,
        content_hash=content_hash(body),
        source=source or SourceFactory(),
        published_at=published_at,
        **fields,
    )
    store_fingerprints([(article.pk, body)])
    return article


def _status(a: Article, b: Article) -> str | None:
    first, second = sorted([a.pk, b.pk])
    row = DuplicateCandidate.objects.filter(article_a=first, article_b=second).first()
    return row.status if row else None


def _canonical_of(article: Article) -> int:
    article.refresh_from_db()
    return article.duplicate_of_id or article.pk


@pytest.mark.django_db
def test_import_fingerprints_every_article_and_links_a_republished_copy(tmp_path):
    wire, ledger = tmp_path / "wire", tmp_path / "ledger"
    wire.mkdir(), ledger.mkdir()
    (wire / "original.txt").write_text(f"Original headline\n\n{STORY}", encoding="utf-8")
    (wire / "other.txt").write_text(f"Other headline\n\n{OTHER}", encoding="utf-8")
    copy_text = _wrapped(_copyedited(STORY))
    (ledger / "copy.txt").write_text(f"Copied headline\n\n{copy_text}", encoding="utf-8")

    first = import_paths([wire], source="Wire Service", workers=1)
    second = import_paths([ledger], source="Evening Ledger", workers=1)

    assert (first.imported, first.duplicates) == (2, 0)
    assert (second.imported, second.duplicates) == (0, 1)  # stored, and counted as a copy
    assert (first.dedupe.linked, second.dedupe.linked) == (0, 1)
    articles = {a.title: a for a in Article.objects.all()}
    assert all(a.fingerprint_scheme == SCHEME and a.fingerprint for a in articles.values())
    assert FingerprintBand.objects.filter(article=articles["Other headline"]).exists()
    copy, original = articles["Copied headline"], articles["Original headline"]
    assert copy.duplicate_of_id == original.pk  # published at the same time: imported first
    assert original.duplicate_of_id is None and articles["Other headline"].duplicate_of_id is None
    assert _status(copy, original) == DuplicateStatus.AUTO
    assert second.batch_id and copy.import_batch.duplicate_count == 1


def _held(*bodies: str) -> tuple[UnwrittenBands, list[Article]]:
    """Articles stored as an import stores them, their band keys held back."""
    held, articles = UnwrittenBands(), []
    for body in bodies:
        fp = fingerprint(body)
        article = ArticleFactory(
            body=body,
            content_hash=content_hash(body),
            published_at=NOW,
            fingerprint=fp.to_bytes(),
            fingerprint_scheme=SCHEME,
        )
        held.add(article.pk, fp)
        articles.append(article)
    return held, articles


@pytest.mark.django_db
def test_band_keys_not_written_yet_are_looked_up_next_to_the_index():
    """An import holds its articles' band keys back and writes them in large batches: the
    checks it runs meanwhile must find copies among those keys, indexed or not."""
    indexed = _article(STORY)
    held, unindexed = _held(_wrapped(_copyedited(STORY)), _rewrite(OTHER), OTHER)
    copy, rewrite, other = unindexed

    without = dedupe_articles(ids=[copy.pk, rewrite.pk])
    assert (without.pairs_checked, without.linked) == (0, 0)  # no keys: nothing to compare

    report = dedupe_articles(ids=[copy.pk, rewrite.pk], unwritten=held)

    assert _status(copy, indexed) == DuplicateStatus.AUTO  # a held key meets the index
    assert _status(rewrite, other) is not None  # two held keys meet each other
    assert report.linked + report.review == 2
    assert not FingerprintBand.objects.filter(article__in=unindexed).exists()
    held.write()
    assert FingerprintBand.objects.filter(article__in=unindexed).count() == sum(
        len(set(fingerprint(a.body).band_keys)) for a in unindexed
    )
    assert (held.rows, held.keys_of) == (0, {})
    assert held.members(fingerprint(copy.body).band_keys[0]) == []


def _key_lookups(queries) -> int:
    return sum('WHERE "key" IN' in query["sql"] for query in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's data_version")
@pytest.mark.django_db
def test_once_the_index_keys_are_read_only_keys_it_holds_are_looked_up(monkeypatch):
    """An import reads the index's keys once looking them up has cost as much, then looks
    up only the keys the index has: the same copies are found with fewer lookups."""
    monkeypatch.setattr(duplicates, "LOOKUPS_BEFORE_READING", 0)
    indexed = _article(STORY)
    held, (copy, other) = _held(_wrapped(_copyedited(STORY)), OTHER)
    held._indexed.looked_up = 10**9  # as if an import had looked up that many already

    with CaptureQueriesContext(connection) as queries:
        dedupe_articles(ids=[copy.pk, other.pk], unwritten=held)

    assert _status(copy, indexed) == DuplicateStatus.AUTO
    assert held._indexed.keys is not None  # read
    shared = set(fingerprint(copy.body).band_keys) & set(fingerprint(STORY).band_keys)
    assert 0 < _key_lookups(queries) <= -(-len(shared) // 500)  # only the shared keys
    held.write()  # the keys it writes are known from then on
    assert set(fingerprint(OTHER).band_keys) <= set(held._indexed.keys.tolist())
    later, (again,) = held, _held(OTHER)[1]
    later.add(again.pk, fingerprint(OTHER))
    dedupe_articles(ids=[again.pk], unwritten=later)
    assert _status(again, other) == DuplicateStatus.AUTO  # found among the written keys


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's data_version")
@pytest.mark.django_db
def test_lookups_announced_by_an_import_have_the_index_keys_read_at_once():
    """An import announces the documents its workers prepare: when their lookups would
    cost more than reading the index's keys, the keys are read before any lookup."""
    indexed = _article(STORY)
    for text in (OTHER, THIRD):
        _article(text)
    rows = FingerprintBand.objects.count()
    quiet, (copy,) = _held(_wrapped(_copyedited(STORY)))
    with CaptureQueriesContext(connection) as queries:
        dedupe_articles(ids=[copy.pk], unwritten=quiet)
    assert quiet._indexed.keys is None and _key_lookups(queries) > 0  # a small check

    announced, (again,) = _held(_wrapped(_copyedited(STORY)))
    needed = max(duplicates.LOOKUPS_BEFORE_READING, rows // duplicates.LOOKUP_COST_IN_KEYS_READ)
    announced.expect(needed)  # a large import's worth of documents still to check
    with CaptureQueriesContext(connection) as queries:
        dedupe_articles(ids=[again.pk], unwritten=announced)

    assert announced._indexed.keys is not None  # read before looking anything up
    shared = set(fingerprint(again.body).band_keys) & set(fingerprint(STORY).band_keys)
    assert _key_lookups(queries) == -(-len(shared) // 500)  # only keys the index holds
    assert _status(again, indexed) == DuplicateStatus.AUTO


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's data_version")
@pytest.mark.django_db
def test_the_index_keys_are_read_whole_and_sorted_from_every_range_of_keys():
    article = _article(STORY)  # its own keys, and keys at the edges of the read's ranges
    step = 2**64 // duplicates._READ_RANGES
    edges = [-(2**63), -(2**63) + step - 1, -1, 0, step, 2**63 - step - 1, 2**63 - 1]
    FingerprintBand.objects.bulk_create(
        [FingerprintBand(article=article, key=key) for key in edges], ignore_conflicts=True
    )
    expected = sorted(FingerprintBand.objects.values_list("key", flat=True))
    assert len(expected) == len(set(fingerprint(STORY).band_keys) | set(edges))

    indexed = duplicates._IndexedKeys()
    indexed._read()

    assert indexed.keys.dtype == np.int64 and indexed.keys.tolist() == expected
    assert indexed.among(sorted([*edges, 12345])) == edges  # held keys only


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's data_version")
@pytest.mark.django_db(transaction=True)
def test_index_keys_read_are_not_trusted_once_another_connection_writes(monkeypatch):
    """Another writer's keys are missing from the keys read: after another connection has
    committed, every key is looked up again."""
    monkeypatch.setattr(duplicates, "LOOKUPS_BEFORE_READING", 0)
    held, (first,) = _held(OTHER)
    held._indexed.looked_up = 10**9
    assert held.in_index([1, 2]) == []  # read (the index is empty), nothing looked up
    elsewhere = _article(_copyedited(OTHER))  # stored and indexed by another process:
    with sqlite3.connect(connection.settings_dict["NAME"]) as other_connection:
        other_connection.execute(
            "UPDATE articles_article SET title = title WHERE id = ?", [elsewhere.pk]
        )

    dedupe_articles(ids=[first.pk], unwritten=held)

    assert held._indexed.keys is None and not held._indexed.usable
    assert _status(first, elsewhere) == DuplicateStatus.AUTO


@pytest.mark.django_db
def test_an_exact_copy_is_linked_as_one_without_comparing_shingles():
    """The same normalised body (re-spaced, another case) needs no shingle comparison; a
    copy-edited one is measured."""
    original = _article(STORY)
    respaced = _article("  " + STORY.upper().replace(" ", "  "))
    edited = _article(_copyedited(STORY))

    dedupe_articles(ids=[respaced.pk, edited.pk])

    pair = DuplicateCandidate.objects.get(article_a=original, article_b=respaced)
    assert (pair.status, pair.similarity, pair.containment) == (DuplicateStatus.AUTO, 1.0, 1.0)
    assert pair.method == "exact copy (same normalised body)"
    measured = DuplicateCandidate.objects.get(article_a=original, article_b=edited)
    assert measured.method == "shingles w5, full text" and measured.similarity < 1.0


@pytest.mark.django_db
def test_an_exact_copy_from_another_source_is_linked_and_the_earliest_is_canonical():
    later = _article(STORY, published_at=NOW)
    earlier = _article(STORY, published_at=NOW - timedelta(hours=3))

    dedupe_articles(ids=[later.pk, earlier.pk])

    assert _canonical_of(later) == earlier.pk
    assert _canonical_of(earlier) == earlier.pk


@pytest.mark.django_db
def test_exact_copies_beyond_the_bucket_limit_still_form_one_group(monkeypatch):
    # A wire story republished more often than a band key may be shared: the band buckets
    # are skipped, the exact copies still pair with the first article of their body.
    monkeypatch.setattr("articles.services.duplicates.MAX_BUCKET", 3)
    copies = [_article(STORY, published_at=NOW + timedelta(minutes=i)) for i in range(6)]

    report = dedupe_articles(ids=[c.pk for c in copies])

    assert report.skipped_buckets > 0
    assert {_canonical_of(c) for c in copies} == {copies[0].pk}
    assert DuplicateCandidate.objects.count() == 5  # a star, not all 15 pairs
    rebuild()
    assert {_canonical_of(c) for c in copies} == {copies[0].pk}
    assert DuplicateCandidate.objects.count() == 5


@pytest.mark.django_db
def test_a_teaser_and_a_rewrite_become_candidates_or_links_and_unrelated_stay_apart():
    original = _article(STORY)
    teaser = _article(_teaser(STORY))
    rewrite = _article(_rewrite(STORY))
    unrelated = _article(OTHER)

    dedupe_articles(ids=[original.pk, teaser.pk, rewrite.pk, unrelated.pk])

    assert _status(original, teaser) in (DuplicateStatus.AUTO, DuplicateStatus.PENDING)
    assert _status(original, rewrite) in (DuplicateStatus.AUTO, DuplicateStatus.PENDING)
    assert _status(original, unrelated) is None
    assert _canonical_of(unrelated) == unrelated.pk


@pytest.mark.django_db
def test_same_source_short_articles_with_a_shared_footer_are_not_paired():
    outlet = SourceFactory(name="Daily Bulletin")
    a = _article(f"{_short(OTHER)}\n{FOOTER}", source=outlet)
    b = _article(f"{_short(THIRD)}\n{FOOTER}", source=outlet)

    dedupe_articles(ids=[a.pk, b.pk])

    assert _status(a, b) is None
    assert _canonical_of(a) == a.pk and _canonical_of(b) == b.pk


@pytest.mark.django_db
def test_ties_on_date_go_to_the_more_reliable_source_then_the_earliest_imported():
    reliable, doubtful = SourceFactory(), SourceFactory()
    SourceRatingFactory(source=reliable, grade="A")
    SourceRatingFactory(source=doubtful, grade="D")
    first_doubtful = _article(STORY, source=doubtful, imported_at=NOW - timedelta(days=1))
    then_reliable = _article(STORY, source=reliable, imported_at=NOW)
    dedupe_articles(ids=[first_doubtful.pk, then_reliable.pk])
    assert _canonical_of(first_doubtful) == then_reliable.pk

    a = _article(OTHER, published_at=None, imported_at=NOW)
    b = _article(OTHER, published_at=None, imported_at=NOW - timedelta(hours=1))
    dedupe_articles(ids=[a.pk, b.pk])
    assert _canonical_of(a) == b.pk


@pytest.mark.django_db
def test_when_two_groups_merge_every_member_points_at_the_new_canonical():
    # Group 1: the story and its wrapped copy. Group 2: a teaser published earlier.
    story = _article(STORY, published_at=NOW)
    wrapped = _article(_wrapped(STORY), published_at=NOW + timedelta(hours=1))
    dedupe_articles(ids=[story.pk, wrapped.pk])
    assert _canonical_of(wrapped) == story.pk

    earliest = _article(_copyedited(STORY), published_at=NOW - timedelta(days=1))
    dedupe_articles(ids=[earliest.pk])

    for member in (story, wrapped):
        member.refresh_from_db()
        assert member.duplicate_of_id == earliest.pk  # directly: groups never chain
    earliest.refresh_from_db()
    assert earliest.duplicate_of_id is None
    assert not Article.objects.filter(duplicate_of__duplicate_of__isnull=False).exists()
    assert story.history.filter(duplicate_of=earliest.pk).exists()


@pytest.mark.django_db
def test_a_rejected_pair_is_never_suggested_or_linked_again(editor):
    a = _article(STORY)
    b = _article(_wrapped(STORY))
    dedupe_articles(ids=[a.pk, b.pk])
    pair = DuplicateCandidate.objects.get()
    decide(candidate=pair, confirm=False, by=editor)
    assert _canonical_of(a) == a.pk and _canonical_of(b) == b.pk

    rebuild()
    dedupe_articles(ids=[a.pk, b.pk])

    assert DuplicateCandidate.objects.get().status == DuplicateStatus.REJECTED
    assert _canonical_of(a) == a.pk and _canonical_of(b) == b.pk

    # A third copy links to one of them, but never pulls the rejected pair into one group.
    c = _article(_copyedited(STORY))
    dedupe_articles(ids=[c.pk])
    assert _canonical_of(a) != _canonical_of(b)


@pytest.mark.django_db
def test_a_confirmed_pair_and_the_chosen_canonical_survive_a_rebuild(editor):
    a = _article(STORY, published_at=NOW - timedelta(days=2))
    b = _article(_teaser(STORY), published_at=NOW)
    dedupe_articles(ids=[a.pk, b.pk])
    pair = DuplicateCandidate.objects.get()
    decide(candidate=pair, confirm=True, by=editor, canonical=b)
    assert _canonical_of(a) == b.pk

    rebuild()

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.CONFIRMED and pair.decided_by == editor
    assert _canonical_of(a) == b.pk
    assert pair.history.filter(status=DuplicateStatus.CONFIRMED, history_user=editor).exists()


@pytest.mark.django_db
def test_rebuild_is_idempotent_and_removes_what_no_longer_holds():
    a = _article(STORY)
    b = _article(_wrapped(STORY))
    c = _article(OTHER)
    first = rebuild()
    assert first.linked == 1 and _canonical_of(b) == _canonical_of(a)
    rows = list(DuplicateCandidate.objects.values_list("article_a", "article_b", "status"))
    history = Article.history.count()

    second = rebuild()

    assert second.regrouped == 0 and second.removed == 0
    assert list(DuplicateCandidate.objects.values_list("article_a", "article_b", "status")) == rows
    assert Article.history.count() == history

    # The copy's body changes to another story: the stale link goes on the next rebuild.
    from articles.services.duplicates import store_fingerprints

    Article.objects.filter(pk=b.pk).update(body=THIRD)
    store_fingerprints([(b.pk, THIRD)])
    third = rebuild()
    assert third.removed == 1
    assert _canonical_of(b) == b.pk and _canonical_of(a) == a.pk and _canonical_of(c) == c.pk


@pytest.mark.django_db
def test_checking_a_canonical_whose_body_changed_dissolves_its_group():
    from articles.services.duplicates import store_fingerprints

    canonical = _article(STORY, published_at=NOW - timedelta(hours=1))
    copy = _article(_wrapped(STORY), published_at=NOW)
    dedupe_articles(ids=[copy.pk])
    assert _canonical_of(copy) == canonical.pk

    Article.objects.filter(pk=canonical.pk).update(body=THIRD)
    store_fingerprints([(canonical.pk, THIRD)])
    report = dedupe_articles(ids=[canonical.pk])

    assert report.removed == 1
    assert _canonical_of(copy) == copy.pk and _canonical_of(canonical) == canonical.pk


@pytest.mark.django_db
def test_checking_one_article_costs_the_same_queries_in_a_small_and_a_larger_desk():
    def queries_for_one_new_article() -> int:
        article = _article(_copyedited(STORY) + f"\nUpdate {Article.objects.count()}.")
        with CaptureQueriesContext(connection) as captured:
            dedupe_articles(ids=[article.pk])
        assert not any("body" in q["sql"] and "LIKE" in q["sql"] for q in captured)
        return len(captured)

    _article(STORY)
    small = queries_for_one_new_article()
    for index in range(30):
        _article(f"{OTHER}\nNote {index}: {THIRD[: 40 + index]}")
    larger = queries_for_one_new_article()
    assert small == larger


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
@pytest.mark.django_db
def test_checking_articles_seeks_their_pairs_and_never_reads_all_pairs_of_a_status():
    """Every query of a check on the pairs goes through the articles' own indexes: with a
    status in the query, SQLite read all pairs of that status, per chunk of an import."""
    a = _article(STORY)
    _article(OTHER), _article(_wrapped(OTHER))
    dedupe_articles(ids=list(Article.objects.values_list("pk", flat=True)))
    assert DuplicateCandidate.objects.count() == 1  # a status to read all of
    copy = _article(_wrapped(STORY))

    with CaptureQueriesContext(connection) as captured:
        report = dedupe_articles(ids=[copy.pk])

    assert report.linked == 1 and _canonical_of(copy) == a.pk
    table = DuplicateCandidate._meta.db_table
    plans = {}
    with connection.cursor() as cursor:
        for query in captured:
            if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plans[query["sql"]] = [row[-1] for row in cursor.fetchall()]
    assert len(plans) >= 4  # decided pairs, existing pairs, linked pairs, rejected pairs
    for sql, plan in plans.items():
        assert not any(step.startswith("SCAN") or "dupcand_status" in step for step in plan), (
            sql,
            plan,
        )


@pytest.mark.django_db
def test_only_editors_decide_and_viewers_cannot_propose(viewer, analyst, editor):
    a, b = _article(STORY), _article(_teaser(STORY))
    dedupe_articles(ids=[a.pk, b.pk])
    pair = DuplicateCandidate.objects.get()
    DuplicateCandidate.objects.filter(pk=pair.pk).update(status=DuplicateStatus.PENDING)
    pair.refresh_from_db()

    with pytest.raises(PermissionDenied):
        decide(candidate=pair, confirm=True, by=analyst)
    with pytest.raises(PermissionDenied):
        propose(candidate=pair, proposal="confirm", by=viewer)

    propose(candidate=pair, proposal="reject", by=analyst)
    pair.refresh_from_db()
    assert (pair.proposal, pair.proposed_by, pair.status) == ("reject", analyst, "pending")
    decide(candidate=pair, confirm=True, by=editor)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.CONFIRMED


# --- The band index's table -----------------------------------------------------------------


def _band_columns() -> set[str]:
    table = FingerprintBand._meta.db_table
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.django_db(transaction=True)
def test_the_band_index_migrates_to_its_key_article_primary_key_and_back():
    """0014 rebuilds the band table keyed by (key, article) with the rows it had: one row
    per key and article, which the key now enforces; migrating back restores the id."""
    a, b = _article(STORY), _article(_wrapped(STORY))
    rows = set(FingerprintBand.objects.values_list("key", "article_id"))
    assert len(rows) > 40 and _band_columns() == {"key", "article_id"}

    call_command("migrate", "articles", "0013", verbosity=0)
    try:
        assert _band_columns() == {"id", "key", "article_id"}
        with connection.cursor() as cursor:  # a row twice, as the old table allowed
            key, article_id = next(iter(rows))
            cursor.execute(
                "INSERT INTO articles_fingerprintband (key, article_id) VALUES (%s, %s)",
                [key, article_id],
            )
    finally:
        call_command("migrate", "articles", verbosity=0)

    assert _band_columns() == {"key", "article_id"}
    assert sorted(FingerprintBand.objects.values_list("key", "article_id")) == sorted(rows)
    with pytest.raises(IntegrityError), transaction.atomic():
        FingerprintBand.objects.create(key=key, article_id=article_id)
    report = dedupe_articles(ids=[a.pk, b.pk])
    assert report.linked == 1  # the candidates are found through the rebuilt table
