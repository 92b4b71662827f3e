"""The import service: files on disk become Articles. One pipeline for the command and the
web upload.

read (readers.py) → clean and extract (extract.py) → content hash and fingerprint, all in
a process pool when it pays (worker.py; files over 1 MiB are read here and streamed) →
resolve the source → drop the source's learned boilerplate → skip what is already present →
store. Each document is stored in its own savepoint, so a failing document leaves nothing
behind and the others still land; savepoints are committed in chunks (CHUNK_SIZE) to
keep SQLite fast. The articles' LSH band keys are written in larger batches
(BAND_ROWS_PER_WRITE) and at the end of the run.
Exact copies of an article already in the desk (same normalised body, any source) are
linked to it while storing because it is free; near-duplicates are found by the dedupe
service after each chunk, while the workers prepare the next ones (its lookups see the
band keys not written yet), and again at the end for the articles whose body the
sources' newly learned boilerplate changed; the report counts both as duplicates.
"""

import gc
import multiprocessing
import os
import sqlite3
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from articles.dedupe import KEYS_PER_ARTICLE, SCHEME, Fingerprint, fingerprint
from articles.ingest.document import Document, Problem, RawDocument
from articles.ingest.extract import remove_lines
from articles.ingest.hashing import content_hash
from articles.ingest.metadata import domain_of, find_upstream
from articles.ingest.readers import iter_files, read_file
from articles.ingest.worker import FileTask, Prepared, run, start
from articles.models import Article, ImportBatch, ImportVia, Source
from articles.services.claims import refresh_source_stats
from articles.services.cleaning import BoilerplateRefresh
from articles.services.duplicates import (
    DedupeReport,
    UnwrittenBands,
    dedupe_articles,
    refresh_statistics,
    restore_missing_bands,
)
from articles.services.inserts import create_history, insert_returning_ids
from articles.services.sources import SourceResolver

DEFAULT_LIMIT_MB = 20
# Documents are stored a chunk per transaction (each in its own savepoint). A chunk's
# ~40 band keys per document land all over the key index, so every commit writes about
# one index page per key to the WAL: into a 90,000-article desk, chunks of 1,000 documents
# made storing 0.43 ms an article cheaper than chunks of 200 (commit 0.55 -> 0.22 ms, band
# inserts 0.32 -> 0.21 ms). A chunk holds SQLite's write lock for about a second and a
# half at that size (other writers wait on the busy timeout); CHUNK_BYTES keeps chunks of
# large pages small in memory.
CHUNK_SIZE = 1000
CHUNK_BYTES = 16 * 1024 * 1024
# The band keys of stored articles are written once enough rows are waiting, and at the
# end of the run, rather than with every chunk: the keys land all over the LSH index, so
# each write dirties most of its pages, however few rows it brings (71 MB at 90,000
# articles), for the WAL and its checkpoint. Until then the dedupe checks look the held
# keys up next to the index (`duplicates.UnwrittenBands`). Enough is BAND_ROWS_PER_WRITE
# (about 3,400 articles), or a BAND_WRITE_SHARE of the rows in the index when that is
# more, so that a write brings as many rows per page it dirties in a large desk as in a
# small one: with a fixed batch an article's share of the writes grew with the desk.
# Last 10,000 files into a 90,000-article desk (3.9 million rows; four interleaved pairs):
# 9.2-10.6 s with writes of 150,000 rows, 9.2-9.8 s with 250,000. At most
# MAX_BAND_ROWS_HELD (some 90 bytes a row held). Articles stored but not yet indexed when
# an import is interrupted are indexed by the next import or dedupe
# (`duplicates.restore_missing_bands`).
BAND_ROWS_PER_WRITE = 150_000
BAND_WRITE_SHARE = 1 / 16
MAX_BAND_ROWS_HELD = 1_000_000
# How many chunks (7 MB each at most) the workers may prepare ahead of the one being
# stored: enough to keep them busy through a band-key write and its commit (about a
# second, longer than they take for a chunk). Before the checks moved to each chunk, one
# chunk ahead took 12.1 and 12.8 s for the last 10,000 files into a 90,000-article desk,
# three 10.7 and 11.1 s; since, 3 and 8 measured within this machine's noise.
CHUNKS_AHEAD = 8
# Below this many documents a process pool costs more than it saves.
POOL_THRESHOLD = 64
# The workers run at a lower priority than this process, which stores what they prepare.
WORKER_NICENESS = 10
# Files up to this size are read by the workers, whole; larger ones here, as a stream.
WORKER_READS_BYTES = 1024 * 1024

