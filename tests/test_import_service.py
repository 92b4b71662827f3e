"""The import service: idempotent, atomic per document, honest in its report."""

import gc
import gzip
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.dedupe import KEYS_PER_ARTICLE, fingerprint
from articles.ingest.clean import line_key
from articles.ingest.hashing import content_hash
from articles.ingest.worker import FileTask
from articles.models import (
    Article,
    ArticleStatus,
    DuplicateCandidate,
    FingerprintBand,
    ImportBatch,
    ImportVia,
    Source,
)
from articles.services.cleaning import reclean_articles, update_bodies
from articles.services.duplicates import UnwrittenBands
from articles.services.imports import (
    BAND_ROWS_PER_WRITE,
    DUPLICATE,
    GC_THRESHOLDS,
    IMPORTED,
    MAX_BAND_ROWS_HELD,
    POOL_THRESHOLD,
    PRESENT,
    WORKER_NICENESS,
    _Checkpointer,
    _collector_settings,
    _ExtractorPool,
    _rows_per_write,
    import_paths,
)
from articles.services.sources import UNKNOWN_SOURCE
from tests.factories import AppearanceFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
FIXTURE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed.json").read_text("utf-8"))
SEED_ARTICLES = {
    o["fields"]["origin"]: o["fields"] for o in FIXTURE if o["model"] == "articles.article"
}


def _paragraphs(topic: str, n: int = 3) -> str:
    return "\n\n".join(
        f"Paragraph {i} about {topic}: officials said the situation near the border "
        f"changed on day {i}, and observers counted {i * 7} convoys moving {topic}."
        for i in range(1, n + 1)
    )


def test_the_seed_folder_imports_to_the_hand_cleaned_bodies(tmp_path):
    user = UserFactory()
    report = import_paths([SEEDS], by=user)

    assert (report.imported, report.present, report.failed) == (5, 0, 0)
    for article in Article.objects.all():
        expected = SEED_ARTICLES[Path(article.origin).name]
        assert article.title == expected["title"]
        assert article.body == expected["body"]
        assert article.raw == (SEEDS / Path(article.origin).name).read_text("utf-8")
        assert article.extractor.startswith("newsdesk-text")
        assert article.status == ArticleStatus.NEW
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.via, batch.started_by, batch.imported_count) == (ImportVia.COMMAND, user, 5)
    assert batch.finished_at is not None


def test_each_imported_article_has_one_creation_record_by_the_importer():
    user = UserFactory()
    import_paths([SEEDS], by=user)

    tracked = [field.attname for field in Article.history.model.tracked_fields]
    for article in Article.objects.all():
        (record,) = article.history.all()
        assert (record.history_type, record.history_user) == ("+", user)
        assert {name: getattr(record, name) for name in tracked} == {
            name: getattr(article, name) for name in tracked
        }


def test_reimporting_the_same_files_creates_nothing():
    import_paths([SEEDS])
    again = import_paths([SEEDS])

    assert (again.imported, again.present, again.duplicates) == (0, 5, 0)
    assert Article.objects.count() == 5
    assert ImportBatch.objects.get(pk=again.batch_id).skipped_count == 5


def test_same_url_is_already_present_even_with_a_changed_body(tmp_path):
    record = {"title": "Talks", "body": _paragraphs("talks"), "url": "https://a.example/1"}
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(record) + "\n", encoding="utf-8")
    import_paths([first])
    record["body"] += "\n\nA correction was appended later."
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps(record) + "\n", encoding="utf-8")

    report = import_paths([second])

    assert report.present == 1 and Article.objects.count() == 1


def test_a_dry_run_reports_exactly_and_stores_nothing():
    report = import_paths([SEEDS], dry_run=True)

    assert report.imported == 5
    assert report.summary().startswith("dry run: would have imported 5")
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_an_exact_copy_from_another_source_is_linked_to_the_first(tmp_path):
    body = _paragraphs("the ceasefire", 4)
    lines = [
        {"title": "Ceasefire", "body": body, "source": "Wire One", "url": "https://w1.example/a"},
        {"title": "Ceasefire!", "body": body, "source": "Copycat", "url": "https://cc.example/b"},
    ]
    path = tmp_path / "copies.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")

    report = import_paths([path])

    assert (report.imported, report.duplicates) == (1, 1)
    original = Article.objects.get(source__name="Wire One")
    copy = Article.objects.get(source__name="Copycat")
    assert copy.duplicate_of == original and original.duplicate_of is None


