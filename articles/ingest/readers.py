"""Files on disk to `RawDocument`s: finding the files, telling their format, splitting entries.

For: the import service, which walks the paths an analyst gave (`iter_files`) and reads
each file (`read_file`) into one RawDocument per article: a text or HTML file is one, a
feed, a JSON list, a JSONL or CSV file one per entry. Formats are plain text, HTML (also
gzipped), RSS 2.0 / RSS 1.0 / Atom (feedparser, after defusedxml has vetted the XML),
JSON Feed, JSON, JSONL and CSV with the documented fields (`RECORD_FIELDS`).

Hostile input never raises: every refusal is a `Problem` whose origin names the file and,
where it applies, the entry (`#entry 3`) or line (`:12`), and whose reason is one line.
One bad entry never stops the good ones. Memory stays bounded: a file is never read past
`limit_bytes` (+1 to notice the overflow), nor gzip data decompressed past it.

Not for: decoding bytes (encoding.py), cleaning text or extracting metadata (extract.py),
nor storing anything (services/imports.py). Pure Python, no Django.
"""

import csv
import email.utils
import html
import io
import json
import os
import re
import stat
import xml.sax
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import defusedxml.sax
import feedparser
from defusedxml import DefusedXmlException, EntitiesForbidden

from articles.ingest.document import Kind, Problem, RawDocument
from articles.ingest.encoding import HEAD_BYTES, DecodeError, decode, looks_binary

FORMATS = ("txt", "html", "feed", "json", "jsonl", "csv")
DEFAULT_LIMIT_BYTES = 20 * 1024 * 1024
# The documented field names of JSON, JSONL and CSV records.
RECORD_FIELDS = (
    "title",
    "body",
    "text",
    "html",
    "url",
    "published_at",
    "source",
    "byline",
    "language",
)
# The fields that can carry the article, in order of preference.
BODY_FIELDS = ("html", "body", "text")

_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
_SNIFF_BYTES = 64 * 1024
_MB = 1024 * 1024

_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_XML_DECLARED_ENCODING = re.compile(r"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf)\b")
_HTML_ROOT = re.compile(r"<!doctype\s+html|<(?:html|head|body)\b")
_TAG = re.compile(r"<[^>]*>")


