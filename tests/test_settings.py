"""Settings: no start without a SECRET_KEY in production, and SQLite tuned for a reader
and a writer at once (WAL, IMMEDIATE transactions).

Settings are read once per process, so the start-up rules are checked in a fresh Python
process with a controlled environment; a developer's `.env` is kept out by pointing
NEWSDESK_ENV_FILE at an empty file.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRINT_KEY = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


@pytest.fixture
def start_django(tmp_path):
    """Start Django in a new process with newsdesk.settings, no SECRET_KEY or DEBUG unless
    given, and the given variables."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("")

    def start(code: str = "import django; django.setup()", *, unset=(), **variables: str):
        removed = {"SECRET_KEY", "DEBUG", *unset}
        env = {k: v for k, v in os.environ.items() if k not in removed}
        env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_ENV_FILE=str(env_file))
        env.update(variables)
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return start


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_production_settings_refuse_to_start_without_a_secret_key(start_django, key):
    variables = {"DEBUG": "false"} if key is None else {"DEBUG": "false", "SECRET_KEY": key}

    result = start_django(**variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_settings_start_without_a_key_and_make_up_a_random_one(start_django):
    first = start_django(PRINT_KEY, DEBUG="true")
    second = start_django(PRINT_KEY, DEBUG="true")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key != second.stdout.strip()


def test_production_settings_start_with_a_secret_key(start_django):
    result = start_django(PRINT_KEY, DEBUG="false", SECRET_KEY="k" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 50


def test_secret_key_may_come_from_the_env_file(start_django, tmp_path):
    env_file = tmp_path / "deploy.env"
    env_file.write_text("SECRET_KEY=from-the-env-file-" + "x" * 40 + "\n")

    result = start_django(PRINT_KEY, DEBUG="false", NEWSDESK_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("from-the-env-file-")


def test_default_database_is_sqlite_in_the_project_with_wal_and_immediate(start_django):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']), "
        "'OPTIONS': db['OPTIONS']}))"
    )
    result = start_django(code, unset={"DATABASE_URL"}, DEBUG="false", SECRET_KEY="k" * 50)

    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(PROJECT_ROOT / "db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


needs_sqlite = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite-only tuning; this run uses another database",
)


@needs_sqlite
@pytest.mark.django_db
def test_test_database_connection_runs_the_sqlite_init_command():
    # The test database lives in memory, where journal_mode can only be "memory"; the
    # init_command's other pragma shows that it ran on this connection.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()

    assert synchronous == 1  # NORMAL
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.transaction_mode == "IMMEDIATE"


@needs_sqlite
@pytest.mark.django_db
def test_sqlite_database_file_is_opened_in_wal_mode(tmp_path):
    handler = ConnectionHandler(
        {"default": {**settings.DATABASES["default"], "NAME": str(tmp_path / "desk.sqlite3")}}
    )
    wrapper = handler["default"]
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            (journal_mode,) = cursor.fetchone()
        assert journal_mode == "wal"
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()
