"""The clean body of a real news page is what a human would call the article.

Table-driven over tests/data/extraction/: real article pages with hand-checked gold text
(sources, licence and edits in its README.md). The score is the article-extraction
benchmark's F1 over 4-word shingles, computed by bench/extraction_quality.py, which also
prints the per-page table. The floors are what we measured, rounded down to two decimals,
minus 0.01: a drop below them is a regression, a rise is a reason to raise them.
"""

import sys

import pytest

from articles.ingest.document import Document
from bench.extraction_quality import PAGES, load, ours, page_names, score, trafilatura_alone

# Measured with trafilatura 2.3.1 and favor_precision: mean shingle F1 0.962 over 19 pages
# (trafilatura alone with its defaults: 0.904), so the floor is 0.96 - 0.01.
MEAN_F1_FLOOR = 0.95
# Every page: the lowest measured 0.865 (th_prachatai, a donation box kept).
PAGE_F1_FLOOR = 0.85
# Pages held to their own floor. None since favor_precision: the former hard cases
# (ultimahora's comments, lsm's newsletter footer, nikkei's paywall) now score 0.90-0.95.
HARD_CASES: dict[str, float] = {}
# Our pipeline may differ from trafilatura alone, but never be worse by more than this.
TRAFILATURA_MARGIN = 0.01

NAMES = page_names()


@pytest.fixture(scope="module")
def measured() -> dict:
    """Per page: our Document (or Problem), our score and trafilatura-alone's score."""
    results = {}
    for name in NAMES:
        html, gold = load(name)
        doc = ours(name, html)
        body = doc.body if isinstance(doc, Document) else ""
        results[name] = (doc, score(body, gold), score(trafilatura_alone(html), gold))
    return results


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def test_the_set_is_a_documented_set_of_real_pages_with_gold_text():
    html = sorted(p.stem for p in PAGES.glob("*.html"))
    assert html == NAMES, "every page needs its gold NAME.txt"
    assert 12 <= len(NAMES) <= 25
    assert sum(p.stat().st_size for p in PAGES.iterdir()) < 6 * 1024 * 1024
    readme = (PAGES / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}`" in readme, f"{name} is not described in the README"
    assert set(HARD_CASES) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_extract_returns_a_document_for_every_page(measured, name):
    doc, _, _ = measured[name]
    assert isinstance(doc, Document), doc
    assert doc.body.strip()
    assert doc.title


@pytest.mark.parametrize("name", NAMES)
def test_each_page_body_matches_its_gold_text(measured, name):
    _, ours_score, _ = measured[name]
    floor = HARD_CASES.get(name, PAGE_F1_FLOOR)
    assert ours_score.f1 >= floor, f"{name}: F1 {ours_score.f1:.3f} < {floor}"


def test_mean_f1_over_the_set_stays_at_what_we_measured(measured, record_property, capsys):
    scores = [ours_score for _, ours_score, _ in measured.values()]
    mean_f1 = _mean(s.f1 for s in scores)
    record_property("mean_f1", round(mean_f1, 4))
    with capsys.disabled():
        sys.stdout.write(
            f"\nextraction quality: mean shingle F1 {mean_f1:.4f} "
            f"(P {_mean(s.precision for s in scores):.4f}, R {_mean(s.recall for s in scores):.4f})"
            f" over {len(scores)} pages, floor {MEAN_F1_FLOOR}\n"
        )
    assert mean_f1 >= MEAN_F1_FLOOR


def test_our_post_processing_does_not_hurt_trafilatura(measured):
    ours_mean = _mean(o.f1 for _, o, _ in measured.values())
    alone_mean = _mean(t.f1 for _, _, t in measured.values())
    assert ours_mean >= alone_mean - TRAFILATURA_MARGIN, (ours_mean, alone_mean)


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("one two three four five", "One, two; three four five!", (1.0, 1.0, 1.0)),
        ("one two three four", "five six seven eight", (0.0, 0.0, 0.0)),
        ("", "one two three four", (0.0, 0.0, 0.0)),
        ("one two three four", "", (0.0, 0.0, 0.0)),
        ("one two three", "one two three", (0.0, 0.0, 0.0)),
        # a repeated passage counts twice: shingles are a multiset
        ("a b c d a b c d", "a b c d", (0.2, 1.0, 1 / 3)),
        ("a b c d e", "a b c d e f g", (1.0, 0.5, 2 / 3)),
    ],
)
def test_shingle_score_is_the_benchmark_metric(predicted, gold, expected):
    got = score(predicted, gold)
    assert (got.precision, got.recall, got.f1) == pytest.approx(expected)
