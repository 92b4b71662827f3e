"""What an import worker process runs for each document: extraction and cleaning, then the
body's near-duplicate fingerprint. Pure Python, importable without Django: the workers
are spawned and never set Django up (they must not share the parent's database)."""

from articles.dedupe import Fingerprint, fingerprint
from articles.ingest.document import Document, Problem, RawDocument
from articles.ingest.extract import extract

Prepared = tuple[Document | Problem, Fingerprint | None]


def prepare(raw: RawDocument) -> Prepared:
    """The document, and the fingerprint of its body (the store fingerprints again only
    when the source's learned boilerplate changes the body)."""
    document = extract(raw)
    if isinstance(document, Problem):
        return document, None
    return document, fingerprint(document.body)
