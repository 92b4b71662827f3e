"""From a RawDocument to a Document: the clean body, the title and the metadata.

HTML goes through trafilatura (main text and page metadata); plain text through our
boilerplate rules (clean.py) and the text metadata rules (metadata.py). Explicit fields
of the input (a feed entry's title, a JSON record's url) always win over guesses.
Pure and picklable: the import service runs `extract` in a process pool.
"""

import json
import re
from datetime import UTC, datetime
from importlib.metadata import version

from lxml import html as lxml_html

from articles.ingest import metadata
from articles.ingest.clean import clean_text, line_key
from articles.ingest.document import Document, Kind, Problem, RawDocument
from articles.ingest.readers import payload_of

TEXT_EXTRACTOR = "newsdesk-text 1"
# trafilatura is imported on the first HTML page, not with this module: a plain-text
# import's workers never need it (0.13 s of each worker's start).
HTML_EXTRACTOR = f"trafilatura {version('trafilatura')}"
FRAGMENT_EXTRACTOR = "lxml-text 1"
_TITLE_MAX = 200
_SENTENCE_MIN_WORDS = 6
_HTML_EXTRACTORS = ("trafilatura", "lxml-text")

_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")
_FULL_PAGE = re.compile(r"<(?:html|body|head)\b|<!doctype", re.I)
_META_PUBLISHED = re.compile(
    r"<meta\b[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|"
    r"og:published_time|datePublished|pubdate|publishdate)[\"'][^>]*"
    r"content\s*=\s*[\"'](?P<value>[^\"']+)[\"']",
    re.I,
)
_HTML_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)", re.I)


def extract(raw: RawDocument) -> Document | Problem:
    """Clean one document. Returns a Problem (never raises) when nothing usable is left.

    A source's learned boilerplate is not applied here (the source is only known once the
    metadata is): the import service removes it with `remove_lines`.
    """
    document = _from_html(raw) if raw.kind is Kind.HTML else _from_text(raw)
    if isinstance(document, Problem):
        return document
    if not document.body.strip():
        return Problem(raw.origin, "no article text left after removing boilerplate")
    if not document.title:
        document.title = _first_sentence(document.body)
    return document


def recover_raw_document(raw: str, extractor: str, *, origin: str, title: str = "") -> RawDocument:
    """Rebuild the RawDocument an article was made from, out of its stored `raw` and
    `extractor`, so its body can be re-derived (reclean). Records (JSON, CSV, feed entries)
    are stored as JSON objects; files as their decoded text."""
    record = _json_object(raw)
    if record is not None:
        kind, payload = payload_of(record)
        if payload:
            explicit_title = title if record.get("title") else ""
            return RawDocument(origin, raw, kind, payload, title=explicit_title)
    kind = Kind.HTML if extractor.startswith(_HTML_EXTRACTORS) else Kind.TEXT
    return RawDocument(origin, raw, kind, raw)


def _json_object(raw: str) -> dict | None:
    if not raw.startswith("{"):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def remove_lines(body: str, keys: frozenset[str]) -> str:
    """Drop the lines whose `line_key` is in `keys` (a source's learned boilerplate)."""
    kept = [line for line in body.split("\n") if line_key(line) not in keys]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def _from_text(raw: RawDocument) -> Document:
    cleaned = clean_text(raw.payload)
    if raw.title:
        title, body = raw.title, cleaned
    else:
        title, body = split_title(cleaned)
    attribution, _ = metadata.find_upstream(raw.payload)
    return Document(
        origin=raw.origin,
        raw=raw.raw,
        title=title,
        body=body,
        extractor=TEXT_EXTRACTOR,
        url=raw.url,
        published_at=raw.published_at or metadata.find_date(raw.payload),
        byline=raw.byline or metadata.find_byline(raw.payload),
        language=raw.language,
        source_name=raw.source_name or metadata.find_site_name(raw.payload),
        site_domain=metadata.domain_of(raw.url),
        upstream_attribution=attribution,
    )


def split_title(text: str) -> tuple[str, str]:
    """The title and the body of a cleaned plain text.

    The first line is the title when it reads like one (short, not a paragraph). When it
    is a paragraph, the text has no title line: the first short heading-like line of the
    first few becomes the title, and the body keeps every line.
    """
    lines = text.split("\n")
    first = lines[0].strip()
    if first and len(first) <= _TITLE_MAX and not _is_paragraph(first):
        return first, "\n".join(lines[1:]).strip("\n")
    for line in lines[1:6]:
        line = line.strip()
        if 10 <= len(line) <= 120 and not line.endswith((".", ":", "|")) and "|" not in line:
            return line, text
    return "", text