IMPORTED, PRESENT, DUPLICATE, FAILED = "imported", "already present", "duplicate", "failed"


@dataclass(frozen=True)
class Outcome:
    """What became of one document (or of a file that yielded none)."""

    origin: str
    status: str
    reason: str = ""
    article_id: int | None = None


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    batch_id: int | None = None
    dry_run: bool = False
    dedupe: DedupeReport | None = None

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def imported(self) -> int:
        return self.count(IMPORTED)

    @property
    def present(self) -> int:
        return self.count(PRESENT)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def problems(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def summary(self) -> str:
        # Every document handled counts towards the rate: re-checking is work too.
        rate = len(self.outcomes) / self.seconds if self.seconds else 0.0
        prefix = "dry run: would have " if self.dry_run else ""
        return (
            f"{prefix}imported {self.imported}, already present {self.present}, "
            f"duplicates {self.duplicates}, failed {self.failed} "
            f"in {self.seconds:.1f} s ({rate:.0f} articles/s)"
        )


def import_paths(
    paths: Iterable[Path | str],
    *,
    source: str = "",
    fmt: str = "auto",
    dry_run: bool = False,
    limit_mb: float = DEFAULT_LIMIT_MB,
    by=None,
    via: str = ImportVia.COMMAND,
    description: str = "",
    display_names: dict[str, str] | None = None,
    rejected: dict[str, str] | None = None,
    progress: bool = False,
    workers: int | None = None,
) -> ImportReport:
    """Import every document under `paths`; return what became of each one.

    Idempotent: a document whose url, or whose normalised body from the same source, is
    already stored is counted as already present and not stored again. `source` forces the
    source name for every document. With `dry_run` everything runs (so the report is exact)
    and is then rolled back. `display_names` maps a file path to the name to report and
    store as origin (upload names instead of temporary paths); `rejected` lists inputs
    refused before they reached the pipeline (name → reason), reported as failed. Bad input
    never raises: it becomes a failed outcome with a one-line reason naming file and entry.
    """
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    if not dry_run:
        restore_missing_bands()
        refresh_statistics()
    for name, reason in (rejected or {}).items():
        report.outcomes.append(Outcome(name, FAILED, reason))
    limit_bytes = int(limit_mb * 1024 * 1024)
    rename = _renamer(display_names or {})
    batch = None
    if not dry_run:
        batch = ImportBatch.objects.create(
            started_by=by, via=via, description=description[:500] or _describe(paths)
        )
        report.batch_id = batch.pk

    store = _Store(batch=batch, forced_source=source, report=report)
    if batch is not None:
        report.dedupe = DedupeReport()
    tasks = _tasks(paths, fmt=fmt, limit_bytes=limit_bytes, report=report, rename=rename)
    # A dry run is one transaction rolled back at the end; a real run commits chunk by chunk.
    outer = transaction.atomic() if dry_run else nullcontext()
    with (
        _ExtractorPool(workers) as pool,
        _sqlite_settings(),
        _collector_settings(),
        outer,
        _progress(progress) as bar,
    ):
        # With a pool, the workers extract the next chunks while one is stored (and
        # checked for near-duplicates, which takes longer than extracting a chunk).
        pending: deque[tuple[int, Iterator[list[Prepared]]]] = deque()  # (tasks, results)

        def store_next_chunk() -> None:
            _, results = pending.popleft()
            # The documents the workers prepare meanwhile will be checked too.
            store.unwritten.expect(sum(size for size, _ in pending) * KEYS_PER_ARTICLE)
            # Extract before taking SQLite's write lock: readers and other writers wait less.
            documents = [_renamed(item, rename) for prepared in results for item in prepared]
            with transaction.atomic():
                for document, fp in documents:
                    if isinstance(document, Problem):
                        report.outcomes.append(Outcome(document.origin, FAILED, document.reason))
                    else:
                        store.add(document, fp)
                new_ids = store.flush()
            if report.dedupe is not None and new_ids:
                # While the workers prepare the next chunks (not all at the end, on one
                # core), against the index and the keys not written yet.
                report.dedupe.add(dedupe_articles(ids=new_ids, unwritten=store.unwritten))
            if store.unwritten.rows >= _rows_per_write(store.unwritten.index_rows()):
                _write_bands(store.unwritten)
            bar.update(len(documents))

        for chunk in _chunks(tasks, CHUNK_SIZE, CHUNK_BYTES):
            pending.append((len(chunk), pool.extract_many(chunk)))
            if len(pending) > CHUNKS_AHEAD:
                store_next_chunk()
        while pending:
            store_next_chunk()
        refresh = None
        if batch is not None:
            # The sources learn their boilerplate in the workers, idle by now, while this
            # process writes the last band keys (last 10,000 files into a 90,000-article
            # desk: re-learning 50 sources took 0.9 s here, after the write).
            refresh = BoilerplateRefresh(store.touched_sources(), batch=batch, learn=pool.map)
        _write_bands(store.unwritten)
        changed = refresh.apply() if refresh else []
        if dry_run:
            transaction.set_rollback(True)

    if batch is not None:
        refresh_source_stats(sources=[s.pk for s in store.touched_sources()], only_articles=True)
        # Checked again once the boilerplate is settled, so similarity is measured
        # without it: the articles whose body learned lines changed.
        report.dedupe.add(dedupe_articles(ids=changed))
        _mark_duplicates(report, batch)
    report.seconds = time.perf_counter() - started
    if batch is not None:
        _finish_batch(batch, report)
    return report


def import_uploads(
    files: Iterable[UploadedFile],
    *,
    source: str = "",
    by=None,
    rejected: dict[str, str] | None = None,
) -> ImportReport:
    """Import uploaded files through the same pipeline as the command, in this process.

    Each upload is written under its own name to a private temporary folder (the name's
    extension helps detect the format) and reported under the name it was uploaded with.
    """
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
        names: dict[str, str] = {}
        for index, upload in enumerate(files, start=1):
            name = Path(upload.name or "").name or f"upload-{index}"
            path = Path(folder) / f"{index:04d}-{name}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            names[str(path)] = name
        return import_paths(
            [Path(p) for p in names],
            source=source,
            by=by,
            via=ImportVia.UPLOAD,
            description="upload: " + ", ".join(names.values()),
            display_names=names,
            rejected=rejected,
            workers=1,  # never fork a web server process
        )


class _Store:
    """Stores cleaned documents, remembering sources for the run.

    Documents are collected with `add` and stored a chunk at a time by `flush`: one query
    for the urls and one for the body hashes already present, a multi-row insert of the
    articles and one of their history records (inserts.py), all in one savepoint. If that savepoint
    fails, the chunk is stored again one savepoint per document (`_save`), so a failing
    document still leaves nothing behind and the others land. The outcome of every
    document is the one storing them one by one would give."""

    def __init__(self, *, batch: ImportBatch | None, forced_source: str, report: ImportReport):
        self.batch = batch
        self.forced_source = forced_source
        self.report = report
        self.sources = SourceResolver()
        self.boilerplate: dict[int, frozenset[str]] = {}
        self._touched: dict[int, Source] = {}
        self.unwritten = UnwrittenBands()  # the stored articles' keys not in the index yet
        self._pending: list[tuple[Document, Fingerprint]] = []

    def touched_sources(self) -> list[Source]:
        """Sources that received new articles in this run."""
        return list(self._touched.values())

    def add(self, document: Document, fp: Fingerprint) -> None:
        """Queue a document for the next `flush`."""
        self._pending.append((document, fp))

    def flush(self) -> list[int]:
        """Store the queued documents (in the caller's transaction), their band keys held
        in `unwritten`. Returns the new articles' ids."""
        pending, self._pending = self._pending, []
        stored: list[tuple[int, Fingerprint]] = []
        if pending:
            try:
                with transaction.atomic():
                    chunk = _Chunk(self)
                    outcomes = chunk.store(pending)
            except DatabaseError:
                # Sources created in the rolled-back savepoint must not stay cached.
                self.sources = SourceResolver()
                outcomes = [self._save(document, fp, stored) for document, fp in pending]
            else:
                self._touched |= chunk.touched
                stored = chunk.stored
            self.report.outcomes += outcomes
        for pk, fp in stored:
            self.unwritten.add(pk, fp)
        return [pk for pk, _ in stored]

    def _save(self, document: Document, fp: Fingerprint, stored: list) -> Outcome:
        """Store one document in its own savepoint; `stored` receives (id, fingerprint)
        once it is in."""
        try:
            with transaction.atomic():
                outcome, fp = self._store(document, fp)
        except DatabaseError as error:
            return Outcome(document.origin, FAILED, f"could not be stored: {error}")
        if fp is not None:
            stored.append((outcome.article_id, fp))
        return outcome

    def _store(self, document: Document, fp: Fingerprint) -> tuple[Outcome, Fingerprint | None]:
        """The document's outcome, and the fingerprint of the article it became (None
        when none was stored)."""
        source = self._source_of(document)
        body, digest = self._body_of(document, source)
        if not body.strip():
            reason = "no article text left after boilerplate"
            return Outcome(document.origin, FAILED, reason), None
        url = document.url[:2000]
        if url and (present := Article.objects.filter(url=url).values_list("pk").first()):
            return Outcome(document.origin, PRESENT, article_id=present[0]), None
        copies = list(
            Article.objects.filter(content_hash=digest)
            .order_by("pk")
            .values_list("pk", "source_id", "duplicate_of")[:50]
        )
        present, canonical_id = _copy_rule(copies, source.pk)
        if present is not None:
            return Outcome(document.origin, PRESENT, article_id=present), None
        values, fp = _new_article(
            document,
            source=source,
            url=url,
            body=body,
            digest=digest,
            fp=fp,
            canonical_id=canonical_id,
            sources=self.sources,
            batch=self.batch,
        )
        article = Article(**values)
        article._history_user = self.batch.started_by if self.batch else None
        article.save()
        self._touched[source.pk] = source
        status = DUPLICATE if canonical_id else IMPORTED
        return Outcome(document.origin, status, article_id=article.pk), fp

    def _source_of(self, document: Document) -> Source:
        if self.forced_source:
            return self.sources.resolve(name=self.forced_source)
        return self.sources.resolve(
            name=document.source_name, domain=document.site_domain or domain_of(document.url)
        )

    def _body_of(self, document: Document, source: Source) -> tuple[str, str]:
        """The body to store, without the source's learned boilerplate, and its content
        hash (the worker's, when nothing was removed)."""
        body = document.body
        if keys := self._boilerplate_of(source):
            body = remove_lines(body, keys)
        if body == document.body and document.content_hash:
            return body, document.content_hash
        return body, content_hash(body)

    def _boilerplate_of(self, source: Source) -> frozenset[str]:
        if source.pk not in self.boilerplate:
            self.boilerplate[source.pk] = frozenset(source.boilerplate or ())
        return self.boilerplate[source.pk]


def _copy_rule(copies: list[tuple], source_id: int) -> tuple[int | None, int | None]:
    """The one rule for a body already stored, given its first articles as `(pk,
    source_id, duplicate_of)` in id order: from the same source it is present (that
    article's id first); from another source the new article copies the first one's
    canonical (the id second). Returns (present id, canonical id), either None."""
    for pk, copy_source_id, _ in copies:
        if copy_source_id == source_id:
            return pk, None
    return None, (copies[0][2] or copies[0][0]) if copies else None


def _new_article(
    document: Document,
    *,
    source: Source,
    url: str,
    body: str,
    digest: str,
    fp: Fingerprint,
    canonical_id: int | None,
    sources: SourceResolver,
    batch: ImportBatch | None,
) -> tuple[dict, Fingerprint]:
    """The new article's field values (by attname), and its fingerprint (computed again
    when the source's learned boilerplate changed the body). One place for both ways of
    storing."""
    if body != document.body:
        fp = fingerprint(body)
    upstream_source = None
    if document.upstream_attribution:
        _, upstream_name = find_upstream(document.upstream_attribution)
        if upstream_name:
            upstream_source = sources.resolve(name=upstream_name)
    values = {
        "source_id": source.pk,
        "title": document.title[:1000] or "(untitled)",
        "url": url,
        "origin": document.origin[:1000],
        "published_at": document.published_at,
        "byline": document.byline[:500],
        "language": document.language[:16],
        "upstream_attribution": document.upstream_attribution[:500],
        "upstream_source_id": upstream_source.pk if upstream_source else None,
        "raw": document.raw,
        "body": body,
        "extractor": document.extractor,
        "content_hash": digest,
        "fingerprint": fp.to_bytes(),
        "fingerprint_scheme": SCHEME,
        "duplicate_of_id": canonical_id,
        "imported_at": timezone.now(),
        "import_batch_id": batch.pk if batch else None,
    }
    return values, fp


class _Chunk:
    """One chunk of documents stored with a few statements (see `_Store`). Applies the
    same rules as `_Store._store`, in document order: a document whose url, or whose body
    from the same source, is already stored (before or earlier in the chunk) is present;
    an exact copy from another source is linked to the first article with that body."""

    MAX_COPIES = 50  # as `_Store._store`: the first 50 articles with the body decide

    def __init__(self, store: _Store):
        self.owner = store
        self.touched: dict[int, Source] = {}
        self.stored: list[tuple[int, Fingerprint]] = []  # the new articles
        self._urls: dict[str, int] = {}
        self._copies: dict[str, list[tuple[int, int, int | None]]] = {}
        # (outcome index, field values, source, fingerprint)
        self._queued: list[tuple[int, dict, Source, Fingerprint]] = []
        self._queued_urls: set[str] = set()
        self._queued_hashes: set[str] = set()

    def store(self, pending: list[tuple[Document, Fingerprint]]) -> list[Outcome]:
        store = self.owner
        prepared: list[tuple[Document, Fingerprint, Source, str, str, str] | Outcome] = []
        for document, fp in pending:
            source = store._source_of(document)
            body, digest = store._body_of(document, source)
            if not body.strip():
                reason = "no article text left after boilerplate"
                prepared.append(Outcome(document.origin, FAILED, reason))
                continue
            prepared.append((document, fp, source, body, digest, document.url[:2000]))
        rows = [row for row in prepared if not isinstance(row, Outcome)]
        if urls := {row[5] for row in rows if row[5]}:
            self._urls = dict(
                Article.objects.filter(url__in=urls).order_by("-pk").values_list("url", "pk")
            )
        stored = Article.objects.filter(content_hash__in={row[4] for row in rows})
        for digest, *copy in stored.order_by("pk").values_list(
            "content_hash", "pk", "source_id", "duplicate_of"
        ):
            self._add_copy(digest, tuple(copy))

        outcomes = [row if isinstance(row, Outcome) else None for row in prepared]
        waiting = [(index, row) for index, row in enumerate(prepared) if outcomes[index] is None]
        while waiting:
            waiting = self._store_layer(waiting, outcomes)
        return outcomes

    def _store_layer(self, rows: list[tuple[int, tuple]], outcomes: list) -> list:
        """Decide and insert, in one statement, every row that does not share its url or
        body with an earlier row still to be stored; return the others, whose rules need
        those rows' ids, for the next layer (in order, so an earlier document always
        decides first). One insert a layer rather than one before each such copy: the
        full-text index is written once a statement (last 10,000 files into a
        90,000-article desk, 80 -> 12 inserts; storing process 9.0 -> 7.8 s)."""
        later: list[tuple[int, tuple]] = []
        later_urls: set[str] = set()
        later_hashes: set[str] = set()
        for index, row in rows:
            document, fp, source, body, digest, url = row
            if _in(url, self._queued_urls, later_urls) or _in(
                digest, self._queued_hashes, later_hashes
            ):
                later.append((index, row))
                later_urls.add(url)
                later_hashes.add(digest)
            else:
                outcomes[index] = self._decide(index, document, fp, source, body, digest, url)
        self._insert(outcomes)
        return later

    def _decide(self, index, document, fp, source, body, digest, url) -> Outcome:
        """The outcome of one document, or a placeholder at `index` when it is queued."""
        if url and (present := self._urls.get(url)):
            return Outcome(document.origin, PRESENT, article_id=present)
        copies = self._copies.get(digest, [])
        present, canonical_id = _copy_rule(copies, source.pk)
        if present is not None:
            return Outcome(document.origin, PRESENT, article_id=present)
        values, fp = _new_article(
            document,
            source=source,
            url=url,
            body=body,
            digest=digest,
            fp=fp,
            canonical_id=canonical_id,
            sources=self.owner.sources,
            batch=self.owner.batch,
        )
        self._queued.append((index, values, source, fp))
        if url:
            self._queued_urls.add(url)
        self._queued_hashes.add(digest)
        return Outcome(document.origin, _QUEUED)

    def _insert(self, outcomes: list[Outcome]) -> None:
        """Insert the queued articles and their history; fill in their outcomes."""
        if not self._queued:
            return
        ids = insert_returning_ids(Article, [values for _, values, _, _ in self._queued])
        batch = self.owner.batch
        create_history(
            Article, ids, user_id=batch.started_by_id if batch else None, when=timezone.now()
        )
        for (index, values, source, fp), pk in zip(self._queued, ids, strict=True):
            self.touched[source.pk] = source
            self.stored.append((pk, fp))
            if values["url"]:
                self._urls[values["url"]] = pk
            canonical_id = values["duplicate_of_id"]
            self._add_copy(values["content_hash"], (pk, source.pk, canonical_id))
            status = DUPLICATE if canonical_id else IMPORTED
            outcomes[index] = replace(outcomes[index], status=status, article_id=pk)
        self._queued, self._queued_urls, self._queued_hashes = [], set(), set()

    def _add_copy(self, digest: str, copy: tuple[int, int, int | None]) -> None:
        copies = self._copies.setdefault(digest, [])
        if len(copies) < self.MAX_COPIES:
            copies.append(copy)


_QUEUED = "queued"


def _in(value: str, *sets: set[str]) -> bool:
    """Whether `value` (a url or a body hash; never an empty one) is in any of `sets`."""
    return bool(value) and any(value in values for values in sets)


def _tasks(paths, *, fmt: str, limit_bytes: int, report: ImportReport, rename) -> Iterator:
    """What the workers prepare: small files whole (reading them is work too), and the
    documents of larger files one by one, read here as a stream. Input that cannot be
    read at all is reported as failed."""
    for item in iter_files(Path(p) for p in paths):
        if isinstance(item, Problem):
            report.outcomes.append(Outcome(rename(item.origin), FAILED, item.reason))
            continue
        if (size := _size(item)) <= WORKER_READS_BYTES:
            yield FileTask(str(item), fmt, limit_bytes, size)
            continue
        for document in read_file(item, fmt=fmt, limit_bytes=limit_bytes):
            if isinstance(document, Problem):
                report.outcomes.append(Outcome(rename(document.origin), FAILED, document.reason))
            else:
                yield document


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_file, in the worker, says what is wrong with it


def _renamer(display_names: dict[str, str]):
    def rename(origin: str) -> str:
        for path, name in display_names.items():
            if origin.startswith(path):
                return name + origin[len(path) :]
        return origin

    return rename


def _renamed(item: Prepared, rename) -> Prepared:
    document, fp = item
    origin = rename(document.origin)
    return (document if origin == document.origin else replace(document, origin=origin)), fp


class _ExtractorPool:
    """`extract` over a chunk, in a process pool when the machine and the input allow;
    and `map` of other pure work, in the same pool once it runs."""

    def __init__(self, workers: int | None):
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def extract_many(self, chunk: list[FileTask | RawDocument]) -> Iterator[list[Prepared]]:
        if self.workers > 1 and (self.pool is not None or len(chunk) >= POOL_THRESHOLD):
            if self.pool is None:
                # Spawned, not forked: the workers run pure text code and must not inherit
                # this process's open database connection (or its open transaction).
                self.pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start,
                    initargs=(WORKER_NICENESS, GC_THRESHOLDS),
                )
            return self.pool.map(run, chunk, chunksize=16)
        return map(run, chunk)

    def map(self, function, items: list) -> Iterator:
        """`function` (importable without Django) over `items`: submitted at once to the
        workers when they run, results in order; else here, as they are asked for."""
        if self.pool is None:
            return map(function, items)
        return self.pool.map(function, items)


