"""Build fixtures/seed.json from fixtures/seed_spec.toml and the seed documents.

The spec holds the editorial judgement (sources, boilerplate, annotated claims); this module
only applies it, so the fixture can be rebuilt and checked instead of hand-edited. Pure:
reads files, returns the fixture as Python objects, touches no database.
"""

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from articles.anchoring import selectors
from articles.ingest.hashing import content_hash

EXTRACTOR = "seed-spec (hand-cleaned, fixtures/seed_spec.toml)"
SEED_USER = ["seed"]


class SeedSpecError(ValueError):
    """The spec does not fit the seed documents (a quote or boilerplate line not found)."""


def _squash(line: str) -> str:
    return " ".join(line.split())


def clean_seed_body(
    raw: str, *, cut_lines: Iterable[str] = (), cut_from: str | None = None, title_line: bool = True
) -> tuple[str, str]:
    """Apply a seed's boilerplate rules to its raw text; return (first line, clean body).

    The first line is the title when `title_line` is true and is then left out of the body.
    Lines are compared with whitespace collapsed; kept lines keep their exact words.
    """
    cut = {_squash(line) for line in cut_lines}
    lines = [line.rstrip() for line in raw.splitlines()]
    if cut_from is not None:
        stops = [i for i, line in enumerate(lines) if _squash(line) == _squash(cut_from)]
        if not stops:
            raise SeedSpecError(f"cut_from line not found: {cut_from!r}")
        lines = lines[: stops[0]]
    found = {_squash(line) for line in lines} & cut
    if missing := cut - found:
        raise SeedSpecError(f"cut_lines not found: {sorted(missing)}")
    lines = [line for line in lines if _squash(line) not in cut]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    first, _, rest = text.partition("\n")
    if title_line:
        return first.strip(), rest.strip("\n")
    return first.strip(), text


