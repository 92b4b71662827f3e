"""The benchmark corpus: plain-text articles made of real sentences, and real HTML pages.

Plain text (`make_text_corpus`): each article is a dated headline line and 3–7 paragraphs
of sentences from the real articles in tests/data/dedupe, a third of whose words are
swapped for other words of the corpus (`bench.dedupe_scale.generate`: whole sentences
reused 100,000 times would make every article share sentences with hundreds of others,
which real, different articles do not). It is wrapped in one of ~50 outlets' furniture: a
teaser box or menu at the top, a "Discover more from <outlet>" line (how the import
recognises the source of a plain text), a subscribe line, a comment form or a share bar at
the bottom. About 10% are republished copies of an earlier article under another outlet's
furniture. A handful carry a rare place name (`RARE_TERM`) for the search benchmark.

HTML (`make_html_corpus`): the 19 real news pages of tests/data/extraction, copied with a
varied title, URL and an edition mark in every paragraph, so each copy is a new document.

Deterministic for a given seed. Usage: python bench/corpus.py OUT_DIR [N]
"""

import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXTRACTION_PAGES = ROOT / "tests" / "data" / "extraction"
OUTLET_COUNT = 50
FOLDERS = 100  # the text corpus is split into 100 equal folders: slices of 1% each
RARE_TERM = "Shcherbynivka"  # a village name planted in a few articles only
RARE_EVERY = 20_000

_FIRST = ["Harbour", "Kyiv", "Baltic", "Steppe", "Danube", "Northern", "Capital", "Frontier",
          "Eastern", "Global"]  # fmt: skip
_SECOND = ["Times", "Wire", "Desk", "Post", "Herald"]
_HEADS = [
    ["No time to read?", "Get a summary"],
    ["Top 5 This Week", "Related Posts"],
    ["Home | News | World | Politics | Opinion"],
    ["Text Size:"],
    [],
]
_TAILS = [
    ["Subscribe to our newsletter"],
    ["LEAVE A REPLY", "Please enter your comment!", "Please enter your name here"],
    ["Share this:", "Facebook", "Twitter", "WhatsApp"],
    ["Add a comment", ":D :lol: :-) ;-) 8) :-|"],
    ["Previous article", "Next article"],
]


def outlets() -> list[tuple[str, list[str], list[str]]]:
    """~50 outlets: a name, the lines above the story and the lines below it."""
    found = []
    for index in range(OUTLET_COUNT):
        name = f"{_FIRST[index % 10]} {_SECOND[index // 10 % 5]}"
        head = _HEADS[index % len(_HEADS)]
        tail = _TAILS[(index // len(_HEADS)) % len(_TAILS)]
        found.append((name, head, [f"Discover more from {name} | Subscribe", *tail]))
    return found


def make_text_corpus(out: Path, n: int, *, seed: int = 7) -> list[Path]:
    """Write `n` plain-text articles into FOLDERS sub-folders of `out`; return the folders
    in order (slice them to import a share of the corpus)."""
    from bench.dedupe_scale import generate, sentences

    rng = random.Random(seed)
    pool = sentences()
    desks = outlets()
    per_folder = max(1, -(-n // FOLDERS))
    folders = [out / f"{k:03d}" for k in range(FOLDERS)]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    made = 0
    while made < n:
        # `generate` makes about 10% of each batch copies of an earlier article of the batch
        # (copy-edited, or under a republisher's header and footer); each article then gets
        # a random outlet's furniture, so a copy is mostly republished by another outlet.
        for row in generate(rng, pool, min(2000, n - made), made):
            number, body = row["number"], row["body"]
            if number % RARE_EVERY == 7:
                body = body.replace(" the ", f" the {RARE_TERM} ", 1)
            lead = next((line for line in body.split("\n") if len(line.split()) >= 8), body)
            headline = " ".join(lead.split()[:9]).rstrip(".,;:")
            _name, head, tail = desks[rng.randrange(len(desks))]
            stamp = base + timedelta(minutes=number * 3 + rng.randrange(3))
            dated = f"{stamp:%d %B %Y, %H:%M}"
            text = "\n".join([*head, headline, dated, body, *tail]) + "\n"
            path = folders[number // per_folder] / f"{number:06d}.txt"
            path.write_text(text, encoding="utf-8")
        made = number + 1
    return folders


def make_html_corpus(out: Path, n: int = 200) -> list[Path]:
    """Write `n` copies of the real pages in tests/data/extraction, each with its own
    title, URL (the page's own URL with `?edition=N` wherever it appears) and an edition
    mark at the end of every paragraph."""
    import trafilatura

    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in sorted(EXTRACTION_PAGES.glob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        found = trafilatura.extract_metadata(html)
        pages.append((path, html, (found.url if found else None) or ""))
    written = []
    for number in range(n):
        path, html, url = pages[number % len(pages)]
        edition = number // len(pages) + 1
        html = re.sub(r"(<title[^>]*>)", rf"\1Edition {edition}: ", html, count=1, flags=re.I)
        html = re.sub(r"</p>", f" (edition {edition})</p>", html, flags=re.I)
        if url:
            html = html.replace(url, f"{url}?edition={edition}")
        copy = out / f"{path.stem}-{edition:03d}.html"
        copy.write_text(html, encoding="utf-8")
        written.append(copy)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1])
    make_text_corpus(target / "text", int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    make_html_corpus(target / "html")
