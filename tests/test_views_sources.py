"""The source list (`/sources/`), the source page (`/sources/<id>/`) and its actions (rate,
propose, accept or reject a proposal): the track record, filters and sorting, a query count
that does not grow with the desk, the rating history and checklist, every role's
permissions, CSRF and escaping."""

import html as html_lib
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Claim,
    Credibility,
    LinkRelation,
    ProposalStatus,
    RatingProposal,
    ReliabilityGrade,
    Source,
    SourceRating,
)
from articles.services.claims import refresh_source_stats
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    RatingProposalFactory,
    SourceAliasFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceRatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("source-list")
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NAME_LINK = re.compile(r'<td class="col-name"><a href="/sources/\d+/">([^<]*)</a></td>')
ROW = re.compile(r"<tr>\s*(<td class=\"col-name\">.*?)</tr>", re.S)
CELL = re.compile(r'<td class="col-(\w+)">(.*?)</td>', re.S)
# Four criteria passed (22 + 18 + 12.5 + 10 = 62.5 points), one failed, four not assessed.
CHECKLIST_62_5 = {
    "false_content": {"pass": True, "note": "No false content found in 2024."},
    "responsible": {"pass": True, "note": ""},
    "corrections": {"pass": True, "note": "Corrections page"},
    "news_opinion": {"pass": False, "note": "Opinion pieces unlabelled"},
    "headlines": {"pass": True, "note": ""},
}


def at(moment: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(moment))


def page_url(source) -> str:
    return reverse("source-detail", args=[source.pk])


def rate_url(source) -> str:
    return reverse("source-rate", args=[source.pk])


def propose_url(source) -> str:
    return reverse("source-propose", args=[source.pk])


def decide_url(proposal) -> str:
    return reverse("source-proposal-decide", args=[proposal.source_id, proposal.pk])


def listed(client, **params) -> list[str]:
    """The source names the list shows for these query parameters, in order."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [html_lib.unescape(name) for name in NAME_LINK.findall(response.content.decode())]


def rows(client, **params) -> dict[str, dict[str, str]]:
    """Each listed source's cells, by source name and column name."""
    html = client.get(LIST, params).content.decode()
    table = {}
    for row in ROW.findall(html):
        cells = {name: value.strip() for name, value in CELL.findall(row)}
        table[html_lib.unescape(re.sub(r"<[^>]+>", "", cells["name"]))] = cells
    return table


def with_claims(source, *credibilities: int) -> list:
    """An article of `source` carrying one new claim per credibility given."""
    article = ArticleFactory(source=source)
    claims = []
    for credibility in credibilities:
        claim = ClaimFactory(credibility=credibility)
        AppearanceFactory(article=article, claim=claim)
        claims.append(claim)
    return claims


def refresh_all_sources() -> None:
    """Bring every source's stored track record up to date, as the services do: the data
    here is made with factories, past them."""
    refresh_source_stats(sources=Source.objects.values_list("pk", flat=True))


def rating_form(**overrides) -> dict:
    return {"grade": "B", "rationale": "Named reporters; corrects openly.", **overrides}


# --- The track record -----------------------------------------------------------------------


@pytest.fixture(params=["to", "from"])
def track_record(request):
    """A source with four claims: credibility 5, 6, 2 but contradicted (the link pointing
    to or from it, as parametrized), and a plain 2 that another claim only corroborates.
    The improbable claim appears in both of its articles."""
    wire = SourceFactory(name="Wire Agency")
    improbable, unjudged, contradicted, plain = with_claims(
        wire,
        Credibility.IMPROBABLE,
        Credibility.UNJUDGED,
        Credibility.PROBABLE,
        Credibility.PROBABLE,
    )
    AppearanceFactory(article=ArticleFactory(source=wire), claim=improbable)
    (elsewhere,) = with_claims(SourceFactory(name="Other Outlet"), Credibility.CONFIRMED)
    if request.param == "to":
        ClaimLinkFactory(
            from_claim=elsewhere, to_claim=contradicted, relation=LinkRelation.CONTRADICTS
        )
    else:
        ClaimLinkFactory(
            from_claim=contradicted, to_claim=elsewhere, relation=LinkRelation.CONTRADICTS
        )
    ClaimLinkFactory(from_claim=elsewhere, to_claim=plain, relation=LinkRelation.CORROBORATES)
    SourceFactory(name="Silent Outlet")
    refresh_all_sources()
    return wire


