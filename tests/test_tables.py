"""The lists' tables render most cells straight from the record (`ListTable.rows_html`
calling each column's `cell`) instead of through django-tables2's generic cell. The two
must agree, cell for cell, including empty values, choice labels and hostile text."""

import django_tables2.utils
import pytest
from django.test import RequestFactory

from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimStatus,
    Credibility,
    DuplicateCandidate,
    DuplicateStatus,
    Proposal,
)
from articles.tables import ArticleTable, ClaimTable, DuplicateTable
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    DuplicateCandidateFactory,
    SourceRatingFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


def fast_and_generic(table) -> list[tuple[str, object, object]]:
    """(column, what its `cell` renders, what django-tables2's cell renders) for every
    column that has a `cell`, on every row of the table's first page."""
    table.paginate(per_page=50)
    compared = []
    for row in table.paginated_rows:
        for bound in table.columns:
            if cell := getattr(bound.column, "cell", None):
                compared.append(
                    (bound.name, cell(table, bound.name, row.record), row.get_cell(bound.name))
                )
    return compared


def assert_same(compared) -> None:
    assert compared
    for name, fast, generic in compared:
        assert str(fast) == str(generic), name


def test_claim_cells_are_rendered_as_django_tables2_would(editor):
    unrated = ClaimFactory(text=HOSTILE, credibility=Credibility.IMPROBABLE)
    rated = ClaimFactory(status=ClaimStatus.REVIEWED, best_grade="B")
    rated.tags.add(TagFactory(name=f"topic:{HOSTILE}"))
    AppearanceFactory(claim=rated, claimant="Officials")
    AppearanceFactory(claim=unrated)

    compared = fast_and_generic(ClaimTable(Claim.objects.for_list()))

    assert_same(compared)
    assert {name for name, _, _ in compared} >= {"text", "credibility", "status", "tags"}
    assert any(fast == "5 – Improbable" for name, fast, _ in compared if name == "credibility")


def test_article_cells_are_rendered_as_django_tables2_would():
    canonical = ArticleFactory(title=HOSTILE, status=ArticleStatus.REVIEWED)
    ArticleFactory(duplicate_of=canonical, published_at=None)
    ArticleFactory(title="")
    SourceRatingFactory(source=canonical.source, grade="C")

    compared = fast_and_generic(ArticleTable(Article.objects.for_list()))

    assert_same(compared)
    published = [fast for name, fast, _ in compared if name == "published"]
    assert "—" in published  # the undated copy: the table's default, as django-tables2 shows


def test_duplicate_cells_are_rendered_as_django_tables2_would(analyst):
    DuplicateCandidateFactory(status=DuplicateStatus.PENDING)
    DuplicateCandidateFactory(
        status=DuplicateStatus.PENDING, proposal=Proposal.CONFIRM, proposed_by=analyst
    )
    DuplicateCandidateFactory(status=DuplicateStatus.REJECTED)

    table = DuplicateTable(DuplicateCandidate.objects.for_list())

    assert_same(fast_and_generic(table))


def test_render_signatures_are_remembered_per_function_without_self():
    """Installed at startup: django-tables2 asks once per render method, and a method bound
    to another table gets the same answer (its arguments, never `self`)."""
    request = RequestFactory().get("/")
    one, two = ClaimTable([], request=request), ClaimTable([], request=request)

    assert getattr(django_tables2.utils.signature, "remembers", False)
    assert django_tables2.utils.signature(one.render_tags) == (("record",), None)
    assert django_tables2.utils.signature(two.render_tags) == (("record",), None)
