"""Near-duplicate quality on a corpus of real articles republished, edited, cut and
rewritten (bench/dedupe_corpus.py), through the whole import pipeline.

It imports the corpus into a fresh SQLite database (cleaning, boilerplate learning,
fingerprints, LSH, verification, groups: exactly what `import_articles` does), then scores
the result against the truth:

- precision of automatic links: pairs of articles put in one group, that truly are copies;
- recall: true pairs linked automatically, and linked or left for review;
- per kind of copy (wrapped, copy-edited, teaser, rewrite), and the false links, if any.

For scale it also scores plain MinHash LSH (datasketch, raw text, no verification) at
thresholds 0.5 and 0.3, and the candidate recall of the LSH stage alone for several band
layouts of our signatures: the measurement the band parameters in articles/dedupe.py were
chosen by. Writes bench/dedupe_quality.json (git-ignored).

Usage: .venv/bin/python bench/dedupe_quality.py [--seed N]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(__file__).resolve().parent / "dedupe_quality.json"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-dedupe-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/quality.sqlite3"
        os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
        import django

        django.setup()
        results = measure(seed=args.seed, folder=Path(folder))
    REPORT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)


def measure(*, seed: int, folder: Path) -> dict:
    """Everything, in a fresh database: the pipeline's scores and the baselines."""
    from django.core.management import call_command

    from bench.dedupe_corpus import build_corpus

    call_command("migrate", verbosity=0)
    corpus = build_corpus(seed=seed)
    results = evaluate(corpus, folder)
    truth = {frozenset(pair) for pair in corpus.true_pairs}
    results["plain_minhash_lsh"] = {
        str(threshold): _plain_lsh(corpus, truth, threshold) for threshold in (0.5, 0.3)
    }
    results["band_layouts"] = _band_layouts(corpus, truth)
    return results


def evaluate(corpus, folder: Path) -> dict:
    """Import `corpus` into the current database through the whole pipeline, score the
    links and candidates against its truth, then rebuild and check nothing changes."""
    from articles.models import Article, DuplicateCandidate, DuplicateStatus
    from articles.services.duplicates import rebuild
    from articles.services.imports import import_paths
    from bench.dedupe_corpus import write

    write(corpus, folder)
    truth = {frozenset(pair) for pair in corpus.true_pairs}
    kind_of = {doc.key: doc.kind for doc in corpus.documents}
    key_of_url = {doc.url: doc.key for doc in corpus.documents}

    started = time.perf_counter()
    report = import_paths([folder / "corpus.jsonl"], source="", workers=1)
    import_seconds = time.perf_counter() - started
    key_of = {pk: key_of_url[url] for pk, url in Article.objects.values_list("pk", "url")}

    def scored() -> dict:
        groups = defaultdict(list)
        for pk, canonical in Article.objects.values_list("pk", "duplicate_of"):
            groups[canonical or pk].append(key_of[pk])
        linked = {frozenset(p) for group in groups.values() for p in combinations(group, 2)}
        review = {
            frozenset((key_of[a], key_of[b]))
            for a, b in DuplicateCandidate.objects.filter(
                status=DuplicateStatus.PENDING
            ).values_list("article_a", "article_b")
        }
        return {"linked": linked, "review": review}

    first = scored()
    started = time.perf_counter()
    rebuilt = rebuild()
    rebuild_seconds = time.perf_counter() - started
    second = scored()

    linked, review = first["linked"], first["review"]
    by_kind = {}
    for kind in ("wrapped", "copyedit", "teaser", "rewrite"):
        pairs = {p for p in truth if kind in {kind_of[k] for k in p}}
        by_kind[kind] = {
            "true_pairs": len(pairs),
            "linked": _share(len(pairs & linked), len(pairs)),
            "linked_or_review": _share(len(pairs & (linked | review)), len(pairs)),
        }
    return {
        "documents": len(corpus.documents),
        "true_pairs": len(truth),
        "import": {"seconds": round(import_seconds, 2), "summary": report.summary()},
        "auto": {
            "pairs": len(linked),
            "precision": _share(len(linked & truth), len(linked)),
            "recall": _share(len(linked & truth), len(truth)),
        },
        "review": {
            "pairs": len(review),
            "true": len(review & truth),
        },
        "recall_linked_or_review": _share(len((linked | review) & truth), len(truth)),
        # Once a person confirms the review candidates, whole groups join: the pairs found
        # through the components of linked and reviewed pairs together.
        "recall_after_review": _share(len(_closure(linked | review) & truth), len(truth)),
        "false_links": sorted(
            [sorted(p) + [kind_of[k] for k in sorted(p)] for p in linked - truth]
        )[:20],
        "missed": sorted(
            [sorted(p) + [kind_of[k] for k in sorted(p)] for p in truth - linked - review]
        )[:20],
        "by_kind": by_kind,
        "rebuild": {
            "seconds": round(rebuild_seconds, 2),
            "same_result": first == second,
            "summary": rebuilt.summary(),
        },
    }


