"""Claim suggestions (articles/suggest.py) against the hand annotations of the seed fixture.

Reads fixtures/seed.json directly (no Django, no database): the five seed article bodies and
their hand-annotated claim appearances, and scores

- recall: hand appearances overlapped (character spans) by at least one suggestion;
- precision: suggestions overlapping at least one hand appearance. The hand annotation is not
  exhaustive (an analyst annotated what mattered to the story, not every attributed
  sentence), so this is a lower bound of the share of suggestions worth a look;
- claimant and verb: on the recalled appearances with a hand claimant (verb), whether the
  guess of the suggestion overlapping it most equals, contains or is contained in the hand
  value, case-insensitively;
- similar sentences: for every claim with appearances in two or more articles, whether
  `similar_sentences(claim text, body)` finds each appearance's sentence (recall); and, for
  every claim against every seed body, the matches that overlap no appearance of that claim
  (false matches — again a lower bound of precision, as some restate the claim unannotated).

`measure()` is what tests/test_suggest.py asserts floors on.

Usage: .venv/bin/python bench/suggestion_quality.py [--show]
"""

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed.json"
sys.path.insert(0, str(ROOT))

from articles.suggest import (  # noqa: E402
    SIMILARITY_THRESHOLD,
    similar_sentences,
    suggest_claims,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--show", action="store_true", help="list misses, false matches and guesses"
    )
    args = parser.parse_args()
    results = measure()
    sys.stdout.write(table(results))
    sys.stdout.write(speed())
    if args.show:
        sys.stdout.write(details(results))


