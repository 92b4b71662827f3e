"""Metadata stated in an article's own text: publication date, byline, site name, upstream
attribution, and the domain of a URL. Pure functions over strings; no Django, no ORM.

Not for HTML pages: there trafilatura reads the page metadata (extract.py). These rules
only look where such things are stated (short lines near the top or the bottom), so a date
or a name in running text is never taken for metadata.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = (
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?(?:\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?)?"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DATE_PATTERNS = [
    # Day first, as in 08 January 2025, 23:41
    re.compile(rf"\b{_WEEKDAY}(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}}){_TIME}", re.I),
    # Month first, as in Tuesday, June 17, 2025 or Jun 17, 2025 10:30
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    # ISO 8601 date, optionally with a time
    re.compile(
        r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    # "17.06.2025" (European numeric)
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _TIME),
]
# A line that states metadata is short; a date inside a long sentence is part of the story.
_META_LINE_MAX = 80
_HEAD_LINES = 12
_DATELINE_MAX_WORDS = 3
_BIO_TAIL_LINES = 12
_PROSE_WORDS = 12
_WORD = re.compile(r"[^\W\d_]{2,}")

_UPSTREAM = re.compile(
    # Phrases that only ever introduce an attribution may go without a colon; the short
    # words ("Source", "Via") open ordinary sentences too, so they need one.
    r"^\s*(?:(?:based on materials|according to materials|with materials)(?: of| from)?"
    r"\s*[:\-–]?|originally published (?:by|at|on|in)\s*:?|(?:sources|source|via)\s*:)"
    r"\s*(?P<name>[^\s].{0,120}?)\s*\.?\s*$",
    re.I,
)
_BYLINE = re.compile(r"^\s*(?:by|written by|author:)\s+(?P<name>[^\d,.;:!?]{3,80}?)\s*$", re.I)
_BIO_OPENERS = re.compile(
    r"\b(has been|is an?|is the|was an?|writes|covers|joined|has worked|has covered)\b", re.I
)
_DISCOVER_MORE = re.compile(r"^\s*discover more from\s+(?P<name>[^|]{2,80}?)\s*(?:\||$)", re.I)
_SELF_DESCRIPTION = re.compile(
    r"^\s*(?P<name>[\w.-]+\.[a-z]{2,})\s+is an?\b.{0,60}\b(?:news|aggregator|media|outlet|site)",
    re.I,
)


def _to_datetime(match: re.Match) -> datetime | None:
    parts = match.groupdict()
    month = parts["month"]
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    hour = int(parts.get("hour") or 0)
    if (parts.get("ampm") or "").lower() == "p" and hour < 12:
        hour += 12
    elif (parts.get("ampm") or "").lower() == "a" and hour == 12:
        hour = 0
    try:
        stated = datetime(
            int(parts["year"]),
            month_number or 0,
            int(parts["day"]),
            hour,
            int(parts.get("minute") or 0),
            tzinfo=_offset(parts.get("tz") or ""),
        )
    except ValueError:  # 31 February and the like: not a date after all
        return None
    return stated.astimezone(UTC)


def _offset(text: str) -> timezone:
    """The offset a date states ("+03:00", "-0500", "Z", "GMT"); UTC when it states none."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text)
    if not match:
        return UTC
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return timezone(timedelta(minutes=minutes if match.group(1) == "+" else -minutes))


def find_date(text: str) -> datetime | None:
    """The publication date stated on a short line near the top of the text, in UTC
    (a date without a time is midnight). None when the text states no full date there."""
    for line in text.splitlines()[:_HEAD_LINES]:
        if not line.strip() or len(line) > _META_LINE_MAX:
            continue
        for pattern in _DATE_PATTERNS:
            match = pattern.search(line)
            # A dateline is the date plus a label at most ("Published:", "| Policy");
            # "The offensive began on 6 August 2024." is a sentence, not a dateline.
            rest = line[: match.start()] + line[match.end() :] if match else ""
            is_dateline = match and len(_WORD.findall(rest)) <= _DATELINE_MAX_WORDS
            if is_dateline and (found := _to_datetime(match)):
                return found
    return None


def find_upstream(text: str) -> tuple[str, str]:
    """The upstream attribution line ("Based on materials: barrons.com") and the name or
    domain it names ("barrons.com"); empty strings when there is none."""
    for line in text.splitlines():
        if len(line) <= _META_LINE_MAX * 2 and (match := _UPSTREAM.match(line)):
            return line.strip(), match["name"].strip()
    return "", ""


def find_byline(text: str) -> str:
    """The author: a "By Jane Roe" line near the top, or the name heading an author bio
    block near the end ("Jane Roe" / "Jane Roe has been a reporter for…")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:_HEAD_LINES]:
        if match := _BYLINE.match(line):
            return match["name"].strip()
    # An author bio closes an article; a name heading a paragraph higher up is a profile.
    tail_start = max(0, len(lines) - _BIO_TAIL_LINES)
    for index, line in enumerate(lines[tail_start:], start=tail_start):
        if len(line) > 60 or index + 1 >= len(lines):
            continue
        for position in range(index + 1, min(index + 3, len(lines))):
            bio = lines[position]
            rest = bio[len(line) :].strip()
            if not (bio.startswith(line) and len(rest) > 20 and _BIO_OPENERS.match(rest)):
                continue
            # More story after it makes it a profile inside the article, not the author's bio.
            if not any(len(x.split()) >= _PROSE_WORDS for x in lines[position + 1 :]):
                return line
    return ""


def find_site_name(text: str) -> str:
    """The outlet as the page names itself: "Discover more from Defence Talks | …" or
    "infobud.news is an AI-driven news aggregator…"; empty when it does not."""
    for line in text.splitlines():
        if match := _DISCOVER_MORE.match(line) or _SELF_DESCRIPTION.match(line):
            return match["name"].strip()
    return ""


def domain_of(url: str) -> str:
    """The host of a URL, lower-case, without `www.` or a port; empty for no URL.
    Also accepts a bare domain ("barrons.com")."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def looks_like_domain(name: str) -> bool:
    return bool(re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", name.lower()))
