"""The database itself refuses inconsistent rows: offsets, pairs, links, uniqueness and every
enumerated field. Each refusal is checked inside its own savepoint so the test transaction
survives it on PostgreSQL as on SQLite."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from simple_history.models import HistoricalChanges

from articles.models import Appearance, Article, ClaimLink, DuplicateCandidate, Tag
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    DuplicateCandidateFactory,
    ImportBatchFactory,
    RatingProposalFactory,
    SavedViewFactory,
    SourceRatingFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused():
    """Expect the database to refuse the write made inside the block."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# Appearance offsets


def test_appearance_with_start_before_end_is_accepted():
    appearance = AppearanceFactory(start=0, end=8)
    assert Appearance.objects.filter(pk=appearance.pk).exists()


def test_appearance_with_start_equal_to_end_is_refused():
    with refused():
        AppearanceFactory(start=5, end=5)


def test_appearance_with_start_after_end_is_refused():
    with refused():
        AppearanceFactory(start=9, end=4)


def test_appearance_with_negative_start_is_refused():
    appearance = AppearanceFactory(start=0, end=8)
    with refused():
        Appearance.objects.filter(pk=appearance.pk).update(start=-1)


# Duplicate candidates


def _ordered_pair() -> tuple[Article, Article]:
    first, second = ArticleFactory(), ArticleFactory()
    return (first, second) if first.pk < second.pk else (second, first)


def test_duplicate_candidate_pair_is_stored_once():
    smaller, larger = _ordered_pair()
    DuplicateCandidateFactory(article_a=smaller, article_b=larger)
    with refused():
        DuplicateCandidateFactory(article_a=smaller, article_b=larger)


def test_duplicate_candidate_with_larger_id_first_is_refused():
    smaller, larger = _ordered_pair()
    with refused():
        DuplicateCandidateFactory(article_a=larger, article_b=smaller)


def test_article_is_not_a_duplicate_candidate_of_itself():
    article = ArticleFactory()
    with refused():
        DuplicateCandidateFactory(article_a=article, article_b=article)


@pytest.mark.parametrize("similarity", [-0.1, 1.01])
def test_duplicate_candidate_similarity_outside_zero_to_one_is_refused(similarity):
    smaller, larger = _ordered_pair()
    with refused():
        DuplicateCandidateFactory(article_a=smaller, article_b=larger, similarity=similarity)


@pytest.mark.parametrize("containment", [-0.1, 1.01])
def test_duplicate_candidate_containment_outside_zero_to_one_is_refused(containment):
    smaller, larger = _ordered_pair()
    with refused():
        DuplicateCandidateFactory(article_a=smaller, article_b=larger, containment=containment)


def test_duplicate_candidate_canonical_must_be_one_of_the_pair():
    smaller, larger = _ordered_pair()
    DuplicateCandidateFactory(article_a=smaller, article_b=larger, canonical=larger)
    other = ArticleFactory()
    with refused():
        DuplicateCandidate.objects.filter(article_a=smaller).update(canonical=other)


# Claim links


def test_claim_cannot_link_to_itself():
    claim = ClaimFactory()
    with refused():
        ClaimLinkFactory(from_claim=claim, to_claim=claim)


def test_claim_link_with_same_claims_and_relation_is_refused():
    link = ClaimLinkFactory(relation="corroborates")
    with refused():
        ClaimLinkFactory(
            from_claim=link.from_claim, to_claim=link.to_claim, relation="corroborates"
        )


def test_same_claims_may_be_linked_by_another_relation():
    link = ClaimLinkFactory(relation="corroborates")
    ClaimLinkFactory(from_claim=link.from_claim, to_claim=link.to_claim, relation="refines")
    assert ClaimLink.objects.filter(from_claim=link.from_claim).count() == 2


# Articles


def test_article_url_is_unique_when_present():
    ArticleFactory(url="https://news.example/once")
    with refused():
        ArticleFactory(url="https://news.example/once")


def test_many_articles_may_have_no_url():
    ArticleFactory.create_batch(3, url="", origin="upload.txt")
    assert Article.objects.filter(url="").count() == 3


def test_article_cannot_be_a_duplicate_of_itself():
    article = ArticleFactory()
    with refused():
        Article.objects.filter(pk=article.pk).update(duplicate_of=article)


# Tags


def test_tag_names_are_unique_regardless_of_case():
    TagFactory(name="place:Kursk")
    with refused():
        TagFactory(name="PLACE:kursk")


def test_tag_name_cannot_be_empty():
    with refused():
        TagFactory(name="")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("place:Kursk", "place:Kursk"),
        ("  Place :  Kursk ", "place:Kursk"),
        ("PLACE:Kursk", "place:Kursk"),
        ("topic : Prisoner   exchange", "topic:Prisoner exchange"),
        ("Kursk", "Kursk"),
        ("  New \t York\n", "New York"),
        ("person:Jean:Claude", "person:Jean:Claude"),
        (":Kursk", ":Kursk"),
        ("place:", "place:"),
        ("   ", ""),
        ("", ""),
    ],
)
def test_tag_normalise(given, stored):
    assert Tag.normalise(given) == stored


# Enumerated fields: choices alone do not constrain the table, CheckConstraints do.

INVALID_CHOICES = [
    (SourceRatingFactory, "grade", "Z"),
    (RatingProposalFactory, "grade", "Z"),
    (RatingProposalFactory, "status", "bogus"),
    (ArticleFactory, "status", "bogus"),
    (ClaimFactory, "credibility", 7),
    (ClaimFactory, "credibility", 0),
    (ClaimFactory, "claim_type", "bogus"),
    (ClaimFactory, "status", "bogus"),
    (ClaimFactory, "best_grade", "Z"),
    (DuplicateCandidateFactory, "status", "bogus"),
    (DuplicateCandidateFactory, "proposal", "bogus"),
    (AppearanceFactory, "anchor_status", "bogus"),
    (ClaimLinkFactory, "relation", "bogus"),
    (ImportBatchFactory, "via", "bogus"),
    (SavedViewFactory, "list_name", "claim-detail"),
]


@pytest.mark.parametrize(
    ("factory", "field", "bogus"),
    [
        pytest.param(*case, id=f"{case[0]._meta.model.__name__}.{case[1]}={case[2]}")
        for case in INVALID_CHOICES
    ],
)
def test_enumerated_field_refuses_a_value_outside_its_choices(factory, field, bogus):
    obj = factory()
    with refused():
        type(obj).objects.filter(pk=obj.pk).update(**{field: bogus})


def test_every_enumerated_field_is_checked_above():
    """A new field with choices must get a CheckConstraint and a row in INVALID_CHOICES."""
    enumerated = {
        (model, field.name)
        for model in apps.get_app_config("articles").get_models()
        if not issubclass(model, HistoricalChanges)
        for field in model._meta.concrete_fields
        if field.choices
    }
    checked = {(factory._meta.model, field) for factory, field, _ in INVALID_CHOICES}
    assert enumerated == checked


# Source ratings


def test_source_rating_without_rationale_is_refused():
    with refused():
        SourceRatingFactory(rationale="")


def test_rating_proposal_without_rationale_is_refused():
    with refused():
        RatingProposalFactory(rationale="")