def test_copies_within_a_chunk_get_the_outcomes_of_storing_one_by_one_in_few_inserts(tmp_path):
    """A chunk is inserted in layers (each document that shares its url or body with an
    earlier one still to be stored waits for the next insert): the outcomes must be
    those of storing the documents one by one, in order."""
    x, y, z = _paragraphs("the ceasefire", 4), _paragraphs("the harvest", 4), _paragraphs("ports")
    docs = [  # (name, source, url, body)
        ("a", "One", "https://one.example/a", x),
        ("b", "Two", "https://two.example/b", x),  # copies a
        ("c", "Three", "https://three.example/c", y),
        ("d", "One", "https://one.example/d", x),  # present: a, same source
        ("e", "Four", "https://one.example/a", z),  # present: a, same url
        ("f", "Two", "https://two.example/f", x),  # present: b, same source (a is not)
        ("g", "Five", "https://five.example/g", y),  # copies c
    ]
    path = tmp_path / "copies.jsonl"
    lines = [{"title": n, "body": b, "source": s, "url": u} for n, s, u, b in docs]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")

    with CaptureQueriesContext(connection) as queries:
        report = import_paths([path], workers=1)

    by_title = {a.title: a for a in Article.objects.all()}
    assert sorted(by_title) == ["a", "b", "c", "g"]
    assert by_title["b"].duplicate_of == by_title["a"]
    assert by_title["g"].duplicate_of == by_title["c"]
    assert by_title["a"].duplicate_of is None and by_title["c"].duplicate_of is None
    assert [o.status for o in report.outcomes] == [
        IMPORTED,
        DUPLICATE,
        IMPORTED,
        PRESENT,
        PRESENT,
        PRESENT,
        DUPLICATE,
    ]
    present = [o.article_id for o in report.outcomes if o.status == PRESENT]
    assert present == [by_title["a"].pk, by_title["a"].pk, by_title["b"].pk]
    article_inserts = [
        q for q in queries if q["sql"].startswith('INSERT INTO "articles_article" (')
    ]
    assert len(article_inserts) == 2  # a and c; then b and g (d, e, f are present)


def test_bad_documents_are_reported_and_the_good_ones_still_land(tmp_path):
    (tmp_path / "good.txt").write_text("A good title\n\n" + _paragraphs("grain"), "utf-8")
    (tmp_path / "empty.txt").write_text("   \n", "utf-8")
    (tmp_path / "broken.json").write_text('{"title": "x", "body": ', "utf-8")
    (tmp_path / "mixed.jsonl").write_text(
        json.dumps({"title": "Fine", "body": _paragraphs("fuel")}) + "\nnot json\n", "utf-8"
    )

    report = import_paths([tmp_path])

    assert (report.imported, report.failed) == (2, 3)
    reasons = {Path(o.origin).name: o.reason for o in report.problems}
    assert "whitespace" in reasons["empty.txt"]
    assert any(name.startswith("mixed.jsonl:2") for name in reasons)
    assert "broken.json" in reasons
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.failed_count == 3
    assert {Path(p["file"]).name.split(":")[0] for p in batch.problems} == {
        "empty.txt",
        "broken.json",
        "mixed.jsonl",
    }


@pytest.fixture
def poisoned_history():
    """A database trigger that fails the history row of any article titled 'poison':
    the article row itself is written first, so only a real per-document transaction
    can leave nothing behind."""
    table = "articles_historicalarticle"
    if connection.vendor == "sqlite":
        create = [
            f"CREATE TRIGGER poison BEFORE INSERT ON {table} WHEN NEW.title = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'poisoned document'); END"
        ]
        drop = ["DROP TRIGGER poison"]
    else:
        create = [
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
            "IF NEW.title = 'poison' THEN RAISE EXCEPTION 'poisoned document'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER poison BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION poison()",
        ]
        drop = [f"DROP TRIGGER poison ON {table}", "DROP FUNCTION poison()"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)


