"""SQLite under load: an import of 200 files runs while three people read pages and rate
sources and mark claims, each on a connection of its own. Nothing fails with "database is
locked" (WAL lets readers read while a writer writes; IMMEDIATE transactions and the busy
timeout make writers queue), no write is lost, and the import completes.

Runs only on SQLite, on the test database file (newsdesk/test_settings.py); with
`transactional_db` every write is really committed, as in production.
"""

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Appearance, Article, ImportBatch, Source, SourceRating
from articles.roles import EDITORS, sync_role_groups
from articles.services.claims import annotate
from articles.services.imports import import_paths
from articles.services.ratings import rate_source
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking under concurrency; this run uses another database",
)

FILES = 200
PEOPLE = 3
MIN_SECONDS = 3.0


def _write_folder(folder: Path) -> None:
    for n in range(FILES):
        (folder / f"report-{n:03d}.txt").write_text(
            f"Convoy report number {n}\n\n"
            + "\n\n".join(
                f"Observers counted {n * 13 + i} vehicles on road {i} near town {n}; "
                f"officials said the column of report {n} moved east on day {i}."
                for i in range(1, 6)
            ),
            encoding="utf-8",
        )


def test_import_readers_and_writers_run_together_without_locking_errors(transactional_db, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (journal_mode,) = cursor.fetchone()
    assert journal_mode == "wal"
    assert connection.transaction_mode == "IMMEDIATE"

    sync_role_groups()  # earlier transactional tests flush the migration's groups
    call_command("loaddata", "seed", verbosity=0)
    editor = UserFactory(username="load-editor", role=EDITORS)
    seed_articles = Article.objects.count()
    source = Source.objects.order_by("pk").first()
    article = Article.objects.order_by("pk").first()
    folder = tmp_path / "reports"
    folder.mkdir()
    _write_folder(folder)
    clients = []
    for _ in range(PEOPLE):
        client = Client()
        client.force_login(editor)
        clients.append(client)

    errors: list[str] = []
    ratings: list[int] = []
    appearances: list[int] = []
    reports = []
    writes_during_import = []
    importing = threading.Event()
    importing.set()

    def run_import():
        try:
            reports.append(import_paths([folder], by=editor, workers=1))
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(f"import: {error!r}")
        finally:
            importing.clear()
            connection.close()

    def person(number: int, client: Client):
        started = time.monotonic()
        step = 0
        try:
            while importing.is_set() or time.monotonic() - started < MIN_SECONDS:
                for path in (reverse("article-list"), reverse("claim-list")):
                    response = client.get(path)
                    if response.status_code != 200:
                        errors.append(f"person {number}: {path} answered {response.status_code}")
                if step % 2:
                    rating = rate_source(
                        source=source,
                        grade="ABC"[number % 3],
                        rationale=f"Person {number}, step {step}: checked corrections.",
                        by=editor,
                    )
                    ratings.append(rating.pk)
                    writes_during_import.append(importing.is_set())
                else:
                    start = (step * 7 + number) % 200
                    appearance = annotate(
                        article=article,
                        start=start,
                        end=start + 40,
                        by=editor,
                        text=f"Concurrent claim {number}-{step}",
                    )
                    appearances.append(appearance.pk)
                    writes_during_import.append(importing.is_set())
                step += 1
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(f"person {number}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run_import)] + [
        threading.Thread(target=person, args=(n, client)) for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert errors == []
    (report,) = reports
    assert (report.imported, report.failed) == (FILES, 0)
    assert ImportBatch.objects.get(pk=report.batch_id).finished_at is not None
    assert Article.objects.count() == seed_articles + FILES
    assert len(ratings) >= PEOPLE and len(appearances) >= PEOPLE
    assert any(writes_during_import), "no write overlapped the import"
    assert SourceRating.objects.filter(pk__in=ratings).count() == len(ratings)
    assert Appearance.objects.filter(pk__in=appearances).count() == len(appearances)
