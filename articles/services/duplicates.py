"""The dedupe service: every write about near-duplicates.

Articles are fingerprinted (dedupe.py) and their band keys stored in FingerprintBand, the
LSH index. Finding an article's candidates is one indexed lookup of its keys, so checking
one new article costs the same in a desk of a hundred articles or a million. Every
candidate is verified exactly; a verified pair is stored as a DuplicateCandidate, linked
automatically (`auto`) or left for a person (`pending`).

Groups are derived from the pairs: the connected components of automatic and confirmed
pairs, never joining two articles a person rejected as a pair. Each group's canonical
article is the one a person chose, else the earliest published (ties: the more reliable
source, then the earliest imported), and every other member points at it directly, so
groups never chain. Decisions are never overridden: a rejected pair is not suggested or
linked again, a confirmed one stays.
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import chain, groupby, islice
from operator import itemgetter

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.constants import OnConflict
from django.utils import timezone

from articles.dedupe import (
    EXACT_COPY,
    KEYS_PER_ARTICLE,
    SCHEME,
    Fingerprint,
    Text,
    Verdict,
    compare,
    fingerprint,
)
from articles.models import (
    Article,
    DuplicateCandidate,
    DuplicateStatus,
    FingerprintBand,
    ImportBatch,
    Proposal,
    Source,
)
from articles.services.claims import refresh_claim_stats
from articles.services.history import bulk_update_with_history

CHUNK = 200
# A band key shared by more articles than this says nothing (empty or formulaic texts):
# it is left out rather than compared pairwise.
MAX_BUCKET = 200
# Most reliable first; a source nobody can judge (F) or nobody rated ranks above one
# known to be unreliable (E).
_GRADE_RANK = {"A": 0, "B": 1, "C": 2, "D": 3, "F": 4, None: 4, "E": 5}
_LINKING = (DuplicateStatus.AUTO, DuplicateStatus.CONFIRMED)
_MACHINE = (DuplicateStatus.AUTO, DuplicateStatus.PENDING)


@dataclass
class DedupeReport:
    examined: int = 0
    fingerprinted: int = 0
    pairs_checked: int = 0
    linked: int = 0
    review: int = 0
    removed: int = 0
    regrouped: int = 0
    seconds: float = 0.0
    skipped_buckets: int = 0

    def add(self, other: "DedupeReport") -> None:
        """Count `other`'s work in this report too (an import checks its articles in
        several runs: as their band keys are written, and at its end)."""
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def summary(self) -> str:
        return (
            f"examined {self.examined} articles ({self.fingerprinted} fingerprinted), "
            f"verified {self.pairs_checked} candidate pairs: {self.linked} linked, "
            f"{self.review} for review, {self.removed} stale removed; "
            f"{self.regrouped} articles changed group in {self.seconds:.1f} s"
        )


# --- Fingerprints ---------------------------------------------------------------------------


def band_rows(article_id: int, fp: Fingerprint) -> list[tuple[int, int]]:
    """The article's rows of the LSH index, as (article_id, key) (its band keys are
    distinct already)."""
    return [(article_id, key) for key in fp.band_keys]


class UnwrittenBands:
    """Band keys of stored articles that are not in the LSH index yet, as an import holds
    them until it writes a large batch (see `imports.BAND_ROWS_PER_WRITE`): what
    `dedupe_articles` looks up next to the index, so the import checks its articles for
    near-duplicates as it stores them, whenever their keys are written.

    Nearly every key is held for one article only, so a key maps to that article's id,
    and only keys held for several articles have a list of the others: a list per key
    made up most of the objects the garbage collector traversed while importing.

    It also keeps what the import knows of the keys already in the index
    (`_IndexedKeys`, `in_index`), since it writes the keys that grow it."""

    def __init__(self):
        self._forget()
        self._indexed = _IndexedKeys()

    def _forget(self) -> None:
        self.keys_of: dict[int, list[int]] = {}  # article id -> its keys
        self._latest: dict[int, int] = {}  # key -> the last article added with it
        self._earlier: dict[int, list[int]] = {}  # key -> the other articles with it
        self.rows = 0

    def add(self, article_id: int, fp: Fingerprint) -> None:
        keys = fp.band_keys  # distinct already
        self.keys_of[article_id] = keys
        latest = self._latest
        for key in latest.keys() & keys:  # held for another article already: rare
            self._earlier.setdefault(key, []).append(latest[key])
        latest.update(dict.fromkeys(keys, article_id))
        self.rows += len(keys)

    def members(self, key: int) -> list[int]:
        """The held articles with this key."""
        latest = self._latest.get(key)
        return [] if latest is None else [*self._earlier.get(key, ()), latest]

    def shared(self, key: int) -> bool:
        """Whether more than one held article has this key."""
        return key in self._earlier

    def in_index(self, keys: list[int]) -> list[int]:
        """Of these keys (sorted), the ones worth looking up in the index (`_IndexedKeys`)."""
        return self._indexed.among(keys)

    def expect(self, keys: int) -> None:
        """Announce how many keys later checks will look up (an import: the documents its
        workers are preparing), so that the index's keys are read as soon as that is
        worth it rather than once looking them up has cost as much."""
        self._indexed.expected = keys

    def index_rows(self) -> int:
        """About how many rows the index has, with those `write` added."""
        return self._indexed.rows

    def write(self) -> None:
        """Insert them all into the index (in the caller's transaction), and forget them."""
        keys = np.fromiter(chain.from_iterable(self.keys_of.values()), np.int64, self.rows)
        ids = np.repeat(
            np.fromiter(self.keys_of, np.int64, len(self.keys_of)),
            [len(article_keys) for article_keys in self.keys_of.values()],
        )
        order = np.argsort(keys, kind="stable")  # in key order (see write_band_rows)
        keys = keys[order]
        _insert_band_rows(ids[order].tolist(), keys.tolist())
        self._indexed.add(keys)
        self._forget()


# Looking a band key up in the index costs about as much as reading this many keys of it
# in one scan, in an import into a 90,000-article desk: 2.3-2.9 µs a lookup (440,000 in
# 1.0-1.3 s, py-spy), 0.15 µs a key read (3.95 million in 0.6 s, `_IndexedKeys._read`).
LOOKUP_COST_IN_KEYS_READ = 16
# Fewer keys than this (about 450 articles) are always looked up: a small check never
# reads the index.
LOOKUPS_BEFORE_READING = 20_000
# The index's keys are read in this many ranges (a text of some 5 MB each at 4 million).
_READ_RANGES = 16


class _IndexedKeys:
    """The keys the LSH index holds, as far as this process knows them. Nearly every key of
    a new article is in no other article, and looking each one up is most of the cost of
    checking an import for near-duplicates (1.3 s per 10,000 articles into a 90,000-article
    desk). So an import looks its keys up until that, with the lookups it announces
    (`UnwrittenBands.expect`), costs about what reading all the index's keys once would
    (`LOOKUP_COST_IN_KEYS_READ`: a small import into a large desk keeps looking them
    up), then reads them into a sorted array, adds the keys it writes, and looks up only
    the keys the array has.

    SQLite only, where `PRAGMA data_version` says whether another connection has committed
    since the keys were read: if one has, its keys may be missing, and every key is looked
    up again from then on. Keys this connection writes other than through
    `UnwrittenBands.write` are not added (an import writes none meanwhile)."""

    def __init__(self):
        self.usable = connection.vendor == "sqlite"
        self.keys: np.ndarray | None = None  # sorted, a key once per row
        self.looked_up = 0
        self.expected = 0  # lookups announced, beyond those made
        self._rows: int | None = None  # see `rows`
        self.version: int | None = None

    def among(self, keys: list[int]) -> list[int]:
        if not self.usable:
            return keys
        if self.keys is None:
            self.looked_up += len(keys)
            foreseen = self.looked_up + self.expected
            if foreseen < LOOKUPS_BEFORE_READING:
                return keys
            if foreseen * LOOKUP_COST_IN_KEYS_READ < self.rows:
                return keys
            self._read()
        elif _data_version() != self.version:
            self.usable, self.keys = False, None
            return keys
        wanted = np.array(keys, dtype=np.int64)
        if not len(self.keys) or not len(wanted):
            return []
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return wanted[self.keys[at] == wanted].tolist()

    @property
    def rows(self) -> int:
        """About how many rows the index has: some 44 an article at most, counted once,
        then the keys written added."""
        if self._rows is None:
            self._rows = Article.objects.count() * KEYS_PER_ARTICLE
        return self._rows

    def add(self, keys: np.ndarray) -> None:
        """Keys (sorted) this connection has written to the index."""
        if self._rows is not None:
            self._rows += len(keys)
        if self.keys is not None:
            self.keys = np.insert(self.keys, np.searchsorted(self.keys, keys), keys)

    def _read(self) -> None:
        """Every key of the index, a range of keys at a time as one text that numpy
        parses: a row a key through Python took twice as long (3.95 million keys: 1.41,
        1.47 -> 0.70, 0.83 s)."""
        self.version = _data_version()
        table = connection.ops.quote_name(FingerprintBand._meta.db_table)
        step = 2**64 // _READ_RANGES
        parts = []
        with connection.cursor() as cursor:
            for low in range(-(2**63), 2**63, step):
                cursor.execute(
                    f'SELECT group_concat("key", \' \') FROM (SELECT "key" FROM {table} '
                    f'WHERE "key" BETWEEN %s AND %s ORDER BY "key")',
                    [low, low + step - 1],
                )
                if text := cursor.fetchone()[0]:
                    parts.append(np.fromstring(text, dtype=np.int64, sep=" "))
        keys = np.concatenate(parts) if parts else np.empty(0, np.int64)
        if not np.all(keys[1:] >= keys[:-1]):  # SQLite does not promise group_concat's order
            keys.sort()
        self.keys = keys


def _data_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA data_version")
        return cursor.fetchone()[0]


def write_band_rows(rows: list[tuple[int, int]]) -> None:
    """Insert (article_id, key) rows into the LSH index, in the caller's transaction: one
    executemany of plain rows (some 40 an article; model instances and bulk_create cost
    more than computing the keys), in key order, so the key index is walked once rather
    than at random (a chunk's rows into a 5,000-article desk: 0.45 -> 0.18 ms an article).
    Rows already there are left alone (`restore_missing_bands` and an import may both
    write an article's rows)."""
    rows = sorted(rows, key=itemgetter(1))
    _insert_band_rows([article_id for article_id, _ in rows], [key for _, key in rows])


# On PostgreSQL band rows go in as two arrays, this many rows a statement: an executemany
# sent a statement a row (10,000 files into a 2,000-article desk: 8.9 s of 20.6 writing
# 440,000 rows).
PG_BAND_ROWS_PER_STATEMENT = 100_000


def _insert_band_rows(ids: list[int], keys: list[int]) -> None:
    """`write_band_rows` of rows in key order already, as their article ids and keys."""
    ops = connection.ops
    fields = [FingerprintBand._meta.get_field(name) for name in ("article", "key")]
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    insert = ops.insert_statement(on_conflict=OnConflict.IGNORE)
    suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    table = ops.quote_name(FingerprintBand._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"{insert} {table} ({columns}) VALUES (%s, %s) {suffix}"
            cursor.executemany(sql, zip(ids, keys, strict=True))
            return
        sql = (
            f"{insert} {table} ({columns}) "
            f"SELECT * FROM unnest(%s::bigint[], %s::bigint[]) {suffix}"
        )
        for start in range(0, len(ids), PG_BAND_ROWS_PER_STATEMENT):
            end = start + PG_BAND_ROWS_PER_STATEMENT
            cursor.execute(sql, [ids[start:end], keys[start:end]])


def refresh_statistics(*, written: int = 0) -> None:
    """On PostgreSQL, ANALYZE the LSH index and the articles when the planner's picture
    of the index is out of date: it has no statistics on its keys, or a fifth more rows
    than it knows of are there (`written` just now, or counted since by the statistics
    collector). Without statistics it read the whole index for each lookup of a chunk's
    band keys (440,000 rows: 30 -> 4 ms a lookup of 500 keys; the last 1,000 files of the
    10,000-article benchmark took 5.0 instead of 2.8 ms an article). Autovacuum gets there
    as well, but not in the middle of an import. SQLite plans these lookups without statistics."""
    if connection.vendor != "postgresql":
        return
    band = FingerprintBand._meta.db_table
    with connection.cursor() as cursor:
        # reltuples survives a rolled-back ANALYZE (a dry run's), its column statistics
        # do not: both are looked at.
        cursor.execute(
            "SELECT c.reltuples, COALESCE(s.n_live_tup, 0), EXISTS (SELECT 1 FROM pg_stats p "
            "WHERE p.schemaname = current_schema() AND p.tablename = %s AND p.attname = 'key') "
            "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.oid = %s::regclass",
            [band, band],
        )
        planned, live, described = cursor.fetchone()
        if not described or planned < 0 or max(written, live - planned) > 0.2 * planned:
            for table in (band, Article._meta.db_table):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def store_fingerprints(items: Iterable[tuple[int, str]]) -> int:
    """Fingerprint each `(article_id, body)` and replace its band keys. Returns how many."""
    count = 0
    for chunk in _chunks(items, CHUNK):
        with transaction.atomic():
            ids = [article_id for article_id, _ in chunk]
            FingerprintBand.objects.filter(article_id__in=ids).delete()
            rows = []
            for article_id, body in chunk:
                fp = fingerprint(body)
                Article.objects.filter(pk=article_id).update(
                    fingerprint=fp.to_bytes(), fingerprint_scheme=SCHEME
                )
                rows += band_rows(article_id, fp)
            write_band_rows(rows)
        count += len(chunk)
    return count


def restore_missing_bands() -> int:
    """Index the articles that an interrupted import stored but had not indexed yet (an
    import writes its band keys in large batches and at its end: see
    `imports.BAND_ROWS_PER_WRITE`), from their stored fingerprints. Only articles of
    unfinished imports are looked at. Returns how many articles were indexed."""
    # The unfinished imports first (a handful at most): filtering the articles on a join
    # read every article of the desk (1.2 s at 100,000, before each import).
    unfinished = list(
        ImportBatch.objects.filter(finished_at__isnull=True).values_list("pk", flat=True)
    )
    if not unfinished:
        return 0
    missing = (
        Article.objects.filter(
            import_batch__in=unfinished, fingerprint_scheme=SCHEME, fingerprint__isnull=False
        )
        .exclude(Exists(FingerprintBand.objects.filter(article=OuterRef("pk"))))
        .values_list("pk", "fingerprint")
    )
    count = 0
    for chunk in _chunks(missing.iterator(), CHUNK):
        with transaction.atomic():
            write_band_rows(
                [row for pk, data in chunk for row in band_rows(pk, Fingerprint.from_bytes(data))]
            )
        count += len(chunk)
    return count


def refresh_outdated_fingerprints(*, source: Source | None = None) -> list[int]:
    """Fingerprint every article (of `source`) without a current fingerprint; their ids."""
    queryset = Article.objects.exclude(fingerprint_scheme=SCHEME)
    if source is not None:
        queryset = queryset.filter(source=source)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(ids, CHUNK):
        store_fingerprints(Article.objects.filter(pk__in=chunk).values_list("pk", "body"))
    return ids


# --- Finding duplicates ---------------------------------------------------------------------


def dedupe_articles(*, ids: Iterable[int], unwritten: UnwrittenBands | None = None) -> DedupeReport:
    """Check each article against the whole desk and record what it copies: the incremental
    path, run after every import. Adds links and candidates; removes the machine's own
    pairs of these articles that no longer verify (their body changed). `unwritten`: band
    keys not in the index yet, which count as if they were (an import's, as it stores)."""
    started = time.perf_counter()
    report = DedupeReport()
    ids = list(ids)
    report.examined = len(ids)
    stale = Article.objects.filter(pk__in=ids).exclude(fingerprint_scheme=SCHEME)
    report.fingerprinted = store_fingerprints(stale.values_list("pk", "body").iterator())
    pairs: set[tuple[int, int]] = set()
    for chunk in _chunks(ids, CHUNK):
        pairs |= _candidate_pairs(chunk, report, unwritten or UnwrittenBands())
    unlinked = _record(_verify(pairs, report), report, scope=set(ids))
    # Only these can change group: an article with no pair, none removed and no group
    # (most of a fresh import) stays alone.
    touched = {article_id for pair in pairs | unlinked for article_id in pair}
    report.regrouped = _regroup(touched | _grouped(ids))
    report.seconds = time.perf_counter() - started
    return report


def rebuild(*, source: Source | None = None) -> DedupeReport:
    """Recompute every pair (touching `source`, or all) from the LSH index, drop the
    machine's pairs that no longer hold, and derive every group again. Idempotent; never
    changes a decision a person made."""
    started = time.perf_counter()
    report = DedupeReport()
    report.fingerprinted = len(refresh_outdated_fingerprints(source=source))
    scope = None
    if source is not None:
        scope = set(Article.objects.filter(source=source).values_list("pk", flat=True))
    report.examined = (
        len(scope)
        if scope is not None
        else Article.objects.filter(fingerprint__isnull=False).count()
    )
    pairs = set(_all_candidate_pairs(scope, report))
    verified = _verify(pairs, report)
    _record(verified, report, scope=scope)
    report.regrouped = _regroup(None)
    report.seconds = time.perf_counter() - started
    return report


def _candidate_pairs(
    ids: list[int], report: DedupeReport, unwritten: UnwrittenBands
) -> set[tuple[int, int]]:
    """Pairs of these articles with any article sharing a band key (in the index or in
    `unwritten`) or the exact body.

    Plain SQL: the articles' keys, then the index's rows of those keys, in key order
    (their pages lie together); only keys another article shares make pairs."""
    quote = connection.ops.quote_name
    band, key = quote(FingerprintBand._meta.db_table), quote("key")
    article = quote(Article._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    keys = {k for pk in ids for k in unwritten.keys_of.get(pk, ())}
    indexed = [pk for pk in ids if pk not in unwritten.keys_of]
    buckets: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        if indexed:
            cursor.execute(
                f"SELECT {key} FROM {band} WHERE article_id IN "
                f"({', '.join(['%s'] * len(indexed))})",
                indexed,
            )
            keys |= {bucket for (bucket,) in cursor.fetchall()}
        for bucket, article_id in _rows_of_keys(cursor, unwritten.in_index(sorted(keys))):
            buckets[bucket].append(article_id)
        # Exact copies (same normalised body) pair with the first article of that body,
        # however many there are: no bucket limit, and no quadratic number of pairs.
        cursor.execute(
            f"SELECT a.id, MIN(b.id) FROM {article} a JOIN {article} b "
            f"ON b.content_hash = a.content_hash "
            f"WHERE a.id IN ({marks}) AND a.content_hash <> '' GROUP BY a.id",
            ids,
        )
        pairs = {_pair(pk, first) for pk, first in cursor.fetchall() if first != pk}
    for bucket in keys:
        # Most held keys are only their own article's: no bucket for those.
        if bucket in buckets or unwritten.shared(bucket):
            buckets[bucket] += unwritten.members(bucket)
    wanted = set(ids)
    for members in buckets.values():
        if len(members) < 2:
            continue
        if len(members) > MAX_BUCKET:
            report.skipped_buckets += 1
            continue
        for article_id in members:
            if article_id in wanted:
                pairs |= {_pair(article_id, other) for other in members if other != article_id}
    return pairs


def _rows_of_keys(cursor, keys: list[int]) -> Iterator[tuple[int, int]]:
    """The index's (key, article_id) rows of these keys (sorted). SQLite takes them 500 a
    statement; PostgreSQL as one array (500 a statement cost a round trip each: 10,000
    files into a 2,000-article desk, 3.8 s of 20.6 finding candidates)."""
    band = connection.ops.quote_name(FingerprintBand._meta.db_table)
    if not keys:
        return
    if connection.vendor == "postgresql":
        cursor.execute(f'SELECT "key", article_id FROM {band} WHERE "key" = ANY(%s)', [keys])
        yield from cursor.fetchall()
        return
    for chunk in _chunks(keys, 500):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f'SELECT "key", article_id FROM {band} WHERE "key" IN ({marks})', chunk)
        yield from cursor.fetchall()


def _all_candidate_pairs(scope: set[int] | None, report: DedupeReport) -> Iterator:
    """Every pair sharing a band key, streamed from the index in key order, and every exact
    copy with the first article of its body (touching `scope` when given)."""
    rows = FingerprintBand.objects.order_by("key").values_list("key", "article_id")
    yield from _bucket_pairs(rows.iterator(chunk_size=20000), scope, report)
    rows = (
        Article.objects.exclude(content_hash="")
        .order_by("content_hash", "pk")
        .values_list("content_hash", "pk")
    )
    for _, group in groupby(rows.iterator(chunk_size=20000), key=lambda row: row[0]):
        first, *copies = (pk for _, pk in group)
        for pk in copies:
            if scope is None or first in scope or pk in scope:
                yield (first, pk)


def _bucket_pairs(rows, scope: set[int] | None, report: DedupeReport) -> Iterator:
    for _, group in groupby(rows, key=lambda row: row[0]):
        members = [article_id for _, article_id in group]
        if len(members) < 2:
            continue
        if len(members) > MAX_BUCKET:
            report.skipped_buckets += 1
            continue
        members.sort()
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if scope is None or first in scope or second in scope:
                    yield (first, second)


@dataclass(frozen=True)
class _Verified:
    pair: tuple[int, int]
    verdict: Verdict
    jaccard: float
    containment: float
    method: str


def _verify(pairs: set[tuple[int, int]], report: DedupeReport) -> list[_Verified]:
    """Exact similarity of every pair, loading each body once; pairs a person decided are
    left out (nothing to compute: the decision stands)."""
    decided = _decided(pairs)
    pending = sorted(pairs - decided)
    report.pairs_checked += len(pending)
    needed = sorted({article_id for pair in pending for article_id in pair})
    texts: dict[int, Text] = {}
    sources: dict[int, int] = {}
    hashes: dict[int, str] = {}
    for chunk in _chunks(needed, 500):
        for pk, source_id, body, digest in Article.objects.filter(pk__in=chunk).values_list(
            "pk", "source_id", "body", "content_hash"
        ):
            texts[pk] = Text(body)
            sources[pk] = source_id
            hashes[pk] = digest
    results = []
    for a, b in pending:
        if a not in texts or b not in texts:
            continue
        if hashes[a] and hashes[a] == hashes[b]:
            similarity = EXACT_COPY  # no shingles computed for it
        else:
            similarity = compare(texts[a], texts[b], same_source=sources[a] == sources[b])
        results.append(
            _Verified(
                pair=(a, b),
                verdict=similarity.verdict,
                jaccard=round(similarity.jaccard, 4),
                containment=round(similarity.containment, 4),
                method=similarity.method,
            )
        )
    return results


def _decided(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    decided = set()
    firsts = sorted({a for a, _ in pairs})
    people = (DuplicateStatus.CONFIRMED, DuplicateStatus.REJECTED)
    for chunk in _chunks(firsts, 500):
        # The status is checked here, not in SQL (see `_touching`).
        rows = DuplicateCandidate.objects.filter(article_a__in=chunk).values_list(
            "article_a", "article_b", "status"
        )
        decided |= {(a, b) for a, b, status in rows if status in people} & pairs
    return decided


def _record(
    verified: list[_Verified], report: DedupeReport, *, scope: set[int] | None
) -> set[tuple[int, int]]:
    """Store the verified pairs as automatic links or pending candidates, and delete the
    machine's pairs touching `scope` (None: all) that did not verify again; return those."""
    wanted = {v.pair: v for v in verified if v.verdict != Verdict.DISTINCT}
    report.linked += sum(v.verdict == Verdict.LINK for v in wanted.values())
    report.review += sum(v.verdict == Verdict.REVIEW for v in wanted.values())
    if scope is not None:
        existing_rows = [
            row
            for chunk in _chunks(sorted(scope), 500)
            for row in _touching(chunk)
            if row.status in _MACHINE
        ]
    else:
        existing_rows = list(DuplicateCandidate.objects.filter(status__in=_MACHINE))
    by_pair = {(row.article_a_id, row.article_b_id): row for row in existing_rows}
    with transaction.atomic():
        # Every pair of the articles in scope was just considered: the machine's pairs
        # that did not come out again no longer hold.
        stale = [row.pk for pair, row in by_pair.items() if pair not in wanted]
        unlinked = {pair for pair in by_pair if pair not in wanted}
        for chunk in _chunks(stale, 500):
            DuplicateCandidate.objects.filter(pk__in=chunk).delete()
        report.removed += len(stale)
        new = []
        for pair, v in wanted.items():
            status = DuplicateStatus.AUTO if v.verdict == Verdict.LINK else DuplicateStatus.PENDING
            row = by_pair.get(pair)
            if row is None:
                new.append(
                    DuplicateCandidate(
                        article_a_id=pair[0],
                        article_b_id=pair[1],
                        similarity=v.jaccard,
                        containment=v.containment,
                        method=v.method,
                        status=status,
                    )
                )
            elif (row.status, row.similarity, row.containment, row.method) != (
                status,
                v.jaccard,
                v.containment,
                v.method,
            ):
                row.status, row.similarity, row.containment, row.method = (
                    status,
                    v.jaccard,
                    v.containment,
                    v.method,
                )
                row.save()
        # A pair decided meanwhile by a person (another process) wins: ignore_conflicts.
        DuplicateCandidate.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return unlinked


# --- Groups ---------------------------------------------------------------------------------


def _regroup(seeds: set[int] | None) -> int:
    """Derive the groups of the components containing `seeds` (None: every group) from
    the pairs, and point each member at its canonical. Returns how many articles changed."""
    if seeds is None:
        edges = list(
            DuplicateCandidate.objects.filter(status__in=_LINKING).values_list(
                "article_a", "article_b", "status", "canonical", "decided_at", "similarity"
            )
        )
        nodes = {a for a, *_ in edges} | {b for _, b, *_ in edges}
        nodes |= set(Article.objects.duplicates().values_list("pk", flat=True))
    else:
        nodes, edges = _component(seeds)
    if not nodes:
        return 0
    rejected = _rejected_among(nodes)
    wanted = _canonicals(nodes, edges, rejected)
    return _point(wanted)


def _component(seeds: set[int]) -> tuple[set[int], list[tuple]]:
    """Everything connected to `seeds` by linking pairs, or by current group membership
    (so articles that leave a group are pointed back at themselves)."""
    nodes: set[int] = set()
    edges: dict[tuple[int, int], tuple] = {}
    frontier = set(seeds)
    while frontier:
        nodes |= frontier
        found: set[int] = set()
        for chunk in _chunks(sorted(frontier), 500):
            rows = _touching(chunk).values_list(
                "article_a", "article_b", "status", "canonical", "decided_at", "similarity"
            )
            for row in rows:
                if row[2] in _LINKING:
                    edges[(row[0], row[1])] = row
                    found |= {row[0], row[1]}
            roots = Article.objects.filter(pk__in=chunk, duplicate_of__isnull=False).values_list(
                "duplicate_of", flat=True
            )
            found |= set(roots)
            found |= set(
                Article.objects.filter(duplicate_of__in=chunk).values_list("pk", flat=True)
            )
        frontier = found - nodes
    return nodes, list(edges.values())


def _grouped(ids: list[int]) -> set[int]:
    """Those of `ids` that are in a group now: a duplicate, or the canonical of one."""
    table = connection.ops.quote_name(Article._meta.db_table)
    grouped: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM {table} WHERE id IN ({marks}) AND duplicate_of_id IS NOT NULL "
                f"UNION SELECT duplicate_of_id FROM {table} WHERE duplicate_of_id IN ({marks})",
                chunk + chunk,
            )
            grouped |= {pk for (pk,) in cursor.fetchall()}
    return grouped


def _rejected_among(nodes: set[int]) -> dict[int, set[int]]:
    rejected: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(nodes), 500):
        for a, b, status in _touching(chunk).values_list("article_a", "article_b", "status"):
            if status == DuplicateStatus.REJECTED:
                rejected[a].add(b)
                rejected[b].add(a)
    return rejected


def _canonicals(nodes: set[int], edges: list[tuple], rejected: dict[int, set[int]]) -> dict:
    """Union the pairs (confirmed first, then automatic by similarity) unless that would put
    a rejected pair in one group; then choose each group's canonical."""
    parent = {node: node for node in nodes}
    members = {node: {node} for node in nodes}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def order(edge):
        _, _, status, _, decided_at, similarity = edge
        return (status != DuplicateStatus.CONFIRMED, -(similarity or 0))

    chosen: list[tuple[datetime, int]] = []
    for a, b, status, canonical, decided_at, _ in sorted(edges, key=order):
        if status == DuplicateStatus.CONFIRMED and canonical:
            chosen.append((decided_at or timezone.now(), canonical))
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            continue
        small, large = sorted((root_a, root_b), key=lambda root: len(members[root]))
        if any(rejected.get(node, set()) & members[large] for node in members[small]):
            continue
        parent[small] = large
        members[large] |= members.pop(small)

    info = _canonical_info(nodes)
    # A person's choice of canonical wins, the latest one if a group has several.
    choice = {find(canonical): canonical for _, canonical in sorted(chosen)}
    wanted = {}
    for root, group in members.items():
        if len(group) == 1:
            wanted[root] = None
            continue
        canonical = choice.get(root) or min(group, key=lambda node: info[node])
        for node in group:
            wanted[node] = None if node == canonical else canonical
    return wanted


def _canonical_info(nodes: set[int]) -> dict[int, tuple]:
    """Sort keys: earliest published (unknown dates last), more reliable source, earliest
    imported, smallest id."""
    rows = []
    for chunk in _chunks(sorted(nodes), 500):
        rows += list(
            Article.objects.filter(pk__in=chunk).values_list(
                "pk", "published_at", "imported_at", "source_id"
            )
        )
    source_ids = {source_id for *_, source_id in rows}
    grades = dict(
        Source.objects.filter(pk__in=source_ids)
        .with_current_grade()
        .values_list("pk", "current_grade")
    )
    return {
        pk: (
            published_at is None,
            published_at or imported_at,
            _GRADE_RANK.get(grades.get(source_id), 4),
            imported_at,
            pk,
        )
        for pk, published_at, imported_at, source_id in rows
    }


def _point(wanted: dict[int, int | None]) -> int:
    """Set `duplicate_of` where it differs, with a history record per article, in one
    transaction so that no reader sees a group half re-pointed."""
    current = {}
    for chunk in _chunks(sorted(wanted), 500):
        current.update(Article.objects.filter(pk__in=chunk).values_list("pk", "duplicate_of"))
    changed = [pk for pk, target in wanted.items() if pk in current and current[pk] != target]
    with transaction.atomic():
        for chunk in _chunks(changed, 500):
            articles = list(Article.objects.filter(pk__in=chunk).defer("raw", "fingerprint"))
            for article in articles:
                article.duplicate_of_id = wanted[article.pk]
            bulk_update_with_history(
                articles,
                Article,
                ["duplicate_of"],
                batch_size=500,
                default_change_reason="dedupe: group recomputed",
            )
        # Copies count once among a claim's independent sources.
        refresh_claim_stats(articles=changed)
    return len(changed)


# --- Decisions ------------------------------------------------------------------------------


def decide(
    *, candidate: DuplicateCandidate, confirm: bool, by, canonical: Article | None = None
) -> DuplicateCandidate:
    """An Editor confirms (choosing the canonical, by default the rule's choice) or rejects
    a pair; the whole group follows in the same transaction."""
    if not by.has_perm("articles.decide_duplicatecandidate"):
        raise PermissionDenied("Only Editors decide duplicates.")
    pair = {candidate.article_a_id, candidate.article_b_id}
    if canonical is not None and canonical.pk not in pair:
        raise ValidationError({"canonical": "The canonical article must be one of the pair."})
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        candidate.status = DuplicateStatus.CONFIRMED if confirm else DuplicateStatus.REJECTED
        candidate.canonical = canonical if confirm else None
        candidate.decided_by = by
        candidate.decided_at = timezone.now()
        candidate._history_user = by
        candidate.save()
        _regroup(pair)
    return candidate


def propose(*, candidate: DuplicateCandidate, proposal: str, by) -> DuplicateCandidate:
    """An Analyst suggests what an Editor should decide for a pending pair."""
    if not by.has_perm("articles.add_duplicatecandidate"):
        raise PermissionDenied("Viewers cannot propose decisions.")
    if proposal not in (Proposal.CONFIRM, Proposal.REJECT):
        raise ValidationError({"proposal": "Propose to confirm or to reject."})
    if candidate.status != DuplicateStatus.PENDING:
        raise ValidationError("This pair has already been decided.")
    candidate.proposal = proposal
    candidate.proposed_by = by
    candidate._history_user = by
    candidate.save(update_fields=["proposal", "proposed_by"])
    return candidate


# --- Helpers --------------------------------------------------------------------------------


def _touching(ids: list[int]):
    """The pairs with either article in `ids`, whatever their status (callers check it):
    a status in the same query made SQLite, which plans without statistics, read every
    pair with that status through the status index instead of the pairs of these
    articles (per chunk of an import; 11,000 pairs in a 90,000-article desk, a cost
    growing with the desk)."""
    return DuplicateCandidate.objects.filter(Q(article_a__in=ids) | Q(article_b__in=ids))


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rule_canonical(a: Article, b: Article) -> Article:
    """Which of two articles the rule would make canonical (the default of a confirmation)."""
    info = _canonical_info({a.pk, b.pk})
    return a if info[a.pk] <= info[b.pk] else b