def test_a_failure_in_the_middle_of_a_batch_leaves_no_partial_row(tmp_path, poisoned_history):
    records = [
        {"title": title, "body": _paragraphs(title), "url": f"https://x.example/{title}"}
        for title in ["first", "poison", "third"]
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")

    report = import_paths([path])

    assert (report.imported, report.failed) == (2, 1)
    assert "poisoned document" in report.problems[0].reason
    assert report.problems[0].origin.endswith("batch.jsonl:2")
    assert sorted(Article.objects.values_list("title", flat=True)) == ["first", "third"]
    assert not Article.history.filter(title="poison").exists()


def test_forced_source_and_placeholder_source(tmp_path):
    (tmp_path / "a.txt").write_text("Headline one\n\n" + _paragraphs("ports"), "utf-8")
    import_paths([tmp_path / "a.txt"])
    (tmp_path / "b.txt").write_text("Headline two\n\n" + _paragraphs("rail"), "utf-8")
    import_paths([tmp_path / "b.txt"], source="Kyiv Independent")

    assert Article.objects.get(title="Headline one").source.name == UNKNOWN_SOURCE
    assert Article.objects.get(title="Headline two").source.name == "Kyiv Independent"


def test_sources_resolve_by_domain_and_name_case_insensitively(tmp_path):
    records = [
        {"title": "One", "body": _paragraphs("one"), "url": "https://www.Outlet.example/1"},
        {"title": "Two", "body": _paragraphs("two"), "url": "https://outlet.example/2"},
        {"title": "Three", "body": _paragraphs("three"), "source": "Daily Wire"},
        {"title": "Four", "body": _paragraphs("four"), "source": "daily wire"},
    ]
    path = tmp_path / "sources.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")

    import_paths([path])

    by_title = {a.title: a.source for a in Article.objects.select_related("source")}
    assert by_title["One"] == by_title["Two"]
    assert by_title["One"].domains.get().domain == "outlet.example"
    assert by_title["Three"] == by_title["Four"]
    assert Source.objects.count() == 2


def test_a_footer_recurring_across_a_sources_articles_is_learned_and_removed(tmp_path):
    footer = "Kharkiv Bureau Wire · round-the-clock coverage from the front line"
    for n, topic in enumerate(["drones", "grain", "energy", "rail"]):
        (tmp_path / f"{n}.txt").write_text(
            f"Story about {topic}\n\n{_paragraphs(topic)}\n\n{footer}\n", "utf-8"
        )

    import_paths([tmp_path], source="Kharkiv Bureau")

    source = Source.objects.get(name="Kharkiv Bureau")
    assert len(source.boilerplate) == 1
    for article in Article.objects.all():
        assert footer not in article.body
        assert "convoys moving" in article.body


def test_a_body_cut_by_learned_boilerplate_is_hashed_and_fingerprinted_as_stored(tmp_path):
    footer = "Kharkiv Bureau Wire · round-the-clock coverage from the front line"
    source = Source.objects.create(name="Kharkiv Bureau", boilerplate=[line_key(footer)])
    (tmp_path / "story.txt").write_text(f"Story\n\n{_paragraphs('rail')}\n\n{footer}\n", "utf-8")
    (tmp_path / "same.txt").write_text(f"Same story\n\n{_paragraphs('rail')}\n", "utf-8")

    report = import_paths([tmp_path], source=source.name)

    (article,) = Article.objects.all()  # the second file is the same body, without footer
    assert (report.imported, report.present) == (1, 1)
    assert footer not in article.body
    assert article.content_hash == content_hash(article.body)
    assert bytes(article.fingerprint) == fingerprint(article.body).to_bytes()


def _bureau_files(folder, topics, footer):
    folder.mkdir()
    for topic in topics:
        (folder / f"{topic}.txt").write_text(
            f"Story about {topic}\n\n{_paragraphs(topic)}\n\n{footer}\n", "utf-8"
        )
    return folder


