"""The quality bar of near-duplicate detection, on the corpus of real articles republished,
copy-edited, cut and rewritten (bench/dedupe_corpus.py), through the whole import pipeline
on this test's database (SQLite or PostgreSQL). bench/dedupe_quality.py prints the same
figures with baselines."""

import pytest

from bench.dedupe_corpus import build_corpus
from bench.dedupe_quality import evaluate

pytestmark = pytest.mark.django_db


def test_automatic_links_are_precise_and_links_plus_candidates_find_the_copies(tmp_path):
    results = evaluate(build_corpus(seed=7), tmp_path)

    assert results["auto"]["precision"] >= 0.99, results["false_links"]
    assert results["recall_linked_or_review"] >= 0.97, results["missed"]
    for kind, figures in results["by_kind"].items():
        assert figures["linked_or_review"] >= 0.9, kind
    # The footer negatives, one outlet's short stories sharing a 234-word footer, are
    # never linked: any link among them would be a false link above.
    assert results["rebuild"]["same_result"]
