"""Plain SQL for the import's hot path: many new rows of one model in a few statements.

Django's `bulk_create` and django-simple-history's `bulk_history_create` build a model
instance per row and compile every field of every row in Python: at import rates that was
most of the time spent storing (py-spy, 4,000 articles: 1.3 ms an article in the two
calls, of which SQLite itself took 0.3). These helpers write the same rows: every concrete
field, prepared for the database by the field itself (`get_db_prep_save`), and one
history record per new row with every tracked field copied by the database
(`INSERT … SELECT`). No signals are sent, as with `bulk_create`.
"""

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from itertools import islice

from django.conf import settings
from django.db import connection, models
from django.db.models import Model


def insert_returning_ids(model: type[Model], rows: Sequence[dict]) -> list[int]:
    """Insert `rows` (field attname → value; a missing field takes its default) and return
    their new primary keys, in order."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    plain = [(field, _as_is(field)) for field in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        per_statement = _rows_per_statement(fields, rows)
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params = [
                _prepared(field, kinds, row.get(field.attname, _MISSING))
                for row in part
                for field, kinds in plain
            ]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                f"{', '.join([one_row] * len(part))} RETURNING {quote(model._meta.pk.column)}",
                params,
            )
            ids += [pk for (pk,) in cursor.fetchall()]
    return ids


_MISSING = object()  # no value in the row: the field's default
# Values of these types reach the database as they are for fields of exactly these classes
# (what `get_db_prep_save` returns them unchanged for): skipping its four calls a field
# made preparing an article row 29 -> 8 µs (19 fields).
_AS_IS = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.URLField: (str,),
    models.SlugField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
}


def _as_is(field) -> tuple[type, ...]:
    """The value types `field` passes to the database unchanged (none: always prepare)."""
    if type(field) is models.ForeignKey:
        return _as_is(field.target_field) or (
            (int,) if isinstance(field.target_field, models.AutoField) else ()
        )
    return _AS_IS.get(type(field), ())


def _prepared(field, kinds: tuple[type, ...], value):
    if value is _MISSING:
        value = field.get_default()
    if kinds and (value is None or type(value) in kinds):
        return value
    return field.get_db_prep_save(value, connection)


# At most this many rows a statement: an import's whole chunk of articles.
MAX_ROWS_PER_STATEMENT = 1000


def _rows_per_statement(fields: list, rows: Sequence[dict]) -> int:
    """Up to MAX_ROWS_PER_STATEMENT rows a statement, as many as the database takes.
    Django assumes SQLite's old limit of 999 parameters (47 articles a statement); SQLite
    since 3.32 takes 32,766, and the full-text index that an article insert feeds through
    its trigger is written once per statement: 47 -> 500 articles a statement, inserting
    1,000 into a 90,000-article desk took 0.19 -> 0.14 s; then 1,000 with an import's
    chunk stored in as few statements as its copies allow (`imports._Chunk`)."""
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(1, min(MAX_ROWS_PER_STATEMENT, limit // len(fields)))
    return max(1, min(MAX_ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(fields, rows)))


def create_history(
    model: type[Model], ids: Sequence[int], *, user_id: int | None, when: datetime
) -> None:
    """One "created" history record (django-simple-history) for each row of `ids`, as
    `bulk_history_create` would write it, copied from the stored rows by the database."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    when = connection.ops.adapt_datetimefield_value(when)
    pk = quote(model._meta.pk.column)
    iterator = iter(ids)
    with connection.cursor() as cursor:
        while part := list(islice(iterator, MAX_ROWS_PER_STATEMENT)):
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, history_date, "
                "history_change_reason, history_type, history_user_id) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(part))})",
                [when, "", "+", user_id, *part],
            )
