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
