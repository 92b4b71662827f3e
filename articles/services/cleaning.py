"""Re-deriving clean bodies from the raw input kept on every article, and learning each
source's boilerplate from its articles.

Every body change re-anchors the article's appearances in the same transaction, so an
annotation is never left pointing at the wrong words. Not for importing (imports.py).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from articles.ingest.clean import learn_boilerplate
from articles.ingest.document import Problem
from articles.ingest.extract import extract, recover_raw_document, remove_lines
from articles.ingest.hashing import content_hash
from articles.models import Appearance, Article, Source
from articles.services.claims import ReanchorReport, reanchor_article
from articles.services.duplicates import dedupe_articles, store_fingerprints
from articles.services.history import bulk_update_with_history

CHUNK = 500
# How many of a source's most recent articles to learn its boilerplate from.
LEARNING_SAMPLE = 200


@dataclass
class RecleanReport:
    examined: int = 0
    changed: int = 0
    failed: int = 0
    moved_anchors: int = 0
    fuzzy_anchors: int = 0
    orphaned_anchors: int = 0

    def summary(self) -> str:
        return (
            f"examined {self.examined}, changed {self.changed}, failed {self.failed}; "
            f"anchors moved {self.moved_anchors}, fuzzy {self.fuzzy_anchors}, "
            f"orphaned {self.orphaned_anchors}"
        )


def learn_source_boilerplate(*, source: Source, batch=None) -> frozenset[str]:
    """Learn `source.boilerplate` from the clean bodies of its latest canonical articles
    (what the general rules left in: exactly the source-specific furniture) and save it,
    with how many articles the source had (`boilerplate_learned_from`).

    Lines learned before are kept: the stored bodies no longer contain them (they were
    removed at import), so they cannot be seen recurring again, and forgetting them would
    let them back into the next articles. Duplicates are left out, so a story republished
    twice cannot teach its own lines; except the articles of import `batch`, which the
    import linked while the furniture this learns was still in them (identical bodies
    still count once). Returns the line keys. Idempotent; sources with few articles learn
    nothing.
    """
    return _save_learned(source, learn_boilerplate(_learning_sample(source, batch)))


def _learning_sample(source: Source, batch) -> list[str]:
    """The bodies `learn_source_boilerplate` learns from."""
    learning_from = Article.objects.canonical()
    if batch is not None:
        learning_from |= Article.objects.filter(import_batch=batch)
    # The latest by id (ids grow in import order): ordering by imported_at made SQLite
    # read and sort every article of the source, its column lying past raw and body
    # (64 ms a source in a 90,000-article desk, 1.6 ms by id).
    latest = learning_from.filter(source=source).order_by("-pk").values_list("body", flat=True)
    return list(latest[:LEARNING_SAMPLE])


def _save_learned(source: Source, learned: frozenset[str]) -> frozenset[str]:
    keys = learned | frozenset(source.boilerplate or ())
    source.boilerplate = sorted(keys)
    source.boilerplate_learned_from = Article.objects.filter(source=source).count()
    Source.objects.filter(pk=source.pk).update(
        boilerplate=source.boilerplate, boilerplate_learned_from=source.boilerplate_learned_from
    )
    return keys


def worth_relearning(source: Source) -> bool:
    """Whether the source has grown enough since its boilerplate was learned for learning
    it again to be worth reading up to LEARNING_SAMPLE bodies: by a quarter (at least one
    article) while it is small, by a quarter of the sample once it is larger. So each
    import's learning costs in proportion to what it brought, whatever the desk's size
    (re-learning every source an import touched made the last import of a 10,000-article
    desk cost 1.4 times the first one per article)."""
    learned_from = source.boilerplate_learned_from
    grown = Article.objects.filter(source=source).count() - learned_from
    return grown >= max(1, min(learned_from, LEARNING_SAMPLE) // 4)


class BoilerplateRefresh:
    """After an import: re-learn the boilerplate of the sources it touched that have grown
    enough (`worth_relearning`), and strip newly learned lines from the articles the batch
    brought from each (older articles get them on `reclean`).

    In two steps, so that the learning itself (pure CPU, `learn_boilerplate` over each
    source's sample) can run elsewhere meanwhile: creating it reads the samples and hands
    them to `learn` (`map`, or an import's worker pool's, which learns while the import
    writes its last band keys); `apply` saves what was learned and strips it."""

    def __init__(self, sources: list[Source], *, batch, learn=map):
        self.batch = batch
        self.due = [source for source in sources if worth_relearning(source)]
        self.learned = learn(learn_boilerplate, [_learning_sample(s, batch) for s in self.due])

    def apply(self) -> list[int]:
        """Returns the ids of the articles whose body changed (their duplicates are for
        the caller to check)."""
        changed = []
        for source, learned in zip(self.due, self.learned, strict=True):
            before = frozenset(source.boilerplate or ())
            keys = _save_learned(source, learned)
            if keys <= before:
                continue
            changes = []
            for article in Article.objects.filter(import_batch=self.batch, source=source):
                body = remove_lines(article.body, keys)
                if body != article.body and body.strip():
                    changes.append((article, body))
            update_bodies(changes, reason="learned boilerplate removed")
            changed += [article.pk for article, _ in changes]
        return changed


def reclean_articles(*, source: Source | None = None) -> RecleanReport:
    """Re-derive every article's body (of one source, or all) from its raw input with the
    current rules and the source's learned boilerplate. One transaction per article;
    unchanged bodies are not written."""
    report = RecleanReport()
    changed: list[int] = []
    queryset = Article.objects.select_related("source").order_by("pk")
    if source is not None:
        queryset = queryset.filter(source=source)
    for article in _chunked(queryset):
        report.examined += 1
        raw = recover_raw_document(
            article.raw, article.extractor, origin=article.origin, title=article.title
        )
        document = extract(raw)
        if isinstance(document, Problem):
            report.failed += 1
            continue
        body = remove_lines(document.body, frozenset(article.source.boilerplate or ()))
        if body == article.body or not body.strip():
            continue
        anchors = update_body(article=article, body=body, extractor=document.extractor)
        report.changed += 1
        changed.append(article.pk)
        report.moved_anchors += anchors.moved
        report.fuzzy_anchors += anchors.fuzzy
        report.orphaned_anchors += anchors.orphaned
    # A changed body may copy other articles, or no longer copy the ones it did.
    dedupe_articles(ids=changed)
    return report


def update_body(*, article: Article, body: str, extractor: str) -> ReanchorReport:
    """Store a new body, its fingerprint, and re-anchor the article's appearances, in one
    transaction (its duplicates are re-checked by `dedupe`). Returns what became of the
    appearances."""
    with transaction.atomic():
        article.body = body
        article.extractor = extractor
        article.content_hash = content_hash(body)
        article.save(update_fields=["body", "extractor", "content_hash"])
        store_fingerprints([(article.pk, body)])
        return reanchor_article(article=article)


def update_bodies(changes: list[tuple[Article, str]], *, reason: str) -> ReanchorReport:
    """`update_body` for many articles at once, keeping their extractor: one bulk update
    with its history records (`reason`), their fingerprints, and the re-anchoring of those
    that have appearances, in one transaction. For an import's own fresh articles (one by
    one, re-learning boilerplate took a quarter of a 200-page HTML import)."""
    report = ReanchorReport()
    if not changes:
        return report
    with transaction.atomic():
        articles = []
        for article, body in changes:
            article.body, article.content_hash = body, content_hash(body)
            articles.append(article)
        bulk_update_with_history(
            articles, Article, ["body", "content_hash"], default_change_reason=reason
        )
        store_fingerprints([(article.pk, article.body) for article in articles])
        annotated = set(
            Appearance.objects.filter(article__in=[a.pk for a in articles]).values_list(
                "article", flat=True
            )
        )
        for article in articles:
            if article.pk in annotated:
                report.add(reanchor_article(article=article))
    return report


def _chunked(queryset) -> Iterator[Article]:
    last = 0
    while chunk := list(queryset.filter(pk__gt=last)[:CHUNK]):
        yield from chunk
        last = chunk[-1].pk
