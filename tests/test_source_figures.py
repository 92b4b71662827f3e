"""Each source's stored track record (`n_articles`, `n_claims`, `n_flagged`) is what a fresh
count says after every change that can alter it: annotating, removing an appearance,
changing a credibility, linking and merging claims, merging sources, importing, the admin's
saves and deletions, the seed fixture and the migration that filled in existing sources."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from articles.models import (
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    Credibility,
    LinkRelation,
    Source,
)
from articles.services.bulk import CLAIMS, SET_STATUS, apply_bulk_action
from articles.services.claims import (
    annotate,
    link_claims,
    refresh_source_stats,
    remove_appearance,
    update_claim,
)
from articles.services.imports import import_paths
from articles.services.sources import merge_sources
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    SourceFactory,
)
from tests.test_admin_article_edit import change_form_data

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
BODY = "Officials said on Monday that 430 soldiers had been captured near the border."


def expected_figures() -> dict[int, tuple[int, int, int]]:
    """Every source's track record counted the slow way, in Python, from the rows
    themselves: its articles; the distinct claims appearing in them; those of the claims
    rated 5 or 6 or at either end of a "contradicts" link."""
    contradicted = {
        end
        for pair in ClaimLink.objects.filter(relation=LinkRelation.CONTRADICTS).values_list(
            "from_claim", "to_claim"
        )
        for end in pair
    }
    credibility = dict(Claim.objects.values_list("pk", "credibility"))
    flagged = {
        pk
        for pk, grade in credibility.items()
        if grade in (Credibility.IMPROBABLE, Credibility.UNJUDGED) or pk in contradicted
    }
    figures = {}
    for source in Source.objects.all():
        articles = Article.objects.filter(source=source).count()
        claims = set(
            Appearance.objects.filter(article__source=source).values_list("claim", flat=True)
        )
        figures[source.pk] = (articles, len(claims), len(claims & flagged))
    return figures


def stored_figures() -> dict[int, tuple[int, int, int]]:
    rows = Source.objects.values_list("pk", "n_articles", "n_claims", "n_flagged")
    return {pk: tuple(figures) for pk, *figures in rows}


def assert_current() -> None:
    """The stored figures of every source are what a fresh count gives."""
    assert stored_figures() == expected_figures()


def figures(source: Source) -> tuple[int, int, int]:
    return stored_figures()[source.pk]


def mark(article: Article, word: str, *, by, claim: Claim | None = None, **options):
    """Annotate `word` of the article's body (`BODY`)."""
    start = BODY.index(word)
    return annotate(
        article=article, start=start, end=start + len(word), claim=claim, by=by, **options
    )


@pytest.fixture
def two_sources():
    """Two sources with two articles each (bodies `BODY`), figures current and all zero
    but the articles."""
    wire, blog = SourceFactory(name="Wire"), SourceFactory(name="Blog")
    for source in (wire, blog):
        ArticleFactory.create_batch(2, source=source, body=BODY)
    refresh_source_stats(sources=[wire.pk, blog.pk])
    return wire, blog


def first_article(source: Source) -> Article:
    return source.articles.order_by("pk").first()


def second_article(source: Source) -> Article:
    return source.articles.order_by("pk").last()


# --- The refresh itself ---------------------------------------------------------------------


def test_the_refresh_counts_articles_distinct_claims_and_flagged_claims():
    wire, blog, silent = SourceFactory(), SourceFactory(), SourceFactory()
    first, second = ArticleFactory(source=wire), ArticleFactory(source=wire)
    ArticleFactory(source=wire, duplicate_of=first)  # copies count among the articles
    both = ClaimFactory(credibility=Credibility.IMPROBABLE)
    AppearanceFactory(article=first, claim=both)
    AppearanceFactory(article=second, claim=both)  # one claim, counted once
    plain, contradicted = ClaimFactory(credibility=2), ClaimFactory(credibility=2)
    AppearanceFactory(article=first, claim=plain)
    AppearanceFactory(article=ArticleFactory(source=blog), claim=contradicted)
    ClaimLinkFactory(from_claim=plain, to_claim=contradicted, relation=LinkRelation.CONTRADICTS)

    assert refresh_source_stats(sources=[wire.pk, blog.pk, silent.pk]) == 3

    assert figures(wire) == (3, 2, 2)
    assert figures(blog) == (1, 1, 1)
    assert figures(silent) == (0, 0, 0)
    assert_current()


