"""Exports of articles, sources and claims: records streamed in primary-key order with a
fixed number of queries per chunk, so exporting 100k articles or claims runs in bounded
memory. Claims go out as JSONL, CSV, schema.org ClaimReview and W3C Web Annotation
(`claim_export`). Reads only; the import side lives in services."""

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    Credibility,
    DuplicateCandidate,
    ImportBatch,
    Source,
    Tag,
)
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


# --- Claims ---------------------------------------------------------------------------------
#
# Four formats from one pass over the claims: `claim_rows` reads the claims in primary-key
# chunks with their tags, appearances (with article and source) and links, four queries
# per chunk whatever its size; `render_claims` turns the rows into text in one format.

CLAIM_FORMATS = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "claimreview": "application/ld+json; charset=utf-8",
    "annotation": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
}
CLAIM_EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "claimreview": "json", "annotation": "jsonld"}
CLAIM_FIELDS = [
    "id",
    "text",
    "claim_type",
    "credibility",
    "status",
    "tags",
    "independent_sources",
    "admiralty_code",
    "best_grade",
    "appearances",
    "claimants",
    "notes",
    "created_at",
    "updated_at",
]
CLAIM_CHUNK = 500
ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

# Admiralty credibility (1 confirmed … 5 improbable) on a 1..5 scale where 5 is best;
# 6, "truth cannot be judged", has no place on that scale and gets no ratingValue.
RATING_VALUES = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}

# Words that make a claimant a person rather than an organisation, for ClaimReview's
# `author` (see `claimant_kind`).
_PERSON_ROLES = frozenset(
    """
        adviser advisor ambassador analyst chancellor chief colonel commander
        correspondent director envoy expert governor head king leader mayor minister
        official pope premier president queen reporter secretary senator spokesman
        spokesperson spokeswoman
    """.split()  # noqa: SIM905 - a word list reads better as words
)


@dataclass
class ClaimRow:
    """A claim with what the exports need of it, read in bulk by `claim_rows`."""

    claim: Claim
    tags: list[str] = field(default_factory=list)
    appearances: list[dict] = field(default_factory=list)  # keys: see _APPEARANCE_VALUES
    links: list[dict] = field(default_factory=list)


def claim_rows(queryset=None, *, links: bool = True) -> Iterator[ClaimRow]:
    """Yield one `ClaimRow` per claim of `queryset` (default: all claims, archived too),
    in primary-key order, `CLAIM_CHUNK` claims at a time: one query for the claims, one
    for their tags, one for their appearances with articles, sources and annotators, and
    (when `links`) one for the links in either direction. Memory stays bounded by the
    chunk, so 100k claims export like 100."""
    queryset = (queryset if queryset is not None else Claim.objects.all()).order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:CLAIM_CHUNK])
        if not chunk:
            return
        ids = [claim.pk for claim in chunk]
        rows = {claim.pk: ClaimRow(claim) for claim in chunk}
        for claim_id, name in Claim.tags.through.objects.filter(claim_id__in=ids).values_list(
            "claim_id", "tag__name"
        ):
            rows[claim_id].tags.append(name)
        for row in rows.values():
            row.tags.sort(key=str.casefold)  # as article exports: the same on every database
        for appearance in (
            Appearance.objects.filter(claim_id__in=ids)
            .order_by("claim_id", "article_id", "start", "end", "pk")
            .values(*_APPEARANCE_VALUES, **_APPEARANCE_RELATED)
        ):
            rows[appearance["claim_id"]].appearances.append(appearance)
        if links:
            for from_id, to_id, relation in (
                ClaimLink.objects.filter(Q(from_claim__in=ids) | Q(to_claim__in=ids))
                .order_by("pk")
                .values_list("from_claim_id", "to_claim_id", "relation")
            ):
                if from_id in rows:
                    rows[from_id].links.append(
                        {"relation": relation, "claim": to_id, "direction": "out"}
                    )
                if to_id in rows:
                    rows[to_id].links.append(
                        {"relation": relation, "claim": from_id, "direction": "in"}
                    )
        yield from rows.values()
        last = ids[-1]


