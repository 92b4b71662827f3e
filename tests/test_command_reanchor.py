"""`manage.py reanchor`: re-finds every appearance in its article's current body."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import AnchorStatus, Appearance
from articles.selectors import unanchored_appearances
from tests.factories import AppearanceFactory, ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "Officials said on Monday that 430 soldiers had been captured near the border."


def appearance_of(article, quote: str) -> Appearance:
    start = article.body.index(quote)
    return AppearanceFactory(
        article=article,
        start=start,
        end=start + len(quote),
        exact=quote,
        prefix=article.body[max(0, start - 32) : start],
        suffix=article.body[start + len(quote) : start + len(quote) + 32],
    )


def run(*args) -> str:
    out = StringIO()
    call_command("reanchor", *args, stdout=out)
    return out.getvalue()


def test_reanchor_reports_and_stores_each_outcome():
    moved_in = ArticleFactory(body=BODY)
    moved = appearance_of(moved_in, "430 soldiers")
    gone_from = ArticleFactory(body=BODY)
    gone = appearance_of(gone_from, "captured near the border")
    kept = appearance_of(ArticleFactory(body=BODY), "Officials said")
    # Bodies edited outside reclean: one quote shifted, one deleted.
    type(moved_in).objects.filter(pk=moved_in.pk).update(body="UPDATE: " + BODY)
    type(gone_from).objects.filter(pk=gone_from.pk).update(body="A wholly different report.")

    output = run()

    assert "re-anchored appearances in 3 articles: exact 1, moved 1, fuzzy 0, orphaned 1" in output
    moved.refresh_from_db()
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.anchor_status, moved.start) == (AnchorStatus.MOVED, BODY.index("430") + 8)
    assert gone.anchor_status == AnchorStatus.ORPHANED
    assert kept.anchor_status == AnchorStatus.EXACT
    # The orphan waits on the dashboard's list of anchors to check.
    assert [a.pk for a in unanchored_appearances()] == [gone.pk]


def test_reanchor_can_be_limited_to_articles_and_refuses_unknown_ones():
    article = ArticleFactory(body=BODY)
    appearance_of(article, "430 soldiers")
    assert "in 1 articles" in run("--article", str(article.pk))
    with pytest.raises(CommandError, match="no article with id"):
        run("--article", "999999")
