"""The list of import batches (`/import/batches/`): every run of the import, filtered,
sorted, paged without counting, exported, and reached from the navigation."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import exports
from articles.models import ImportVia, SavedView
from articles.services.imports import import_paths
from tests.factories import ImportBatchFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("import-batch-list")
EXPORT = reverse("import-batch-export")
BATCH_LINK = re.compile(r'<a href="/import/(\d+)/">#\d+</a>')


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def row_of(html: str, batch_id: int) -> str:
    """The list's `<tr>` of one batch."""
    return re.search(rf"<tr>.*?/import/{batch_id}/.*?</tr>", html, re.S).group()


def listed(client, **params) -> list[int]:
    """The batch ids on the list's first page, in order."""
    return [int(pk) for pk in BATCH_LINK.findall(client.get(LIST, params).content.decode())]


@pytest.fixture
def batches():
    """Three batches that differ in every filtered property."""
    ana = UserFactory(username="ana")
    return {
        "upload": ImportBatchFactory(
            via=ImportVia.UPLOAD,
            started_by=ana,
            description="kyiv-feed.xml, notes.txt",
            started_at=at("2025-03-10 09:00"),
            finished_at=at("2025-03-10 09:00:04"),
            imported_count=12,
            failed_count=1,
            problems=[{"file": "notes.txt", "reason": "empty file"}],
        ),
        "command": ImportBatchFactory(
            via=ImportVia.COMMAND,
            started_by=None,
            description="import_articles scrapes/",
            started_at=at("2025-03-12 18:30"),
            finished_at=at("2025-03-12 18:31:40"),
            imported_count=900,
            skipped_count=40,
            duplicate_count=60,
        ),
        "running": ImportBatchFactory(
            via=ImportVia.UPLOAD,
            started_by=UserFactory(username="bo"),
            description='=HYPERLINK("http://evil")',
            started_at=at("2025-03-14 08:00"),
        ),
    }


def test_lists_batches_newest_first_with_their_outcome(viewer_client, batches):
    html = viewer_client.get(LIST).content.decode()

    assert listed(viewer_client) == [
        b.pk for b in (batches["running"], batches["command"], batches["upload"])
    ]
    upload = row_of(html, batches["upload"].pk)
    assert '<td class="col-started">2025-03-10 09:00</td>' in upload
    assert '<td class="col-started_by">ana</td>' in upload
    assert '<td class="col-via">Web upload</td>' in upload
    assert '<td class="col-imported">12</td>' in upload
    assert '<td class="col-failed"><span class="flag">1</span></td>' in upload
    assert '<td class="col-took">4.0 s</td>' in upload
    command = row_of(html, batches["command"].pk)
    assert '<td class="col-started_by">—</td>' in command  # a command run by nobody signed in
    assert '<td class="col-present">40</td>' in command
    assert '<td class="col-took">100.0 s</td>' in command
    running = row_of(html, batches["running"].pk)
    assert '<td class="col-took">—</td>' in running  # not finished


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"via": "upload"}, {"upload", "running"}),
        ({"via": "command"}, {"command"}),
        ({"started_by": "ANA"}, {"upload"}),
        ({"outcome": "failed"}, {"upload"}),
        ({"outcome": "clean"}, {"command", "running"}),
        ({"description": "SCRAPES"}, {"command"}),
        ({"started_from": "2025-03-12"}, {"command", "running"}),
        ({"started_to": "2025-03-12"}, {"upload", "command"}),
        ({"started_from": "2025-03-11", "started_to": "2025-03-13"}, {"command"}),
    ],
)
def test_filters(viewer_client, batches, params, expected):
    assert set(listed(viewer_client, **params)) == {batches[name].pk for name in expected}


def test_sorts_by_the_counts(viewer_client, batches):
    assert listed(viewer_client, sort="-imported") == [
        batches[name].pk for name in ("command", "upload", "running")
    ]
    assert listed(viewer_client, sort="-failed")[0] == batches["upload"].pk


def test_hostile_descriptions_and_usernames_are_escaped(viewer_client):
    ImportBatchFactory(
        description="<script>alert(1)</script>", started_by=UserFactory(username="<b>x</b>")
    )

    html = viewer_client.get(LIST).content.decode()

    assert "<script>alert(1)</script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)
    return len(queries)


def test_query_count_does_not_grow_and_pages_never_count(viewer_client):
    ImportBatchFactory.create_batch(3)
    viewer_client.get(LIST)  # warm per-process caches before counting
    small = [_list_queries(viewer_client), _list_queries(viewer_client, outcome="clean")]

    ImportBatchFactory.create_batch(60)
    large = [_list_queries(viewer_client), _list_queries(viewer_client, outcome="clean")]

    assert small == large
    first = viewer_client.get(LIST).content.decode()
    assert len(BATCH_LINK.findall(first)) == 50 and 'rel="next"' in first
    assert len(listed(viewer_client, page=2)) == 13


def test_a_real_import_is_listed_with_its_counts(viewer_client, tmp_path):
    (tmp_path / "one.txt").write_text("A title\n\n" + "Officials said the talks went on. " * 5)
    (tmp_path / "empty.txt").write_text("   ")
    report = import_paths([tmp_path])

    html = viewer_client.get(LIST).content.decode()

    row = row_of(html, report.batch_id)
    assert '<td class="col-imported">1</td>' in row
    assert '<td class="col-failed"><span class="flag">1</span></td>' in row


def test_export_honours_the_filters_and_escapes_formulas(viewer_client, batches):
    response = viewer_client.get(EXPORT, {"via": "upload"})
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert list(rows[0]) == exports.BATCH_FIELDS
    assert {int(row["id"]) for row in rows} == {batches["upload"].pk, batches["running"].pk}
    by_id = {int(row["id"]): row for row in rows}
    assert by_id[batches["running"].pk]["description"] == '\'=HYPERLINK("http://evil")'
    assert "empty file" in by_id[batches["upload"].pk]["problems"]


def test_viewers_reach_it_from_the_navigation_and_analysts_from_the_import_page(
    viewer_client, client, analyst
):
    nav = viewer_client.get(reverse("dashboard")).content.decode()
    assert f'<a href="{LIST}">Imports</a>' in nav

    client.force_login(analyst)
    page = client.get(reverse("import")).content.decode()
    assert f'<a href="{LIST}">All import batches</a>' in page


def test_a_saved_view_of_the_list_brings_its_filters_back(viewer_client, viewer):
    response = viewer_client.post(
        reverse("saved-view-create"),
        {
            "list_name": "import-batch-list",
            "name": "Failed uploads",
            "query": "via=upload&outcome=failed",
        },
    )

    assert response.status_code == 302
    view = SavedView.objects.get(user=viewer)
    assert view.list_name == "import-batch-list"
    html = viewer_client.get(LIST).content.decode()
    assert "Failed uploads" in html and "via=upload&amp;outcome=failed" in html


def test_started_dates_are_days_in_the_desk_time_zone(viewer_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    late = ImportBatchFactory(started_at=at("2025-03-10 22:30"))  # 00:30 on the 11th in Kyiv

    assert listed(viewer_client, started_from="2025-03-11") == [late.pk]
    assert listed(viewer_client, started_to="2025-03-10") == []
    assert late.started_at + timedelta(hours=2) == at("2025-03-11 00:30")