def test_boilerplate_is_learned_again_once_the_source_has_grown_by_a_quarter(tmp_path):
    """Re-learning reads up to LEARNING_SAMPLE bodies, so an import re-learns a source's
    boilerplate only when the source grew by a quarter since the last learning. Lines
    learned before are kept although the stored bodies no longer show them."""
    old, new = "Kharkiv Bureau Wire · round-the-clock coverage", "Kharkiv Bureau · new footer"
    folders = iter(tmp_path / name for name in "abc")

    def bureau_import(topics, footer):
        import_paths([_bureau_files(next(folders), topics, footer)], source="Kharkiv Bureau")
        return Source.objects.get(name="Kharkiv Bureau")

    source = bureau_import([f"old{n}" for n in range(8)], old)
    assert source.boilerplate_learned_from == 8
    learned = set(source.boilerplate)
    assert len(learned) == 1

    # One more article: 8 → 9 is less than a quarter, nothing is read again.
    source = bureau_import(["new0"], new)
    assert (source.boilerplate_learned_from, set(source.boilerplate)) == (8, learned)

    # Eight more (8 → 17): learned again; the new footer, in 9 of the 17, is boilerplate
    # now, and the old one is still (its eight articles no longer carry it).
    source = bureau_import([f"new{n}" for n in range(1, 9)], new)
    assert source.boilerplate_learned_from == 17
    assert learned < set(source.boilerplate) and len(source.boilerplate) == 2
    assert new not in Article.objects.get(title="Story about new8").body
    assert "convoys moving" in Article.objects.get(title="Story about new8").body


@pytest.mark.parametrize("band_rows_per_write", [200_000, 100])
def test_articles_alike_only_in_boilerplate_learned_at_the_end_are_not_linked(
    tmp_path, monkeypatch, band_rows_per_write
):
    """Near-duplicates are looked for once the source's boilerplate is learned, at the end
    of the import, so stories that only share the source's furniture are not linked. The
    articles are checked as they are stored, before that, their band keys written or not
    (here every two articles, or at the end): learning still reads them, and their
    bodies that the learned lines change are checked again, so the links are undone."""
    monkeypatch.setattr("articles.services.imports.BAND_ROWS_PER_WRITE", band_rows_per_write)
    monkeypatch.setattr("articles.services.imports.CHUNK_SIZE", 2)
    furniture = "\n\n".join(
        f"Kharkiv Bureau notice {n}: subscribers receive the morning digest, the evening "
        f"briefing and alerts from the front line on every day of the week."
        for n in range(12)
    )
    topics = ["rail", "grain", "power", "water", "roads", "schools", "clinics", "ports"]
    for topic in topics:
        (tmp_path / f"{topic}.txt").write_text(
            f"Story about {topic}\n\nA short note on the {topic} situation from the bureau "
            f"today.\n\n{furniture}\n",
            "utf-8",
        )

    report = import_paths([tmp_path], source="Kharkiv Bureau")

    assert (report.imported, report.duplicates) == (8, 0)
    assert report.dedupe.removed == report.dedupe.linked  # linked in between, if at all
    assert not DuplicateCandidate.objects.exists()
    assert not Article.objects.filter(duplicate_of__isnull=False).exists()
    assert all("notice" not in a.body and "situation" in a.body for a in Article.objects.all())


def test_gzipped_html_imports_with_trafilatura_and_keeps_the_raw_page(tmp_path):
    page = (
        "<html lang='en'><head><title>Grain deal - Harbour Times</title>"
        "<meta property='og:site_name' content='Harbour Times'></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Grain deal</h1>"
        + "".join(f"<p>{p}</p>" for p in _paragraphs("grain", 5).split("\n\n"))
        + "</article><footer>© Harbour Times. All rights reserved.</footer></body></html>"
    )
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page.encode("utf-8")))

    report = import_paths([tmp_path])

    assert report.imported == 1, report.problems
    article = Article.objects.get()
    assert article.raw == page
    assert article.extractor.startswith("trafilatura ")
    assert article.source.name == "Harbour Times"
    assert "convoys moving grain" in article.body
    assert "All rights reserved" not in article.body and "Sport" not in article.body


def _appearance_of(article: Article, quote: str):
    """An appearance of a claim at `quote` in the article's body, anchored as the
    annotation page would anchor it."""
    start = article.body.index(quote)
    end = start + len(quote)
    return AppearanceFactory(
        claim=ClaimFactory(),
        article=article,
        start=start,
        end=end,
        exact=quote,
        prefix=article.body[start - 32 : start],
        suffix=article.body[end : end + 32],
    )