# Appearances are read as dicts, not model instances: at 100k claims building an
# Appearance, an Article, a Source and a User per row costs more than the rest together.
_APPEARANCE_VALUES = [
    "id",
    "claim_id",
    "article_id",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "claimant",
    "verb",
    "anchor_status",
    "created_at",
]
_APPEARANCE_RELATED = {
    "url": F("article__url"),
    "origin": F("article__origin"),
    "title": F("article__title"),
    "published_at": F("article__published_at"),
    "source_name": F("article__source__name"),
    "username": F("created_by__username"),
    "first_name": F("created_by__first_name"),
    "last_name": F("created_by__last_name"),
}


def claim_export(queryset=None, fmt: str = "jsonl", *, base_url: str = "") -> Iterator[str]:
    """The claims of `queryset` as text in `fmt` (a key of `CLAIM_FORMATS`), in chunks to
    stream: `StreamingHttpResponse(claim_export(qs, fmt), content_type=CLAIM_FORMATS[fmt])`
    or `stream.writelines(...)`. `base_url` (e.g. "https://desk.example") is put before
    the claim page paths in ClaimReview `url` and annotation ids; without it they are
    site-relative paths. The queryset is not filtered here: leave out archived claims
    with `claims_to_export` or your own filter."""
    return render_claims(claim_rows(queryset, links=fmt == "jsonl"), fmt, base_url=base_url)


def render_claims(rows: Iterable[ClaimRow], fmt: str, *, base_url: str = "") -> Iterator[str]:
    """Text chunks of `rows` in `fmt`; `claim_export` is this over `claim_rows`."""
    if fmt == "jsonl":
        return (to_jsonl(claim_record(row)) for row in rows)
    if fmt == "csv":
        return csv_rows((claim_csv_record(row) for row in rows), CLAIM_FIELDS)
    if fmt == "claimreview":
        return _json_array(claim_reviews(rows, base_url=base_url))
    if fmt == "annotation":
        return _annotation_collection(claim_annotations(rows, base_url=base_url))
    raise ValueError(f"unknown claim export format {fmt!r}; choose from {', '.join(CLAIM_FORMATS)}")


def claims_to_export(
    *,
    status: str | None = None,
    credibility: Iterable[int] = (),
    claim_type: str | None = None,
    tag: Tag | None = None,
    source: Source | None = None,
    include_archived: bool = False,
) -> QuerySet[Claim]:
    """The claims an export covers: archived claims are left out unless asked for (or
    `status` is "archived"); `credibility` keeps any of the grades given."""
    claims = Claim.objects.all()
    if status:
        claims = claims.filter(status=status)
    elif not include_archived:
        claims = claims.exclude(status=ClaimStatus.ARCHIVED)
    credibility = list(credibility)
    if credibility:
        claims = claims.filter(credibility__in=credibility)
    if claim_type:
        claims = claims.filter(claim_type=claim_type)
    if tag is not None:
        claims = claims.filter(tags=tag)
    if source is not None:
        claims = claims.appearing_in(source)
    return claims


# --- JSONL and CSV --------------------------------------------------------------------------


