"""The import's plain-SQL inserts (articles/services/inserts.py)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.services.inserts import create_history, insert_returning_ids
from tests.factories import SourceFactory, UserFactory


@pytest.mark.django_db
def test_articles_go_in_1000_a_statement_ids_in_order_each_with_its_history():
    # Django assumes SQLite's old limit of 999 parameters, 47 articles a statement; the
    # full-text trigger writes once a statement, so fewer statements are cheaper.
    source, user = SourceFactory(), UserFactory()
    rows = [
        {"source_id": source.pk, "title": f"Story {n}", "body": f"Body of story {n}.", "raw": ""}
        for n in range(1200)
    ]
    # Values that need the field's preparation next to those that go in as they are.
    published = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    rows[7] |= {"published_at": published, "fingerprint": b"\x00\x01\xff"}
    rows[8] |= {"upstream_source_id": source.pk, "duplicate_of_id": None, "status": "reviewed"}

    with CaptureQueriesContext(connection) as queries:
        ids = insert_returning_ids(Article, rows)
        create_history(Article, ids, user_id=user.pk, when=timezone.now())

    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO")]
    assert len(inserts) == 2 + 2  # 1000 + 200 articles, then 1000 + 200 history records
    stored = dict(Article.objects.values_list("pk", "title"))
    assert [stored[pk] for pk in ids] == [f"Story {n}" for n in range(1200)]
    seventh, eighth = Article.objects.get(pk=ids[7]), Article.objects.get(pk=ids[8])
    assert (seventh.published_at, bytes(seventh.fingerprint)) == (published, b"\x00\x01\xff")
    assert (
        seventh.imported_at is not None
        and seventh.status == Article._meta.get_field("status").get_default()
    )  # defaults filled in
    assert (eighth.upstream_source_id, eighth.status) == (source.pk, "reviewed")
    history = Article.history.filter(history_type="+", history_user=user)
    assert sorted(history.values_list("id", flat=True)) == sorted(ids)
