"""Writes to sources: finding or creating the source of an imported article.

Not for ratings (see the sources issue): this module only resolves names and domains.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.ingest.metadata import domain_of, looks_like_domain
from articles.models import Source, SourceDomain

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
    from simple_history.utils import bulk_update_with_history

    from articles.models import Article, RatingProposal, SourceAlias, SourceRating

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
    return moved
