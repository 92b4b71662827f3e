"""factory_boy factories for the domain models: valid objects with the fewest words."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import models
from articles.services.claims import sentence_hash


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag

    name = factory.Sequence(lambda n: f"topic:tag {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    country = "GB"
    language = "en"


class SourceDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourceDomain

    source = factory.SubFactory(SourceFactory)
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class SourceAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourceAlias

    source = factory.SubFactory(SourceFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class SourceRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourceRating

    source = factory.SubFactory(SourceFactory)
    grade = "B"
    rationale = "Corrects errors openly; named reporters."
    rated_by = factory.SubFactory(UserFactory)


class RatingProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RatingProposal

    source = factory.SubFactory(SourceFactory)
    grade = "C"
    rationale = "Two corrections this year; ownership not disclosed."
    proposed_by = factory.SubFactory(UserFactory)


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ImportBatch

    via = models.ImportVia.COMMAND
    description = "import_articles feeds/"
    started_by = factory.SubFactory(UserFactory)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    source = factory.SubFactory(SourceFactory)
    title = factory.Sequence(lambda n: f"Article number {n}")
    url = factory.Sequence(lambda n: f"https://news.example/story/{n}")
    origin = factory.LazyAttribute(lambda a: a.url)
    published_at = factory.LazyFunction(timezone.now)
    raw = factory.LazyAttribute(lambda a: f"{a.title}\n\n{a.body}")
    body = "Officials said on Monday that 430 soldiers had been captured near the border."
    language = "en"


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DuplicateCandidate

    article_a = factory.SubFactory(ArticleFactory)
    article_b = factory.SubFactory(ArticleFactory)
    similarity = 0.8
    method = "minhash-jaccard"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim

    text = factory.Sequence(lambda n: f"Russia captured {n} Ukrainian soldiers")
    claim_type = models.ClaimType.QUANTITY


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appearance

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda a: len(a.article.body))
    exact = factory.LazyAttribute(lambda a: a.article.body[a.start : a.end])
    claimant = "Officials"
    verb = "said"


class ClaimLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClaimLink

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    relation = models.LinkRelation.CORROBORATES


class SuggestionDismissalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SuggestionDismissal

    article = factory.SubFactory(ArticleFactory)
    text = factory.Sequence(lambda n: f"Officials said {n} soldiers were captured.")
    text_hash = factory.LazyAttribute(lambda d: sentence_hash(d.text))
    dismissed_by = factory.SubFactory(UserFactory)


class SavedViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SavedView

    user = factory.SubFactory(UserFactory)
    list_name = models.SavedList.ARTICLES
    name = factory.Sequence(lambda n: f"My view {n}")
    query = "status=new"
