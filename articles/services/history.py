"""History records of bulk updates, with the tags they track.

django-simple-history's `bulk_update_with_history` writes a record per object but leaves
out the snapshot of the many-to-many fields the history tracks (the tags of articles and
claims): such a record showed the object with no tags, and reverting to it dropped them.
Every bulk update of a tracked model goes through `bulk_update_with_history` here.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Model
from simple_history.models import HistoricalRecords

IDS_PER_QUERY = 500  # objects whose through rows are read in one query


def bulk_update_with_history(
    objs: list[Model],
    model: type[Model],
    fields: list[str],
    *,
    batch_size: int | None = None,
    default_user=None,
    default_change_reason: str = "",
) -> int:
    """Update `fields` of `objs` and write a history record for each, with the current
    rows of the many-to-many fields the history tracks, in one transaction. Returns how
    many rows were updated."""
    if not objs:
        return 0
    with transaction.atomic(savepoint=False):
        updated = model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        records = model.history.bulk_history_create(
            objs,
            batch_size=batch_size,
            update=True,
            default_user=default_user,
            default_change_reason=default_change_reason,
        )
        snapshot_m2m(model, records or [], batch_size=batch_size)
    return updated


def snapshot_m2m(model: type[Model], records: list, *, batch_size: int | None = None) -> None:
    """For each new history record, a copy of its object's through rows of every tracked
    many-to-many field, as simple-history writes them when an object is saved. The
    records need their ids: `bulk_history_create` sets them on SQLite and PostgreSQL."""
    pk = model._meta.pk.attname
    ids = [getattr(record, pk) for record in records]
    for field in model.history.model._history_m2m_fields:
        through = field.remote_field.through
        owner = next(f.attname for f in through._meta.fields if f.related_model is model)
        columns = [f.attname for f in through._meta.fields]
        rows_of = defaultdict(list)
        for start in range(0, len(ids), IDS_PER_QUERY):
            part = ids[start : start + IDS_PER_QUERY]
            for row in through.objects.filter(**{f"{owner}__in": part}).values(*columns):
                rows_of[row[owner]].append(row)
        snapshot = HistoricalRecords.m2m_models[field]
        copies = [
            snapshot(history_id=record.history_id, **row)
            for record in records
            for row in rows_of[getattr(record, pk)]
        ]
        snapshot.objects.bulk_create(copies, batch_size=batch_size or IDS_PER_QUERY)
