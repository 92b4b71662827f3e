"""The values that travel through the import pipeline, from bytes on disk to a clean article.

readers.py turns files into `RawDocument`s (or `Problem`s); extract.py turns a RawDocument
into a `Document` with a clean body and metadata; the import service stores Documents.
All plain data: picklable, so the heavy steps can run in a process pool.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """What the payload of a RawDocument is."""

    TEXT = "text"  # plain text: first non-empty line is the title (like the seeds)
    HTML = "html"  # a web page or an HTML fragment: main text comes from trafilatura


@dataclass(frozen=True)
class RawDocument:
    """One document as read from its input, before cleaning.

    `origin` names where it came from precisely enough for an error message: the file path,
    plus `#entry 3` for the third entry of a feed or JSON list, or `:12` for line 12 of a
    JSONL or CSV file. `raw` is the decoded input of this one document (the whole file for
    text and HTML, the entry or record as text for feeds, JSON and CSV). `payload` is what
    to clean or extract: the text or the HTML. Metadata fields hold what the input stated
    explicitly (feed fields, JSON/CSV columns); empty when it stated nothing.
    """

    origin: str
    raw: str
    kind: Kind
    payload: str
    title: str = ""
    url: str = ""
    published_at: datetime | None = None
    byline: str = ""
    language: str = ""
    source_name: str = ""
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Problem:
    """Input that could not be read, with a one-line reason naming file and entry/line."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class Document:
    """A cleaned document, ready to store as an Article."""

    origin: str
    raw: str
    title: str
    body: str
    extractor: str
    url: str = ""
    published_at: datetime | None = None
    byline: str = ""
    language: str = ""
    source_name: str = ""
    site_domain: str = ""
    upstream_attribution: str = ""
    tags: list[str] = field(default_factory=list)
    content_hash: str = ""  # of the body, when the import worker computed it