def test_the_track_record_is_the_share_of_claims_rated_5_or_6_or_contradicted(
    viewer_client, track_record
):
    table = rows(viewer_client)

    assert table["Wire Agency"]["track_record"] == "75% (3 of 4)"
    assert table["Wire Agency"]["claims"] == "4"  # the claim in both articles counts once
    assert table["Wire Agency"]["articles"] == "2"
    # A contradiction flags both of its claims, whichever way the link points.
    assert table["Other Outlet"]["track_record"] == "100% (1 of 1)"
    assert table["Silent Outlet"]["track_record"] == "—"
    assert table["Silent Outlet"]["claims"] == "0"


def test_the_source_page_shows_the_same_track_record(viewer_client, track_record):
    html = viewer_client.get(page_url(track_record)).content.decode()

    assert '<dd data-count="track-record">75% (3 of 4)</dd>' in html
    assert '<dd data-count="claims">4</dd>' in html
    assert '<dd data-count="articles">2</dd>' in html
    claims = html.split('id="claims-heading"')[1]
    assert claims.count("<tr><td>") == 4
    assert claims.count("Flagged (contradicted)") == 1
    assert claims.count("Flagged") == 3


# --- The list: what a row shows -------------------------------------------------------------


def test_a_row_shows_domains_country_language_grade_and_last_rating(viewer_client):
    wire = SourceFactory(name="Wire Agency", country="GB", language="en")
    SourceDomainFactory(source=wire, domain="wire.example")
    SourceDomainFactory(source=wire, domain="agency.example")
    SourceRatingFactory(source=wire, grade="D", rated_at=at("2024-01-01 10:00"))
    SourceRatingFactory(
        source=wire,
        grade="B",
        rated_at=at("2025-03-11 10:00"),
        rated_by=UserFactory(username="jane"),
    )
    SourceFactory(name="Nobody Knows", country="", language="")

    table = rows(viewer_client)

    wire_row, unrated_row = table["Wire Agency"], table["Nobody Knows"]
    assert wire_row["name"] == f'<a href="{page_url(wire)}">Wire Agency</a>'
    assert wire_row["domains"] == "agency.example, wire.example"
    assert (wire_row["country"], wire_row["language"]) == ("GB", "en")
    assert wire_row["grade"] == "B – Usually reliable"
    assert wire_row["last_rated"] == "2025-03-11 by jane"
    assert wire_row["unrated"] == ""
    assert unrated_row["grade"] == "Unrated"
    assert unrated_row["last_rated"] == "Never"
    assert unrated_row["domains"] == "—"
    assert unrated_row["unrated"] == '<span class="flag">Unrated</span>'


# --- The list: filters ----------------------------------------------------------------------