def speed(size: int = 100_000) -> str:
    """CPU time of both functions on a 100 KB body of seed text, best of five: what the
    article page and the claim suggestions page pay per article."""
    bodies, claims, _ = load()
    text = "\n".join(bodies.values())
    body = (text * (size // len(text) + 1))[:size]
    claim = next(iter(claims.values()))
    lines = []
    for name, run in [
        ("suggest_claims", lambda: suggest_claims(body)),
        ("similar_sentences", lambda: similar_sentences(claim, body)),
    ]:
        timings = []
        for _ in range(5):
            started = time.process_time()
            run()
            timings.append(time.process_time() - started)
        lines.append(f"{name} on {size // 1000} KB: {min(timings) * 1000:.0f} ms CPU (best of 5)")
    return "\n".join(lines) + "\n"


def load(path: Path = SEED) -> tuple[dict[int, str], dict[int, str], list[dict]]:
    """(article bodies by pk, claim texts by pk, appearances) from a Django fixture file."""
    objects = json.loads(path.read_text(encoding="utf-8"))
    bodies = {o["pk"]: o["fields"]["body"] for o in objects if o["model"] == "articles.article"}
    claims = {o["pk"]: o["fields"]["text"] for o in objects if o["model"] == "articles.claim"}
    appearances = [
        dict(o["fields"], pk=o.get("pk")) for o in objects if o["model"] == "articles.appearance"
    ]
    return bodies, claims, appearances


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def agrees(guess: str, hand: str) -> bool:
    """Equal, or one contains the other, case-insensitively; an empty guess never agrees."""
    guess, hand = guess.strip().casefold(), hand.strip().casefold()
    return bool(guess) and (guess in hand or hand in guess)


def measure(path: Path = SEED, *, threshold: float = SIMILARITY_THRESHOLD) -> dict:
    """All the scores, with the evidence behind them."""
    bodies, claims, appearances = load(path)
    suggestions = {pk: suggest_claims(body) for pk, body in bodies.items()}
    started = time.process_time()  # warm, as in a running server; CPU time of this process
    for body in bodies.values():
        suggest_claims(body)
    seconds = time.process_time() - started

    recalled, missed, claimant_checks, verb_checks = [], [], [], []
    for appearance in appearances:
        hits = [
            s
            for s in suggestions[appearance["article"]]
            if overlaps(s.start, s.end, appearance["start"], appearance["end"])
        ]
        if not hits:
            missed.append(appearance)
            continue
        recalled.append(appearance)
        best = max(
            hits,
            key=lambda s: min(s.end, appearance["end"]) - max(s.start, appearance["start"]),
        )
        if appearance["claimant"]:
            claimant_checks.append(
                (
                    appearance["claimant"],
                    best.claimant,
                    agrees(best.claimant, appearance["claimant"]),
                )
            )
        if appearance["verb"]:
            verb_checks.append(
                (appearance["verb"], best.verb, agrees(best.verb, appearance["verb"]))
            )

    all_suggestions = [(pk, s) for pk, found in suggestions.items() for s in found]
    useful = [
        (pk, s)
        for pk, s in all_suggestions
        if any(
            a["article"] == pk and overlaps(s.start, s.end, a["start"], a["end"])
            for a in appearances
        )
    ]
    unannotated = [(pk, s) for pk, s in all_suggestions if (pk, s) not in useful]

    similar = similar_scores(bodies, claims, appearances, threshold)
    return {
        "articles": len(bodies),
        "claims": len(claims),
        "appearances": len(appearances),
        "suggestions": len(all_suggestions),
        "recall": _share(len(recalled), len(appearances)),
        "recalled": len(recalled),
        "precision": _share(len(useful), len(all_suggestions)),
        "useful": len(useful),
        "claimant_accuracy": _share(sum(c[2] for c in claimant_checks), len(claimant_checks)),
        "claimant_checked": len(claimant_checks),
        "claimant_correct": sum(c[2] for c in claimant_checks),
        "verb_accuracy": _share(sum(c[2] for c in verb_checks), len(verb_checks)),
        "verb_checked": len(verb_checks),
        "verb_correct": sum(c[2] for c in verb_checks),
        "milliseconds": round(seconds * 1000, 1),
        "body_characters": sum(len(body) for body in bodies.values()),
        "missed": [a["exact"] for a in missed],
        "unannotated": [s.text for _, s in unannotated],
        "claimants": claimant_checks,
        "verbs": verb_checks,
        **similar,
    }


def similar_scores(
    bodies: dict[int, str], claims: dict[int, str], appearances: list[dict], threshold: float
) -> dict:
    by_claim: dict[int, list[dict]] = defaultdict(list)
    for appearance in appearances:
        by_claim[appearance["claim"]].append(appearance)
    shared = {claim for claim, found in by_claim.items() if len({a["article"] for a in found}) >= 2}
    expected = found = 0
    not_found = []
    for claim in sorted(shared):
        for appearance in by_claim[claim]:
            expected += 1
            matches = similar_sentences(
                claims[claim], bodies[appearance["article"]], threshold=threshold
            )
            if any(
                overlaps(m.start, m.end, appearance["start"], appearance["end"]) for m in matches
            ):
                found += 1
            else:
                not_found.append((claims[claim], appearance["exact"]))
    matches_all = false_all = matches_shared = false_shared = 0
    false_matches = []
    for claim, text in claims.items():
        for pk, body in bodies.items():
            for match in similar_sentences(text, body, threshold=threshold):
                true = any(
                    a["article"] == pk and overlaps(match.start, match.end, a["start"], a["end"])
                    for a in by_claim[claim]
                )
                matches_all += 1
                matches_shared += claim in shared
                if not true:
                    false_all += 1
                    false_shared += claim in shared
                    false_matches.append((text, pk, match.score, match.text))
    return {
        "threshold": threshold,
        "similar_claims": len(shared),
        "similar_expected": expected,
        "similar_found": found,
        "similar_recall": _share(found, expected),
        "similar_not_found": not_found,
        "similar_matches": matches_all,
        "similar_false": false_all,
        "similar_precision": _share(matches_all - false_all, matches_all),
        "similar_matches_shared": matches_shared,
        "similar_false_shared": false_shared,
        "similar_precision_shared": _share(matches_shared - false_shared, matches_shared),
        "similar_false_matches": false_matches,
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def table(r: dict) -> str:
    """The scores as a small plain-text table."""
    shared_true = r["similar_matches_shared"] - r["similar_false_shared"]
    all_true = r["similar_matches"] - r["similar_false"]
    rows = [
        (
            "suggestions: recall",
            r["recall"],
            f"{r['recalled']}/{r['appearances']} hand appearances",
        ),
        (
            "suggestions: precision*",
            r["precision"],
            f"{r['useful']}/{r['suggestions']} suggestions",
        ),
        (
            "claimant guess",
            r["claimant_accuracy"],
            f"{r['claimant_correct']}/{r['claimant_checked']} recalled appearances with one",
        ),
        (
            "verb guess",
            r["verb_accuracy"],
            f"{r['verb_correct']}/{r['verb_checked']} recalled appearances with one",
        ),
        (
            "similar: recall",
            r["similar_recall"],
            f"{r['similar_found']}/{r['similar_expected']} appearances of the "
            f"{r['similar_claims']} claims seen in 2+ articles",
        ),
        (
            "similar: precision*",
            r["similar_precision_shared"],
            f"{shared_true}/{r['similar_matches_shared']} matches, those claims x all bodies",
        ),
        (
            "similar: precision* (all)",
            r["similar_precision"],
            f"{all_true}/{r['similar_matches']} matches, all {r['claims']} claims x all bodies",
        ),
    ]
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'measure'.ljust(width)}  value  of", f"{'-' * width}  -----  --"]
    lines += [f"{name.ljust(width)}  {value:.3f}  {detail}" for name, value, detail in rows]
    lines.append(
        f"\n{r['articles']} seed articles ({r['body_characters']} characters) suggested in "
        f"{r['milliseconds']} ms of CPU; similar_sentences threshold {r['threshold']}."
    )
    lines.append(
        "* lower bounds: the hand annotation is not exhaustive, so a suggestion or match that\n"
        "  overlaps no hand appearance is not necessarily wrong (list them with --show).\n"
    )
    return "\n".join(lines)


def details(r: dict) -> str:
    out = ["", "Missed hand appearances:"]
    out += [f"  - {text}" for text in r["missed"]]
    out.append("Suggestions overlapping no hand appearance:")
    out += [f"  - {text[:110]}" for text in r["unannotated"]]
    out.append("Claimant guesses (hand / guess / agrees):")
    out += [f"  - {hand!r} / {guess!r} / {ok}" for hand, guess, ok in r["claimants"]]
    out.append("Verb guesses (hand / guess / agrees):")
    out += [f"  - {hand!r} / {guess!r} / {ok}" for hand, guess, ok in r["verbs"]]
    out.append("Similar sentences not found (claim / appearance):")
    out += [f"  - {claim} / {exact}" for claim, exact in r["similar_not_found"]]
    out.append("Similar-sentence matches overlapping no appearance of the claim:")
    out += [
        f"  - [{score:.2f}] {claim} / article {pk}: {text[:90]}"
        for claim, pk, score, text in r["similar_false_matches"]
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