def _write_bands(unwritten: UnwrittenBands) -> None:
    """Write the held band keys in a transaction of their own, without SQLite's
    foreign-key checks: every row is an article this import stored and committed, and the
    check looked each one up (440,000 rows into a 90,000-article desk: 2.2 -> 1.5 s). An
    article deleted meanwhile leaves rows that match nothing (the dedupe skips them),
    where the check would have failed the whole import. (In a dry run's transaction the
    checks stay on; PostgreSQL keeps them.)"""
    written = unwritten.rows
    with connection.constraint_checks_disabled(), transaction.atomic():
        unwritten.write()
    refresh_statistics(written=written)


def _rows_per_write(index_rows: int) -> int:
    """How many band keys to hold before writing them, in an index of `index_rows`."""
    share = int(index_rows * BAND_WRITE_SHARE)
    return min(MAX_BAND_ROWS_HELD, max(BAND_ROWS_PER_WRITE, share))


def _chunks(tasks: Iterable, size: int, max_bytes: int) -> Iterator[list]:
    """Lists of at most `size` tasks and, past the first task, `max_bytes` of input. The
    first chunks are smaller (a fifth of `size`, then doubling): nothing is stored until
    the first chunk is extracted, so a small one starts storing sooner."""
    chunk: list = []
    total = 0
    limit = max(1, size // 5)
    for task in tasks:
        weight = task.size if isinstance(task, FileTask) else len(task.raw)
        if chunk and (len(chunk) >= limit or total + weight > max_bytes):
            yield chunk
            chunk, total = [], 0
            limit = min(size, limit * 2)
        chunk.append(task)
        total += weight
    if chunk:
        yield chunk


# SQLite settings while importing. The band-key and url/hash indexes take inserts all
# over, and the default 2 MB page cache re-reads their pages from the OS: 128 MB. Each
# chunk writes more than the default 1,000-page WAL, so every commit also checkpointed
# (copied its pages back into the database file and synced it): every 16,384 pages
# instead, so a page that several chunks rewrite (indexes, full text) is copied back once
# (a chunk's commit into a 23,000-article desk: 0.40 -> 0.20 ms an article).
IMPORT_PRAGMAS = {"cache_size": -131072, "wal_autocheckpoint": 16384}
# On a database file, the import's connection does not checkpoint at all: a thread does,
# on a connection of its own, every CHECKPOINT_EVERY_S, while the import goes on writing
# (SQLite's PASSIVE checkpoint waits for nobody). Commits then only append to the WAL:
# last 10,000 files into a 90,000-article desk, commits 1.4 -> 0.85 s; three interleaved
# pairs of runs, 11.4, 11.5, 11.6 -> 11.3, 10.9, 11.1 s.
CHECKPOINT_EVERY_S = 0.3


@contextmanager
def _sqlite_settings():
    """IMPORT_PRAGMAS for the import's connection, the previous values put back afterwards
    (a web upload's connection lives on), and the checkpoints in a `_Checkpointer`."""
    if connection.vendor != "sqlite":
        yield
        return
    pragmas = dict(IMPORT_PRAGMAS)
    checkpointer = None
    if not connection.is_in_memory_db():
        pragmas["wal_autocheckpoint"] = 0
        checkpointer = _Checkpointer(connection.settings_dict["NAME"], CHECKPOINT_EVERY_S)
    previous = {}
    with connection.cursor() as cursor:
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    if checkpointer:
        checkpointer.start()
    try:
        yield
    finally:
        if checkpointer:
            checkpointer.stop()
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {value}")


# The garbage collector while importing (and in the workers). What is loaded before (Django,
# the app, the libraries) is left out of its collections (`gc.freeze`): full collections
# scanned it again and again (a third of a second per 10,000 articles into a
# 90,000-article desk). And it collects the youngest objects every 10,000 allocations
# rather than 700, the older ones every 10 of those: an import allocates many short-lived
# objects and few cycles. Last 10,000 files into that desk, the objects frozen in both,
# interleaved: collections 0.23 -> 0.11 s, storing process CPU 6.64-6.70 -> 6.19-6.24 s,
# wall 9.28-9.48 -> 8.84-8.87 s.
GC_THRESHOLDS = (10_000, 10, 10)


@contextmanager
def _collector_settings():
    """GC_THRESHOLDS, with what was loaded before left out of full collections; the
    previous thresholds and the objects put back afterwards (a web upload's process lives
    on), unless something had frozen objects before (all would be put back)."""
    previous, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if not frozen:
            gc.unfreeze()


class _Checkpointer(threading.Thread):
    """Checkpoints the WAL of the SQLite file at `path` every `every` seconds (PASSIVE: as
    many frames as no reader still needs, blocking no one), until `stop`. Its own
    connection: sqlite3 lets other threads run while SQLite works, so the copying and
    syncing overlap the import. What the last checkpoint leaves is checkpointed by the
    next commit of a connection with automatic checkpoints (the import's own, at once)."""

    def __init__(self, path, every: float):
        super().__init__(name="sqlite-checkpointer", daemon=True)
        self.path, self.every = str(path), every
        self.checkpoints = 0
        self._stopping = threading.Event()

    def run(self) -> None:
        with closing(sqlite3.connect(self.path, timeout=self.every)) as db:
            while not self._stopping.wait(self.every):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.OperationalError:
                    continue  # busy (another checkpoint): the next round does it
                self.checkpoints += 1

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def _progress(enabled: bool):
    from tqdm import tqdm

    return tqdm(unit="doc", disable=not enabled, leave=False)


def _mark_duplicates(report: ImportReport, batch: ImportBatch) -> None:
    """After dedupe: a stored article counts as a duplicate exactly when it ended up in a
    group under another article (an exact copy may also have become the canonical of an
    older one, published later)."""
    copies = set(batch.articles.filter(duplicate_of__isnull=False).values_list("pk", flat=True))
    for index, outcome in enumerate(report.outcomes):
        if outcome.status in (IMPORTED, DUPLICATE):
            status = DUPLICATE if outcome.article_id in copies else IMPORTED
            report.outcomes[index] = replace(outcome, status=status)


def _finish_batch(batch: ImportBatch, report: ImportReport) -> None:
    batch.finished_at = timezone.now()
    batch.imported_count = report.imported
    batch.skipped_count = report.present
    batch.duplicate_count = report.duplicates
    batch.failed_count = report.failed
    batch.problems = [
        {"file": outcome.origin, "reason": outcome.reason} for outcome in report.problems
    ]
    batch.save()


def _describe(paths: Iterable[Path | str]) -> str:
    return " ".join(str(p) for p in paths)[:500]