def _plain_lsh(corpus, truth: set, threshold: float) -> dict:
    """The baseline: datasketch MinHashLSH over the raw text's word 5-shingles, every
    candidate taken as a duplicate."""
    from datasketch import MinHash, MinHashLSH

    from articles.dedupe import shingles, words

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    signatures = {}
    for doc in corpus.documents:
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode() for s in set(shingles(words(doc.body)))])
        signatures[doc.key] = minhash
        lsh.insert(doc.key, minhash)
    found = {
        frozenset((key, other))
        for key, minhash in signatures.items()
        for other in lsh.query(minhash)
        if other != key
    }
    return {
        "candidates": len(found),
        "precision": _share(len(found & truth), len(found)),
        "recall": _share(len(found & truth), len(truth)),
    }


def _band_layouts(corpus, truth: set) -> dict:
    """Candidate recall of the LSH stage alone (before verification) and the number of
    candidate pairs, for band layouts of our 128-value signature, with and without the
    lead (opening) bands. Computed on the stored clean bodies."""
    from articles.dedupe import LEAD_BANDS, LEAD_PERM, LEAD_ROWS, Fingerprint, fingerprint
    from articles.models import Article

    key_of_url = {doc.url: doc.key for doc in corpus.documents}
    prints: dict[str, Fingerprint] = {
        key_of_url[url]: fingerprint(body)
        for url, body in Article.objects.values_list("url", "body")
    }
    layouts = {}
    for bands, rows in ((16, 8), (32, 4), (42, 3), (64, 2)):
        for with_lead in (False, True):
            buckets = defaultdict(set)
            for key, fp in prints.items():
                for i in range(bands):
                    buckets[("F", i, fp.full[i * rows : (i + 1) * rows].tobytes())].add(key)
                if with_lead:
                    for opening in fp.lead.reshape(-1, LEAD_PERM):
                        for i in range(LEAD_BANDS):
                            band = opening[i * LEAD_ROWS : (i + 1) * LEAD_ROWS].tobytes()
                            buckets[("L", i, band)].add(key)
            candidates = {
                frozenset(pair)
                for members in buckets.values()
                for pair in combinations(sorted(members), 2)
            }
            name = f"b{bands}r{rows}" + ("+lead" if with_lead else "")
            layouts[name] = {
                "threshold": round((1 / bands) ** (1 / rows), 2),
                "candidates": len(candidates),
                "recall": _share(len(candidates & truth), len(truth)),
            }
    return layouts


def _closure(pairs: set) -> set:
    parent: dict = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            node = parent[node]
        return node

    for pair in pairs:
        first, second = sorted(pair)
        parent[find(first)] = find(second)
    groups = defaultdict(list)
    for node in list(parent):
        groups[find(node)].append(node)
    return {frozenset(p) for group in groups.values() for p in combinations(group, 2)}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def print_table(results: dict) -> None:
    out = sys.stdout.write
    out(f"corpus: {results['documents']} documents, {results['true_pairs']} true pairs\n")
    out(f"import: {results['import']['summary']}\n")
    auto = results["auto"]
    out(
        f"automatic links: {auto['pairs']} pairs, precision {auto['precision']:.4f}, "
        f"recall {auto['recall']:.4f}\n"
    )
    out(
        f"review candidates: {results['review']['pairs']} ({results['review']['true']} true); "
        f"recall linked or review {results['recall_linked_or_review']:.4f}, "
        f"after review (whole groups) {results['recall_after_review']:.4f}\n"
    )
    for kind, figures in results["by_kind"].items():
        out(
            f"  {kind:9} {figures['true_pairs']:5} pairs: linked {figures['linked']:.3f}, "
            f"linked or review {figures['linked_or_review']:.3f}\n"
        )
    rebuilt = results["rebuild"]
    out(f"rebuild: {rebuilt['summary']}; same result {rebuilt['same_result']}\n")
    for threshold, figures in results["plain_minhash_lsh"].items():
        out(
            f"plain MinHash LSH at {threshold}: precision {figures['precision']:.3f}, "
            f"recall {figures['recall']:.3f} ({figures['candidates']} candidates)\n"
        )
    out("LSH stage alone (our signatures):\n")
    for name, figures in results["band_layouts"].items():
        out(
            f"  {name:13} t≈{figures['threshold']:.2f}: recall {figures['recall']:.4f}, "
            f"{figures['candidates']} candidate pairs\n"
        )
    if results["false_links"]:
        out(f"false links (first 20): {results['false_links']}\n")
    if results["missed"]:
        out(f"missed (first 20): {results['missed']}\n")


if __name__ == "__main__":
    main()