def find_span(body: str, exact: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the `occurrence`-th appearance of `exact` in `body` (Python str offsets)."""
    start = -1
    for _ in range(occurrence):
        start = body.find(exact, start + 1)
        if start < 0:
            raise SeedSpecError(f"quote not found (occurrence {occurrence}): {exact[:60]!r}")
    return start, start + len(exact)


def build_seed_fixture(spec_path: Path, seeds_dir: Path) -> list[dict[str, Any]]:
    """Return the fixture objects in dependency order, primary keys numbered from 1."""
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    rated_at, imported_at = spec["rated_at"], spec["imported_at"]
    objects: list[dict[str, Any]] = [
        {
            "model": "auth.user",
            "fields": {
                "username": SEED_USER[0],
                "password": "!",  # unusable: the seed author never logs in
                "first_name": "Seed",
                "last_name": "data",
                "is_active": False,
                "date_joined": imported_at,
            },
        }
    ]

    def add(model: str, pk: int, **fields: Any) -> dict[str, Any]:
        objects.append({"model": f"articles.{model}", "pk": pk, "fields": fields})
        return fields

    source_pk: dict[str, int] = {}
    source_fields: dict[str, dict[str, Any]] = {}
    domain_pk = alias_pk = 0
    for pk, source in enumerate(spec["sources"], start=1):
        source_pk[source["key"]] = pk
        source_fields[source["key"]] = add(
            "source",
            pk,
            name=source["name"],
            slug=source["slug"],
            country=source.get("country", ""),
            language=source.get("language", ""),
            notes=source.get("notes", ""),
            created_at=imported_at,
        )
        for domain in source.get("domains", []):
            domain_pk += 1
            add("sourcedomain", domain_pk, source=pk, domain=domain)
        for alias in source.get("aliases", []):
            alias_pk += 1
            add("sourcealias", alias_pk, source=pk, name=alias)
        add(
            "sourcerating",
            pk,
            source=pk,
            grade=source["grade"],
            rationale=source["rationale"],
            rated_by=SEED_USER,
            rated_at=rated_at,
        )

    tag_names = sorted(
        {t for a in spec["articles"] for t in a.get("tags", [])}
        | {t for c in spec["claims"] for t in c.get("tags", [])},
        key=str.casefold,
    )
    tag_pk = {name: pk for pk, name in enumerate(tag_names, start=1)}
    for name, pk in tag_pk.items():
        add("tag", pk, name=name, created_at=imported_at)

    add(
        "importbatch",
        1,
        started_by=SEED_USER,
        via="fixture",
        description="Seed documents fixtures/seeds/*.txt, cleaned by fixtures/seed_spec.toml",
        started_at=imported_at,
        finished_at=imported_at,
        imported_count=len(spec["articles"]),
        skipped_count=0,
        duplicate_count=0,
        failed_count=0,
        problems=[],
    )

    article_pk: dict[str, int] = {}
    bodies: dict[str, str] = {}
    # Who each article counts as among a claim's independent sources (its upstream, else
    # its source; the seed has no duplicates) and its source's grade: the claims' stored
    # figures, which `refresh_claim_stats` would compute (a test checks they agree).
    counts_as: dict[str, str] = {}
    grade_of = {source["key"]: source["grade"] for source in spec["sources"]}
    source_of: dict[str, str] = {}
    for pk, article in enumerate(spec["articles"], start=1):
        raw = (seeds_dir / article["file"]).read_text(encoding="utf-8")
        first_line, body = clean_seed_body(
            raw,
            cut_lines=article.get("cut_lines", []),
            cut_from=article.get("cut_from"),
            title_line=article["title_line"],
        )
        article_pk[article["file"]] = pk
        bodies[article["file"]] = body
        upstream = article.get("upstream_source")
        counts_as[article["file"]] = upstream or article["source"]
        source_of[article["file"]] = article["source"]
        add(
            "article",
            pk,
            source=source_pk[article["source"]],
            title=article.get("title", first_line),
            url="",
            origin=article["file"],
            published_at=article.get("published_at"),
            byline=article.get("byline", ""),
            language=article.get("language", ""),
            upstream_attribution=article.get("upstream_attribution", ""),
            upstream_source=source_pk[upstream] if upstream else None,
            raw=raw,
            body=body,
            extractor=EXTRACTOR,
            content_hash=content_hash(body),
            fingerprint=None,
            fingerprint_scheme="",
            duplicate_of=None,
            status=article.get("status", "new"),
            imported_at=imported_at,
            import_batch=1,
            tags=[tag_pk[t] for t in article.get("tags", [])],
        )

    claim_pk: dict[str, int] = {}
    appearance_pk = 0
    appearances = []
    for pk, claim in enumerate(spec["claims"], start=1):
        claim_pk[claim["key"]] = pk
        files = [appearance["article"] for appearance in claim["appearances"]]
        add(
            "claim",
            pk,
            text=claim["text"],
            claim_type=claim["claim_type"],
            credibility=claim["credibility"],
            status=claim.get("status", "open"),
            notes=claim.get("notes", ""),
            tags=[tag_pk[t] for t in claim.get("tags", [])],
            created_by=SEED_USER,
            created_at=rated_at,
            updated_at=rated_at,
            version=1,
            credibility_rationale=claim.get("credibility_rationale", ""),
            n_appearances=len(files),
            n_sources=len({counts_as[file] for file in files}),
            best_grade=min((grade_of[source_of[file]] for file in files), default=""),
        )
        for appearance in claim["appearances"]:
            body = bodies[appearance["article"]]
            start, end = find_span(body, appearance["exact"], appearance.get("occurrence", 1))
            appearance_pk += 1
            appearances.append(
                {
                    "model": "articles.appearance",
                    "pk": appearance_pk,
                    "fields": {
                        "claim": pk,
                        "article": article_pk[appearance["article"]],
                        **selectors(body, start, end),
                        "claimant": appearance.get("claimant", ""),
                        "verb": appearance.get("verb", ""),
                        "anchor_status": "exact",
                        "anchor_score": None,
                        "created_by": SEED_USER,
                        "created_at": rated_at,
                    },
                }
            )
    objects.extend(appearances)

    for pk, link in enumerate(spec.get("links", []), start=1):
        add(
            "claimlink",
            pk,
            from_claim=claim_pk[link["from"]],
            to_claim=claim_pk[link["to"]],
            relation=link["relation"],
            note=link.get("note", ""),
            created_by=SEED_USER,
            created_at=rated_at,
        )

    # Each source's stored track record, which `refresh_source_stats` would compute (a test
    # checks they agree): its articles, the distinct claims in them, and those of the
    # claims rated 5 or 6 or in a "contradicts" link.
    contradicted = {
        end
        for link in spec.get("links", [])
        if link["relation"] == "contradicts"
        for end in (link["from"], link["to"])
    }
    flagged = {
        claim["key"]
        for claim in spec["claims"]
        if claim["credibility"] in (5, 6) or claim["key"] in contradicted
    }
    claims_of: dict[str, set[str]] = {key: set() for key in source_fields}
    for claim in spec["claims"]:
        for appearance in claim["appearances"]:
            claims_of[source_of[appearance["article"]]].add(claim["key"])
    for key, fields in source_fields.items():
        fields["n_articles"] = sum(article["source"] == key for article in spec["articles"])
        fields["n_claims"] = len(claims_of[key])
        fields["n_flagged"] = len(claims_of[key] & flagged)
    return objects
