"""Generate a corpus of plain-text articles recombined from the real seed paragraphs.

Each article: a headline line, 4–9 paragraphs drawn from the seeds, and one outlet's
furniture (a teaser box at the top, a subscribe line and a comment form at the bottom).
About 10% are republished copies of an earlier article under another outlet's furniture.
Deterministic for a given seed. Usage: python bench/corpus.py OUT_DIR [N]
"""

import random
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
OUTLETS = [
    ("Harbour Times", ["No time to read?", "Get a summary"], ["Subscribe to our newsletter"]),
    (
        "Kyiv Wire",
        ["Top 5 This Week", "Related Posts"],
        ["LEAVE A REPLY", "Please enter your comment!"],
    ),
    ("Baltic Desk", [], ["Share this:", "Facebook", "Twitter", "WhatsApp"]),
    ("Steppe Post", ["Text Size:"], ["Add a comment", ":D :lol: :-) ;-) 8) :-|"]),
]


def paragraphs() -> list[str]:
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line) > 200:  # real article paragraphs, not furniture
                found.append(line.strip())
    return found


def make_corpus(out: Path, n: int, *, seed: int = 7) -> int:
    rng = random.Random(seed)
    pool = paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for i in range(n):
        outlet, head, tail = OUTLETS[i % len(OUTLETS)]
        if written and rng.random() < 0.1:
            body = rng.choice(written)  # a republished copy under other furniture
        else:
            chosen = rng.sample(pool, rng.randint(4, 9))
            body = "\n\n".join(f"{p} (Report {i}.{k})" for k, p in enumerate(chosen))
            written.append(body)
        title = f"{outlet} report {i}: " + body.split(" ", 8)[-1][:60]
        text = "\n\n".join([*head, title, body, *tail]) + "\n"
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    return n


if __name__ == "__main__":
    make_corpus(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
