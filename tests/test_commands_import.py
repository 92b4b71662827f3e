"""import_articles, export_articles and reclean as an analyst runs them."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Source

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SUMMARY = re.compile(
    r"^imported (\d+), already present (\d+), duplicates (\d+), failed (\d+) "
    r"in \d+\.\d s \(\d+ articles/s\)$",
    re.M,
)


def _import(*args) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return out.getvalue(), err.getvalue(), code


def test_import_prints_one_summary_line_and_exits_0():
    out, err, code = _import(str(SEEDS))

    assert code == 0 and err == ""
    assert SUMMARY.search(out).groups() == ("5", "0", "0", "0")


def test_import_names_each_failed_file_and_exits_1(tmp_path):
    (tmp_path / "ok.txt").write_text("Title\n\nA body with several words in it.", "utf-8")
    (tmp_path / "blob.bin").write_bytes(b"%PDF-1.7\n\x00\x01binary")

    out, err, code = _import(str(tmp_path))

    assert code == 1
    assert SUMMARY.search(out).groups() == ("1", "0", "0", "1")
    assert re.search(r"failed: .*blob\.bin: .*binary", err)


def test_import_dry_run_stores_nothing():
    out, _, code = _import(str(SEEDS), "--dry-run")

    assert code == 0 and "dry run: would have imported 5" in out
    assert not Article.objects.exists()


def test_bad_usage_is_refused_with_status_2():
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(SEEDS), "--limit-mb", "0")
    assert error.value.returncode == 2


@pytest.fixture(scope="module")
def subprocess_env(tmp_path_factory):
    """A real manage.py in a child process, on its own migrated SQLite file."""
    folder = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "SECRET_KEY": "cli-test-" + "k" * 50,
        "NEWSDESK_ENV_FILE": str(folder / "none.env"),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    return env


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_statuses_from_a_real_process(subprocess_env, tmp_path):
    (tmp_path / "empty.txt").write_text("", "utf-8")

    assert _manage(subprocess_env, "import_articles", "--help").returncode == 0
    assert _manage(subprocess_env, "import_articles", str(SEEDS)).returncode == 0
    failed = _manage(subprocess_env, "import_articles", str(tmp_path))
    assert failed.returncode == 1 and "empty.txt" in failed.stderr
    assert "Traceback" not in failed.stderr
    usage = _manage(subprocess_env, "import_articles", "--format", "pdf", str(SEEDS))
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    missing = _manage(subprocess_env, "import_articles", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_export_jsonl_has_the_documented_fields_and_round_trips(tmp_path):
    call_command("import_articles", str(SEEDS), stdout=StringIO())
    path = tmp_path / "articles.jsonl"
    call_command("export_articles", "--format", "jsonl", "--output", str(path), stderr=StringIO())
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]

    assert len(records) == 5
    for record in records:
        assert {
            "id", "title", "source", "url", "origin", "published_at", "language", "body",
            "duplicate_of", "duplicate_candidates", "tags",
        } <= record.keys()  # fmt: skip
        assert record["duplicate_candidates"] == []
    exported = {r["title"]: r for r in records}

    Article.objects.all().delete()
    Source.objects.all().delete()
    out, _, code = _import(str(path))

    assert code == 0 and SUMMARY.search(out).group(1) == "5"
    for article in Article.objects.select_related("source"):
        record = exported[article.title]
        assert article.body == record["body"]
        assert article.source.name == record["source"]
        published = article.published_at.isoformat() if article.published_at else None
        assert published == record["published_at"]


def test_export_csv_escapes_formulas_and_keeps_multiline_bodies(tmp_path):
    hostile = {
        "title": '=HYPERLINK("http://evil.example","click")',
        "body": "+1 first line\n\n-2 second line with words",
        "source": "@Outlet",
    }
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(hostile) + "\n", "utf-8")
    call_command("import_articles", str(path), stdout=StringIO())
    out = StringIO()

    call_command("export_articles", "--format", "csv", stdout=out, stderr=StringIO())

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1
    assert rows[0]["title"].startswith("'=HYPERLINK")
    assert rows[0]["body"].startswith("'+1 first line\n")
    assert rows[0]["source"] == "'@Outlet"
    assert rows[0]["tags"] == "[]"


def test_export_query_count_does_not_grow_with_articles(tmp_path, django_assert_max_num_queries):
    call_command("import_articles", str(SEEDS), stdout=StringIO())
    # Three queries per chunk of 1,000 (articles, tags, candidates) plus the empty last one.
    with django_assert_max_num_queries(4):
        call_command("export_articles", "--format", "jsonl", stdout=StringIO(), stderr=StringIO())


def test_reclean_command_reports_and_accepts_a_source():
    call_command("import_articles", str(SEEDS), stdout=StringIO())
    out = StringIO()

    call_command("reclean", "--source", "infobud.news", "--learn", stdout=out)

    assert "examined 1, changed 0, failed 0" in out.getvalue()
    with pytest.raises(CommandError, match="no source named"):
        call_command("reclean", "--source", "No Such Outlet")