def test_the_refresh_reaches_sources_through_claims_and_articles_and_only_them():
    wire, blog, other = SourceFactory(), SourceFactory(), SourceFactory()
    claim = ClaimFactory(credibility=Credibility.UNJUDGED)
    AppearanceFactory(article=ArticleFactory(source=wire), claim=claim)
    blog_article = ArticleFactory(source=blog)
    ArticleFactory(source=other)

    assert refresh_source_stats(claims=[claim.pk]) == 1
    assert figures(wire) == (1, 1, 1) and figures(blog) == (0, 0, 0)
    assert refresh_source_stats(articles=[blog_article.pk]) == 1
    assert figures(blog) == (1, 0, 0) and figures(other) == (0, 0, 0)
    assert refresh_source_stats() == 0


def test_only_articles_recounts_the_articles_and_nothing_else():
    source = SourceFactory()
    AppearanceFactory(article=ArticleFactory(source=source))

    refresh_source_stats(sources=[source.pk], only_articles=True)

    assert figures(source) == (1, 0, 0)


def test_the_refresh_is_one_statement_whatever_the_number_of_sources(
    django_assert_num_queries,
):
    sources = [SourceFactory() for _ in range(5)]
    claim = ClaimFactory()
    for source in sources:
        AppearanceFactory(article=ArticleFactory(source=source), claim=claim)

    with django_assert_num_queries(1):
        refresh_source_stats(sources=[s.pk for s in sources], claims=[claim.pk], articles=[1])
    assert_current()


# --- Every service that changes what the figures count --------------------------------------


def test_annotating_counts_the_new_claim_and_an_existing_one(two_sources, analyst, editor):
    wire, blog = two_sources

    appearance = mark(first_article(wire), "soldiers", by=editor, credibility=5, text="Claim")
    assert figures(wire) == (2, 1, 1)
    mark(first_article(blog), "Monday", by=analyst, claim=appearance.claim)
    assert figures(blog) == (2, 1, 1)
    mark(first_article(blog), "border", by=analyst, text="Another")
    assert figures(blog) == (2, 2, 2)  # a new claim by an Analyst is not yet judged: 6
    assert_current()


def test_removing_an_appearance_uncounts_the_claim_where_it_no_longer_appears(two_sources, editor):
    wire, blog = two_sources
    first = mark(first_article(wire), "soldiers", by=editor, text="Claim", credibility=2)
    second = mark(second_article(wire), "Monday", by=editor, claim=first.claim)
    mark(first_article(blog), "border", by=editor, claim=first.claim)

    remove_appearance(appearance=first, by=editor)
    assert figures(wire) == (2, 1, 0)  # still in the second article
    remove_appearance(appearance=second, by=editor)
    assert figures(wire) == (2, 0, 0)
    assert figures(blog) == (2, 1, 0)
    assert_current()


def test_a_change_of_credibility_flags_or_clears_the_claim_in_every_source(two_sources, editor):
    wire, blog = two_sources
    claim = mark(first_article(wire), "soldiers", by=editor, text="Claim", credibility=2).claim
    mark(first_article(blog), "soldiers", by=editor, claim=claim)
    assert (figures(wire), figures(blog)) == ((2, 1, 0), (2, 1, 0))

    claim = update_claim(
        claim=claim,
        version=claim.version,
        by=editor,
        credibility=Credibility.IMPROBABLE,
        credibility_rationale="Contradicted by the footage.",
    )
    assert (figures(wire), figures(blog)) == ((2, 1, 1), (2, 1, 1))

    update_claim(
        claim=claim,
        version=claim.version,
        by=editor,
        credibility=Credibility.PROBABLE,
        credibility_rationale="The footage was misdated.",
    )
    assert (figures(wire), figures(blog)) == ((2, 1, 0), (2, 1, 0))
    assert_current()


def test_a_contradiction_flags_both_claims_and_a_corroboration_neither(two_sources, editor):
    wire, blog = two_sources
    one = mark(first_article(wire), "soldiers", by=editor, text="One", credibility=2).claim
    two = mark(first_article(blog), "soldiers", by=editor, text="Two", credibility=2).claim

    link_claims(from_claim=one, to_claim=two, relation=LinkRelation.CORROBORATES, by=editor)
    assert (figures(wire), figures(blog)) == ((2, 1, 0), (2, 1, 0))
    link_claims(from_claim=two, to_claim=one, relation=LinkRelation.CONTRADICTS, by=editor)
    assert (figures(wire), figures(blog)) == ((2, 1, 1), (2, 1, 1))
    assert_current()