@pytest.fixture
def desk():
    """Four sources that differ in every filtered property."""
    alpha = SourceFactory(name="Alpha Wire", country="GB", language="en")
    SourceRatingFactory(source=alpha, grade="D", rated_at=at("2024-01-01"))
    SourceRatingFactory(source=alpha, grade="B", rated_at=at("2025-01-01"))
    with_claims(alpha, 1, 2, 3, 4)  # none flagged

    beta = SourceFactory(name="Beta Blog", country="UA", language="uk")
    SourceRatingFactory(source=beta, grade="E")
    with_claims(beta, 2, 5)  # 50%

    gamma = SourceFactory(name="Gamma Farm", country="US", language="en")
    with_claims(gamma, 1, 2, 3, 4, 6)  # 20%

    SourceFactory(name="Delta Daily", country="GB", language="uk")  # no claims, unrated
    refresh_all_sources()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grade": "B"}, {"Alpha Wire"}),
        ({"grade": "E"}, {"Beta Blog"}),
        ({"grade": "D"}, set()),  # Alpha's earlier grade is not its current one
        ({"grade": "unrated"}, {"Gamma Farm", "Delta Daily"}),
        ({"unrated": "1"}, {"Gamma Farm", "Delta Daily"}),
        ({"unrated": "0"}, {"Alpha Wire", "Beta Blog", "Gamma Farm", "Delta Daily"}),
        ({"country": "gb"}, {"Alpha Wire", "Delta Daily"}),
        ({"language": "UK"}, {"Beta Blog", "Delta Daily"}),
        ({"track_record": "none"}, {"Alpha Wire"}),
        ({"track_record": "under25"}, {"Gamma Farm"}),
        ({"track_record": "25plus"}, {"Beta Blog"}),
        ({"track_record": "no_claims"}, {"Delta Daily"}),
        ({"country": "GB", "unrated": "1"}, {"Delta Daily"}),
        ({"language": "en", "track_record": "under25"}, {"Gamma Farm"}),
    ],
    ids=lambda value: repr(value),
)
def test_each_filter_narrows_the_list(viewer_client, desk, params, expected):
    assert set(listed(viewer_client, **params)) == expected


def test_exactly_a_quarter_flagged_is_in_the_upper_band(viewer_client):
    with_claims(SourceFactory(name="Quarter"), 1, 2, 3, 5)
    refresh_all_sources()

    assert listed(viewer_client, track_record="25plus") == ["Quarter"]
    assert listed(viewer_client, track_record="under25") == []


def test_an_unknown_grade_is_an_error_and_lists_nothing(viewer_client, desk):
    response = viewer_client.get(LIST, {"grade": "Z"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice." in html
    assert NAME_LINK.findall(html) == []


def test_the_list_has_the_legend_and_no_inline_script_or_style(viewer_client, desk):
    html = viewer_client.get(LIST).content.decode()

    assert '<details class="admiralty-legend">' in html
    assert "<script>" not in html and "style=" not in html


# --- The list: sorting ----------------------------------------------------------------------


@pytest.fixture
def sortable():
    """Three sources ordered differently by name, grade, last rating, articles, claims."""
    mike = SourceFactory(name="Mike")
    SourceRatingFactory(source=mike, grade="C", rated_at=at("2025-02-01"))
    ArticleFactory.create_batch(3, source=mike)
    with_claims(mike, 1)

    alpha = SourceFactory(name="Alpha")
    SourceRatingFactory(source=alpha, grade="A", rated_at=at("2025-01-01"))
    with_claims(alpha, 1, 2, 3)  # one article

    SourceFactory(name="Zulu")  # unrated, nothing
    refresh_all_sources()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["Alpha", "Mike", "Zulu"]),
        ("name", ["Alpha", "Mike", "Zulu"]),
        ("-name", ["Zulu", "Mike", "Alpha"]),
        ("grade", ["Alpha", "Mike", "Zulu"]),
        ("-grade", ["Mike", "Alpha", "Zulu"]),  # unrated last either way
        ("last_rated", ["Alpha", "Mike", "Zulu"]),
        ("-last_rated", ["Mike", "Alpha", "Zulu"]),
        ("articles", ["Zulu", "Alpha", "Mike"]),
        ("-articles", ["Mike", "Alpha", "Zulu"]),
        ("claims", ["Zulu", "Mike", "Alpha"]),
        ("-claims", ["Alpha", "Mike", "Zulu"]),
    ],
)
def test_sortable_by_name_grade_last_rating_articles_and_claims(
    viewer_client, sortable, sort, expected
):
    params = {"sort": sort} if sort else {}
    assert listed(viewer_client, **params) == expected