def claim_record(row: ClaimRow) -> dict:
    """The JSONL object of one claim: its fields, tag names, links from its point of view
    and appearances (`article` is the article id, offsets are Python string offsets into
    the article's clean body)."""
    claim = row.claim
    return {
        "id": claim.pk,
        "text": claim.text,
        "claim_type": claim.claim_type,
        "credibility": claim.credibility,
        "status": claim.status,
        "tags": row.tags,
        "independent_sources": claim.n_sources,
        "admiralty_code": claim.admiralty_code,
        "best_grade": claim.best_grade,
        "links": row.links,
        "appearances": [
            {
                "id": appearance["id"],
                "article": appearance["article_id"],
                "start": appearance["start"],
                "end": appearance["end"],
                "exact": appearance["exact"],
                "prefix": appearance["prefix"],
                "suffix": appearance["suffix"],
                "claimant": appearance["claimant"],
                "verb": appearance["verb"],
                "anchor_status": appearance["anchor_status"],
            }
            for appearance in row.appearances
        ],
        "notes": claim.notes,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


def claim_csv_record(row: ClaimRow) -> dict:
    """One CSV row: the claim's scalar fields, tags and distinct claimants joined by "; ",
    and the number of appearances. `csv_rows` escapes formula-like cells."""
    claim = row.claim
    claimants = dict.fromkeys(a["claimant"] for a in row.appearances if a["claimant"])
    return {
        "id": claim.pk,
        "text": claim.text,
        "claim_type": claim.claim_type,
        "credibility": claim.credibility,
        "status": claim.status,
        "tags": "; ".join(row.tags),
        "independent_sources": claim.n_sources,
        "admiralty_code": claim.admiralty_code,
        "best_grade": claim.best_grade,
        "appearances": len(row.appearances),
        "claimants": "; ".join(claimants),
        "notes": claim.notes,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


# --- schema.org ClaimReview -----------------------------------------------------------------


def claim_reviews(rows: Iterable[ClaimRow], *, base_url: str = "") -> Iterator[dict]:
    """One schema.org `ClaimReview` per claim, the desk's credibility as its rating.

    `claimReviewed` is the claim's full text. Google's fact-check markup rules want it
    under 75 characters; claims are written as short statements, but no text is cut here
    because a truncated claim says something else — shorten the claim itself if a page
    must pass Google's check. Claims without appearances have no `itemReviewed.appearance`
    and no `firstAppearance`; a credibility of 6 ("cannot be judged") has a textual
    rating (`alternateName`) but no `ratingValue`.
    """
    publisher = {"@type": "Organization", "name": _publisher()}
    claim_path = claim_paths()
    desk_page = article_paths()
    person_words = None
    for row in rows:
        if person_words is None:
            person_words = _person_tag_words()
        claim = row.claim
        rating = {
            "@type": "Rating",
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": credibility_label(claim.credibility),
        }
        if claim.credibility in RATING_VALUES:
            rating["ratingValue"] = RATING_VALUES[claim.credibility]
        item = {"@type": "Claim"}
        works, first = {}, None
        for appearance in row.appearances:
            works.setdefault(appearance["article_id"], appearance)
        if works:
            item["appearance"] = [
                _creative_work(a, _article_address(a, desk_page, base_url)) for a in works.values()
            ]
            first = min(row.appearances, key=_publication_order)
            item["firstAppearance"] = _creative_work(
                first, _article_address(first, desk_page, base_url)
            )
            if first["claimant"]:
                item["author"] = {
                    "@type": claimant_kind(first["claimant"], person_words),
                    "name": first["claimant"],
                }
        yield {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": base_url + claim_path(claim.pk),
            "claimReviewed": claim.text,
            "reviewRating": rating,
            "itemReviewed": item,
            "author": publisher,
            "datePublished": timezone.localdate(claim.updated_at).isoformat(),
        }


def credibility_label(credibility: int) -> str:
    """`2` → "Probably true": the Admiralty label without its number."""
    return Credibility(credibility).label.split("–", 1)[-1].strip()


def claimant_kind(claimant: str, person_words: frozenset[str] = frozenset()) -> str:
    """ "Person" or "Organization", for schema.org. Newsdesk records the claimant as the
    text states it, not what kind of agent it is, so this is a guess: a person when the
    claimant names a role held by one person ("Kremlin spokesperson Dmitry Peskov", "the
    expert") or a word of a `person:` tag's name ("Gerasimov"), else an organisation
    ("Russia", "U.S. officials")."""
    words = {word.casefold() for word in re.findall(r"\w+", claimant)}
    return "Person" if words & (_PERSON_ROLES | person_words) else "Organization"


def claim_paths() -> Callable[[int], str]:
    """A function from a claim's id to its page's path (`claim-detail`), reversed once per
    export rather than once per claim; `/claims/<id>/` while that URL is not registered."""
    marker = "2147483647"
    try:
        template = reverse("claim-detail", args=[int(marker)])
    except NoReverseMatch:
        template = f"/claims/{marker}/"
    head, _, tail = template.partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _publisher() -> str:
    return getattr(settings, "NEWSDESK_PUBLISHER", "Newsdesk")


def _person_tag_words() -> frozenset[str]:
    names = Tag.objects.filter(name__istartswith="person:").values_list("name", flat=True)
    return frozenset(
        word.casefold()
        for name in names
        for word in re.findall(r"\w+", name.partition(":")[2])
        if len(word) > 2
    )


def _publication_order(appearance: dict) -> tuple:
    """Dated articles first, earliest first; undated ones after, in article order."""
    published = appearance["published_at"]
    return (
        published is None,
        published or datetime.min.replace(tzinfo=UTC),
        appearance["article_id"],
    )


def article_paths() -> Callable[[int], str]:
    """A function from an article's id to its page's path (`article-detail`)."""
    marker = "2147483647"
    head, _, tail = reverse("article-detail", args=[int(marker)]).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _article_address(appearance: dict, desk_page: Callable[[int], str], base_url: str) -> str:
    """The article's URL; for an article not imported from the web (a file or an upload,
    whose origin is no address anyone can open), its page on this desk, which shows the
    same clean body the selectors address."""
    return appearance["url"] or f"{base_url}{desk_page(appearance['article_id'])}"


def _creative_work(appearance: dict, address: str) -> dict:
    """The schema.org CreativeWork of the article an appearance is in."""
    work = {
        "@type": "CreativeWork",
        "url": address,
        "headline": appearance["title"],
    }
    if appearance["published_at"]:
        work["datePublished"] = appearance["published_at"].isoformat()
    work["publisher"] = {"@type": "Organization", "name": appearance["source_name"]}
    return work


def _json_array(items: Iterator[dict]) -> Iterator[str]:
    separator = "\n"
    yield "["
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n" if separator != "\n" else "]\n"


# --- W3C Web Annotation ---------------------------------------------------------------------


def claim_annotations(rows: Iterable[ClaimRow], *, base_url: str = "") -> Iterator[dict]:
    """One W3C Web Annotation per appearance, in claim then article order.

    The annotation highlights the passage (`motivation` "highlighting"); its bodies say
    what the passage claims (the claim text, purpose "describing"), the claim's tags
    (purpose "tagging") and its Admiralty code (purpose "assessing"). The target's
    `source` is the article's URL, or its page on this desk when it was not
    imported from the web. Selectors address the article's *clean body* as Newsdesk
    stores it: a TextQuoteSelector always, and a TextPositionSelector (Unicode code point
    offsets, as the model defines them) only while the anchor is exact or moved — a fuzzy
    anchor's stored quote is what the annotator saw, not the current text at those
    offsets, and an orphaned anchor has no position at all. `id` is the claim page with
    the appearance as fragment; `creator` is the annotator, or the desk when unknown.
    """
    publisher = {"type": "Organization", "name": _publisher()}
    claim_path = claim_paths()
    desk_page = article_paths()
    for row in rows:
        claim = row.claim
        bodies = [
            {
                "type": "TextualBody",
                "value": claim.text,
                "format": "text/plain",
                "purpose": "describing",
            },
            *({"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in row.tags),
            {
                "type": "TextualBody",
                "value": f"{claim.admiralty_code} ({credibility_label(claim.credibility)})",
                "purpose": "assessing",
            },
        ]
        page = base_url + claim_path(claim.pk)
        for appearance in row.appearances:
            selectors = [
                {
                    "type": "TextQuoteSelector",
                    "exact": appearance["exact"],
                    "prefix": appearance["prefix"],
                    "suffix": appearance["suffix"],
                }
            ]
            if appearance["anchor_status"] in (AnchorStatus.EXACT, AnchorStatus.MOVED):
                selectors.append(
                    {
                        "type": "TextPositionSelector",
                        "start": appearance["start"],
                        "end": appearance["end"],
                    }
                )
            username = appearance["username"]
            full_name = f"{appearance['first_name']} {appearance['last_name']}".strip()
            creator = (
                {"type": "Person", "nickname": username, "name": full_name or username}
                if username
                else publisher
            )
            yield {
                "id": f"{page}#appearance-{appearance['id']}",
                "type": "Annotation",
                "motivation": "highlighting",
                "created": appearance["created_at"].isoformat(),
                "creator": creator,
                "body": bodies,
                "target": {
                    "source": _article_address(appearance, desk_page, base_url),
                    "selector": selectors,
                },
            }


def _annotation_collection(annotations: Iterator[dict]) -> Iterator[str]:
    """An `AnnotationCollection` whose `first` (and only) `AnnotationPage` embeds the
    annotations, so the file is one JSON-LD document with one `@context`. `total` comes
    last because it is only known at the end (JSON key order carries no meaning); a
    collection of nothing has `total` 0 and no page, as the model requires."""
    collection = f"urn:uuid:{uuid.uuid4()}"
    head = {
        "@context": ANNOTATION_CONTEXT,
        "id": collection,
        "type": "AnnotationCollection",
        "label": f"Claim appearances exported from {_publisher()}",
        "created": timezone.now().isoformat(),
        "generator": {"type": "Software", "name": "Newsdesk"},
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    total = 0
    for annotation in annotations:
        if total == 0:
            page = {"id": f"{collection}#page-1", "type": "AnnotationPage", "startIndex": 0}
            yield opening + ', "first": ' + json.dumps(page)[:-1] + ', "items": [\n'
        else:
            yield ",\n"
        yield json.dumps(annotation, ensure_ascii=False)
        total += 1
    if total:
        yield f'\n]}}, "total": {total}}}\n'
    else:
        yield opening + ', "total": 0}\n'


# --- The lists' CSV exports -----------------------------------------------------------------
#
# `/sources/export/` and `/duplicates/export/` stream what their list shows for the current
# filter (articles use `article_records`), in primary-key chunks with a fixed number of
# queries per chunk, through `csv_rows`.

SOURCE_LIST_FIELDS = [
    "id",
    "name",
    "domains",
    "country",
    "language",
    "grade",
    "last_rated_at",
    "articles",
    "claims",
    "flagged_claims",
]
DUPLICATE_FIELDS = [
    "id",
    "article_a",
    "title_a",
    "source_a",
    "grade_a",
    "article_b",
    "title_b",
    "source_b",
    "grade_b",
    "similarity",
    "containment",
    "status",
    "proposal",
    "found_at",
]


def source_list_records(queryset: QuerySet[Source]) -> Iterator[dict]:
    """One record per source of `queryset` (from `Source.objects.for_list()`, which
    annotates the grade; the track record is stored on the source): two queries per
    chunk, with the domains."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        for source in chunk:
            yield {
                "id": source.pk,
                "name": source.name,
                "domains": " ".join(domain.domain for domain in source.domains.all()),
                "country": source.country,
                "language": source.language,
                "grade": source.current_grade or "",
                "last_rated_at": source.last_rated_at.isoformat() if source.last_rated_at else "",
                "articles": source.n_articles,
                "claims": source.n_claims,
                "flagged_claims": source.n_flagged,
            }
        last = chunk[-1].pk


def duplicate_records(queryset: QuerySet[DuplicateCandidate]) -> Iterator[dict]:
    """One record per duplicate pair of `queryset` (from
    `DuplicateCandidate.objects.for_list()`, which annotates both sources' grades): one
    query per chunk."""
    values = {
        "title_a": F("article_a__title"),
        "source_a": F("article_a__source__name"),
        "title_b": F("article_b__title"),
        "source_b": F("article_b__source__name"),
    }
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last)
            .order_by("pk")
            .values(
                "id",
                "article_a_id",
                "article_b_id",
                "grade_a",
                "grade_b",
                "similarity",
                "containment",
                "status",
                "proposal",
                "created_at",
                **values,
            )[:CHUNK]
        )
        if not chunk:
            return
        for row in chunk:
            yield {
                "id": row["id"],
                "article_a": row["article_a_id"],
                "title_a": row["title_a"],
                "source_a": row["source_a"],
                "grade_a": row["grade_a"] or "",
                "article_b": row["article_b_id"],
                "title_b": row["title_b"],
                "source_b": row["source_b"],
                "grade_b": row["grade_b"] or "",
                "similarity": round(row["similarity"], 4),
                "containment": round(row["containment"], 4),
                "status": row["status"],
                "proposal": row["proposal"],
                "found_at": row["created_at"].isoformat(),
            }
        last = chunk[-1]["id"]


BATCH_FIELDS = [
    "id",
    "started_at",
    "finished_at",
    "started_by",
    "via",
    "description",
    "imported",
    "already_present",
    "duplicates",
    "failed",
    "problems",
]


def batch_records(queryset: QuerySet[ImportBatch]) -> Iterator[dict]:
    """One record per import batch of `queryset`, with its per-file problems: one query
    per chunk."""
    last = 0
    while True:
        chunk = list(
            queryset.select_related("started_by").filter(pk__gt=last).order_by("pk")[:CHUNK]
        )
        if not chunk:
            return
        for batch in chunk:
            yield {
                "id": batch.pk,
                "started_at": batch.started_at.isoformat(),
                "finished_at": batch.finished_at.isoformat() if batch.finished_at else "",
                "started_by": batch.started_by.get_username() if batch.started_by else "",
                "via": batch.via,
                "description": batch.description,
                "imported": batch.imported_count,
                "already_present": batch.skipped_count,
                "duplicates": batch.duplicate_count,
                "failed": batch.failed_count,
                "problems": batch.problems,
            }
        last = chunk[-1].pk