def test_reclean_applies_learned_boilerplate_to_older_articles_and_moves_anchors(tmp_path):
    header = "Morning Ledger Network — independent news since 1998"
    (tmp_path / "old.txt").write_text(f"Old story\n\n{header}\n\n{_paragraphs('coal')}\n", "utf-8")
    import_paths([tmp_path / "old.txt"], source="Morning Ledger")
    old = Article.objects.get()
    quote = "observers counted 14 convoys moving coal"
    appearance = _appearance_of(old, quote)
    source = Source.objects.get()
    source.boilerplate = [header.casefold()]
    source.save()

    report = reclean_articles(source=source)

    old.refresh_from_db()
    appearance.refresh_from_db()
    assert (report.changed, report.moved_anchors, report.orphaned_anchors) == (1, 1, 0)
    assert header not in old.body
    assert appearance.anchor_status == "moved"
    assert old.body[appearance.start : appearance.end] == quote
    assert old.history.count() == 2  # the re-derived body is recorded


def test_update_bodies_records_history_fingerprints_and_moves_anchors(tmp_path):
    header = "Morning Ledger Network — independent news since 1998"
    for name, topic in (("a", "coal"), ("b", "salt")):
        (tmp_path / f"{name}.txt").write_text(
            f"Story {name}\n\n{header}\n\n{_paragraphs(topic)}\n", "utf-8"
        )
    import_paths([tmp_path], source="Morning Ledger")
    annotated, plain = Article.objects.order_by("title")
    quote = "observers counted 14 convoys moving coal"
    appearance = _appearance_of(annotated, quote)
    changes = [(a, a.body.replace(header + "\n\n", "")) for a in (annotated, plain)]

    report = update_bodies(changes, reason="learned boilerplate removed")

    appearance.refresh_from_db()
    assert (report.moved, report.orphaned) == (1, 0)
    for article in Article.objects.all():
        assert header not in article.body
        assert article.content_hash == content_hash(article.body)
        assert bytes(article.fingerprint) == fingerprint(article.body).to_bytes()
        latest = article.history.first()
        assert (latest.history_type, latest.history_change_reason) == (
            "~",
            "learned boilerplate removed",
        )
        assert latest.body == article.body
    assert annotated.body[appearance.start : appearance.end] == quote
    assert appearance.anchor_status == "moved"


def test_reclean_with_unchanged_rules_changes_nothing():
    import_paths([SEEDS])

    report = reclean_articles()

    assert (report.examined, report.changed, report.failed) == (5, 0, 0)


def test_folder_with_symlink_loop_and_hidden_file_imports_what_it_can(tmp_path):
    shutil.copy(SEEDS / "001_2b8243f986ff2b1c.txt", tmp_path / "one.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nnot for import", "utf-8")

    report = import_paths([tmp_path])

    assert report.imported == 1 and report.failed == 0


def _many_text_files(folder: Path, n: int) -> Path:
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(f"Headline {i}\n\n" + _paragraphs(f"lot {i}"), "utf-8")
    return folder


def test_a_large_import_extracts_in_worker_processes(tmp_path):
    folder = _many_text_files(tmp_path, POOL_THRESHOLD + 6)

    report = import_paths([folder], workers=2)

    assert (report.imported, report.failed) == (POOL_THRESHOLD + 6, 0), report.problems
    assert Article.objects.filter(body__contains="convoys moving lot 3.").count() == 1


def test_a_large_import_learns_its_sources_boilerplate_in_the_workers(tmp_path):
    """With a pool, the sources' boilerplate is learned there while the last band keys
    are written: the same lines are learned and stripped as without one."""
    footer = "Kharkiv Bureau: subscribe to the morning digest and the evening briefing"
    for i in range(POOL_THRESHOLD + 6):
        text = f"Headline {i}\n\n{_paragraphs(f'lot {i}')}\n\n{footer}\n"
        (tmp_path / f"{i:03d}.txt").write_text(text, "utf-8")

    report = import_paths([tmp_path], source="Kharkiv Bureau", workers=2)

    assert (report.imported, report.failed) == (POOL_THRESHOLD + 6, 0), report.problems
    assert line_key(footer) in Source.objects.get(name="Kharkiv Bureau").boilerplate
    assert not Article.objects.filter(body__contains="morning digest").exists()
    assert Article.objects.filter(body__contains="convoys moving lot 3.").count() == 1