class _Refused(Exception):
    """The whole file, or the rest of it, cannot be read; becomes one Problem."""

    def __init__(self, reason: str, origin: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.origin = origin


# Finding files


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """The files to read: files as given, folders walked recursively in sorted order.

    Symlinks are followed, but each real folder is walked once, so a link back up the
    tree cannot loop. Hidden entries (".git", ".DS_Store") inside folders are skipped.
    A path that does not exist, a dangling link, an unreadable file or folder and a
    special file (FIFO, socket, device: opening one could block) each give a Problem.
    """
    walked: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        status = _stat(path)
        if isinstance(status, Problem):
            yield status
        elif stat.S_ISDIR(status.st_mode):
            yield from _walk(path, status, walked)
        else:
            yield _checked_file(path, status)


def _walk(
    root: Path, root_status: os.stat_result, walked: set[tuple[int, int]]
) -> Iterator[Path | Problem]:
    # An explicit stack of folder listings: a deep tree must not hit the recursion limit.
    stack: list[Iterator[Path]] = []

    def enter(folder: Path, status: os.stat_result) -> Problem | None:
        # (device, inode) names the real folder whichever link led to it.
        key = (status.st_dev, status.st_ino)
        if key in walked:
            return None
        walked.add(key)
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except PermissionError:
            return Problem(str(folder), "cannot list folder: permission denied")
        except OSError as error:
            return Problem(str(folder), f"cannot list folder: {error.strerror or error}")
        stack.append(iter([folder / name for name in names if not name.startswith(".")]))
        return None

    problem = enter(root, root_status)
    if problem:
        yield problem
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
            continue
        status = _stat(path)
        if isinstance(status, Problem):
            yield status
        elif stat.S_ISDIR(status.st_mode):
            problem = enter(path, status)
            if problem:
                yield problem
        else:
            yield _checked_file(path, status)


def _stat(path: Path) -> os.stat_result | Problem:
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return Problem(
                str(path), f"dangling symlink (its target {os.readlink(path)} does not exist)"
            )
        return Problem(str(path), "no such file or folder")
    except PermissionError:
        return Problem(str(path), "cannot access: permission denied")
    except OSError as error:
        # ELOOP for a link to itself, ENAMETOOLONG ...
        return Problem(str(path), f"cannot access: {error.strerror or error}")


def _checked_file(path: Path, status: os.stat_result) -> Path | Problem:
    if not stat.S_ISREG(status.st_mode):
        return Problem(str(path), f"not a regular file ({_file_type(status)})")
    if not os.access(path, os.R_OK):
        return Problem(str(path), "cannot read: permission denied")
    return path


def _file_type(status: os.stat_result) -> str:
    mode = status.st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


# Telling the format


def detect_format(path: Path, head: bytes) -> str:
    """The format of a file (one of FORMATS) from its name and the first bytes.

    A known extension decides (".gz" is looked through: page.html.gz is HTML), except that
    a ".json" file holding a JSON Feed is a feed. Otherwise the head is sniffed: XML with
    an rss/feed/rdf root is a feed, other markup HTML, "{" or "[" JSON (several one-line
    objects: JSONL), anything else plain text. `head` may be gzip-compressed.
    """
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if head.startswith(_GZIP_MAGIC):
        head = _gunzip_head(head)
    text = _head_text(head).lstrip().lower()
    by_extension = _EXTENSIONS.get(os.path.splitext(name)[1])
    if by_extension == "json":
        return "feed" if _is_json_feed_head(text) else "json"
    if by_extension:
        return by_extension
    if text.startswith("<?xml"):
        # XHTML also starts with an XML declaration.
        return "html" if _HTML_ROOT.search(text) else "feed"
    if text.startswith("<"):
        return "feed" if _FEED_ROOT.match(text) else "html"
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        if _is_json_feed_head(text):
            return "feed"
        return "jsonl" if _is_json_lines(text) else "json"
    return "txt"


def _head_text(head: bytes) -> str:
    """Good enough text of a head to look for ASCII markers in; never fails."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    if b"\x00" in head[:2]:
        return head.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", errors="ignore")
    return head.decode("latin-1")


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, _SNIFF_BYTES)
    except zlib.error:
        return b""


def _is_json_feed_head(text: str) -> bool:
    return "jsonfeed.org/version" in text


def _is_json_lines(text: str) -> bool:
    """Two or more lines, the first of them a whole JSON object by itself."""
    lines = [line for line in text.split("\n") if line.strip()]
    return len(lines) >= 2 and _is_json_object(lines[0])


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


# Reading a file


def read_file(
    path: Path, *, fmt: str = "auto", limit_bytes: int = DEFAULT_LIMIT_BYTES
) -> Iterator[RawDocument | Problem]:
    """One RawDocument per document in the file at `path`, or Problems saying why not.

    `fmt` is "auto" (detect_format) or one of FORMATS. Never raises for bad input;
    raises ValueError only for an unknown `fmt` (a caller's mistake).
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected auto or one of {', '.join(FORMATS)}")
    path = Path(path)
    origin = str(path)
    try:
        yield from _read(path, origin, fmt, limit_bytes)
    except _Refused as refused:
        yield Problem(refused.origin or origin, refused.reason)


def _read(path: Path, origin: str, fmt: str, limit_bytes: int) -> Iterator[RawDocument | Problem]:
    data, gzipped = _read_bytes(path, limit_bytes)
    inside = " inside the gzip" if gzipped else ""
    if not data:
        raise _Refused(f"empty file{inside}")
    # A plain file's head was checked before it was read (`_read_bytes`).
    if gzipped and (kind := looks_binary(data[:HEAD_BYTES])):
        raise _Refused(f"binary file ({kind}){inside}, not text")
    if fmt == "auto":
        fmt = detect_format(path, data[:_SNIFF_BYTES])
    try:
        text, encoding = decode(data, declared=_declared_charset(data, fmt))
    except DecodeError as error:
        raise _Refused(error.reason) from None
    if not text.strip():
        raise _Refused(f"only whitespace, no text{inside}")
    yield from _READERS[fmt](text, origin, encoding)


def _read_bytes(path: Path, limit: int) -> tuple[bytes, bool]:
    """The file's bytes, gunzipped if they are gzip, never more than `limit` of either."""
    try:
        # O_NONBLOCK: opening a FIFO that slipped through must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _Refused("dangling symlink (its target does not exist)") from None
        raise _Refused("no such file") from None
    except PermissionError:
        raise _Refused("cannot read: permission denied") from None
    except OSError as error:
        raise _Refused(f"cannot read: {error.strerror or error}") from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise _Refused(f"not a regular file ({_file_type(status)})")
    # The size check comes before any read: a 30 GB file costs nothing to refuse.
    if status.st_size > limit:
        os.close(fd)
        raise _Refused(f"file is {_size(status.st_size)}, over the {_size(limit)} limit")
    with open(fd, "rb") as file:
        try:
            head = file.read(HEAD_BYTES)
            if head.startswith(_GZIP_MAGIC):
                return _gunzip(head, file, limit), True
            kind = looks_binary(head)
            if kind:
                # No point reading megabytes of a PDF.
                raise _Refused(f"binary file ({kind}), not text")
            data = head + file.read(limit + 1 - len(head))
        except OSError as error:
            raise _Refused(f"cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        # The file grew after the size check, or its size was not known (/proc).
        raise _Refused(f"file is over the {_size(limit)} limit")
    return data, False


def _gunzip(head: bytes, file: io.BufferedReader, limit: int) -> bytes:
    """Decompress chunk by chunk, stopping as soon as the output passes `limit`.

    A gzip bomb (100 MB of zeros is 100 KB compressed) is refused after at most `limit`
    + 1 bytes of output; it is never expanded whole. Concatenated gzip members are one
    file, as for gunzip.
    """
    out = bytearray()
    decompressor = zlib.decompressobj(wbits=31)  # gzip header and trailer required
    pending = head
    while True:
        if not pending:
            pending = file.read(_CHUNK)
            if not pending:
                break
        if decompressor.eof:
            if not pending.strip(b"\x00"):  # zero padding after the last member is allowed
                pending = b""
                continue
            decompressor = zlib.decompressobj(wbits=31)
        try:
            out += decompressor.decompress(pending, limit + 1 - len(out))
        except zlib.error as error:
            raise _Refused(f"corrupt gzip data ({error})") from None
        if len(out) > limit:
            raise _Refused(f"gzip data expands past the {_size(limit)} limit")
        pending = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
    if not decompressor.eof:
        raise _Refused("truncated gzip file (the compressed data ends early)")
    return bytes(out)


def _size(n: int) -> str:
    if n >= _MB:
        return f"{n // _MB} MB" if n % _MB == 0 else f"{n / _MB:.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB" if n % 1024 == 0 else f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _declared_charset(data: bytes, fmt: str) -> str | None:
    """The charset an HTML page or XML feed states about itself, if any."""
    if fmt not in ("html", "feed"):
        return None
    head = data[:4096]
    match = _XML_ENCODING.match(head) or (_META_CHARSET.search(head) if fmt == "html" else None)
    return match.group(1).decode("ascii") if match else None


# Plain text and HTML: the whole file is one document.


def _read_txt(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    yield RawDocument(origin=origin, raw=text, kind=Kind.TEXT, payload=text, encoding=encoding)


def _read_html(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    yield RawDocument(origin=origin, raw=text, kind=Kind.HTML, payload=text, encoding=encoding)


# Feeds


def _read_feed(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        feed = _load_json(text)
        if not _is_json_feed(feed):
            raise _Refused("JSON but not a JSON Feed (no jsonfeed.org version)")
        yield from _read_json_feed(feed, origin, encoding)
        return
    # Stray blank lines before the XML declaration are a common CMS slip and harmless;
    # error positions still count them.
    skipped_lines = text.count("\n", 0, len(text) - len(stripped))
    # The text is decoded already: the declaration must not make anyone decode it again.
    data = _XML_DECLARED_ENCODING.sub(r'\1"utf-8"', stripped, count=1).encode("utf-8")
    root = _vet_xml(data, skipped_lines)
    try:
        # A file object, because given a str or bytes feedparser tries it as a path or URL.
        # The header makes it trust our decoding over the XML declaration (RFC 3023).
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=True,
            resolve_relative_uris=False,
        )
    except Exception as error:  # a third-party parser on hostile input: never let it crash us
        raise _Refused(f"feed parser failed: {type(error).__name__}: {error}") from None
    if not parsed.get("version"):
        raise _Refused(f"XML is not an RSS or Atom feed (root element <{root}>)")
    if not parsed.entries:
        raise _Refused("feed has no entries")
    feed = parsed.feed
    for number, entry in enumerate(parsed.entries, 1):
        yield _feed_entry(entry, feed, f"{origin}#entry {number}", encoding)


class _RootElement(xml.sax.handler.ContentHandler):
    root = ""

    def startElement(self, name: str, attrs: Any) -> None:
        self.root = self.root or name


def _vet_xml(data: bytes, skipped_lines: int) -> str:
    """Check the XML is well-formed and declares no entities; return the root element.

    defusedxml refuses every entity declaration, which covers "billion laughs" (nested
    internal entities) and external entities (file:///etc/passwd). An external DTD such
    as RSS 0.91's Netscape DOCTYPE is allowed but never fetched. SAX keeps memory flat.
    """
    handler = _RootElement()
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = False
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as error:
        line = error.getLineNumber() + skipped_lines
        column = error.getColumnNumber() + 1
        raise _Refused(
            f"malformed XML at line {line}, column {column}: {error.getMessage()}"
        ) from None
    except EntitiesForbidden as error:
        if error.sysid:
            raise _Refused(
                f"XML declares an external entity {error.name!r} ({error.sysid}): refused"
            ) from None
        raise _Refused(
            f"XML declares entity {error.name!r}: refused (entity expansion, as in "
            '"billion laughs", is an attack)'
        ) from None
    except DefusedXmlException as error:
        raise _Refused(f"XML refused as unsafe: {error}") from None
    return handler.root


def payload_of(record: dict) -> tuple[Kind, str]:
    """The body a stored record carries and its kind, for re-deriving it later (reclean).

    Understands the three record shapes this module stores as `raw`: a feedparser entry
    (content list and summary), a JSON Feed item (content_html, content_text, summary) and
    a JSON/JSONL/CSV record (html, body or text). The longest candidate wins, as at import.
    Returns (Kind.TEXT, "") when the record carries no body.
    """
    candidates: list[tuple[Kind, str]] = []
    if "content" in record or "summary_detail" in record:
        for part in [*(record.get("content") or []), record.get("summary_detail") or {}]:
            if isinstance(part, dict) and isinstance(part.get("value"), str):
                # Atom's type="text" content is plain text; everything else in feeds is HTML.
                kind = Kind.TEXT if part.get("type") == "text/plain" else Kind.HTML
                candidates.append((kind, part["value"]))
        if not candidates and isinstance(record.get("summary"), str):
            candidates.append((Kind.HTML, record["summary"]))
    elif "content_html" in record or "content_text" in record:
        for key, kind in (("content_html", Kind.HTML), ("content_text", Kind.TEXT),
                          ("summary", Kind.TEXT)):  # fmt: skip
            if isinstance(record.get(key), str):
                candidates.append((kind, record[key]))
    else:
        for key, kind in (("html", Kind.HTML), ("body", Kind.TEXT), ("text", Kind.TEXT)):
            if isinstance(record.get(key), str) and record[key].strip():
                return kind, record[key].strip()
    kind, body = max(candidates, key=lambda c: len(c[1].strip()), default=(Kind.TEXT, ""))
    return kind, body.strip()


def _feed_entry(entry: dict, feed: dict, origin: str, encoding: str) -> RawDocument | Problem:
    # The *_parsed values are time tuples derived from the strings kept beside them.
    raw = {key: value for key, value in entry.items() if not key.endswith("_parsed")}
    kind, body = payload_of(raw)
    if not body:
        return Problem(origin, "feed entry has no content or summary")
    published = _feed_entry_date(entry, origin)
    if isinstance(published, Problem):
        return published
    title = entry.get("title") or ""
    if entry.get("title_detail", {}).get("type") == "text/html":
        title = html.unescape(_TAG.sub("", title))
    details = [
        *entry.get("content", []),
        entry.get("summary_detail", {}),
        entry.get("title_detail", {}),
    ]
    language = next(
        (d["language"] for d in details if d.get("language")), feed.get("language") or ""
    )
    return RawDocument(
        origin=origin,
        raw=json.dumps(raw, ensure_ascii=False, default=str),
        kind=kind,
        payload=body,
        title=" ".join(title.split()),
        url=(entry.get("link") or "").strip(),
        published_at=published,
        byline=(entry.get("author_detail", {}).get("name") or entry.get("author") or "").strip(),
        language=language.strip(),
        source_name=" ".join((feed.get("title") or "").split()),
        encoding=encoding,
    )


def _feed_entry_date(entry: dict, origin: str) -> datetime | None | Problem:
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            # feedparser gives a UTC time tuple.
            return datetime(*parsed[:6], tzinfo=UTC)
        return _parse_date(value) or Problem(
            origin, f"unparseable {key} date {_quote(value)} (expected RFC 2822 or ISO 8601)"
        )
    return None


def _is_json_feed(value: Any) -> bool:
    version = value.get("version") if isinstance(value, dict) else None
    return isinstance(version, str) and "jsonfeed.org/version/" in version


def _read_json_feed(feed: dict, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), by hand."""
    items = feed.get("items")
    if not isinstance(items, list):
        raise _Refused("JSON Feed without an items list")
    if not items:
        raise _Refused("feed has no entries")
    source = feed.get("title")
    language = feed.get("language")
    feed_byline = _json_feed_authors(feed)
    for number, item in enumerate(items, 1):
        entry_origin = f"{origin}#entry {number}"
        if not isinstance(item, dict):
            yield Problem(entry_origin, f"feed item is {_json_type(item)}, expected an object")
            continue
        yield _json_feed_item(
            item,
            entry_origin,
            encoding,
            source=source if isinstance(source, str) else "",
            language=language if isinstance(language, str) else "",
            byline=feed_byline,
        )


def _json_feed_item(
    item: dict, origin: str, encoding: str, *, source: str, language: str, byline: str
) -> RawDocument | Problem:
    fields = ("title", "url", "external_url", "content_html", "content_text", "summary")
    fields += ("date_published", "date_modified", "language")
    values: dict[str, str] = {}
    for name in fields:
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            return Problem(origin, f"field {name!r} is {_json_type(value)}, expected text")
        if value and "\x00" in value:  # "\u0000" in JSON: not text, and unstorable
            return Problem(origin, f"field {name!r} contains a NUL character")
        values[name] = (value or "").strip()
    candidates = [
        (values["content_html"], Kind.HTML),
        (values["content_text"], Kind.TEXT),
        (values["summary"], Kind.TEXT),  # JSON Feed's summary is plain text
    ]
    body, kind = max(candidates, key=lambda c: len(c[0]))
    if not body:
        return Problem(origin, "feed item has no content_html, content_text or summary")
    published = None
    date_field = "date_published" if values["date_published"] else "date_modified"
    if values[date_field]:
        published = _parse_date(values[date_field])
        if published is None:
            return Problem(
                origin, f"unparseable {date_field} {_quote(values[date_field])} (expected RFC 3339)"
            )
    return RawDocument(
        origin=origin,
        raw=json.dumps(item, ensure_ascii=False),
        kind=kind,
        payload=body,
        title=values["title"],
        url=values["url"] or values["external_url"],
        published_at=published,
        byline=_json_feed_authors(item) or byline,
        language=values["language"] or language.strip(),
        source_name=" ".join(source.split()),
        encoding=encoding,
    )


def _json_feed_authors(obj: dict) -> str:
    """Names from 1.1's "authors" list or 1.0's "author" object; wrong shapes are ignored."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [
        a["name"].strip() for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)
    ]
    return ", ".join(name for name in names if name)


# JSON, JSONL and CSV records


def _read_json(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    try:
        value = _load_json(text)
    except _Refused:
        # A ".json" file that holds JSON Lines is common enough to read as such.
        if _is_json_lines(text):
            yield from _read_jsonl(text, origin, encoding)
            return
        raise
    if isinstance(value, dict):
        if _is_json_feed(value):
            yield from _read_json_feed(value, origin, encoding)
        else:
            yield _record(value, origin, encoding)
    elif isinstance(value, list):
        if not value:
            raise _Refused("JSON list is empty: no articles")
        for number, item in enumerate(value, 1):
            entry_origin = f"{origin}#entry {number}"
            if isinstance(item, dict):
                yield _record(item, entry_origin, encoding)
            else:
                yield Problem(entry_origin, f"entry is {_json_type(item)}, expected an object")
    else:
        raise _Refused(f"JSON is {_json_type(value)}, expected an object or a list of objects")


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _Refused(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise _Refused("JSON nested too deeply") from None


def _read_jsonl(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    # split("\n"), not splitlines(): U+2028 inside a JSON string is not a line break.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        line_origin = f"{origin}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Problem(line_origin, f"malformed JSON at column {error.colno}: {error.msg}")
            continue
        except RecursionError:
            yield Problem(line_origin, "JSON nested too deeply")
            continue
        if isinstance(value, dict):
            yield _record(value, line_origin, encoding)
        else:
            yield Problem(line_origin, f"line is {_json_type(value)}, expected an object")


def _read_csv(text: str, origin: str, encoding: str) -> Iterator[RawDocument | Problem]:
    # Article bodies outgrow csv's default 128 KB field limit; the file is capped anyway.
    if csv.field_size_limit() < len(text):
        csv.field_size_limit(len(text))
    reader = csv.reader(io.StringIO(text), delimiter=_csv_delimiter(text))
    header: list[str] | None = None
    header_line = 0
    while True:
        line = reader.line_num + 1  # the first line of the record about to be read
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader cannot resynchronise after this: the rest of the file is lost.
            raise _Refused(f"malformed CSV: {error}", origin=f"{origin}:{line}") from None
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, header_line = [cell.strip().lower() for cell in row], line
            _check_csv_header(header, f"{origin}:{line}")
            continue
        row_origin = f"{origin}:{line}"
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            yield Problem(
                row_origin,
                f"{len(row)} cells, but the header (line {header_line}) has {len(header)}",
            )
            continue
        record = {name: cell for name, cell in zip(header, row, strict=False) if name}
        yield _record(record, row_origin, encoding)


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most documented field names."""
    first = next((line for line in text.split("\n") if line.strip()), "")

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(cell.strip().lower() in RECORD_FIELDS for cell in cells)

    return max(",;\t|", key=known)  # ties go to the comma, listed first


def _check_csv_header(header: list[str], origin: str) -> None:
    if not any(name in BODY_FIELDS for name in header):
        raise _Refused(
            f"CSV header has no body, text or html column (found: {', '.join(header)[:100]})",
            origin=origin,
        )
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise _Refused(f"CSV header names {', '.join(duplicates)} more than once", origin=origin)


def _record(record: dict, origin: str, encoding: str) -> RawDocument | Problem:
    """A JSON object or CSV row with the documented fields, as a RawDocument."""
    values: dict[str, str] = {}
    for name in RECORD_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return Problem(origin, f"field {name!r} is {_json_type(value)}, expected text")
        if value and "\x00" in value:  # "\u0000" in JSON: not text, and unstorable
            return Problem(origin, f"field {name!r} contains a NUL character")
        values[name] = (value or "").strip()
    present = [name for name in BODY_FIELDS if record.get(name) is not None]
    if not present:
        return Problem(origin, "no body, text or html field")
    body_field = next((name for name in BODY_FIELDS if values[name]), None)
    if body_field is None:
        return Problem(origin, f"empty {' / '.join(present)}: no article text")
    published = None
    if values["published_at"]:
        published = _parse_date(values["published_at"])
        if published is None:
            return Problem(
                origin,
                f"unparseable published_at {_quote(values['published_at'])} "
                "(expected ISO 8601 or RFC 2822)",
            )
    return RawDocument(
        origin=origin,
        raw=json.dumps(record, ensure_ascii=False),
        kind=Kind.HTML if body_field == "html" else Kind.TEXT,
        payload=values[body_field],
        title=values["title"],
        url=values["url"],
        published_at=published,
        byline=values["byline"],
        language=values["language"],
        source_name=values["source"],
        encoding=encoding,
    )


def _parse_date(value: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 or RFC 2822; naive means UTC, a date midnight.

    Deliberately no fuzzy parsing: "5" or "June" read as a date would be a silent guess.
    """
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _quote(value: str, limit: int = 60) -> str:
    """A value for a one-line reason: quoted, escaped, and cut short."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


_READERS = {
    "txt": _read_txt,
    "html": _read_html,
    "feed": _read_feed,
    "json": _read_json,
    "jsonl": _read_jsonl,
    "csv": _read_csv,
}
