"""Bulk updates keep the tags in their history records: simple-history's bulk path wrote
the records without the snapshot of the tracked tags, so they showed tagged articles and
claims with none, and reverting to one dropped the tags."""

import pytest

from articles.models import ArticleStatus, Claim, ClaimStatus
from articles.roles import EDITORS
from articles.services.bulk import ARTICLES, CLAIMS, apply_bulk_action
from articles.services.cleaning import update_bodies
from articles.services.duplicates import _point
from articles.services.history import bulk_update_with_history
from tests.factories import ArticleFactory, ClaimFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def tags_recorded(record) -> set[str]:
    return {row.tag.name for row in record.tags.all()}


def test_a_body_updated_in_bulk_is_recorded_with_its_tags():
    tagged, plain = ArticleFactory(body="Old text."), ArticleFactory(body="Old text too.")
    tagged.tags.add(TagFactory(name="place:Kursk"), TagFactory(name="topic:energy"))

    update_bodies([(tagged, "New text."), (plain, "New text as well.")], reason="reclean")

    record = tagged.history.latest()
    assert (record.body, record.history_change_reason) == ("New text.", "reclean")
    assert tags_recorded(record) == {"place:Kursk", "topic:energy"}
    assert tags_recorded(plain.history.latest()) == set()
    # Reverting to the record keeps the tags.
    assert {t.name for t in record.instance.tags.all()} == {"place:Kursk", "topic:energy"}


def test_a_status_set_in_bulk_on_claims_and_articles_is_recorded_with_their_tags():
    editor = UserFactory(role=EDITORS)
    claim, article = ClaimFactory(), ArticleFactory()
    claim.tags.add(TagFactory(name="person:Zelensky"))
    article.tags.add(TagFactory(name="place:Odesa"))

    apply_bulk_action(
        CLAIMS, Claim.objects.filter(pk=claim.pk), "set_status", by=editor,
        status=ClaimStatus.REVIEWED,
    )  # fmt: skip
    apply_bulk_action(
        ARTICLES, type(article).objects.filter(pk=article.pk), "set_status", by=editor,
        status=ArticleStatus.ARCHIVED,
    )  # fmt: skip

    claim_record, article_record = claim.history.latest(), article.history.latest()
    assert (claim_record.status, claim_record.history_user) == (ClaimStatus.REVIEWED, editor)
    assert tags_recorded(claim_record) == {"person:Zelensky"}
    assert article_record.status == ArticleStatus.ARCHIVED
    assert tags_recorded(article_record) == {"place:Odesa"}


def test_a_group_change_is_recorded_with_the_articles_tags():
    canonical, copy = ArticleFactory(), ArticleFactory()
    copy.tags.add(TagFactory(name="topic:grain"))

    assert _point({canonical.pk: None, copy.pk: canonical.pk}) == 1

    record = copy.history.latest()
    assert record.duplicate_of_id == canonical.pk
    assert tags_recorded(record) == {"topic:grain"}


def test_nothing_to_update_writes_nothing():
    assert bulk_update_with_history([], Claim, ["status"]) == 0