def test_merging_claims_counts_the_merged_pair_once(two_sources, editor):
    wire, blog = two_sources
    keep = mark(first_article(wire), "soldiers", by=editor, text="Kept", credibility=2).claim
    other = mark(second_article(wire), "Monday", by=editor, text="Merged", credibility=6).claim
    mark(first_article(blog), "border", by=editor, claim=other)
    third = mark(first_article(blog), "soldiers", by=editor, text="Third", credibility=2).claim
    link_claims(from_claim=other, to_claim=third, relation=LinkRelation.CONTRADICTS, by=editor)
    assert (figures(wire), figures(blog)) == ((2, 2, 1), (2, 2, 2))

    link_claims(from_claim=keep, to_claim=other, relation=LinkRelation.SAME_AS, by=editor)

    # The kept claim (credibility 2) now carries the merged one's contradiction.
    assert (figures(wire), figures(blog)) == ((2, 1, 1), (2, 2, 2))
    assert_current()


def test_merging_sources_adds_up_their_figures_in_the_one_kept(two_sources, editor):
    wire, blog = two_sources
    shared = mark(first_article(wire), "soldiers", by=editor, text="Shared", credibility=5).claim
    mark(first_article(blog), "soldiers", by=editor, claim=shared)
    mark(first_article(blog), "border", by=editor, text="Blog only", credibility=2)

    merge_sources(keep=wire, merge=[blog], by=editor)

    assert figures(wire) == (4, 2, 1)
    assert_current()


def test_bulk_status_changes_leave_the_figures_current(two_sources, editor):
    wire, _ = two_sources
    mark(first_article(wire), "soldiers", by=editor, text="Claim", credibility=6)

    apply_bulk_action(
        CLAIMS, Claim.objects.all(), SET_STATUS, by=editor, status=ClaimStatus.ARCHIVED
    )

    assert figures(wire) == (2, 1, 1)  # archived claims still count: the rule is the same
    assert_current()


def test_an_import_counts_the_new_articles_of_each_source():
    source = SourceFactory(name="Wire")
    ArticleFactory(source=source)
    refresh_source_stats(sources=[source.pk])

    report = import_paths([SEEDS])
    import_paths([SEEDS], source="Wire")

    assert report.imported == 5
    assert figures(source) == (6, 0, 0)
    assert_current()


# --- The admin ------------------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:articles_{model._meta.model_name}_{view}", args=args)


