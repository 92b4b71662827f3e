"""The import page: Analysts and Editors upload files into the import pipeline and see what
became of each one; the batch page shows one import's problems and articles.

Everything goes through the test client with real uploads (`SimpleUploadedFile`); the
pipeline itself is specified in test_import_service.py, so here only what the page adds:
access, upload names, the size cap, CSRF, escaping and a constant query count.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ImportBatch, ImportVia
from tests.factories import ArticleFactory, ImportBatchFactory

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_NAME = "001_2b8243f986ff2b1c.txt"
SEED_TITLE = "Putin's Visit to Kursk Amidst Ceasefire Tensions"
IMPORT_URL = reverse("import")

PAGE_NAME = "kursk-visit.html"
PAGE = b"""<!doctype html>
<html lang="en">
<head>
<title>Putin visits Kursk as talks loom | Frontline Daily</title>
<meta property="og:site_name" content="Frontline Daily">
<meta property="og:title" content="Putin visits Kursk as talks loom">
<meta property="article:published_time" content="2025-03-12T14:30:00+00:00">
<meta name="author" content="Jane Roe">
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<article>
<h1>Putin visits Kursk as talks loom</h1>
<p>President Vladimir Putin made an unannounced visit to the Kursk region on Wednesday, his
first since Ukrainian forces crossed the border last summer, state television reported.</p>
<p>Dressed in military fatigues, he told commanders that Moscow intended to drive the remaining
Ukrainian units out of the region as quickly as possible, according to the Kremlin.</p>
</article>
<footer>Copyright 2025 Frontline Daily. All rights reserved.</footer>
</body>
</html>
"""

RECORDS_NAME = "wire.jsonl"
RECORDS = [
    {
        "title": "Kyiv accepts 30-day ceasefire proposal",
        "body": "Ukraine agreed to a US proposal for an immediate 30-day ceasefire on Tuesday.\n"
        "The proposal will now be taken to Moscow, officials said.",
        "url": "https://wire.example/ceasefire",
        "source": "Wire Example",
    },
    {
        "title": "Shoigu sets preconditions for talks",
        "body": "Russia will not negotiate while Ukrainian troops remain in the Kursk region, "
        "Sergei Shoigu said.\nHe spoke at a briefing in Moscow.",
        "url": "https://wire.example/shoigu",
        "source": "Wire Example",
    },
]

SMALL_NAME = "short-note.txt"
SMALL = b"Sudzha shelled overnight\nThe town of Sudzha was shelled overnight, officials said.\n"


def seed_file() -> SimpleUploadedFile:
    return SimpleUploadedFile(SEED_NAME, (SEEDS / SEED_NAME).read_bytes(), "text/plain")


def good_files() -> list[SimpleUploadedFile]:
    records = "\n".join(json.dumps(record) for record in RECORDS) + "\n"
    return [
        seed_file(),
        SimpleUploadedFile(PAGE_NAME, PAGE, "text/html"),
        SimpleUploadedFile(RECORDS_NAME, records.encode(), "application/x-ndjson"),
    ]


BOILERPLATE_NAME = "share-bar.txt"
BOILERPLATE = b"Share this:\nAdvertisement\nLEAVE A REPLY\n"
BOILERPLATE_REASON = "no article text left after removing boilerplate"
BROKEN_JSON_REASON = (
    "malformed JSON at line 1, column 28: Expecting property name enclosed in double quotes"
)


def bad_files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(BOILERPLATE_NAME, BOILERPLATE, "text/plain"),
        SimpleUploadedFile("broken.json", b'{"title": "x", "body": "y",}', "application/json"),
    ]


def upload(client, files, **data):
    return client.post(IMPORT_URL, {"files": files, **data})


def outcomes_of(response) -> dict[str, tuple[str, str]]:
    report = response.context["report"]
    assert report is not None
    return {outcome.origin: (outcome.status, outcome.reason) for outcome in report.outcomes}


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# Access


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={IMPORT_URL}"


def test_an_anonymous_upload_imports_nothing(client):
    response = upload(client, [seed_file()])
    assert response.status_code == 302
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


def test_a_viewer_may_not_see_the_import_page(viewer_client):
    assert viewer_client.get(IMPORT_URL).status_code == 403


def test_a_viewer_may_not_upload_and_nothing_is_imported(viewer_client):
    response = upload(viewer_client, good_files())

    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


@pytest.mark.parametrize("role_client", ["analyst_client", "editor_client"])
def test_analysts_and_editors_see_the_form_and_the_recent_batches(request, role_client):
    client = request.getfixturevalue(role_client)
    batch = ImportBatchFactory(description="import_articles feeds/", imported_count=7)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'type="file"' in content and 'name="files"' in content and "multiple" in content
    assert 'name="source"' in content
    assert "csrfmiddlewaretoken" in content
    assert "Recent imports" in content
    assert reverse("import-batch", args=[batch.pk]) in content
    assert list(response.context["batches"]) == [batch]
    assert response.context["report"] is None


def test_the_page_says_so_when_there_are_no_imports_yet(analyst_client):
    assert "No imports yet." in analyst_client.get(IMPORT_URL).content.decode()


# Uploading


def test_an_upload_of_several_files_reports_each_file_by_its_upload_name(analyst_client):
    response = upload(analyst_client, good_files() + bad_files())

    assert response.status_code == 200
    assert outcomes_of(response) == {
        SEED_NAME: ("imported", ""),
        PAGE_NAME: ("imported", ""),
        f"{RECORDS_NAME}:1": ("imported", ""),
        f"{RECORDS_NAME}:2": ("imported", ""),
        BOILERPLATE_NAME: ("failed", BOILERPLATE_REASON),
        "broken.json": ("failed", BROKEN_JSON_REASON),
    }
    content = response.content.decode()
    for name in (SEED_NAME, PAGE_NAME, f"{RECORDS_NAME}:1", BOILERPLATE_NAME, "broken.json"):
        assert f"<td>{name}</td>" in content
    assert f"failed: {BOILERPLATE_REASON}" in content
    assert f"failed: {BROKEN_JSON_REASON}" in content
    assert "newsdesk-upload-" not in content  # no temporary path leaks into the page
    assert "/tmp" not in content
    assert "imported 4, already present 0, duplicates 0, failed 2" in content


def test_uploaded_articles_are_stored_under_their_upload_names(analyst_client):
    upload(analyst_client, good_files() + bad_files())

    articles = {article.origin: article for article in Article.objects.select_related("source")}
    assert set(articles) == {SEED_NAME, PAGE_NAME, f"{RECORDS_NAME}:1", f"{RECORDS_NAME}:2"}
    seed = articles[SEED_NAME]
    assert seed.title == SEED_TITLE
    assert seed.raw == (SEEDS / SEED_NAME).read_text(encoding="utf-8")
    assert seed.source.name == "infobud.news"
    page = articles[PAGE_NAME]
    assert page.title == "Putin visits Kursk as talks loom"
    assert page.byline == "Jane Roe"
    assert page.source.name == "Frontline Daily"
    assert "Subscribe" not in page.body and "Copyright" not in page.body
    first = articles[f"{RECORDS_NAME}:1"]
    assert (first.title, first.url) == (RECORDS[0]["title"], RECORDS[0]["url"])
    assert first.source.name == "Wire Example"


def test_an_upload_records_a_batch_by_the_analyst_with_counts_and_problems(analyst_client, analyst):
    response = upload(analyst_client, good_files() + bad_files())

    batch = ImportBatch.objects.get()
    assert response.context["report"].batch_id == batch.pk
    assert batch.via == ImportVia.UPLOAD
    assert batch.started_by == analyst
    assert batch.finished_at is not None
    assert (
        batch.imported_count,
        batch.skipped_count,
        batch.duplicate_count,
        batch.failed_count,
    ) == (4, 0, 0, 2)
    assert sorted(batch.problems, key=lambda problem: problem["file"]) == [
        {"file": "broken.json", "reason": BROKEN_JSON_REASON},
        {"file": BOILERPLATE_NAME, "reason": BOILERPLATE_REASON},
    ]
    assert batch.description.startswith("upload: ")
    assert SEED_NAME in batch.description and "broken.json" in batch.description
    assert "/tmp" not in batch.description
    assert set(batch.articles.values_list("origin", flat=True)) == {
        SEED_NAME,
        PAGE_NAME,
        f"{RECORDS_NAME}:1",
        f"{RECORDS_NAME}:2",
    }


def test_uploading_the_same_files_again_reports_them_already_present(analyst_client):
    upload(analyst_client, good_files())

    response = upload(analyst_client, good_files())

    assert outcomes_of(response) == {
        SEED_NAME: ("already present", ""),
        PAGE_NAME: ("already present", ""),
        f"{RECORDS_NAME}:1": ("already present", ""),
        f"{RECORDS_NAME}:2": ("already present", ""),
    }
    assert "imported 0, already present 4" in response.content.decode()
    assert Article.objects.count() == 4
    latest = ImportBatch.objects.latest("pk")
    assert (latest.imported_count, latest.skipped_count, latest.failed_count) == (0, 4, 0)


def test_the_source_field_forces_the_source_of_every_article(analyst_client):
    response = upload(analyst_client, good_files(), source="Reuters")

    assert {status for status, _ in outcomes_of(response).values()} == {"imported"}
    assert set(Article.objects.values_list("source__name", flat=True)) == {"Reuters"}


def test_a_file_over_the_size_cap_is_refused_while_a_small_one_still_imports(
    analyst_client, settings
):
    settings.IMPORT_UPLOAD_LIMIT_MB = 0.001  # 1048 bytes; the seed file is bigger
    assert (SEEDS / SEED_NAME).stat().st_size > 1048 > len(SMALL)

    response = upload(
        analyst_client, [seed_file(), SimpleUploadedFile(SMALL_NAME, SMALL, "text/plain")]
    )

    outcomes = outcomes_of(response)
    assert outcomes[SMALL_NAME] == ("imported", "")
    status, reason = outcomes[SEED_NAME]
    assert status == "failed"
    assert "size cap" in reason
    assert reason == "over the 0.001 MB size cap"
    assert "over the 0.001 MB size cap" in response.content.decode()
    assert list(Article.objects.values_list("origin", flat=True)) == [SMALL_NAME]
    batch = ImportBatch.objects.get()
    assert batch.problems == [{"file": SEED_NAME, "reason": "over the 0.001 MB size cap"}]
    assert (batch.imported_count, batch.failed_count) == (1, 1)


def test_an_upload_of_only_oversized_files_reports_them(analyst_client, settings):
    settings.IMPORT_UPLOAD_LIMIT_MB = 0.001

    response = upload(analyst_client, [seed_file()], source="")

    assert outcomes_of(response) == {SEED_NAME: ("failed", "over the 0.001 MB size cap")}
    assert not Article.objects.exists()
    assert ImportBatch.objects.get().failed_count == 1


def test_the_page_states_the_size_cap(analyst_client, settings):
    settings.IMPORT_UPLOAD_LIMIT_MB = 5
    assert "Up to 5 MB each." in analyst_client.get(IMPORT_URL).content.decode()


def test_an_empty_file_among_several_is_reported_and_the_others_import(analyst_client):
    files = good_files() + [SimpleUploadedFile("empty.txt", b"", "text/plain")]

    response = upload(analyst_client, files)

    assert response.context["report"] is not None
    outcomes = outcomes_of(response)
    assert outcomes["empty.txt"] == ("failed", "empty file")
    assert outcomes[SEED_NAME] == ("imported", "")
    assert Article.objects.count() == 4


def test_a_post_without_files_asks_for_a_file(analyst_client):
    response = analyst_client.post(IMPORT_URL, {"source": "Reuters"})

    assert response.status_code == 200
    assert "Choose at least one file" in response.content.decode()
    assert response.context["report"] is None
    assert not ImportBatch.objects.exists()


def test_a_hostile_upload_name_is_escaped_in_the_report(analyst_client):
    name = "<img src=x onerror=alert(1)>.txt"

    response = upload(analyst_client, [SimpleUploadedFile(name, SMALL, "text/plain")])

    assert outcomes_of(response) == {name: ("imported", "")}
    content = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in content
    assert name not in content
    assert Article.objects.get().origin == name


# CSRF


def test_an_upload_without_the_csrf_token_is_refused(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)

    response = upload(client, [seed_file()])

    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    assert not Article.objects.exists()


def test_an_upload_with_the_csrf_token_is_accepted(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get(IMPORT_URL)
    token = client.cookies["csrftoken"].value

    response = upload(client, [seed_file()], csrfmiddlewaretoken=token)

    assert response.status_code == 200
    assert outcomes_of(response) == {SEED_NAME: ("imported", "")}


# The batch page


def test_the_batch_page_shows_the_problems_and_the_articles(analyst_client):
    upload(analyst_client, good_files() + bad_files())
    batch = ImportBatch.objects.get()

    response = analyst_client.get(reverse("import-batch", args=[batch.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"Import #{batch.pk}" in content
    assert f"<strong>{BOILERPLATE_NAME}</strong>: {BOILERPLATE_REASON}" in content
    assert f"<strong>broken.json</strong>: {BROKEN_JSON_REASON}" in content
    assert "imported 4, already present 0, duplicates 0, failed 2" in content
    assert "Putin&#x27;s Visit to Kursk Amidst Ceasefire Tensions" in content
    assert "Putin visits Kursk as talks loom" in content
    assert RECORDS[0]["title"] in content and RECORDS[1]["title"] in content
    for article in batch.articles.all():
        assert reverse("article-detail", args=[article.pk]) in content


def test_a_viewer_may_see_a_batch_page(viewer_client):
    batch = ImportBatchFactory()
    assert viewer_client.get(reverse("import-batch", args=[batch.pk])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in_from_a_batch_page(client):
    batch = ImportBatchFactory()
    response = client.get(reverse("import-batch", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_batch_is_not_found(analyst_client):
    assert analyst_client.get(reverse("import-batch", args=[999])).status_code == 404


def test_the_batch_page_escapes_hostile_file_names_and_titles(analyst_client):
    hostile = "<script>alert(1)</script>"
    batch = ImportBatchFactory(
        via=ImportVia.UPLOAD,
        description=f"upload: {hostile}.txt",
        failed_count=1,
        problems=[{"file": f"{hostile}.txt", "reason": f"empty file {hostile}"}],
    )
    ArticleFactory(import_batch=batch, title=hostile, origin=f"{hostile}.txt")

    response = analyst_client.get(reverse("import-batch", args=[batch.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<strong>{escaped}.txt</strong>: empty file {escaped}" in content
    assert f">{escaped}</a>" in content  # the article title
    assert f"upload: {escaped}.txt" in content
    assert hostile not in content
    # The only scripts are the site's own files; nothing imported became a script.
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/js/)", content)


# Query count


def import_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(IMPORT_URL)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_import_page_query_count_does_not_grow_with_the_batches(
    analyst_client, django_assert_max_num_queries
):
    ImportBatchFactory.create_batch(2)
    with_two = import_page_queries(analyst_client)

    ImportBatchFactory.create_batch(9)
    ImportBatchFactory(started_by=None)
    with_twelve = import_page_queries(analyst_client)

    assert ImportBatch.objects.count() == 12
    assert with_twelve == with_two
    with django_assert_max_num_queries(with_two):
        response = analyst_client.get(IMPORT_URL)
    assert len(response.context["batches"]) == 10
