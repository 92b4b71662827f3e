"""The page half of the benchmark, run by bench/run.py as a child process on the database
the import filled (DATABASE_URL, DJANGO_SETTINGS_MODULE=bench.settings).

1. Rates the sources (a grade for nine in ten, as a desk would have them) and adds claims
   with appearances: `--per-article` sentences of each of a `--share` of the articles,
   about half of them appearances of a claim already seen in an earlier article (so claims
   gather appearances across sources), with bulk inserts; then the stored claim figures
   with `services.claims.refresh_claim_stats`.
2. Measures each page through Django's test client with a logged-in superuser: warm-up
   requests, then `--requests` timed ones, each with its query count.

Writes a JSON object to `--out`. Not meant to be run by hand: `make bench` runs it.
"""

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SENTENCE = re.compile(r"[^.!?\n]{60,240}[.!?]")
WARM_UP = 3
CLAIM_REUSE = 0.5
RECENT_CLAIMS = 5000
FIGURES_COMPUTED = "/ (figures computed)"
# Each list and the Django admin changelist of the same model: measured in alternation,
# request by request, so that both meet the same machine (a busy neighbour, a slower
# minute) and the comparison is fair.
ADMIN_OF = {
    "/articles/": "admin: articles",
    "/claims/": "admin: claims",
    "/sources/": "admin: sources",
    "/duplicates/": "admin: duplicate candidates",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-article", type=int, default=3)
    parser.add_argument("--share", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rare", required=True)
    parser.add_argument("--common", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    out = Path(args.out)
    results = {"setup": add_claims(args.per_article, args.share, args.rare), "pages": {}}
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    # Written after every page, so that a stopped run keeps the pages it measured.
    for _ in measure_pages(results["pages"], args.requests, rare=args.rare, common=args.common):
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def add_claims(per_article: int, share: float, rare_term: str) -> dict:
    from django.contrib.auth import get_user_model

    from articles.models import (
        Appearance,
        Article,
        Claim,
        ClaimType,
        Credibility,
        ReliabilityGrade,
        Source,
    )
    from articles.services.claims import refresh_claim_stats
    from articles.services.ratings import rate_source

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", None)
    started = time.perf_counter()
    grades = list(ReliabilityGrade.values)
    for index, source in enumerate(Source.objects.order_by("pk")):
        if index % 10 != 9:
            rate_source(
                source=source,
                grade=grades[index % len(grades)],
                rationale="Benchmark rating.",
                by=user,
            )
    rated = time.perf_counter() - started

    rng = random.Random(5)
    types, credibilities = list(ClaimType.values), list(Credibility.values)
    recent: list[int] = []
    n_claims = n_appearances = 0
    started = time.perf_counter()
    rows = Article.objects.order_by("pk").values_list("pk", "body")
    batch: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal n_claims, n_appearances
        spans, new_claims = [], []
        for pk, body in batch:
            found = list(_SENTENCE.finditer(body))
            chosen = rng.sample(found, min(per_article, len(found)))
            # The rare search term is a claim too wherever it occurs, so the rare-term
            # search finds articles and claims (the same kinds of hit) at every size.
            rare = [m for m in found if rare_term in m.group() and m not in chosen]
            if rare and not any(rare_term in m.group() for m in chosen):
                chosen[0] = rare[0]
            for match in sorted(chosen, key=_start):
                start, end = match.start(), match.end()
                while body[start].isspace():
                    start += 1
                exact = body[start:end]
                if recent and rng.random() < CLAIM_REUSE:
                    claim = rng.choice(recent)
                else:
                    new_claims.append(
                        Claim(
                            text=exact,
                            claim_type=rng.choice(types),
                            credibility=rng.choice(credibilities),
                            created_by=user,
                        )
                    )
                    claim = -len(new_claims)  # the new claim's place, until it has an id
                spans.append((pk, body, start, end, exact, claim))
        Claim.objects.bulk_create(new_claims, batch_size=2000)
        new_ids = [claim.pk for claim in new_claims]
        appearances = []
        for pk, body, start, end, exact, claim in spans:
            claim_id = new_ids[-claim - 1] if claim < 0 else claim
            claimant = rng.random() < 0.3
            appearances.append(
                Appearance(
                    claim_id=claim_id,
                    article_id=pk,
                    start=start,
                    end=end,
                    exact=exact,
                    prefix=body[max(0, start - 32) : start],
                    suffix=body[end : end + 32],
                    claimant="Officials" if claimant else "",
                    verb="said" if claimant else "",
                    created_by=user,
                )
            )
        Appearance.objects.bulk_create(appearances, batch_size=2000)
        recent.extend(new_ids)
        del recent[:-RECENT_CLAIMS]
        n_claims += len(new_claims)
        n_appearances += len(appearances)
        batch.clear()

    for pk, body in rows.iterator(chunk_size=2000):
        if rng.random() < share:
            batch.append((pk, body))
        if len(batch) >= 200:
            flush()
    if batch:
        flush()
    inserted = time.perf_counter() - started

    started = time.perf_counter()
    ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), 5000):
        refresh_claim_stats(claims=ids[offset : offset + 5000])
    refreshed = time.perf_counter() - started
    return {
        "sources_rated_seconds": round(rated, 2),
        "claims": n_claims,
        "appearances": n_appearances,
        "insert_seconds": round(inserted, 1),
        "refresh_claim_stats_seconds": round(refreshed, 1),
    }


def _start(match: re.Match) -> int:
    return match.start()


def measure_pages(measured: dict, requests: int, *, rare: str, common: str):
    """Measure each page into `measured`, yielding after each one."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from articles.models import Appearance, Claim

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    # A typical annotated canonical article, from the middle of the desk rather than its
    # first or last rows.
    annotated = Appearance.objects.filter(article__duplicate_of__isnull=True)
    article_ids = annotated.order_by("article_id").values_list("article_id", flat=True)
    article_id = article_ids[annotated.count() // 2]
    # The claim seen in the most articles: the longest claim page.
    claim_id = Claim.objects.order_by("-n_appearances", "pk").values_list("pk", flat=True)[0]

    pages = {
        "/": "/",
        # The dashboard keeps its figures per state of the desk (views/dashboard.py): "/"
        # is a load that finds them, this one computes them (the cache emptied first).
        FIGURES_COMPUTED: "/",
        "/articles/": "/articles/",
        "/claims/": "/claims/",
        "/sources/": "/sources/",
        "/duplicates/": "/duplicates/",
        "article page": f"/articles/{article_id}/",
        "claim page": f"/claims/{claim_id}/",
    }
    try:
        search = reverse("search")
    except NoReverseMatch:
        search = None
    if search:
        pages["search (rare term)"] = f"{search}?q={rare}"
        pages["search (common term)"] = f"{search}?q={common}"
    pages |= {
        "admin: articles": "/admin/articles/article/",
        "admin: claims": "/admin/articles/claim/",
        "admin: sources": "/admin/articles/source/",
        "admin: duplicate candidates": "/admin/articles/duplicatecandidate/",
    }
    if not search:
        measured["search (rare term)"] = measured["search (common term)"] = {
            "available": False,
            "note": "no URL named 'search' in this checkout",
        }

    def one(name: str, url: str) -> tuple[float, float, int, int]:
        if name == FIGURES_COMPUTED:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - started_cpu) * 1000
        return elapsed, cpu, len(queries), response.status_code

    paired = set(ADMIN_OF.values())
    for name, url in pages.items():
        if name in paired:
            continue  # measured with its list
        group = [(name, url)]
        if name in ADMIN_OF:
            group.append((ADMIN_OF[name], pages[ADMIN_OF[name]]))
        for warm_url in (each_url for _, each_url in group for _ in range(WARM_UP)):
            client.get(warm_url)
        samples: dict[str, list] = {each: [] for each, _ in group}
        for _ in range(requests):
            for each, each_url in group:
                samples[each].append(one(each, each_url))
        for each, each_url in group:
            measured[each] = summary(each_url, samples[each])
            sys.stdout.write(
                f"  {each:<30} {measured[each]['median_ms']:>8.1f} ms median "
                f"({measured[each]['median_cpu_ms']:.1f} ms CPU)\n"
            )
            sys.stdout.flush()
            yield each


def summary(url: str, samples: list[tuple[float, float, int, int]]) -> dict:
    times = sorted(sample[0] for sample in samples)
    counts = [sample[2] for sample in samples]
    return {
        "url": url,
        "status": sorted({sample[3] for sample in samples}),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        # CPU time of this process (the SQLite queries run in it too): what the request
        # costs, less sensitive than wall time to other processes on a busy machine.
        "median_cpu_ms": round(statistics.median(sample[1] for sample in samples), 1),
        "queries": max(counts),
        "queries_min": min(counts),
    }


if __name__ == "__main__":
    main()