def post_change(client, obj, **changes) -> None:
    url = admin_url(type(obj), "change", obj.pk)
    data = change_form_data(client.get(url)) | changes
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def post_delete(client, obj) -> None:
    response = client.post(admin_url(type(obj), "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302


def delete_selected(client, model, objs) -> None:
    data = {"action": "delete_selected", "_selected_action": [o.pk for o in objs], "post": "yes"}
    assert client.post(admin_url(model, "changelist"), data).status_code == 302


@pytest.fixture
def marked(two_sources, editor):
    """A flagged claim in each source's first article, and a plain one in the wire's."""
    wire, blog = two_sources
    flagged = mark(first_article(wire), "soldiers", by=editor, text="Flagged", credibility=5)
    mark(first_article(blog), "soldiers", by=editor, claim=flagged.claim)
    plain = mark(first_article(wire), "border", by=editor, text="Plain", credibility=2)
    return wire, blog, flagged, plain


def test_moving_an_article_to_another_source_in_the_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked

    post_change(superuser_client, first_article(wire), source=blog.pk)

    assert (figures(wire), figures(blog)) == ((1, 0, 0), (3, 2, 1))
    assert_current()


def test_an_inline_appearance_moved_to_another_claim_in_the_article_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked
    article = first_article(blog)
    url = admin_url(Article, "change", article.pk)
    data = change_form_data(superuser_client.get(url))
    (field,) = [name for name, value in data.items() if name.endswith("-claim")]
    data[field] = plain.claim_id

    assert superuser_client.post(url, data).status_code == 302

    assert Claim.objects.get(pk=plain.claim_id).n_appearances == 2
    assert Claim.objects.get(pk=flagged.claim_id).n_appearances == 1
    assert figures(blog) == (2, 1, 0)
    assert_current()


def test_deleting_articles_in_the_admin(superuser_client, marked):
    wire, blog, *_ = marked

    post_delete(superuser_client, second_article(blog))
    assert figures(blog) == (1, 1, 1)
    delete_selected(superuser_client, Article, [second_article(wire)])
    assert figures(wire) == (1, 2, 1)
    assert_current()


def test_a_credibility_changed_in_the_claim_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked

    post_change(superuser_client, plain.claim, credibility=Credibility.UNJUDGED)

    assert figures(wire) == (2, 2, 2)
    assert_current()


def test_deleting_claims_in_the_admin_uncounts_them_and_their_contradictions(
    superuser_client, marked, editor
):
    wire, blog, flagged, plain = marked
    other = mark(first_article(blog), "border", by=editor, text="Other", credibility=2).claim
    link_claims(from_claim=other, to_claim=plain.claim, relation="contradicts", by=editor)
    assert figures(blog) == (2, 2, 2)

    post_delete(superuser_client, plain.claim)
    assert (figures(wire), figures(blog)) == ((2, 1, 1), (2, 2, 1))
    delete_selected(superuser_client, Claim, [flagged.claim])
    assert (figures(wire), figures(blog)) == ((2, 0, 0), (2, 1, 0))
    assert_current()


def test_an_appearance_moved_to_another_article_in_the_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked

    post_change(superuser_client, plain, article=first_article(blog).pk)

    assert (figures(wire), figures(blog)) == ((2, 1, 1), (2, 2, 1))
    assert Claim.objects.get(pk=plain.claim_id).n_appearances == 1
    assert_current()


def test_deleting_appearances_in_the_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked

    post_delete(superuser_client, plain)
    assert figures(wire) == (2, 1, 1)
    delete_selected(superuser_client, Appearance, [flagged])
    assert figures(wire) == (2, 0, 0)
    assert Claim.objects.get(pk=flagged.claim_id).n_appearances == 1
    assert_current()


def test_links_added_changed_and_deleted_in_the_admin(superuser_client, marked):
    wire, blog, flagged, plain = marked
    blog_claim = ClaimFactory(credibility=2)
    AppearanceFactory(article=first_article(blog), claim=blog_claim, start=0, end=9)
    refresh_source_stats(sources=[blog.pk])

    response = superuser_client.post(
        admin_url(ClaimLink, "add"),
        {"from_claim": plain.claim_id, "to_claim": blog_claim.pk, "relation": "contradicts"},
    )
    assert response.status_code == 302
    assert (figures(wire), figures(blog)) == ((2, 2, 2), (2, 2, 2))

    link = ClaimLink.objects.get()
    post_change(superuser_client, link, relation=LinkRelation.REFINES)
    assert (figures(wire), figures(blog)) == ((2, 2, 1), (2, 2, 1))

    post_change(superuser_client, link, relation=LinkRelation.CONTRADICTS)
    post_delete(superuser_client, link)
    assert (figures(wire), figures(blog)) == ((2, 2, 1), (2, 2, 1))

    link = ClaimLinkFactory(
        from_claim=plain.claim, to_claim=blog_claim, relation=LinkRelation.CONTRADICTS
    )
    refresh_source_stats(claims=[plain.claim_id])
    delete_selected(superuser_client, ClaimLink, [link])
    assert_current()


# --- The list, the page and the export read the stored figures ------------------------------


def test_the_list_page_and_export_show_what_the_services_stored(viewer_client, marked):
    wire, *_ = marked

    listing = viewer_client.get(reverse("source-list"), {"sort": "-claims"}).content.decode()
    page = viewer_client.get(reverse("source-detail", args=[wire.pk])).content.decode()
    export = viewer_client.get(reverse("source-export"), {"sort": "-claims"})
    rows = b"".join(export.streaming_content).decode().splitlines()

    assert listing.index(">Wire</a>") < listing.index(">Blog</a>")
    assert '<td class="col-track_record">50% (1 of 2)</td>' in listing
    assert '<dd data-count="claims">2</dd>' in page
    assert any(row.startswith(f"{wire.pk},Wire,") and row.endswith(",2,2,1") for row in rows)


# --- Existing sources: the seed fixture and the migration -----------------------------------


def test_the_seed_fixtures_source_figures_are_what_the_service_computes():
    call_command("loaddata", "seed", verbosity=0)
    stored = stored_figures()
    assert sum(n_flagged for _, _, n_flagged in stored.values()) > 0

    assert refresh_source_stats(sources=list(stored)) == len(stored)

    assert stored_figures() == stored == expected_figures()


def test_the_migration_fills_in_the_figures_of_existing_sources():
    call_command("loaddata", "seed", verbosity=0)
    expected = expected_figures()
    Source.objects.update(n_articles=0, n_claims=0, n_flagged=0)
    migration = importlib.import_module("articles.migrations.0010_source_track_record")

    migration.fill_source_figures(apps, None)

    assert stored_figures() == expected
