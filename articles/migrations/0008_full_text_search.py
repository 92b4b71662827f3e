"""Full-text search indexes for article titles and bodies and claim texts
(`articles/search.py` reads them).

Database-specific, so not expressed in the models and invisible to the migration state
(`makemigrations` sees nothing to do):

- SQLite: FTS5 tables with external content (`articles_article_fts` over
  `articles_article`, `articles_claim_fts` over `articles_claim`), which store only the
  index, kept in step by AFTER INSERT / UPDATE OF / DELETE triggers. Triggers fire for
  every row a statement touches, so `save()`, `QuerySet.update()`, `bulk_update()`,
  `bulk_create()`, deletes and `loaddata` all keep the index current. Plus one ordinary
  index of the columns search filters articles on (see SQLITE_FILTER_INDEX).
- PostgreSQL: a `search_vector` tsvector column on each table, set by a BEFORE INSERT OR
  UPDATE trigger (title weighted A, body B; the `simple` configuration, since the desk
  reads many languages), with a GIN index. A stored vector rather than an expression
  index because ranking reads the vector of every matching row, and recomputing
  `to_tsvector` over each matching body is what makes a common term slow. Not a generated
  column and not `UPDATE OF title, body`: both would make PostgreSQL refuse a later
  `AlterField` on those columns ("cannot alter type of a column used by ...").

Both backfill existing rows and reverse cleanly.

Caution for later migrations on SQLite: when Django remakes `articles_article` or
`articles_claim` (many `AlterField`s and some `AddField`s do: new table, copy, drop, rename)
the old table's triggers and the filter index are dropped with it. tests/test_search.py
checks that they exist after all migrations; to restore them, add a migration running
`install_sqlite` from this module (`importlib.import_module(
"articles.migrations.0008_full_text_search")`), which is idempotent and re-indexes.
"""

from django.db import migrations

TOKENIZER = "unicode61 remove_diacritics 0"

# (table, FTS table, indexed columns). Column names are fixed here; nothing is interpolated
# from outside.
SQLITE_INDEXES = [
    ("articles_article", "articles_article_fts", ("title", "body")),
    ("articles_claim", "articles_claim_fts", ("text",)),
]


def _sqlite_statements(table: str, fts: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, "
        f"content='{table}', content_rowid='id', tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {delete} {insert} END",
        # Backfill (and, when re-run, repair): re-read every row of the content table.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


# The columns search filters matching articles on, in an index that holds them all: SQLite
# stores a row's columns in order, and these come after the long raw and body texts, so
# reading them from the table means following the overflow pages of both for every match.
# Searched with INDEXED BY (the id alone would pick the table).
SQLITE_FILTER_INDEX = (
    "CREATE INDEX IF NOT EXISTS articles_article_search_filter_idx ON articles_article"
    "(id, duplicate_of_id, status, source_id, published_at)"
)


def install_sqlite(schema_editor) -> None:
    for table, fts, columns in SQLITE_INDEXES:
        for statement in _sqlite_statements(table, fts, columns):
            schema_editor.execute(statement)
    schema_editor.execute(SQLITE_FILTER_INDEX)


def uninstall_sqlite(schema_editor) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS articles_article_search_filter_idx")
    for _table, fts, _columns in SQLITE_INDEXES:
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


# (table, tsvector expression over NEW). The expression is repeated in the backfill with
# the table's own columns.
POSTGRES_VECTORS = [
    (
        "articles_article",
        "setweight(to_tsvector('pg_catalog.simple', coalesce({row}title, '')), 'A') || "
        "setweight(to_tsvector('pg_catalog.simple', coalesce({row}body, '')), 'B')",
        ("title", "body"),
    ),
    (
        "articles_claim",
        "to_tsvector('pg_catalog.simple', coalesce({row}text, ''))",
        ("text",),
    ),
]


def install_postgresql(schema_editor) -> None:
    for table, vector, columns in POSTGRES_VECTORS:
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
        schema_editor.execute(f"UPDATE {table} SET search_vector = {vector.format(row='')}")
        schema_editor.execute(
            f"""
            CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' OR {changed} THEN
                    NEW.search_vector := {vector.format(row="NEW.")};
                END IF;
                RETURN NEW;
            END
            $$
            """
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_vector)"
        )


def uninstall_postgresql(schema_editor) -> None:
    for table, _vector, _columns in POSTGRES_VECTORS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_idx")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        install_sqlite(schema_editor)
    elif vendor == "postgresql":
        install_postgresql(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        uninstall_sqlite(schema_editor)
    elif vendor == "postgresql":
        uninstall_postgresql(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_claim_figures_and_dismissals"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
