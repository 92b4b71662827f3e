"""Body-text quality of our HTML extraction against hand-checked gold text, page by page.

For every `NAME.html` + `NAME.txt` pair in tests/data/extraction/ it scores (a) our pipeline,
`extract()` on an HTML RawDocument, and (b) trafilatura alone (`trafilatura.extract(html)`
with its defaults), prints a table with both and the means, and writes
bench/extraction_quality.json. It also times both per page, to show what our metadata and
post-processing cost on top of trafilatura.

The metric is the one of the public article-extraction benchmark: F1 over 4-token shingles
(a multiset), tokens being `\\w+` runs of the casefolded text. `score` is also what
tests/test_extraction_quality.py asserts with. Not a speed benchmark of the whole import:
reading, decoding and storing are not timed here.

Usage: .venv/bin/python bench/extraction_quality.py [--repeat N]
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "data" / "extraction"
REPORT = Path(__file__).resolve().parent / "extraction_quality.json"
SHINGLE = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def shingles(text: str, n: int = SHINGLE) -> Counter:
    """The multiset of n-word shingles of `text` (words: `\\w+` runs, casefolded)."""
    words = _WORD.findall(text.casefold())
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def score(predicted: str, gold: str) -> Score:
    """Shingle precision, recall and F1 of `predicted` against `gold`.

    Everything is 0 when either side has no shingle (empty, or fewer than four words):
    an empty extraction must never look like a perfect one.
    """
    pred, true = shingles(predicted), shingles(gold)
    if not pred or not true:
        return Score(0.0, 0.0, 0.0)
    common = sum((pred & true).values())
    if not common:
        return Score(0.0, 0.0, 0.0)
    precision = common / sum(pred.values())
    recall = common / sum(true.values())
    return Score(precision, recall, 2 * precision * recall / (precision + recall))


def page_names() -> list[str]:
    """The pages that have both the HTML and its gold text."""
    return sorted(p.stem for p in PAGES.glob("*.html") if p.with_suffix(".txt").exists())


def load(name: str) -> tuple[str, str]:
    """The HTML of a page and its gold text."""
    html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    return html, (PAGES / f"{name}.txt").read_text(encoding="utf-8")


def ours(name: str, html: str):
    """Our pipeline's result (a Document or a Problem) for one page."""
    from articles.ingest.document import Kind, RawDocument
    from articles.ingest.extract import extract

    return extract(RawDocument(f"{name}.html", html, Kind.HTML, payload=html))


def trafilatura_alone(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def _timed(function, *args, repeat: int) -> tuple[object, float]:
    """The result of `function(*args)` and its median run time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times)


def measure(repeat: int = 3) -> dict:
    """Score and time both extractors on every page; the report written as JSON."""
    import trafilatura

    from articles.ingest.document import Document

    names = page_names()
    # Warm up: the first call of trafilatura pays for lazy imports and compiled XPaths.
    ours(names[0], load(names[0])[0])
    rows = []
    for name in names:
        html, gold = load(name)
        doc, ours_ms = _timed(ours, name, html, repeat=repeat)
        alone, alone_ms = _timed(trafilatura_alone, html, repeat=repeat)
        body = doc.body if isinstance(doc, Document) else ""
        rows.append(
            {
                "page": name,
                "html_bytes": len(html.encode("utf-8")),
                "ours": asdict(score(body, gold)),
                "trafilatura": asdict(score(alone, gold)),
                "ours_problem": "" if isinstance(doc, Document) else str(doc),
                "ours_ms": round(ours_ms, 2),
                "trafilatura_ms": round(alone_ms, 2),
            }
        )

    def mean(side: str, key: str) -> float:
        return round(statistics.fmean(row[side][key] for row in rows), 4)

    return {
        "metric": "F1 over 4-word shingles (multiset), words = \\w+ of casefolded text",
        "trafilatura_version": trafilatura.__version__,
        "pages": len(rows),
        "repeat": repeat,
        "mean": {
            side: {key: mean(side, key) for key in ("precision", "recall", "f1")}
            for side in ("ours", "trafilatura")
        },
        "total_ms": {
            "ours": round(sum(row["ours_ms"] for row in rows), 1),
            "trafilatura": round(sum(row["trafilatura_ms"] for row in rows), 1),
        },
        "rows": rows,
    }


def table(report: dict) -> str:
    head = (
        f"{'page':<16} {'ours P':>7} {'R':>6} {'F1':>6}   {'traf P':>7} {'R':>6} {'F1':>6}"
        f"   {'ours ms':>8} {'traf ms':>8}"
    )
    lines = [head, "-" * len(head)]
    for row in report["rows"]:
        o, t = row["ours"], row["trafilatura"]
        lines.append(
            f"{row['page']:<16} {o['precision']:>7.3f} {o['recall']:>6.3f} {o['f1']:>6.3f}"
            f"   {t['precision']:>7.3f} {t['recall']:>6.3f} {t['f1']:>6.3f}"
            f"   {row['ours_ms']:>8.1f} {row['trafilatura_ms']:>8.1f}"
            + (f"   PROBLEM: {row['ours_problem']}" if row["ours_problem"] else "")
        )
    o, t = report["mean"]["ours"], report["mean"]["trafilatura"]
    total = report["total_ms"]
    lines += [
        "-" * len(head),
        f"{'mean':<16} {o['precision']:>7.3f} {o['recall']:>6.3f} {o['f1']:>6.3f}"
        f"   {t['precision']:>7.3f} {t['recall']:>6.3f} {t['f1']:>6.3f}"
        f"   {total['ours']:>8.1f} {total['trafilatura']:>8.1f}  (ms, sum over pages)",
        f"{report['pages']} pages, trafilatura {report['trafilatura_version']}, "
        f"median of {report['repeat']} runs per page; "
        f"our time is {total['ours'] / total['trafilatura']:.1f}x trafilatura alone",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (median)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    report = measure(repeat=max(1, args.repeat))
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(table(report))
    sys.stdout.write(f"wrote {REPORT.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
