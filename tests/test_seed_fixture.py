"""The seed fixture: loads into an empty database, its anchors hold, it is up to date."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from articles.models import Appearance, Article, Claim, ClaimLink, Source, SourceRating
from articles.seed_fixture import SeedSpecError, clean_seed_body, find_span

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
BOILERPLATE = [
    "No time to read?",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "Related Posts",
    "Top 5 This Week",
    "Subscribe to get the latest posts",
    "LEAVE A REPLY",
    "Please enter your comment!",
    "has been associated with journalism for 14 years",
    "is an AI-driven news aggregator",
    "Related news on that topic:",
    "Add a comment",
    ":lol:",
    "Enter the correct answer",
    "Text Size:",
    "Popular Articles",
]


@pytest.fixture
def seeded(db):
    call_command("loaddata", "seed", verbosity=0)


def test_seed_loads_five_articles_with_sources_claims_and_ratings(seeded):
    assert Article.objects.count() == 5
    assert Claim.objects.count() >= 12
    rated_sources = Source.objects.filter(ratings__isnull=False).distinct()
    assert rated_sources.count() >= 4
    assert not Source.objects.unrated().exists()
    assert all(r.rationale.strip() for r in SourceRating.objects.all())
    assert ClaimLink.objects.exists()


def test_every_appearance_quotes_the_clean_body_exactly(seeded):
    appearances = list(Appearance.objects.select_related("article"))
    assert len(appearances) >= 12
    for appearance in appearances:
        body = appearance.article.body
        assert body[appearance.start : appearance.end] == appearance.exact
        assert body[: appearance.start].endswith(appearance.prefix)
        assert body[appearance.end :].startswith(appearance.suffix)
        assert len(appearance.prefix) == min(32, appearance.start)


def test_a_claim_appears_in_two_different_articles(seeded):
    spread = Claim.objects.annotate(n=Count("appearances__article", distinct=True))
    captured = spread.get(text__contains="430 Ukrainian soldiers")
    assert captured.n == 2
    assert spread.filter(n__gte=2).count() >= 3


def test_articles_keep_the_raw_seed_text_and_lose_the_boilerplate(seeded):
    for article in Article.objects.all():
        raw = (FIXTURES / "seeds" / article.origin).read_text(encoding="utf-8")
        assert article.raw == raw
        for line in BOILERPLATE:
            assert line not in article.body, f"{article.origin}: {line!r} left in body"
        assert article.title not in article.body or article.origin.startswith("000")


def test_seed_metadata_is_taken_from_the_text(seeded):
    focus = Article.objects.get(origin__startswith="004")
    assert focus.source.name == "Фокус"
    assert focus.published_at.isoformat() == "2025-01-08T21:41:00+00:00"
    assert focus.upstream_source.domains.get().domain == "barrons.com"
    defence = Article.objects.get(origin__startswith="003")
    assert defence.byline == "Hammad Saeed"
    assert defence.title.startswith("Putin makes an unannounced visit to Kursk")
    assert Article.objects.get(origin__startswith="001").source.name == "infobud.news"


def test_committed_fixture_matches_its_spec():
    out = StringIO()
    call_command("build_seed_fixture", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_load_seed_loads_only_into_an_empty_database(db):
    out = StringIO()
    call_command("load_seed", stdout=out)
    call_command("load_seed", stdout=out)
    assert Article.objects.count() == 5
    assert "nothing loaded" in out.getvalue()


def test_every_seeded_object_with_history_has_one_created_record_with_its_tags(db):
    call_command("load_seed", stdout=StringIO())

    tracked = [Article, Claim, Source, SourceRating]
    for model in tracked:
        assert model.objects.exists()
        for obj in model.objects.all():
            records = list(obj.history.all())
            assert [(r.history_type, r.history_change_reason) for r in records] == [
                ("+", "seed")
            ], (model.__name__, obj.pk)
    tagged = [claim for claim in Claim.objects.all() if claim.tags.exists()]
    assert tagged
    for claim in tagged:
        recorded = {row.tag_id for row in claim.history.get().tags.all()}
        assert recorded == set(claim.tags.values_list("pk", flat=True))


def test_clean_seed_body_cuts_lines_and_tail_but_keeps_words():
    raw = (
        "Title here\n\nNo time to read?\nGet a summary\n\n"
        "Body with a typo: frist.\n\n\nMore.\nPrevious Article\nOther"
    )
    title, body = clean_seed_body(
        raw, cut_lines=["No time to read?", "Get  a summary"], cut_from="Previous Article"
    )
    assert title == "Title here"
    assert body == "Body with a typo: frist.\n\nMore."


def test_clean_seed_body_refuses_rules_that_do_not_match():
    with pytest.raises(SeedSpecError, match="cut_lines not found"):
        clean_seed_body("Title\nBody", cut_lines=["Subscribe"])
    with pytest.raises(SeedSpecError, match="cut_from"):
        clean_seed_body("Title\nBody", cut_from="Related Posts")


def test_find_span_counts_occurrences_and_reports_missing_quotes():
    body = "Кursk — 430 captured; later 430 captured again 🙂"
    first = find_span(body, "430 captured")
    second = find_span(body, "430 captured", occurrence=2)
    assert body[slice(*first)] == body[slice(*second)] == "430 captured"
    assert second[0] > first[0]
    with pytest.raises(SeedSpecError):
        find_span(body, "86%")


def test_build_command_reports_a_spec_that_does_not_fit(tmp_path):
    spec = (FIXTURES / "seed_spec.toml").read_text(encoding="utf-8")
    broken = tmp_path / "spec.toml"
    broken.write_text(spec.replace("Supportive | 45%", "Supportive | 99%"), encoding="utf-8")
    with pytest.raises(CommandError, match="quote not found"):
        call_command("build_seed_fixture", "--spec", broken, "--output", tmp_path / "out.json")
