"""The near-duplicate corpus (bench/dedupe_corpus.py): reproducible, and its truth is true.

No database: the corpus is pure text. A pair counts as a duplicate exactly when both
documents belong to one family, so these tests check that families really share text and
that nothing else does — not one 8-word shingle of article text crosses a family line.
"""

import itertools
import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from bench.dedupe_corpus import (
    ARTICLES,
    DAILY_BULLETIN,
    KINDS,
    PLAIN_OUTLETS,
    REPUBLISHERS,
    boilerplate_lines,
    build_corpus,
    load_articles,
    write,
)

SOURCES_MD = ARTICLES.parent / "SOURCES.md"
BOILERPLATE = boilerplate_lines()


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


def article_text(doc):
    """The body without the furniture lines the builder added around the article."""
    return "\n".join(line for line in doc.body.split("\n") if line not in BOILERPLATE)


def shingles(text, size=8):
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_the_same_seed_builds_the_same_corpus(tmp_path):
    first, second = build_corpus(7), build_corpus(7)
    assert first.documents == second.documents
    assert first.true_pairs == second.true_pairs
    write(first, tmp_path / "a")
    write(second, tmp_path / "b")
    for name in ("corpus.jsonl", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_builds_another_corpus(corpus):
    other = build_corpus(8)
    assert other.documents != corpus.documents
    assert {d.key for d in other.documents} != {d.key for d in corpus.documents}


def test_size_and_every_kind(corpus):
    kinds = {kind: sum(d.kind == kind for d in corpus.documents) for kind in KINDS}
    assert all(kinds.values()), kinds
    assert 300 <= len(corpus.documents) <= 500
    assert 12 <= kinds["footer_negative"] <= 20
    families = {d.family for d in corpus.documents if d.family}
    assert len(families) == kinds["original"] >= 80
    assert len(load_articles()) >= 80


def test_every_family_is_an_original_and_two_to_five_variants(corpus):
    members = defaultdict(list)
    for doc in corpus.documents:
        if doc.family:
            members[doc.family].append(doc)
        else:
            assert doc.kind in ("footer_negative", "unrelated")
    for docs in members.values():
        assert [d.kind for d in docs].count("original") == 1
        assert 2 <= len(docs) - 1 <= 5
        assert len({d.source for d in docs}) == len(docs)  # one copy per outlet


def test_true_pairs_are_exactly_the_pairs_within_a_family(corpus):
    by_family = defaultdict(list)
    for doc in corpus.documents:
        if doc.family:
            by_family[doc.family].append(doc.key)
    expected = {
        frozenset(pair) for keys in by_family.values() for pair in itertools.combinations(keys, 2)
    }
    assert corpus.true_pairs == expected
    keys = {d.key for d in corpus.documents}
    assert all(len(pair) == 2 and pair <= keys for pair in corpus.true_pairs)


def test_no_article_text_is_shared_across_families_or_with_negatives(corpus):
    """Only deliberate boilerplate repeats: any 8-word run of article text is confined to
    one family, or to one document without duplicates."""
    owners = defaultdict(set)
    for doc in corpus.documents:
        for shingle in shingles(article_text(doc)):
            owners[shingle].add(doc.family or doc.key)
    leaks = {shingle: groups for shingle, groups in owners.items() if len(groups) > 1}
    assert not leaks, list(leaks.items())[:5]


def test_variants_share_text_with_their_original(corpus):
    docs = {d.key: d for d in corpus.documents}
    for doc in corpus.documents:
        if doc.family and doc.kind != "original":
            original = shingles(article_text(docs[f"{doc.family}:original"]))
            variant = shingles(article_text(doc))
            assert variant != original or doc.kind == "wrapped", doc.key
            assert len(variant & original) >= 0.3 * min(len(variant), len(original)), doc.key


def test_footer_negatives_are_short_articles_under_one_large_footer(corpus):
    negatives = [d for d in corpus.documents if d.kind == "footer_negative"]
    footer = "\n\n".join(DAILY_BULLETIN.footer)
    assert 150 <= len(footer.split()) <= 300
    assert {d.source for d in negatives} == {DAILY_BULLETIN.name}
    for doc in negatives:
        assert doc.body.endswith(footer)
        assert 40 <= len(article_text(doc).split()) <= 120
    texts = [shingles(article_text(d)) for d in negatives]
    assert all(not (a & b) for a, b in itertools.combinations(texts, 2))
    # The Daily Bulletin publishes nothing else.
    assert all(d.source != DAILY_BULLETIN.name for d in corpus.documents if d not in negatives)


def test_two_footer_negatives_are_consecutive_in_time(corpus):
    ordered = sorted(corpus.documents, key=lambda d: datetime.fromisoformat(d.published_at))
    assert any(a.kind == b.kind == "footer_negative" for a, b in itertools.pairwise(ordered))


def test_variants_appear_after_their_original(corpus):
    published = {d.key: datetime.fromisoformat(d.published_at) for d in corpus.documents}
    for doc in corpus.documents:
        assert published[doc.key].tzinfo is not None
        if doc.family and doc.kind != "original":
            delay = published[doc.key] - published[f"{doc.family}:original"]
            assert 0 < delay.total_seconds() <= 7 * 24 * 3600, doc.key


def test_keys_and_urls_are_unique(corpus):
    assert len({d.key for d in corpus.documents}) == len(corpus.documents)
    assert len({d.url for d in corpus.documents}) == len(corpus.documents)
    assert all(d.url.startswith("https://") for d in corpus.documents)


def test_each_outlet_has_its_own_furniture():
    lines = {}
    for outlet in (*REPUBLISHERS, DAILY_BULLETIN):
        for block in outlet.header + outlet.footer:
            for line in block.split("\n"):
                assert lines.setdefault(line, outlet.name) == outlet.name, line
    names = [o.name for o in (*REPUBLISHERS, *PLAIN_OUTLETS, DAILY_BULLETIN)]
    assert len(set(names)) == len(names) and len(REPUBLISHERS) == 8


def test_written_files_are_the_import_format_and_the_truth(corpus, tmp_path):
    write(corpus, tmp_path)
    lines = (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(corpus.documents)
    for line in lines:
        record = json.loads(line)
        assert set(record) == {"title", "body", "url", "published_at", "source"}
        assert all(isinstance(value, str) and value for value in record.values())
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    urls = {json.loads(line)["url"] for line in lines}
    assert {d["url"] for d in truth["documents"]} == urls
    assert all(set(d) == {"key", "url", "family", "kind", "source"} for d in truth["documents"])
    assert {frozenset(pair) for pair in truth["pairs"]} == corpus.true_pairs


def test_every_article_file_is_in_the_sources_list():
    listed = SOURCES_MD.read_text(encoding="utf-8")
    files = sorted(Path(ARTICLES).glob("*.txt"))
    assert len(files) == len(load_articles())
    missing = [path.name for path in files if f"`{path.name}`" not in listed]
    assert not missing
    for path in files:
        title, _, rest = path.read_text(encoding="utf-8").partition("\n\n")
        assert title.strip() and "\n" not in title and rest.strip(), path.name
