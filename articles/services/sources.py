"""Writes to sources: finding or creating the source of an imported article, merging
sources, and importing another desk's sources and ratings. Ratings themselves are written
by services/ratings.py (append-only).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.ingest.metadata import domain_of, looks_like_domain
from articles.models import (
    Article,
    RatingProposal,
    Source,
    SourceAlias,
    SourceDomain,
    SourceRating,
)
from articles.services.claims import refresh_claim_stats, refresh_source_stats
from articles.services.history import bulk_update_with_history

UNKNOWN_SOURCE = "Unknown source"


class SourceResolver:
    """Finds the source of a document by domain, then by name or alias (case-insensitive),
    and creates it when nothing matches. Caches answers for the length of one import, so a
    batch of 10,000 articles from one site costs one lookup."""

    def __init__(self):
        self._cache: dict[tuple[str, str], Source] = {}

    def resolve(self, *, name: str = "", domain: str = "") -> Source:
        name = " ".join(name.split())[:200]
        domain = domain_of(domain) if domain else ""
        if not domain and looks_like_domain(name):
            domain = name.lower()
        key = (name.casefold(), domain)
        if key not in self._cache:
            self._cache[key] = self._find(name, domain) or self._make(name, domain)
        return self._cache[key]

    def _find(self, name: str, domain: str) -> Source | None:
        if domain:
            found = Source.objects.filter(domains__domain=domain).first()
            if found:
                return found
        if name:
            return (
                Source.objects.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
                .distinct()
                .first()
            )
        return None if domain else Source.objects.filter(name=UNKNOWN_SOURCE).first()

    def _make(self, name: str, domain: str) -> Source:
        name = name or domain or UNKNOWN_SOURCE
        with transaction.atomic():
            source = Source.objects.create(name=name, slug=_unique_slug(name))
            if domain:
                try:
                    with transaction.atomic():
                        SourceDomain.objects.create(source=source, domain=domain)
                except IntegrityError:
                    pass  # the domain belongs to another source already; keep the name
        return source


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:180] or "source"
    slug, n = base, 1
    while Source.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def merge_sources(*, keep: Source, merge: list[Source], by=None) -> dict[str, int]:
    """Move everything of the `merge` sources into `keep`, in one transaction: articles (and
    articles naming them as upstream), ratings (one history, newest first), proposals,
    domains and aliases; each merged name becomes an alias of `keep`, its learned
    boilerplate joins `keep`'s; then the merged sources are deleted. Every moved article
    and rating gets a history record, and so does each deleted source. Returns counts."""
    merge = [source for source in merge if source.pk != keep.pk]
    if not merge:
        raise ValueError("name at least one source to merge other than the one kept")
    reason = "merged into " + keep.name
    moved = {"articles": 0, "upstream": 0, "ratings": 0, "proposals": 0, "domains": 0}
    with transaction.atomic():
        ids = [source.pk for source in merge]
        for field, count in (("source", "articles"), ("upstream_source", "upstream")):
            articles = list(Article.objects.filter(**{f"{field}__in": ids}).defer("raw"))
            for article in articles:
                setattr(article, f"{field}_id", keep.pk)
            bulk_update_with_history(
                articles,
                Article,
                [field],
                batch_size=500,
                default_user=by,
                default_change_reason=reason,
            )
            moved[count] = len(articles)
        for rating in SourceRating.objects.filter(source__in=ids):
            rating.source = keep
            rating._history_user = by
            rating._change_reason = reason
            rating.save(update_fields=["source"])
            moved["ratings"] += 1
        moved["proposals"] = RatingProposal.objects.filter(source__in=ids).update(source=keep)
        moved["domains"] = SourceDomain.objects.filter(source__in=ids).update(source=keep)
        SourceAlias.objects.filter(source__in=ids).update(source=keep)
        learned = set(keep.boilerplate or ())
        for source in merge:
            taken = SourceAlias.objects.filter(name__iexact=source.name).exists()
            if not taken and source.name.casefold() != keep.name.casefold():
                SourceAlias.objects.create(source=keep, name=source.name)
            learned |= set(source.boilerplate or ())
            source._history_user = by
            source._change_reason = reason
            source.delete()
        keep.boilerplate = sorted(learned)
        keep._history_user = by
        keep._change_reason = "merged " + ", ".join(source.name for source in merge)
        keep.save()
        refresh_claim_stats(sources=[keep.pk])
        # The merged sources are gone; their articles and claims now count for `keep`.
        refresh_source_stats(sources=[keep.pk])
    return moved


@dataclass
class SourceImportReport:
    created: int = 0
    updated: int = 0
    rated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, new ratings {self.rated}, "
            f"unchanged {self.unchanged}, failed {len(self.problems)}"
        )


def import_source_rows(rows: Iterable[dict], *, by, origin: str) -> SourceImportReport:
    """Sources from another desk's export (fields of `exports.SOURCE_FIELDS`), one
    transaction per row. A source is found by name, alias or domain, else created; missing
    domains and empty country/language are filled in; a grade that differs from the current
    rating (grade or rationale) is appended as a new rating by `by`, so importing the same
    file twice changes nothing the second time and no rating is ever overwritten."""
    from articles.exports import SOURCE_FIELDS, csv_unsafe
    from articles.services.ratings import rate_source

    report = SourceImportReport()
    for line, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {key: csv_unsafe((raw.get(key) or "").strip()) for key in SOURCE_FIELDS}
        where = f"{origin}, line {line}"
        if not row["name"]:
            report.problems.append(f"{where}: the name is empty")
            continue
        try:
            with transaction.atomic():
                outcome, rated = _import_source(row, by=by, rate=rate_source)
        except ValidationError as error:
            report.problems.append(f"{where} ({row['name']}): {'; '.join(error.messages)}")
            continue
        except PermissionDenied as error:
            report.problems.append(f"{where} ({row['name']}): {error}")
            continue
        if outcome == "unchanged" and rated:
            outcome = "updated"
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.rated += rated
    return report


def _import_source(row: dict, *, by, rate) -> tuple[str, bool]:
    domains = [domain_of(d) for d in row["domains"].replace(",", " ").split() if d.strip()]
    named = Source.objects.filter(
        Q(name__iexact=row["name"]) | Q(aliases__name__iexact=row["name"])
    )
    source = named.distinct().first()
    outcome = "unchanged"
    if source is None and domains:
        # Another desk may call the outlet otherwise: the domain identifies it, and the
        # other name becomes an alias.
        source = Source.objects.filter(domains__domain__in=domains).first()
        if source is not None and not SourceAlias.objects.filter(name__iexact=row["name"]):
            SourceAlias.objects.create(source=source, name=row["name"][:200])
            outcome = "updated"
    if source is None:
        source = Source.objects.create(name=row["name"][:200], slug=_unique_slug(row["name"]))
        outcome = "created"
    changed = False
    for attribute, limit in (("country", 2), ("language", 16)):
        value = row[attribute][:limit]
        if value and not getattr(source, attribute):
            setattr(source, attribute, value.upper() if attribute == "country" else value)
            changed = True
    if changed:
        source._history_user = by
        source.save()
    for domain in domains:
        owner = SourceDomain.objects.filter(domain=domain).values_list("source", flat=True).first()
        if owner is None:
            SourceDomain.objects.create(source=source, domain=domain)
            changed = True
        elif owner != source.pk:
            raise ValidationError(f"the domain {domain} belongs to another source")
    if outcome == "unchanged" and changed:
        outcome = "updated"
    rated = False
    if row["grade"]:
        current = source.ratings.order_by("-rated_at", "-id").values("grade", "rationale").first()
        if current != {"grade": row["grade"], "rationale": row["rationale"]}:
            rate(source=source, grade=row["grade"], rationale=row["rationale"], by=by)
            rated = True
    return outcome, rated
