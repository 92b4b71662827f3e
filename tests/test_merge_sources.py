"""Merging sources moves everything into the one kept and keeps the history."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Source, SourceAlias, SourceRating
from articles.services.ratings import propose_rating
from articles.services.sources import SourceResolver, merge_sources
from tests.factories import (
    ArticleFactory,
    SourceAliasFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceRatingFactory,
)

pytestmark = pytest.mark.django_db


def test_merge_moves_articles_ratings_domains_and_aliases_and_keeps_history(editor, analyst):
    keep = SourceFactory(name="Focus", boilerplate=["subscribe"])
    twin = SourceFactory(name="Фокус", boilerplate=["share this"])
    old = SourceRatingFactory(source=keep, grade="C")
    twin_rating = SourceRatingFactory(source=twin, grade="B")
    SourceDomainFactory(source=twin, domain="focus.ua")
    SourceAliasFactory(source=twin, name="Focus magazine")
    article = ArticleFactory(source=twin)
    derived = ArticleFactory(upstream_source=twin)
    propose_rating(source=twin, grade="D", rationale="Unsigned pieces.", by=analyst)

    twin_id = twin.pk
    moved = merge_sources(keep=keep, merge=[twin], by=editor)

    assert moved["articles"] == 1 and moved["upstream"] == 1 and moved["ratings"] == 1
    assert not Source.objects.filter(pk=twin_id).exists()
    article.refresh_from_db()
    derived.refresh_from_db()
    assert article.source == keep and derived.upstream_source == keep
    assert set(keep.ratings.values_list("pk", flat=True)) == {old.pk, twin_rating.pk}
    assert keep.proposals.count() == 1
    assert list(keep.domains.values_list("domain", flat=True)) == ["focus.ua"]
    assert set(keep.aliases.values_list("name", flat=True)) == {"Focus magazine", "Фокус"}
    keep.refresh_from_db()
    assert keep.boilerplate == ["share this", "subscribe"]
    # History: the article's move, the rating's move and the deletion, with who and why.
    assert article.history.first().history_change_reason == "merged into Focus"
    assert SourceRating.history.filter(id=twin_rating.pk, source_id=keep.pk).exists()
    deleted = Source.history.filter(id=twin_id, history_type="-").get()
    assert deleted.history_user == editor
    # Future imports resolve the merged name, alias and domain to the source kept.
    resolver = SourceResolver()
    assert resolver.resolve(name="Фокус") == keep
    assert resolver.resolve(domain="focus.ua") == keep


def test_the_command_merges_by_name_and_refuses_unknown_or_self():
    keep, other = SourceFactory(name="Kyiv Wire"), SourceFactory(name="KyivWire")
    ArticleFactory(source=other)
    call_command("merge_sources", "kyiv wire", "KyivWire")
    assert Article.objects.get().source == keep
    assert SourceAlias.objects.filter(source=keep, name="KyivWire").exists()
    with pytest.raises(CommandError, match="no source named"):
        call_command("merge_sources", "Kyiv Wire", "Nowhere")
    with pytest.raises(CommandError, match="into itself"):
        call_command("merge_sources", "Kyiv Wire", "kyiv wire")