def _is_sentence_like(line: str) -> bool:
    """Six words, or forty characters for scripts written without spaces (Chinese)."""
    return len(line.split()) >= _SENTENCE_MIN_WORDS or len(line.strip()) >= 40


def _is_paragraph(line: str) -> bool:
    """Two or more sentences, or one long sentence ending in a full stop."""
    sentences = re.findall(r"[.!?](?:\s|$)", line)
    return len(sentences) >= 2 or (len(line) > 120 and line.endswith("."))


def _first_sentence(body: str) -> str:
    first = body.strip().split("\n", 1)[0]
    match = re.match(r"(.{20,}?[.!?])(?:\s|$)", first)
    sentence = match.group(1) if match else first
    return sentence if len(sentence) <= 120 else sentence[:119].rstrip() + "…"


def _from_html(raw: RawDocument) -> Document | Problem:
    if not _FULL_PAGE.search(raw.payload[:5000]):
        # Feed entries and JSON records carry an HTML fragment: all of it is the article
        # (trafilatura, tuned for whole pages, drops lists and short fragments).
        text = clean_text(_fragment_text(raw.payload))
        if not text:
            return Problem(raw.origin, "HTML with no extractable text")
        return _document(raw, text, extractor=FRAGMENT_EXTRACTOR, title=raw.title)
    import trafilatura

    result = trafilatura.bare_extraction(
        raw.payload,
        url=raw.url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Measured on tests/data/extraction (19 real pages): mean body F1 0.906 → ~0.96;
        # recall stays near 1.0, the gain is the sign-up boxes and comments it leaves out.
        favor_precision=True,
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    text = (getattr(result, "text", None) or "").strip()
    if not text:
        return Problem(raw.origin, "HTML with no extractable text")
    if not any(_is_sentence_like(line) for line in text.split("\n")):
        # Menus and labels only (a script-rendered page as scraped): no article here.
        return Problem(raw.origin, "HTML with no extractable text (only navigation or labels)")
    extractor = HTML_EXTRACTOR
    title = raw.title or (getattr(result, "title", None) or "").strip()
    # trafilatura repeats the headline as the first line of the text: keep it out of the body.
    first, _, rest = text.partition("\n")
    if title and rest.strip() and _same_headline(first, title):
        text = rest.strip("\n")
    return _document(
        raw,
        text,
        extractor=extractor,
        title=title,
        url=raw.url or (getattr(result, "url", None) or ""),
        published_at=_meta_published(raw.payload)
        or _parse_page_date(getattr(result, "date", None)),
        byline=getattr(result, "author", None) or "",
        language=getattr(result, "language", None) or "",
        source_name=getattr(result, "sitename", None) or "",
        site_domain=getattr(result, "hostname", None) or "",
    )


def _document(raw: RawDocument, text: str, *, extractor: str, title: str, url: str = "",
              published_at: datetime | None = None, byline: str = "", language: str = "",
              source_name: str = "", site_domain: str = "") -> Document:  # fmt: skip
    """A Document from extracted text: what the input stated explicitly wins over what
    the page or the text suggests."""
    url = raw.url or url
    language_match = _HTML_LANG.search(raw.payload[:5000])
    return Document(
        origin=raw.origin,
        raw=raw.raw,
        title=title,
        body=text,
        extractor=extractor,
        url=url,
        published_at=raw.published_at or published_at,
        byline=raw.byline or byline,
        language=raw.language
        or language
        or (language_match.group(1).lower() if language_match else ""),
        source_name=raw.source_name or source_name,
        site_domain=metadata.domain_of(url) or site_domain,
        upstream_attribution=metadata.find_upstream(text)[0],
    )


def _meta_published(page: str) -> datetime | None:
    """The exact publication time a page states in its meta tags (article:published_time,
    itemprop datePublished), with its offset; trafilatura keeps only the day."""
    head = page[:20000]
    for match in _META_PUBLISHED.finditer(head):
        if parsed := _parse_page_date(match.group("value")):
            return parsed
    return None


def _same_headline(line: str, title: str) -> bool:
    """The first line repeats the page title, give or take a site suffix ("… | Yonhap")
    or a shortened form: one contains the other and they are of comparable length."""
    a, b = (" ".join(re.findall(r"\w+", x.casefold())) for x in (line, title))
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return shorter in longer and len(shorter) >= 0.6 * len(longer)


def _fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element, cells apart."""
    try:
        root = lxml_html.fromstring(fragment)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    for element in root.iter("td", "th"):
        element.tail = " " + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _parse_page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
