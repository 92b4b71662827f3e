"""Article export records: one dict per article, streamed in primary-key order with a
fixed number of queries per chunk, so exporting 100k articles runs in bounded memory."""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q

from articles.models import Article, DuplicateCandidate, Source, Tag
from articles.querysets import latest_rating

ARTICLE_FIELDS = [
    "id",
    "title",
    "source",
    "url",
    "origin",
    "published_at",
    "language",
    "byline",
    "upstream_attribution",
    "status",
    "body",
    "duplicate_of",
    "duplicate_candidates",
    "tags",
]
CHUNK = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def article_records(queryset=None) -> Iterator[dict]:
    """Yield one export record per article of `queryset` (default: all)."""
    queryset = (queryset if queryset is not None else Article.objects.all()).order_by("pk")
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last)
            .select_related("source")
            .defer("raw", "fingerprint")[:CHUNK]
        )
        if not chunk:
            return
        ids = [article.pk for article in chunk]
        tags = defaultdict(list)
        for article_id, name in Tag.articles.through.objects.filter(article_id__in=ids).values_list(
            "article_id", "tag__name"
        ):
            tags[article_id].append(name)
        candidates = defaultdict(list)
        for a, b, similarity in DuplicateCandidate.objects.filter(
            Q(article_a__in=ids) | Q(article_b__in=ids)
        ).values_list("article_a", "article_b", "similarity"):
            candidates[a].append({"id": b, "similarity": similarity})
            candidates[b].append({"id": a, "similarity": similarity})
        for article in chunk:
            yield {
                "id": article.pk,
                "title": article.title,
                "source": article.source.name,
                "url": article.url,
                "origin": article.origin,
                "published_at": article.published_at.isoformat() if article.published_at else None,
                "language": article.language,
                "byline": article.byline,
                "upstream_attribution": article.upstream_attribution,
                "status": article.status,
                "body": article.body,
                "duplicate_of": article.duplicate_of_id,
                "duplicate_candidates": candidates.get(article.pk, []),
                "tags": sorted(tags.get(article.pk, []), key=str.casefold),
            }
        last = ids[-1]


def csv_safe(value) -> str:
    """A cell value a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_jsonl(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def csv_rows(records: Iterator[dict], fields: list[str]) -> Iterator[str]:
    """CSV text, header first, one line per record; lists become JSON text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(fields)
    yield flush()
    for record in records:
        writer.writerow(
            [
                csv_safe(
                    json.dumps(record[f], ensure_ascii=False)
                    if isinstance(record[f], list)
                    else record[f]
                )
                for f in fields
            ]
        )
        yield flush()


SOURCE_FIELDS = ["name", "domains", "country", "language", "grade", "rationale"]


def source_records() -> Iterator[dict]:
    """One record per source, for sharing ratings between desks: its domains (space
    separated) and its current grade with that rating's rationale."""
    sources = (
        Source.objects.annotate(grade=latest_rating("grade"), rationale=latest_rating("rationale"))
        .prefetch_related("domains")
        .order_by("name")
    )
    for source in sources.iterator(chunk_size=500):
        yield {
            "name": source.name,
            "domains": " ".join(domain.domain for domain in source.domains.all()),
            "country": source.country,
            "language": source.language,
            "grade": source.grade or "",
            "rationale": source.rationale or "",
        }


def csv_unsafe(value: str) -> str:
    """Undo `csv_safe` when reading back a file this desk (or another) exported."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value
