"""Metadata stated in an article's own text: publication date, byline, site name, upstream
attribution, and the domain of a URL. Pure functions over strings; no Django, no ORM.

Not for HTML pages: there trafilatura reads the page metadata (extract.py). These rules
only look where such things are stated (short lines near the top or the bottom), so a date
or a name in running text is never taken for metadata.
"""

import re
from datetime import UTC, datetime
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
_TIME = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DATE_PATTERNS = [
    # Day first, as in 08 January 2025, 23:41
    re.compile(rf"\b{_WEEKDAY}(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}}){_TIME}", re.I),
    # Month first, as in Tuesday, June 17, 2025 or Jun 17, 2025 10:30
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    # ISO 8601 date, optionally with a time
    re.compile(
        r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"
    ),
    # "17.06.2025" (European numeric)
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _TIME),
]
# A line that states metadata is short; a date inside a long sentence is part of the story.
_META_LINE_MAX = 80
_HEAD_LINES = 12

_UPSTREAM = re.compile(
    r"^\s*(?:based on materials(?: of| from)?|according to materials(?: of| from)?|"
    r"originally published (?:by|at|on|in)|source|sources|via|with materials from)"
    r"\s*[:\-–]?\s*(?P<name>[^\s].{0,120}?)\s*\.?\s*$",
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
    try:
        return datetime(
            int(parts["year"]),
            month_number or 0,
            int(parts["day"]),
            int(parts.get("hour") or 0),
            int(parts.get("minute") or 0),
            tzinfo=UTC,
        )
    except ValueError:  # 31 February and the like: not a date after all
        return None


def find_date(text: str) -> datetime | None:
    """The publication date stated on a short line near the top of the text, in UTC
    (a date without a time is midnight). None when the text states no full date there."""
    for line in text.splitlines()[:_HEAD_LINES]:
        if not line.strip() or len(line) > _META_LINE_MAX:
            continue
        for pattern in _DATE_PATTERNS:
            if (match := pattern.search(line)) and (found := _to_datetime(match)):
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
    for index, line in enumerate(lines):
        if len(line) > 60 or index + 1 >= len(lines):
            continue
        following = lines[index + 1 : index + 3]
        for bio in following:
            rest = bio[len(line) :]
            if (
                bio.startswith(line)
                and len(bio) > len(line) + 20
                and _BIO_OPENERS.match(rest.strip())
            ):
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