# --- The list: a constant number of queries -------------------------------------------------


def _build_source_desk(n: int) -> None:
    """`n` sources, each with domains, several ratings by different people, a pending
    proposal, articles (one a copy), claims in them and a contradiction."""
    for _ in range(n):
        source = SourceFactory()
        SourceDomainFactory.create_batch(2, source=source)
        SourceRatingFactory.create_batch(3, source=source)
        RatingProposalFactory(source=source)
        first, second = with_claims(source, 2, 5)
        ArticleFactory(source=source, duplicate_of=ArticleFactory(source=source))
        ClaimLinkFactory(from_claim=first, to_claim=second, relation=LinkRelation.CONTRADICTS)
    refresh_all_sources()


def list_queries(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def test_list_query_count_does_not_grow_with_the_desk(viewer_client):
    _build_source_desk(3)
    viewer_client.get(LIST)  # warm per-process caches before counting
    small = list_queries(viewer_client)
    small_sorted = list_queries(viewer_client, sort="-claims", track_record="25plus")

    _build_source_desk(27)
    large = list_queries(viewer_client)
    large_sorted = list_queries(viewer_client, sort="-claims", track_record="25plus")

    assert len(listed(viewer_client)) == 30
    assert len(small) == len(large)
    assert len(small_sorted) == len(large_sorted)
    # The page itself is one query, and its domains one more.
    assert len([sql for sql in large if 'FROM "articles_source"' in sql]) == 1
    assert len([sql for sql in large if 'FROM "articles_sourcedomain"' in sql]) == 1


def test_list_never_counts_the_sources_table(viewer_client):
    _build_source_desk(3)
    SourceFactory.create_batch(50)  # a second page

    for params in [{}, {"page": "2"}, {"grade": "B", "sort": "-articles"}]:
        statements = list_queries(viewer_client, **params)
        top_level_counts = [
            sql for sql in statements if re.match(r"\s*SELECT\s+COUNT\(", sql, re.I)
        ]
        assert top_level_counts == [], top_level_counts
        assert not any('"__count"' in sql for sql in statements)


# --- The source page ------------------------------------------------------------------------


@pytest.fixture
def rated_source(analyst):
    """A source rated twice directly, then once through an accepted proposal, with one
    proposal pending."""
    source = SourceFactory(
        name="Kyiv Independent", country="UA", language="en", notes="Founded 2021."
    )
    SourceDomainFactory(source=source, domain="kyivindependent.com")
    SourceAliasFactory(source=source, name="KI")
    SourceRatingFactory(
        source=source,
        grade="D",
        rationale="Too new to tell.",
        rated_by=UserFactory(username="first_editor"),
        rated_at=at("2022-01-01 09:00"),
    )
    SourceRatingFactory(
        source=source,
        grade="C",
        rationale="Some corrections.",
        rated_by=UserFactory(username="second_editor"),
        rated_at=at("2023-01-01 09:00"),
    )
    accepted = SourceRatingFactory(
        source=source,
        grade="B",
        rationale="Corrections page; named reporters.",
        rated_by=UserFactory(username="third_editor"),
        rated_at=at("2024-01-01 09:00"),
        criteria=CHECKLIST_62_5,
    )
    RatingProposalFactory(
        source=source,
        rating=accepted,
        proposed_by=analyst,
        status=ProposalStatus.ACCEPTED,
        grade="B",
    )
    RatingProposalFactory(
        source=source,
        grade="A",
        rationale="Three years without a retraction.",
        proposed_by=UserFactory(username="keen_analyst"),
    )
    return source


def test_the_page_shows_the_details_and_the_current_grade(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    assert "<h1>Kyiv Independent</h1>" in html
    assert "<dd>UA</dd>" in html and "<dd>en</dd>" in html
    assert "Founded 2021." in html
    assert "<dd>kyivindependent.com</dd>" in html and "<dd>KI</dd>" in html
    assert re.search(
        r'<span class="grade">B – Usually reliable</span> · rated 2024-01-01 by third_editor'
        r' · checklist <span class="score">62.5 / 100</span>',
        html,
    )


def test_the_history_is_newest_first_with_raters_and_proposers(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    history = html.split('id="history-heading"')[1].split('id="articles-heading"')[0]
    headings = re.findall(r"<h3>(.*?)</h3>", history, re.S)
    assert [re.sub(r"<[^>]+>", "", heading) for heading in headings] == [
        "B – Usually reliable rated by third_editor on 2024-01-01 09:00"
        " · proposed by analyst · current",
        "C – Fairly reliable rated by second_editor on 2023-01-01 09:00",
        "D – Not usually reliable rated by first_editor on 2022-01-01 09:00",
    ]
    assert history.index("Corrections page; named reporters.") < history.index("Too new")


def test_the_history_shows_each_criterion_with_its_note_and_the_score(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    history = html.split('id="history-heading"')[1]
    checklist = history.split('<table class="checklist">')[1].split("</table>")[0]
    assert '<caption>Checklist: <span class="score">62.5 / 100</span></caption>' in checklist
    assert len(re.findall(r'<td class="verdict">', checklist)) == 9
    assert (
        '<td>Does not repeatedly publish false content</td><td class="num">22</td>'
        '<td class="verdict">Pass</td><td>No false content found in 2024.</td>'
    ) in checklist
    assert (
        '<td class="num">12.5</td><td class="verdict">Fail</td><td>Opinion pieces unlabelled</td>'
    ) in checklist
    assert checklist.count("Not assessed") == 4
    assert history.count('<table class="checklist">') == 1  # the others had none


def test_pending_proposals_are_listed_with_who_and_why(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    proposals = html.split('id="proposals-heading"')[1].split('id="history-heading"')[0]
    assert re.search(
        r'<span class="grade">A – Completely reliable</span> proposed by keen_analyst on '
        r"\d{4}-\d\d-\d\d \d\d:\d\d",
        proposals,
    )
    assert "Three years without a retraction." in proposals
    assert proposals.count("proposed by") == 1  # the accepted one is history, not pending


def test_recent_articles_are_canonical_newest_first_and_at_most_twenty(viewer_client):
    source = SourceFactory()
    for day in range(1, 23):
        ArticleFactory(source=source, title=f"Story {day:02}", published_at=at(f"2025-03-{day:02}"))
    ArticleFactory(source=source, title="Undated story", published_at=None)
    ArticleFactory(source=source, title="A copy", duplicate_of=ArticleFactory(title="Elsewhere"))

    html = viewer_client.get(page_url(source)).content.decode()

    section = html.split('id="articles-heading"')[1].split('id="claims-heading"')[0]
    titles = re.findall(r'<a href="/articles/\d+/">([^<]*)</a>', section)
    assert titles == [f"Story {day:02}" for day in range(22, 2, -1)]
    assert f'href="{reverse("article-list")}?source={source.pk}"' in section


def test_recent_claims_show_text_and_credibility_at_most_twenty(viewer_client):
    source = SourceFactory()
    with_claims(source, *([Credibility.POSSIBLE] * 21), Credibility.DOUBTFUL)

    html = viewer_client.get(page_url(source)).content.decode()

    section = html.split('id="claims-heading"')[1]
    assert section.count("<tr><td>") == 20
    assert "<td>4 – Doubtful</td>" in section  # the newest first
    assert "<td>3 – Possibly true</td>" in section


def test_the_page_has_the_legend_explaining_both_scales(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    legend = html.split('<details class="admiralty-legend">')[1].split("</details>")[0]
    for label in [*ReliabilityGrade.labels, *Credibility.labels]:
        assert f"<dt>{label}</dt>" in legend
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/js/)", html) and "style=" not in html


def test_an_unknown_source_is_not_found(viewer_client):
    assert viewer_client.get(reverse("source-detail", args=[999_999])).status_code == 404


def _source_with_history(n: int):
    source = SourceFactory()
    SourceDomainFactory.create_batch(n, source=source)
    SourceAliasFactory.create_batch(n, source=source)
    for _ in range(n):
        rating = SourceRatingFactory(source=source, criteria=CHECKLIST_62_5)
        RatingProposalFactory(source=source, rating=rating, status=ProposalStatus.ACCEPTED)
        RatingProposalFactory(source=source)
        with_claims(source, 2, 5)
    return source


def test_page_query_count_does_not_grow_with_the_history(editor_client):
    one, ten = _source_with_history(1), _source_with_history(10)
    editor_client.get(page_url(one))  # warm per-process caches before counting

    with CaptureQueriesContext(connection) as few:
        editor_client.get(page_url(one))
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(page_url(ten))

    assert response.status_code == 200
    assert len(few) == len(many)


# --- Who sees which form --------------------------------------------------------------------


def test_an_editor_sees_the_rating_form_and_the_decision_buttons(editor_client, rated_source):
    html = editor_client.get(page_url(rated_source)).content.decode()

    assert '<h2 id="rate-heading">Rate this source</h2>' in html
    assert f'<form method="post" action="{rate_url(rated_source)}">' in html
    pending = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    assert html.count(f'action="{decide_url(pending)}"') == 2
    assert '<input type="hidden" name="action" value="accept">' in html
    assert '<input type="hidden" name="action" value="reject">' in html
    for key in ("false_content", "creators"):
        assert f'name="criterion_{key}"' in html and f'name="criterion_{key}_note"' in html


def test_an_analyst_sees_a_proposal_form_and_no_decision_buttons(analyst_client, rated_source):
    html = analyst_client.get(page_url(rated_source)).content.decode()

    assert '<h2 id="rate-heading">Propose a rating</h2>' in html
    assert f'<form method="post" action="{propose_url(rated_source)}">' in html
    assert rate_url(rated_source) not in html
    assert "source-proposal" not in html and 'value="accept"' not in html


def test_a_viewer_reads_but_sees_no_form(viewer_client, rated_source):
    html = viewer_client.get(page_url(rated_source)).content.decode()

    assert "Three years without a retraction." in html
    assert 'method="post" action="/sources/' not in html
    assert "Rate this source" not in html and "Propose a rating" not in html


def test_the_nav_links_the_sources(viewer_client):
    html = viewer_client.get(LIST).content.decode()

    assert f'<a href="{LIST}" aria-current="page">Sources</a>' in html


# --- Rating, proposing, deciding ------------------------------------------------------------


def test_an_editor_rates_and_the_new_rating_is_appended(editor_client, editor, rated_source):
    before = list(SourceRating.objects.values())

    response = editor_client.post(
        rate_url(rated_source),
        rating_form(
            grade="A",
            rationale="Three years, no retraction.",
            criterion_false_content="pass",
            criterion_false_content_note="Checked 40 stories.",
            criterion_ownership="fail",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(page_url(rated_source), 302)]
    newest = rated_source.ratings.first()
    assert (newest.grade, newest.rationale, newest.rated_by) == (
        "A",
        "Three years, no retraction.",
        editor,
    )
    assert newest.criteria == {
        "false_content": {"pass": True, "note": "Checked 40 stories."},
        "ownership": {"pass": False, "note": ""},
    }
    assert list(SourceRating.objects.exclude(pk=newest.pk).values()) == before  # unchanged
    html = response.content.decode()
    assert "Rated A – Completely reliable: now the current grade." in html
    assert re.search(r'<span class="grade">A – Completely reliable</span> · rated ', html)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (rating_form(rationale="   "), "Say why this grade: the rationale is required."),
        (rating_form(grade=""), "This field is required."),
        (rating_form(grade="Z"), "Select a valid choice."),
        (rating_form(criterion_headlines_note="Clickbait"), "Choose pass or fail to keep"),
        (rating_form(criterion_headlines="maybe"), "Select a valid choice."),
    ],
    ids=["blank rationale", "no grade", "unknown grade", "note without verdict", "bad verdict"],
)
def test_an_invalid_rating_re_renders_the_page_and_saves_nothing(
    editor_client, rated_source, form, error
):
    count = SourceRating.objects.count()

    response = editor_client.post(rate_url(rated_source), form)

    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert '<li class="message error">Nothing was saved: correct the marked fields.</li>' in html
    assert "<h1>Kyiv Independent</h1>" in html
    assert SourceRating.objects.count() == count


def test_an_invalid_form_keeps_what_was_typed(editor_client, rated_source):
    response = editor_client.post(
        rate_url(rated_source), rating_form(grade="", rationale="Kept text")
    )

    assert re.search(r">\s*Kept text</textarea>", response.content.decode())


def test_an_analyst_proposes_and_no_rating_is_made(analyst_client, analyst, rated_source):
    count = SourceRating.objects.count()

    response = analyst_client.post(
        propose_url(rated_source),
        rating_form(grade="E", rationale="Two fabricated quotes.", criterion_headlines="fail"),
        follow=True,
    )

    assert response.redirect_chain == [(page_url(rated_source), 302)]
    assert SourceRating.objects.count() == count
    proposal = RatingProposal.objects.get(proposed_by=analyst, status=ProposalStatus.PENDING)
    assert (proposal.grade, proposal.rationale) == ("E", "Two fabricated quotes.")
    assert proposal.criteria == {"headlines": {"pass": False, "note": ""}}
    html = response.content.decode()
    assert "Proposed E – Unreliable: an Editor will accept or reject it." in html
    assert re.search(r'<span class="grade">E – Unreliable</span> proposed by analyst on ', html)


def test_an_editor_accepts_a_proposal(editor_client, editor, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)

    response = editor_client.post(decide_url(proposal), {"action": "accept"}, follow=True)

    assert response.redirect_chain == [(page_url(rated_source), 302)]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by == editor
    newest = rated_source.ratings.first()
    assert proposal.rating == newest
    assert (newest.grade, newest.rated_by) == ("A", editor)
    html = response.content.decode()
    assert "Accepted keen_analyst’s proposal: A – Completely reliable is now current." in html
    assert "rated by editor on" in html and "· proposed by keen_analyst · current" in html
    assert "No proposals wait for an Editor." in html


def test_an_editor_rejects_a_proposal(editor_client, editor, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    count = SourceRating.objects.count()

    response = editor_client.post(decide_url(proposal), {"action": "reject"}, follow=True)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.decided_by == editor
    assert SourceRating.objects.count() == count
    assert "Rejected keen_analyst’s proposal of A – Completely reliable." in (
        response.content.decode()
    )


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_decided_proposal_cannot_be_decided_again(editor_client, rated_source, action):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    editor_client.post(decide_url(proposal), {"action": "reject"})
    count = SourceRating.objects.count()

    response = editor_client.post(decide_url(proposal), {"action": action}, follow=True)

    assert "This proposal was already rejected." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert SourceRating.objects.count() == count


def test_an_unknown_action_decides_nothing(editor_client, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)

    response = editor_client.post(decide_url(proposal), {"action": "merge"}, follow=True)

    assert "Choose to accept or to reject the proposal." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_a_proposal_is_decided_only_under_its_own_source(editor_client, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    other = SourceFactory()
    url = reverse("source-proposal-decide", args=[other.pk, proposal.pk])

    assert editor_client.post(url, {"action": "accept"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_writes_to_an_unknown_source_are_not_found(editor_client):
    for url in (reverse("source-rate", args=[999_999]), reverse("source-propose", args=[999_999])):
        assert editor_client.post(url, rating_form()).status_code == 404


# --- Permissions, methods, CSRF -------------------------------------------------------------


def _state() -> tuple:
    return (
        sorted(SourceRating.objects.values_list("pk", "grade")),
        sorted(RatingProposal.objects.values_list("pk", "status")),
    )


def test_a_viewer_is_refused_every_write(viewer_client, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    before = _state()

    for url, data in [
        (rate_url(rated_source), rating_form()),
        (propose_url(rated_source), rating_form()),
        (decide_url(proposal), {"action": "accept"}),
        (decide_url(proposal), {"action": "reject"}),
    ]:
        assert viewer_client.post(url, data).status_code == 403, url

    assert _state() == before


def test_an_analyst_cannot_rate_or_decide(analyst_client, rated_source):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    before = _state()

    assert analyst_client.post(rate_url(rated_source), rating_form()).status_code == 403
    assert analyst_client.post(decide_url(proposal), {"action": "accept"}).status_code == 403
    assert analyst_client.post(decide_url(proposal), {"action": "reject"}).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("url_name", ["source-rate", "source-propose", "source-proposal-decide"])
def test_the_actions_only_accept_post(editor_client, rated_source, url_name):
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    args = (
        [rated_source.pk, proposal.pk]
        if url_name == "source-proposal-decide"
        else [rated_source.pk]
    )
    before = _state()

    response = editor_client.get(
        reverse(url_name, args=args), {**rating_form(), "action": "accept"}
    )

    assert response.status_code == 405
    assert _state() == before


@pytest.mark.parametrize("role", ["editor", "analyst"])
def test_writes_without_the_csrf_token_are_refused(request, rated_source, role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(request.getfixturevalue(role))
    proposal = RatingProposal.objects.get(status=ProposalStatus.PENDING)
    before = _state()

    urls = [propose_url(rated_source)]
    if role == "editor":
        urls += [rate_url(rated_source), decide_url(proposal)]
    for url in urls:
        assert client.post(url, {**rating_form(), "action": "accept"}).status_code == 403, url

    assert _state() == before


def test_a_rating_with_the_csrf_token_is_accepted(editor, rated_source):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(page_url(rated_source))
    token = client.cookies["csrftoken"].value

    response = client.post(
        rate_url(rated_source), {**rating_form(grade="C"), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert rated_source.ratings.first().grade == "C"


# --- Escaping -------------------------------------------------------------------------------


def test_hostile_text_is_escaped_on_both_pages(viewer_client):
    source = SourceFactory(name=f"Outlet {HOSTILE}", notes=f"Notes {HOSTILE}")
    SourceAliasFactory(source=source, name=f"Alias {HOSTILE}")
    SourceRatingFactory(
        source=source,
        rationale=f"Rationale {HOSTILE}",
        criteria={"headlines": {"pass": False, "note": f"Note {HOSTILE}"}},
    )
    RatingProposalFactory(source=source, rationale=f"Proposal {HOSTILE}")
    (claim,) = with_claims(source, Credibility.PROBABLE)
    Claim.objects.filter(pk=claim.pk).update(text=f"Claim {HOSTILE}")

    listing = viewer_client.get(LIST).content.decode()
    page = viewer_client.get(page_url(source)).content.decode()

    assert HOSTILE not in listing and HOSTILE not in page
    assert f"Outlet {ESCAPED}" in listing
    for text in ("Outlet", "Notes", "Alias", "Rationale", "Note", "Proposal", "Claim"):
        assert f"{text} {ESCAPED}" in page, text


def test_hostile_text_in_a_rejected_form_is_escaped(editor_client, rated_source):
    response = editor_client.post(
        rate_url(rated_source), rating_form(grade="", rationale=f"Why {HOSTILE}")
    )

    html = response.content.decode()
    assert HOSTILE not in html and f"Why {ESCAPED}" in html
