"""What an import worker process runs: reading a small file, extraction and cleaning,
then the body's near-duplicate fingerprint and its band keys. Pure Python, importable
without Django: the workers are spawned and never set Django up (they must not share the
parent's database)."""

import gc
import os
from dataclasses import dataclass
from pathlib import Path

from articles.dedupe import Fingerprint, fingerprint
from articles.ingest.document import Document, Problem, RawDocument
from articles.ingest.extract import extract
from articles.ingest.hashing import content_hash
from articles.ingest.readers import read_file

Prepared = tuple[Document | Problem, Fingerprint | None]


@dataclass(frozen=True)
class FileTask:
    """A whole file to read in the worker (files small enough that their documents travel
    back together; larger ones are read by the caller and sent a document at a time)."""

    path: str
    fmt: str
    limit_bytes: int
    size: int  # bytes on disk, for the caller's chunking


def start(niceness: int, gc_thresholds: tuple[int, int, int] | None = None) -> None:
    """A worker process's start: at `niceness` above its parent (which stores what the
    workers prepare and is the import's bottleneck), with what the imports loaded left
    out of the garbage collector's full collections, and the collector's thresholds
    (the import's: `imports.GC_THRESHOLDS`)."""
    os.nice(niceness)
    gc.freeze()
    if gc_thresholds:
        gc.set_threshold(*gc_thresholds)


def prepare(raw: RawDocument) -> Prepared:
    """The document with its body's content hash, and the fingerprint of its body with
    its band keys computed (the store computes both again only when the source's learned
    boilerplate changes the body)."""
    document = extract(raw)
    if isinstance(document, Problem):
        return document, None
    document.content_hash = content_hash(document.body)
    fp = fingerprint(document.body)
    fp.band_keys  # noqa: B018 - computed here, in the worker, and pickled with it
    return document, fp


def run(task: FileTask | RawDocument) -> list[Prepared]:
    """Every prepared document of a task: one for a document, all of a file's for a file."""
    if isinstance(task, RawDocument):
        return [prepare(task)]
    return [
        prepare(item) if isinstance(item, RawDocument) else (item, None)
        for item in read_file(Path(task.path), fmt=task.fmt, limit_bytes=task.limit_bytes)
    ]