def test_the_workers_run_at_a_lower_priority_than_the_process_that_stores(tmp_path):
    # The storing process is the import's bottleneck: the workers must not take its core.
    files = sorted(_many_text_files(tmp_path, POOL_THRESHOLD).iterdir())
    with _ExtractorPool(2) as pool:
        prepared = list(pool.extract_many([FileTask(str(f), "auto", 10**6, 1) for f in files]))
        pids = set(pool.map(eval, ["__import__('os').getpid()"] * 8))  # other pure work
        worker_niceness = pool.pool.submit(os.nice, 0).result()
        frozen = pool.pool.submit(gc.get_freeze_count).result()
        thresholds = pool.pool.submit(gc.get_threshold).result()
        loaded = pool.pool.submit(eval, "sorted(__import__('sys').modules)").result()

    assert len(prepared) == POOL_THRESHOLD
    assert pids and os.getpid() not in pids
    assert worker_niceness == os.nice(0) + WORKER_NICENESS
    assert frozen > 1000  # what a worker loaded is left out of full collections
    assert thresholds == GC_THRESHOLDS
    # Plain text needs neither trafilatura nor datasketch (and its scipy): a worker that
    # imported them started 0.65 s later, while the storing process waited for it.
    assert "articles.dedupe" in loaded
    assert not {"trafilatura", "datasketch", "scipy"} & set(loaded)


@pytest.mark.django_db(databases=[])
def test_while_importing_the_collector_collects_less_often_and_skips_what_was_loaded():
    gc.unfreeze()  # as a web process that froze nothing
    before, tracked_before = gc.get_threshold(), len(gc.get_objects())
    with _collector_settings():
        during, tracked = gc.get_threshold(), len(gc.get_objects())
    assert during == GC_THRESHOLDS != before
    assert tracked < 1000 < tracked_before  # Django and the app, out of the collections
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)  # all put back


@pytest.mark.django_db(databases=[])
def test_the_checkpointer_copies_the_wal_into_the_database_file_while_a_writer_goes_on(
    tmp_path,
):
    """An import into a database file does not checkpoint its own WAL: the thread does,
    on its own connection, while the import keeps committing."""
    path = tmp_path / "desk.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as the import's connection
    writer.execute("CREATE TABLE page (data BLOB)")
    checkpointer = _Checkpointer(path, 0.01)
    checkpointer.start()
    for _ in range(20):
        writer.execute("INSERT INTO page VALUES (randomblob(20000))")  # never blocked
    seen = checkpointer.checkpoints
    deadline = time.monotonic() + 30
    while checkpointer.checkpoints < seen + 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    checkpointer.stop()
    size = path.stat().st_size  # while the writer is open (its last close checkpoints)
    writer.close()

    assert checkpointer.checkpoints >= seen + 2 and not checkpointer.is_alive()
    assert size > 20 * 20000  # the rows reached the database file (else 8 kB)


@pytest.mark.django_db(transaction=True)  # the writes' own transactions, as in production
def test_band_keys_written_in_batches_index_every_article_before_duplicates_are_sought(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("articles.services.imports.BAND_ROWS_PER_WRITE", 100)  # ~2 articles
    monkeypatch.setattr("articles.services.imports.CHUNK_SIZE", 10)
    folder = _many_text_files(tmp_path, 30)
    story = (folder / "007.txt").read_text("utf-8").replace("Headline 7", "Headline 7, again")
    (folder / "copy.txt").write_text(f"{story}\n\nUpdated at noon with the latest.", "utf-8")

    report = import_paths([folder], source="Wire")

    assert (report.imported, report.duplicates) == (30, 1)
    assert not Article.objects.exclude(bands__isnull=False).exists()  # all indexed
    if connection.vendor == "sqlite":  # written without foreign-key checks, then back on
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert Article.objects.get(title="Headline 7, again").duplicate_of.title == "Headline 7"


@pytest.mark.django_db
def test_band_keys_are_held_for_a_share_of_the_index_the_import_keeps_count_of(tmp_path):
    _many_text_files(tmp_path, 3)
    import_paths([tmp_path], source="Wire")
    unwritten = UnwrittenBands()
    article = Article.objects.first()
    counted = unwritten.index_rows()
    assert counted == 3 * KEYS_PER_ARTICLE  # at most, before any key is written

    fp = fingerprint(article.body)
    unwritten.add(article.pk, fp)
    unwritten.write()  # already there: ignored, but counted (an estimate, from above)

    assert unwritten.index_rows() == counted + len(fp.band_keys)
    assert _rows_per_write(0) == _rows_per_write(16 * BAND_ROWS_PER_WRITE) == BAND_ROWS_PER_WRITE
    assert _rows_per_write(4_000_000) == 250_000  # a 90,000-article desk: a sixteenth
    assert _rows_per_write(10**9) == MAX_BAND_ROWS_HELD


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_on_postgresql_an_import_leaves_the_planner_statistics_on_the_band_index(tmp_path):
    """Without statistics PostgreSQL read the whole LSH index for every lookup of a
    chunk's band keys: the import analyzes it (and the articles) once they changed."""
    _many_text_files(tmp_path, 3)

    import_paths([tmp_path], source="Wire")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, attname FROM pg_stats WHERE tablename = ANY(%s)",
            [[FingerprintBand._meta.db_table, Article._meta.db_table]],
        )
        analyzed = set(cursor.fetchall())
    assert {
        (FingerprintBand._meta.db_table, "key"),
        (Article._meta.db_table, "content_hash"),
    } <= analyzed


