"""Dedupe at scale: `dedupe --rebuild` time, and the cost of checking one new article as the
desk grows (it must stay flat: an index lookup, never a scan of the bodies).

Articles are recombined from the sentences of the real articles in tests/data/dedupe
(2–4 sentences a paragraph, 3–7 paragraphs), and about 10% are copies of an earlier
article (copy-edited, or under another outlet's header and footer). They are written
straight to a fresh SQLite database with their fingerprints and band keys, as an import
leaves them, without the import's cleaning (the import itself is measured separately).
At each size in SIZES the cost of checking a batch of new articles is measured; at the
largest, `rebuild()` is timed. Writes bench/dedupe_scale.json (git-ignored).

Usage: .venv/bin/python bench/dedupe_scale.py [--size 100000] [--checkpoints 10000,100000]
"""

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(__file__).resolve().parent / "dedupe_scale.json"
sys.path.insert(0, str(ROOT))

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
PROBE = 200  # new articles checked at each checkpoint


def sentences() -> list[str]:
    from bench.dedupe_corpus import load_articles

    found = []
    for article in load_articles():
        for paragraph in article.paragraphs:
            found += [s for s in _SENTENCE.split(paragraph) if len(s.split()) >= 6]
    return found


def generate(rng: random.Random, pool: list[str], count: int, start: int) -> list[dict]:
    """`count` articles; about 10% copy one of the articles made before them. A third of
    the words of every sentence are swapped for other words of the corpus: a fixed pool of
    sentences reused 100,000 times would otherwise make every article share whole
    sentences with hundreds of others, which real, different articles do not."""
    made: list[dict] = []
    vocabulary = sorted({word for sentence in pool for word in sentence.split()})
    for number in range(start, start + count):
        if made and rng.random() < 0.1:
            body = _copy(rng, rng.choice(made)["body"])
        else:
            body = "\n".join(
                " ".join(
                    _vary(rng, sentence, vocabulary)
                    for sentence in rng.sample(pool, rng.randint(2, 4))
                )
                for _ in range(rng.randint(3, 7))
            )
        made.append({"number": number, "body": body, "source": f"Outlet {rng.randint(1, 50)}"})
    return made


def _vary(rng: random.Random, sentence: str, vocabulary: list[str]) -> str:
    return " ".join(
        rng.choice(vocabulary) if rng.random() < 0.33 else word for word in sentence.split()
    )


def _copy(rng: random.Random, body: str) -> str:
    if rng.random() < 0.5:
        words = body.split(" ")
        for _ in range(4):
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "officials", "on"])
        return " ".join(words)
    return f"Home | News | World\n{body}\nSubscribe to our newsletter.\n© 2026 Republisher."


def fingerprint_bytes(body: str) -> bytes:
    from articles.dedupe import fingerprint

    return fingerprint(body).to_bytes()


def store(rows: list[dict], executor: ProcessPoolExecutor) -> list[int]:
    from django.db import transaction

    from articles.dedupe import SCHEME, Fingerprint
    from articles.models import Article, Source
    from articles.services.duplicates import band_rows, write_band_rows

    sources = {s.name: s for s in Source.objects.all()}
    for name in {row["source"] for row in rows} - set(sources):
        sources[name] = Source.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    prints = list(executor.map(fingerprint_bytes, [row["body"] for row in rows], chunksize=64))
    base = datetime(2026, 1, 1, tzinfo=UTC)
    articles = Article.objects.bulk_create(
        [
            Article(
                source=sources[row["source"]],
                title=f"Article {row['number']}",
                url=f"https://bench.example/{row['number']}",
                origin="bench",
                published_at=base + timedelta(minutes=row["number"]),
                raw=row["body"],
                body=row["body"],
                fingerprint=fp,
                fingerprint_scheme=SCHEME,
            )
            for row, fp in zip(rows, prints, strict=True)
        ],
        batch_size=1000,
    )
    bands = []
    for article, fp in zip(articles, prints, strict=True):
        bands += band_rows(article.pk, Fingerprint.from_bytes(fp))
    with transaction.atomic():
        write_band_rows(bands)
    return [article.pk for article in articles]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="10000,100000")
    args = parser.parse_args()
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",")} | {args.size})
    with tempfile.TemporaryDirectory(prefix="newsdesk-dedupe-scale-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/scale.sqlite3"
        os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
        import django

        django.setup()
        results = run(checkpoints)
    REPORT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def run(checkpoints: list[int]) -> dict:
    from django.core.management import call_command

    from articles.models import Article
    from articles.services.duplicates import dedupe_articles, rebuild

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    pool = sentences()
    results: dict = {"sentences": len(pool), "checkpoints": {}}
    have = 0
    with ProcessPoolExecutor(os.cpu_count() or 1) as executor:
        for size in checkpoints:
            started = time.perf_counter()
            while have < size - PROBE:
                count = min(5000, size - PROBE - have)
                store(generate(rng, pool, count, have), executor)
                have += count
            load = time.perf_counter() - started
            probe = store(generate(rng, pool, PROBE, have), executor)
            have += PROBE
            started = time.perf_counter()
            report = dedupe_articles(ids=probe)
            seconds = time.perf_counter() - started
            results["checkpoints"][size] = {
                "load_seconds": round(load, 1),
                "check_ms_per_article": round(seconds / PROBE * 1000, 2),
                "probe": report.summary(),
            }
            sys.stdout.write(
                f"{size:>7} articles: checking {PROBE} new ones took "
                f"{seconds / PROBE * 1000:.2f} ms each ({report.summary()})\n"
            )
            sys.stdout.flush()
    started = time.perf_counter()
    report = rebuild()
    seconds = time.perf_counter() - started
    results["rebuild"] = {
        "articles": Article.objects.count(),
        "seconds": round(seconds, 1),
        "summary": report.summary(),
    }
    sys.stdout.write(f"rebuild of {results['rebuild']['articles']} articles: {seconds:.1f} s\n")
    return results


if __name__ == "__main__":
    main()
