"""SQLite: the articles' FTS5 index keeps up to 16 MB of new entries in memory before it
writes them as a segment (`hashsize`, 1 MB by default), and merges a level's segments
once there are 8 of them rather than 4 (`automerge`).

An import inserts a chunk of up to 1,000 articles a statement, about 2 MB of index
entries: with the default the index wrote several small segments a statement and merged
them again and again. Last 10,000 files into a 90,000-article desk, five interleaved
pairs: article inserts 1.35-1.99 -> 1.13-1.43 s. Searches read more segments a term; the
benchmark's rare and common term searches stay within their bars (README).

FTS5 keeps these settings in the index itself (`articles_article_fts_config`); nothing to
do on PostgreSQL.
"""

from django.db import migrations

FTS = "articles_article_fts"
SETTINGS = {"hashsize": 16 * 1024 * 1024, "automerge": 8}
DEFAULTS = {"hashsize": 1024 * 1024, "automerge": 4}


def _configure(values: dict[str, int]):
    def configure(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            for name, value in values.items():
                cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES (%s, %s)", [name, value])

    return configure


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_fingerprints_of_the_current_scheme")]

    operations = [migrations.RunPython(_configure(SETTINGS), _configure(DEFAULTS))]