def test_articles_an_interrupted_import_left_unindexed_are_indexed_by_the_next(tmp_path):
    """An import writes band keys in batches: when it dies between two, its stored articles
    are not yet in the LSH index. The next import (or dedupe) indexes them from their
    stored fingerprints, so their copies are still found."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    _many_text_files(first, 3)
    import_paths([first], source="Wire")
    interrupted = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=interrupted.pk).update(finished_at=None)
    FingerprintBand.objects.all().delete()  # as if it died before writing them
    story = (first / "001.txt").read_text("utf-8").replace("Headline 1", "Headline 1, later")
    (second / "copy.txt").write_text(story, "utf-8")

    report = import_paths([second], source="Ledger")

    assert report.duplicates == 1
    assert not Article.objects.exclude(bands__isnull=False).exists()
    assert Article.objects.get(title="Headline 1, later").duplicate_of.title == "Headline 1"


def test_a_large_dry_run_with_worker_processes_stores_nothing(tmp_path):
    folder = _many_text_files(tmp_path, POOL_THRESHOLD + 6)

    report = import_paths([folder], workers=2, dry_run=True)

    assert (report.imported, report.failed) == (POOL_THRESHOLD + 6, 0), report.problems
    assert not Article.objects.exists()


def test_small_files_are_read_by_the_workers_and_larger_ones_streamed_here(tmp_path, monkeypatch):
    # Under the threshold a file is read in a worker process, over it here: both kinds of
    # document land, and both kinds of problem are reported with file and line.
    monkeypatch.setattr("articles.services.imports.WORKER_READS_BYTES", 2000)
    _many_text_files(tmp_path, POOL_THRESHOLD)
    (tmp_path / "empty.txt").write_text("   \n", "utf-8")
    records = [
        json.dumps({"title": f"Wire {i}", "body": _paragraphs(f"wire {i}")}) for i in range(8)
    ]
    records.insert(3, "not json")
    (tmp_path / "wire.jsonl").write_text("\n".join(records), "utf-8")
    assert (tmp_path / "wire.jsonl").stat().st_size > 2000 > (tmp_path / "000.txt").stat().st_size

    report = import_paths([tmp_path], workers=2)

    assert (report.imported, report.failed) == (POOL_THRESHOLD + 8, 2), report.problems
    reasons = {Path(o.origin).name: o.reason for o in report.problems}
    assert "whitespace" in reasons["empty.txt"]
    assert "malformed JSON" in reasons["wire.jsonl:4"]
    assert Article.objects.filter(title="Wire 7", body__contains="moving wire 7.").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's settings")
def test_the_import_puts_the_connections_sqlite_settings_back():
    def settings() -> dict:
        with connection.cursor() as cursor:
            values = {}
            for name in ("cache_size", "wal_autocheckpoint"):
                cursor.execute(f"PRAGMA {name}")
                values[name] = cursor.fetchone()[0]
            return values

    before = settings()
    import_paths([SEEDS])

    assert settings() == before


def test_chunks_close_at_their_document_count_or_their_input_size():
    from articles.services.imports import _chunks

    weights = [1, 2, 2, 3, 3, 3, 3, 5, 5, 5, 30, 1, 1]
    tasks = [FileTask(f"{n}.txt", "auto", 1000, size) for n, size in enumerate(weights)]

    sizes = [[t.size for t in chunk] for chunk in _chunks(tasks, 5, 20)]

    # One document first, then two, four, and five at most; 20 bytes at most, except a
    # single larger document alone.
    assert sizes == [[1], [2, 2], [3, 3, 3, 3], [5, 5, 5], [30], [1, 1]]
