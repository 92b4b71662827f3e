"""Claims in the browser: the claim list (`/claims/`) with its columns, filters, sorting and
query budget; the claim page with its appearances, links, history, edit form (credibility
for Editors only, optimistic lock) and link form; the article page's marked body, its
annotation form (UTF-16 offsets) and suggested claims; the possibly-same sentences of a
claim; the claim autocompletion. Every role's permissions, CSRF and escaping included."""

import html
import re
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    ClaimType,
    Credibility,
    LinkRelation,
    ReliabilityGrade,
)
from articles.services.claims import annotate, refresh_claim_stats, update_claim
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimLinkFactory,
    SourceFactory,
    SourceRatingFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("claim-list")
AUTOCOMPLETE = reverse("claim-autocomplete")
LOGIN = reverse("login")
KURSK = "Russia captured 430 Ukrainian soldiers in the Kursk region"
BRIEFING = (
    "On Wednesday, Gerasimov asserted that Russia captured 430 Ukrainian soldiers in the "
    "Kursk region. Kyiv did not comment on the figure."
)
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'
CLAIM_LINK = re.compile(r'<td class="col-text"><a href="/claims/(\d+)/">')


def at(moment: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(moment))


def utf16(text: str, index: int) -> int:
    """What a browser counts: UTF-16 code units before the Python index `index`."""
    return len(text[:index].encode("utf-16-le")) // 2


def page_url(claim: Claim) -> str:
    return reverse("claim-detail", args=[claim.pk])


def edit_url(claim: Claim) -> str:
    return reverse("claim-edit", args=[claim.pk])


def link_url(claim: Claim) -> str:
    return reverse("claim-link", args=[claim.pk])


def suggestions_url(claim: Claim) -> str:
    return reverse("claim-suggestions", args=[claim.pk])


def decide_url(claim: Claim) -> str:
    return reverse("claim-suggestion-decide", args=[claim.pk])


def article_url(article: Article) -> str:
    return reverse("article-detail", args=[article.pk])


def annotate_url(article: Article) -> str:
    return reverse("article-annotate", args=[article.pk])


def article_decide_url(article: Article) -> str:
    return reverse("article-suggestion-decide", args=[article.pk])


def appear(claim: Claim, article: Article, **fields) -> Appearance:
    """An appearance of `claim` over the whole body of `article`, with the claim's stored
    figures brought up to date (as every service does)."""
    appearance = AppearanceFactory(claim=claim, article=article, **fields)
    refresh_claim_stats(claims=[claim.pk])
    return appearance


def rated(name: str, grade: str | None):
    source = SourceFactory(name=name)
    if grade:
        SourceRatingFactory(source=source, grade=grade)
    return source


def edit_form(claim: Claim, **changes) -> dict:
    """Every field of the claim page's edit form as the page fills it in, then `changes`."""
    claim.refresh_from_db()
    return {
        "version": claim.version,
        "text": claim.text,
        "claim_type": claim.claim_type,
        "tags": ", ".join(tag.name for tag in claim.tags.all()),
        "notes": claim.notes,
        "credibility": claim.credibility,
        "status": claim.status,
        "credibility_rationale": claim.credibility_rationale,
        **changes,
    }


def row_of(page: str, claim: Claim) -> str:
    """The claim list's table row of `claim`."""
    rows = [row for row in page.split("<tr>") if f'href="/claims/{claim.pk}/"' in row]
    assert len(rows) == 1, f"claim {claim.pk} is listed {len(rows)} times"
    return rows[0].split("</tr>")[0]


def section(page: str, element_id: str) -> str:
    match = re.search(rf'<section id="{element_id}".*?</section>', page, re.S)
    assert match, f"no section #{element_id}"
    return match.group()


def marked_body(page: str) -> str:
    """The HTML inside `#article-text`."""
    match = re.search(r'<div class="article-text" id="article-text"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no #article-text"
    return match.group(1)


def article_text(page: str) -> str:
    """What the browser shows inside `#article-text`: tags stripped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", marked_body(page)))


def queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in captured]


# --- The claim list: columns ----------------------------------------------------------------


@pytest.fixture
def desk():
    """Four claims that differ in every column the list filters or sorts on.

    kursk:    quantity, 2, open; two appearances in two independent sources rated B and C
              (best grade B, so B2), claimants Gerasimov and the General Staff, August 2024.
    grain:    other, 6, reviewed; three appearances in one unrated source (F6), March 2024.
    prices:   prediction, 4, in review; no appearances (F4).
    archived: a merged claim about 430 soldiers.
    """
    alpha, beta, gamma = rated("Alpha Daily", "B"), rated("Beta Times", "C"), rated("Gamma", None)
    kursk = ClaimFactory(
        text=KURSK, claim_type=ClaimType.QUANTITY, credibility=Credibility.PROBABLE
    )
    appear(
        kursk,
        ArticleFactory(source=alpha, published_at=at("2024-08-10T12:00")),
        claimant="Gerasimov",
        verb="asserted",
    )
    appear(
        kursk,
        ArticleFactory(source=beta, published_at=at("2024-08-12T12:00")),
        claimant="Chief of the General Staff",
        verb="said",
    )
    kursk.tags.add(TagFactory(name="place:Kursk"))
    grain = ClaimFactory(
        text="Grain exports rose by 20 percent",
        claim_type=ClaimType.OTHER,
        credibility=Credibility.UNJUDGED,
        status=ClaimStatus.REVIEWED,
    )
    for day in ("01", "02", "03"):
        appear(
            grain,
            ArticleFactory(source=gamma, published_at=at(f"2024-03-{day}T12:00")),
            claimant="The ministry",
        )
    grain.tags.add(TagFactory(name="topic:economy"))
    prices = ClaimFactory(
        text="Prices will fall next year",
        claim_type=ClaimType.PREDICTION,
        credibility=Credibility.DOUBTFUL,
        status=ClaimStatus.IN_REVIEW,
    )
    archived = ClaimFactory(text="Russia captured 430 soldiers (merged)", status="archived")
    claims = {"kursk": kursk, "grain": grain, "prices": prices, "archived": archived}
    for name, moment in [
        ("kursk", "2024-09-01T12:00"),
        ("grain", "2024-04-01T12:00"),
        ("prices", "2024-01-15T12:00"),
        ("archived", "2024-08-20T12:00"),
    ]:
        Claim.objects.filter(pk=claims[name].pk).update(updated_at=at(moment))
    return claims


def listed(client, desk: dict, **params) -> list[str]:
    """The names (in `desk`) of the claims the list shows for these parameters, in order."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    names = {claim.pk: name for name, claim in desk.items()}
    return [names[int(pk)] for pk in CLAIM_LINK.findall(response.content.decode())]


def test_list_shows_every_column_of_a_claim(viewer_client, desk):
    page = viewer_client.get(LIST).content.decode()

    kursk = row_of(page, desk["kursk"])
    assert f'<a href="/claims/{desk["kursk"].pk}/">{KURSK}</a>' in kursk
    assert '<td class="col-claim_type">Quantity</td>' in kursk
    assert '<td class="col-credibility">2 – Probably true</td>' in kursk
    assert '<td class="col-status">Open</td>' in kursk
    assert "Chief of the General Staff, Gerasimov" in kursk
    assert '<td class="col-appearances">2</td>' in kursk
    assert '<td class="col-sources">2</td>' in kursk
    assert '<td class="col-best_grade">B – Usually reliable</td>' in kursk
    assert (
        '<abbr class="admiralty" title="B – Usually reliable; 2 – Probably true">B2</abbr>' in kursk
    )
    assert '<span class="tag">place:Kursk</span>' in kursk

    grain = row_of(page, desk["grain"])
    assert '<td class="col-status">Reviewed</td>' in grain
    assert "The ministry" in grain
    assert '<td class="col-appearances">3</td>' in grain
    assert '<td class="col-sources">1</td>' in grain
    assert '<td class="col-best_grade">No rated source</td>' in grain
    assert (
        '<abbr class="admiralty" title="F – Reliability cannot be judged (no rated source); '
        '6 – Truth cannot be judged">F6</abbr>' in grain
    )

    prices = row_of(page, desk["prices"])
    assert '<td class="col-claim_type">Prediction</td>' in prices
    assert '<td class="col-claimants">—</td>' in prices
    assert '<td class="col-appearances">0</td>' in prices
    assert ">F4</abbr>" in prices


# --- The claim list: filters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"kursk", "grain", "prices"}),
        ({"archived": "1"}, {"kursk", "grain", "prices", "archived"}),
        ({"archived": "0"}, {"kursk", "grain", "prices"}),
        ({"text": "430"}, {"kursk"}),
        ({"text": "430", "archived": "1"}, {"kursk", "archived"}),
        ({"text": "GRAIN EXPORTS"}, {"grain"}),
        ({"claim_type": "prediction"}, {"prices"}),
        ({"claim_type": "quantity"}, {"kursk"}),
        ({"credibility": "6"}, {"grain"}),
        ({"credibility": "2"}, {"kursk"}),
        ({"status": "reviewed"}, {"grain"}),
        ({"status": "archived"}, {"archived"}),
        ({"claimant": "gerasim"}, {"kursk"}),
        ({"claimant": "general staff"}, {"kursk"}),
        ({"claimant": "Ministry"}, {"grain"}),
        ({"min_sources": "2"}, {"kursk"}),
        ({"min_sources": "1"}, {"kursk", "grain"}),
        ({"min_appearances": "3"}, {"grain"}),
        ({"min_appearances": "1"}, {"kursk", "grain"}),
        ({"best_grade": "B"}, {"kursk"}),
        ({"best_grade": "C"}, set()),  # Beta's C is not kursk's best grade
        ({"best_grade": "unrated"}, {"grain", "prices"}),
        ({"admiralty": "B2"}, {"kursk"}),
        ({"admiralty": "b2"}, {"kursk"}),
        ({"admiralty": " f6 "}, {"grain"}),  # no rated source reads as F
        ({"admiralty": "F4"}, {"prices"}),
        ({"admiralty": "B3"}, set()),
        ({"tag": "place:Kursk"}, {"kursk"}),
        ({"tag": "Place : kursk"}, {"kursk"}),
        ({"tag": "topic:economy"}, {"grain"}),
        ({"source": "Alpha Daily"}, {"kursk"}),
        ({"source": "beta times"}, {"kursk"}),
        ({"source": "Gamma"}, {"grain"}),
        ({"appeared_from": "2024-08-01"}, {"kursk"}),
        ({"appeared_to": "2024-03-31"}, {"grain"}),
        ({"appeared_from": "2024-03-02", "appeared_to": "2024-03-02"}, {"grain"}),
        ({"appeared_from": "2024-08-12", "appeared_to": "2024-08-12"}, {"kursk"}),
        ({"updated_from": "2024-03-01"}, {"kursk", "grain"}),
        ({"updated_to": "2024-03-01"}, {"prices"}),
        ({"updated_from": "2024-04-01", "updated_to": "2024-04-01"}, {"grain"}),
        ({"claim_type": "quantity", "min_sources": "2", "admiralty": "B2"}, {"kursk"}),
    ],
)
def test_each_filter_narrows_the_list(viewer_client, desk, params, expected):
    assert set(listed(viewer_client, desk, **params)) == expected


def test_an_invalid_admiralty_code_is_an_error_on_the_form_not_a_failure(viewer_client, desk):
    response = viewer_client.get(LIST, {"admiralty": "Z9"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "An Admiralty code is a letter A–F and a digit 1–6, like B2." in page
    assert "Correct the filters to see results." in page
    assert CLAIM_LINK.findall(page) == []


def test_the_appeared_range_needs_one_appearance_inside_it(viewer_client, desk):
    source = SourceFactory()
    spring_and_autumn = ClaimFactory(text="Talks resumed in Geneva")
    appear(spring_and_autumn, ArticleFactory(source=source, published_at=at("2024-03-01T12:00")))
    appear(spring_and_autumn, ArticleFactory(source=source, published_at=at("2024-10-01T12:00")))
    desk = {**desk, "spring_and_autumn": spring_and_autumn}

    in_summer = listed(viewer_client, desk, appeared_from="2024-06-01", appeared_to="2024-06-30")

    assert in_summer == []


# --- The claim list: sorting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["kursk", "grain", "prices"]),  # most recently updated first
        ("updated", ["prices", "grain", "kursk"]),
        ("-updated", ["kursk", "grain", "prices"]),
        ("sources", ["prices", "grain", "kursk"]),
        ("-sources", ["kursk", "grain", "prices"]),
        ("appearances", ["prices", "kursk", "grain"]),
        ("-appearances", ["grain", "kursk", "prices"]),
        ("credibility", ["kursk", "prices", "grain"]),
        ("text", ["grain", "prices", "kursk"]),
    ],
)
def test_sortable_by_updated_sources_appearances_credibility_and_text(
    viewer_client, desk, sort, expected
):
    params = {"sort": sort} if sort else {}
    assert listed(viewer_client, desk, **params) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("admiralty", ["kursk", "prices", "grain"]),  # B2, F4, F6
        ("-admiralty", ["grain", "prices", "kursk"]),  # F6, F4, B2
    ],
)
def test_sortable_by_admiralty_code_as_it_reads(viewer_client, desk, sort, expected):
    assert listed(viewer_client, desk, sort=sort) == expected


def test_sorting_by_admiralty_code_returns_the_page(viewer_client, desk):
    for sort in ("admiralty", "-admiralty", "best_grade", "-best_grade", "status", "claim_type"):
        assert sorted(listed(viewer_client, desk, sort=sort)) == ["grain", "kursk", "prices"]


# --- The claim list: a constant number of queries -------------------------------------------


def _build_claims(n: int) -> None:
    """`n` claims, each with two tags and two appearances (claimants) in rated sources."""
    for i in range(n):
        claim = ClaimFactory()
        claim.tags.add(TagFactory(), TagFactory())
        for _ in range(2):
            source = SourceFactory()
            SourceRatingFactory(source=source, grade="C")
            AppearanceFactory(
                claim=claim, article=ArticleFactory(source=source), claimant=f"Speaker {i}"
            )
    refresh_claim_stats(claims=Claim.objects.values_list("pk", flat=True))


def test_list_query_count_does_not_grow_with_the_claims(viewer_client):
    _build_claims(3)
    viewer_client.get(LIST)  # warm per-process caches before counting
    variants = [{}, {"sort": "-sources", "min_appearances": "1"}, {"claimant": "speaker"}]
    small = [queries(viewer_client, LIST, params) for params in variants]

    _build_claims(27)
    large = [queries(viewer_client, LIST, params) for params in variants]

    assert len(CLAIM_LINK.findall(viewer_client.get(LIST).content.decode())) == 30
    assert [len(sqls) for sqls in small] == [len(sqls) for sqls in large]
    # The rows are one query, their tags one more, their claimants one more.
    assert len([sql for sql in large[0] if 'FROM "articles_claim" ' in sql]) == 1
    assert len([sql for sql in large[0] if 'FROM "articles_tag"' in sql]) == 1
    assert len([sql for sql in large[0] if 'FROM "articles_appearance"' in sql]) == 1


def test_list_never_counts_the_claims_table(viewer_client):
    _build_claims(55)  # a second page

    for params in [{}, {"page": "2"}, {"admiralty": "C6", "sort": "-appearances"}]:
        statements = queries(viewer_client, LIST, params)
        top_level_counts = [
            sql for sql in statements if re.match(r"\s*SELECT\s+COUNT\(", sql, re.I)
        ]
        assert top_level_counts == [], top_level_counts
        assert not any('"__count"' in sql for sql in statements)


def test_hostile_claim_text_claimant_and_tag_are_escaped_in_the_list(viewer_client):
    claim = ClaimFactory(text=f"Claim {HOSTILE}")
    claim.tags.add(TagFactory(name=f"Tag {HOSTILE}"))
    appear(claim, ArticleFactory(), claimant=f"Said {HOSTILE}")

    page = viewer_client.get(LIST, {"text": HOSTILE}).content.decode()

    assert "<script>alert(1)" not in page and '" onmouseover=' not in page
    for prefix in ("Claim", "Tag", "Said"):
        assert f"{prefix} {escape(HOSTILE)}" in page, prefix


# --- The claim page -------------------------------------------------------------------------


@pytest.fixture
def kursk(analyst):
    """KURSK marked by an Analyst in an article of a B-rated source (suggested credibility:
    3, possibly true) and in an article of an unrated one, re-anchored fuzzily."""
    briefing = ArticleFactory(
        source=rated("Alpha Daily", "B"),
        title="The general's briefing",
        body=BRIEFING,
        published_at=at("2024-08-10T12:00"),
    )
    start = BRIEFING.index("Russia")
    appearance = annotate(
        article=briefing,
        start=start,
        end=start + len(KURSK),
        by=analyst,
        text=KURSK,
        claimant="Gerasimov",
        verb="asserted",
        claim_type=ClaimType.QUANTITY,
    )
    wire = ArticleFactory(
        source=rated("Beta Wire", None),
        title="Wire copy",
        body=f"Moscow says {KURSK}.",
        published_at=at("2024-08-11T12:00"),
    )
    second = annotate(
        article=wire,
        start=len("Moscow says "),
        end=len("Moscow says ") + len(KURSK),
        claim=appearance.claim,
        by=analyst,
        claimant="Moscow",
        verb="says",
    )
    Appearance.objects.filter(pk=second.pk).update(
        anchor_status=AnchorStatus.FUZZY, anchor_score=0.83
    )
    return appearance.claim


def test_claim_page_shows_each_appearance_in_context(viewer_client, kursk):
    page = viewer_client.get(page_url(kursk)).content.decode()

    first, second = kursk.appearances.order_by("article__published_at")
    assert (
        f'<td class="quote">…{escape(first.prefix)}<mark>{KURSK}</mark>'
        f"{escape(first.suffix)}…</td>" in page
    )
    assert first.prefix == "On Wednesday, Gerasimov asserted that "[-32:]
    assert (
        f'<a href="/articles/{first.article_id}/#appearance-{first.pk}">'
        f"{escape('The general' + chr(39) + 's briefing')}</a>" in page
    )
    assert 'Alpha Daily <span class="grade">B – Usually reliable</span>' in page
    assert 'Beta Wire <span class="grade">Unrated</span>' in page
    assert "<td>Gerasimov</td>" in page and "<td>asserted</td>" in page
    assert "<td>Moscow</td>" in page and "<td>says</td>" in page
    assert '<span class="anchor anchor-exact">Exact</span>' in page
    assert '<span class="anchor anchor-fuzzy">Fuzzy (83%)</span>' in page
    assert f'href="/articles/{second.article_id}/#appearance-{second.pk}"' in page
    assert ">B6</abbr>" in page
    assert "3 – Possibly true" in page  # the suggested credibility


def test_a_link_shows_on_both_claims_pages(viewer_client, kursk):
    other = ClaimFactory(text="Kyiv confirmed soldiers were captured near Sudzha")
    ClaimLinkFactory(
        from_claim=kursk, to_claim=other, relation=LinkRelation.CORROBORATES, note="same day"
    )

    outgoing = viewer_client.get(page_url(kursk)).content.decode()
    incoming = viewer_client.get(page_url(other)).content.decode()

    assert "This claim <strong>corroborates</strong>" in outgoing
    assert f'<a href="/claims/{other.pk}/">#{other.pk} {other.text}</a> — same day' in outgoing
    assert "<strong>Corroborates</strong> this claim:" in incoming
    assert f'<a href="/claims/{kursk.pk}/">#{kursk.pk} {KURSK}</a>' in incoming


def test_history_names_who_changed_which_fields(viewer_client, kursk, editor):
    update_claim(claim=kursk, version=kursk.version, by=editor, text="Russia captured 430 soldiers")

    page = viewer_client.get(page_url(kursk)).content.decode()
    history = page[page.index('id="history-heading"') :]

    assert "editor: changed (edited)" in history
    assert f"text: “{KURSK}” → “Russia captured 430 soldiers”" in history
    assert "analyst: created (created by annotating an article)" in history
    assert history.index("editor: changed") < history.index("analyst: created")


def test_analysts_get_the_form_without_editable_credibility(analyst_client, kursk):
    page = analyst_client.get(page_url(kursk)).content.decode()

    assert f'action="{edit_url(kursk)}"' in page
    assert f'action="{link_url(kursk)}"' in page
    assert re.search(r'<select name="credibility"[^>]*\bdisabled\b', page)
    assert re.search(r'<select name="status"[^>]*\bdisabled\b', page)
    assert "Only Editors set credibility and status." in page
    assert re.search(r'<textarea name="text"(?![^>]*disabled)[^>]*>', page)


def test_editors_get_the_form_with_credibility(editor_client, kursk):
    page = editor_client.get(page_url(kursk)).content.decode()

    assert re.search(r'<select name="credibility"(?![^>]*disabled)[^>]*>', page)
    assert "Only Editors set credibility and status." not in page


def test_an_analyst_edit_saves_the_text_and_ignores_a_posted_credibility(analyst_client, kursk):
    response = analyst_client.post(
        edit_url(kursk),
        edit_form(
            kursk,
            text="Russia captured 430 soldiers near Kursk",
            tags="place:Kursk",
            credibility=Credibility.CONFIRMED,
            status=ClaimStatus.REVIEWED,
        ),
    )

    assert response.status_code == 302
    kursk.refresh_from_db()
    assert kursk.text == "Russia captured 430 soldiers near Kursk"
    assert [tag.name for tag in kursk.tags.all()] == ["place:Kursk"]
    assert kursk.credibility == Credibility.UNJUDGED
    assert kursk.status == ClaimStatus.OPEN


def test_an_analyst_cannot_change_credibility_by_posting_it(analyst_client, kursk):
    analyst_client.post(edit_url(kursk), edit_form(kursk, credibility=Credibility.CONFIRMED))

    kursk.refresh_from_db()
    assert kursk.credibility == Credibility.UNJUDGED


def test_an_editor_departing_from_the_suggested_credibility_must_say_why(editor_client, kursk):
    response = editor_client.post(edit_url(kursk), edit_form(kursk, credibility=1))

    assert response.status_code == 200
    assert (
        "The evidence suggests 3 – Possibly true: say why you chose otherwise."
        in response.content.decode()
    )
    kursk.refresh_from_db()
    assert (kursk.credibility, kursk.version) == (Credibility.UNJUDGED, 1)

    response = editor_client.post(
        edit_url(kursk),
        edit_form(kursk, credibility=1, credibility_rationale="Kyiv confirmed the figure."),
    )

    assert response.status_code == 302
    kursk.refresh_from_db()
    assert kursk.credibility == Credibility.CONFIRMED
    assert kursk.credibility_rationale == "Kyiv confirmed the figure."
    assert kursk.version == 2


def test_an_editor_may_take_the_suggested_credibility_without_a_reason(editor_client, kursk):
    response = editor_client.post(edit_url(kursk), edit_form(kursk, credibility=3))

    assert response.status_code == 302
    kursk.refresh_from_db()
    assert kursk.credibility == Credibility.POSSIBLE


def test_a_stale_edit_is_refused_with_both_versions_shown(editor_client, kursk, editor):
    stale = edit_form(kursk, text="My wording of the claim")
    update_claim(claim=kursk, version=kursk.version, by=editor, text="Their wording of it")

    response = editor_client.post(edit_url(kursk), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: this claim changed since you opened it." in page
    conflict = page[page.index('class="conflict"') : page.index("</table>", page.index("conflict"))]
    assert "<td>My wording of the claim</td><td>Their wording of it</td>" in conflict
    kursk.refresh_from_db()
    assert (kursk.text, kursk.version) == ("Their wording of it", 2)
    # The form below is the current version, ready to edit again.
    assert 'name="version" value="2"' in page


def test_viewers_get_no_forms_and_may_not_post(viewer_client, kursk):
    page = viewer_client.get(page_url(kursk)).content.decode()
    other = ClaimFactory()

    assert f'action="{edit_url(kursk)}"' not in page
    assert f'action="{link_url(kursk)}"' not in page
    assert viewer_client.post(edit_url(kursk), edit_form(kursk, text="Changed")).status_code == 403
    linked = viewer_client.post(link_url(kursk), {"relation": "same_as", "other": f"#{other.pk}"})
    assert linked.status_code == 403
    kursk.refresh_from_db()
    other.refresh_from_db()
    assert kursk.text == KURSK and other.status == ClaimStatus.OPEN
    assert not ClaimLink.objects.exists()


def test_edits_need_the_csrf_token(editor, kursk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(page_url(kursk)).content.decode()

    refused = client.post(edit_url(kursk), edit_form(kursk, text="Without a token"))
    assert refused.status_code == 403
    kursk.refresh_from_db()
    assert kursk.text == KURSK

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    saved = client.post(
        edit_url(kursk), {**edit_form(kursk, text="With a token"), "csrfmiddlewaretoken": token}
    )
    assert saved.status_code == 302
    kursk.refresh_from_db()
    assert kursk.text == "With a token"


def test_linking_as_corroborating_creates_a_link(analyst_client, kursk):
    other = ClaimFactory(text="Kyiv confirmed soldiers were captured")

    response = analyst_client.post(
        link_url(kursk),
        {"relation": "corroborates", "other": f"#{other.pk} · {other.text}", "note": "Kyiv"},
    )

    assert response.status_code == 302
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim, link.relation, link.note) == (
        kursk,
        other,
        LinkRelation.CORROBORATES,
        "Kyiv",
    )
    other.refresh_from_db()
    assert other.status == ClaimStatus.OPEN


def test_linking_as_same_merges_the_other_claim_into_this_one(analyst_client, kursk):
    other = ClaimFactory(text="430 Ukrainian soldiers captured in Kursk, says Moscow")
    moved = appear(other, ArticleFactory(source=rated("Gamma Post", "A")))

    response = analyst_client.post(link_url(kursk), {"relation": "same_as", "other": other.pk})

    assert response.status_code == 302
    other.refresh_from_db()
    kursk.refresh_from_db()
    moved.refresh_from_db()
    assert other.status == ClaimStatus.ARCHIVED
    assert moved.claim == kursk
    assert (kursk.n_appearances, other.n_appearances) == (3, 0)
    assert kursk.best_grade == ReliabilityGrade.A
    assert ClaimLink.objects.filter(
        from_claim=kursk, to_claim=other, relation=LinkRelation.SAME_AS
    ).exists()
    page = analyst_client.get(page_url(kursk)).content.decode()
    assert f"Merged claim #{other.pk} into this one" in page


def test_hostile_text_is_escaped_on_the_claim_page(viewer_client, editor):
    body = f"Before {HOSTILE} after."
    article = ArticleFactory(title=f"Title {HOSTILE}", body=body)
    appearance = annotate(
        article=article,
        start=0,
        end=len(body),
        by=editor,
        text=f"Claim {HOSTILE}",
        claimant=f"Said {HOSTILE}",
        notes=f"Notes {HOSTILE}",
        tags=[f"Tag {HOSTILE}"],
    )
    claim = appearance.claim
    update_claim(claim=claim, version=claim.version, by=editor, text=f"Edited {HOSTILE}")
    ClaimLinkFactory(from_claim=claim, to_claim=ClaimFactory(text=f"Other {HOSTILE}"))

    page = viewer_client.get(page_url(claim)).content.decode()

    assert "<script>alert(1)" not in page and '" onmouseover=' not in page
    for prefix in ("Title", "Edited", "Claim", "Said", "Notes", "Tag", "Other", "Before"):
        assert f"{prefix} {escape(HOSTILE)}" in page, prefix


def _claim_with_appearances(n: int) -> Claim:
    claim = ClaimFactory()
    claim.tags.add(TagFactory(), TagFactory())
    for i in range(n):
        source = SourceFactory()
        SourceRatingFactory(source=source, grade="ABCDEF"[i % 6])
        AppearanceFactory(claim=claim, article=ArticleFactory(source=source), claimant=f"S{i}")
    ClaimLinkFactory(from_claim=claim)
    ClaimLinkFactory(to_claim=claim)
    refresh_claim_stats(claims=[claim.pk])
    return claim


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_claim_page_query_count_does_not_grow_with_the_appearances(request, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    few, many = _claim_with_appearances(2), _claim_with_appearances(20)
    client.get(page_url(few))  # warm per-process caches before counting

    small = queries(client, page_url(few))
    large = queries(client, page_url(many))

    assert len(small) == len(large)
    assert many.appearances.count() == 20


# --- The article page -----------------------------------------------------------------------


def test_article_body_is_escaped_also_inside_a_mark(viewer_client):
    body = "Before <script>alert(1)</script> middle <img src=x onerror=alert(1)> after."
    article = ArticleFactory(body=body)
    start = body.index("<script>")
    appearance = appear(
        ClaimFactory(text=f"Claim {HOSTILE}"), article, start=start, end=body.index(" <img")
    )

    page = viewer_client.get(article_url(article)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror=alert(1)>" not in page
    assert "<script>alert(1)" not in page and '" onmouseover=' not in page
    assert (
        f'<mark class="appearance" data-appearances="{appearance.pk}" '
        f'title="Claim {escape(HOSTILE)}">&lt;script&gt;alert(1)&lt;/script&gt; middle</mark>'
        in page
    )
    assert " &lt;img src=x onerror=alert(1)&gt; after." in page
    assert article_text(page) == body


def test_overlapping_appearances_are_marked_as_overlapping(viewer_client):
    body = "Officials said that 430 soldiers were captured near Kursk on Monday."
    article = ArticleFactory(body=body)
    first = appear(ClaimFactory(), article, start=0, end=body.index(" were"))
    second = appear(ClaimFactory(), article, start=body.index("430"), end=body.index(" on"))

    page = viewer_client.get(article_url(article)).content.decode()

    assert re.search(
        rf'<mark class="appearance" data-appearances="{first.pk}"[^>]*>Officials said that </mark>',
        page,
    )
    assert re.search(
        rf'<mark class="appearance overlap" data-appearances="{first.pk} {second.pk}"[^>]*>'
        r"430 soldiers</mark>",
        page,
    )
    assert re.search(
        rf'<mark class="appearance" data-appearances="{second.pk}"[^>]*>'
        r" were captured near Kursk</mark>",
        page,
    )
    assert article_text(page) == body


def test_an_orphaned_appearance_is_listed_but_not_marked(viewer_client):
    body = "Officials said that 430 soldiers were captured."
    article = ArticleFactory(body=body)
    orphan = appear(ClaimFactory(text="Lost claim"), article, start=0, end=14)
    Appearance.objects.filter(pk=orphan.pk).update(anchor_status=AnchorStatus.ORPHANED)

    page = viewer_client.get(article_url(article)).content.decode()

    assert marked_body(page) == escape(body)
    assert f'<tr id="appearance-{orphan.pk}">' in page
    assert '<span class="anchor anchor-orphaned">Orphaned</span>' in page


def test_the_text_of_the_article_is_exactly_its_body(viewer_client):
    body = (
        "Генштаб заявив 😀, що 430 солдатів потрапили в полон.\n\n"
        "Officials said “430” & <more> 🇺🇦 were captured.\n  Indented line."
    )
    article = ArticleFactory(body=body)
    for start, end in [(0, 14), (8, body.index("\n")), (body.index("🇺🇦"), len(body) - 3)]:
        appear(ClaimFactory(), article, start=start, end=end)

    page = viewer_client.get(article_url(article)).content.decode()

    assert article_text(page) == body
    assert page.count('class="appearance') >= 3


BODY_WITH_EMOJI = "😀🇺🇦 Звіт. Officials said that 430 soldiers were captured. Kyiv was silent."


def _selection(body: str, quote: str) -> dict:
    """The annotation form as the browser fills it in: the hidden fields for the selection
    of `quote`, and the claim type's initial choice."""
    start = body.index(quote)
    return {
        "start": utf16(body, start),
        "end": utf16(body, start + len(quote)),
        "quote": quote,
        "claim_type": ClaimType.OTHER,
    }


def test_annotating_converts_utf16_offsets_to_python_ones(analyst_client):
    article = ArticleFactory(body=BODY_WITH_EMOJI)
    quote = "Officials said that 430 soldiers were captured."
    selection = _selection(BODY_WITH_EMOJI, quote)
    assert selection["start"] == BODY_WITH_EMOJI.index(quote) + 3  # three astral characters

    response = analyst_client.post(
        annotate_url(article),
        {
            **selection,
            "text": "430 soldiers were captured",
            "claimant": "Officials",
            "verb": "said",
            "claim_type": "quantity",
            "tags": "place:Kursk",
        },
    )

    assert response.status_code == 302
    appearance = Appearance.objects.get()
    assert response["Location"] == f"{article_url(article)}#appearance-{appearance.pk}"
    assert (appearance.start, appearance.end) == (
        BODY_WITH_EMOJI.index(quote),
        BODY_WITH_EMOJI.index(quote) + len(quote),
    )
    assert appearance.exact == quote
    assert (appearance.claimant, appearance.verb) == ("Officials", "said")
    claim = appearance.claim
    assert claim.text == "430 soldiers were captured"
    assert claim.claim_type == ClaimType.QUANTITY
    assert claim.credibility == Credibility.UNJUDGED
    assert [tag.name for tag in claim.tags.all()] == ["place:Kursk"]
    assert claim.n_appearances == 1


def test_a_quote_that_no_longer_matches_the_body_is_refused(analyst_client):
    article = ArticleFactory(body=BODY_WITH_EMOJI)
    selection = _selection(BODY_WITH_EMOJI, "Officials said that 430 soldiers were captured.")
    Article.objects.filter(pk=article.pk).update(body=BODY_WITH_EMOJI.replace("😀", "😀😀"))

    response = analyst_client.post(annotate_url(article), {**selection, "text": "Captured"})

    assert response.status_code == 400
    assert (
        escape("The article's text changed since you opened it: reload the page and select again.")
        in response.content.decode()
    )
    assert not Appearance.objects.exists() and not Claim.objects.exists()


def test_a_selection_outside_the_body_is_refused(analyst_client):
    article = ArticleFactory(body="Short.")

    response = analyst_client.post(
        annotate_url(article),
        {"start": 2, "end": 99, "quote": "ort.", "text": "Short", "claim_type": "other"},
    )

    assert response.status_code == 400
    assert "The selection is outside the article" in response.content.decode()
    assert not Claim.objects.exists()


def test_analysts_attach_a_selection_to_an_existing_claim(analyst_client, kursk):
    article = ArticleFactory(body=BODY_WITH_EMOJI)
    quote = "430 soldiers were captured"

    response = analyst_client.post(
        annotate_url(article),
        {**_selection(BODY_WITH_EMOJI, quote), "claim": f"#{kursk.pk} · {KURSK}", "text": ""},
    )

    assert response.status_code == 302
    appearance = Appearance.objects.get(article=article)
    assert appearance.claim == kursk and appearance.exact == quote
    assert Claim.objects.count() == 1
    kursk.refresh_from_db()
    assert kursk.n_appearances == 3


def test_an_analysts_posted_credibility_is_ignored_an_editors_is_stored(
    analyst_client, editor_client
):
    article = ArticleFactory(body=BODY_WITH_EMOJI)
    for client, quote in [(analyst_client, "Officials said"), (editor_client, "Kyiv was silent")]:
        response = client.post(
            annotate_url(article),
            {**_selection(BODY_WITH_EMOJI, quote), "text": quote, "credibility": "2"},
        )
        assert response.status_code == 302

    assert Claim.objects.get(text="Officials said").credibility == Credibility.UNJUDGED
    assert Claim.objects.get(text="Kyiv was silent").credibility == Credibility.PROBABLE


def test_viewers_get_no_annotation_form_nor_suggestions_and_may_not_post(viewer_client):
    article = ArticleFactory(body="Officials said that 430 soldiers were captured.")

    page = viewer_client.get(article_url(article)).content.decode()

    assert 'id="annotate-form"' not in page and 'id="suggestions"' not in page
    assert "data-annotatable" not in page
    posted = viewer_client.post(
        annotate_url(article), {**_selection(article.body, "Officials said"), "text": "Said"}
    )
    assert posted.status_code == 403
    decided = viewer_client.post(
        article_decide_url(article), {"action": "accept", "text": article.body}
    )
    assert decided.status_code == 403
    assert not Claim.objects.exists()


SUGGESTED = "Officials said that 430 soldiers were captured."
SUGGESTION_BODY = f"The weather was mild. {SUGGESTED} Talks continue in Geneva."


def test_the_suggested_claims_panel_lists_attributed_sentences(analyst_client):
    article = ArticleFactory(body=SUGGESTION_BODY)

    page = analyst_client.get(article_url(article)).content.decode()

    panel = section(page, "suggestions")
    assert f"<p>{SUGGESTED}</p>" in panel
    assert f'<input type="hidden" name="text" value="{SUGGESTED}">' in panel
    assert "The weather was mild." not in panel


def test_accepting_a_suggested_claim_creates_the_claim_and_its_appearance(analyst_client):
    article = ArticleFactory(body=SUGGESTION_BODY)

    response = analyst_client.post(
        article_decide_url(article), {"action": "accept", "text": SUGGESTED}
    )

    assert response.status_code == 302
    appearance = Appearance.objects.get()
    assert appearance.claim.text == SUGGESTED
    assert (appearance.start, appearance.exact) == (SUGGESTION_BODY.index(SUGGESTED), SUGGESTED)
    page = analyst_client.get(article_url(article)).content.decode()
    assert f"<p>{SUGGESTED}</p>" not in section(page, "suggestions")
    assert f'id="appearance-{appearance.pk}"' in page


def test_a_dismissed_suggestion_is_not_offered_again(analyst_client):
    article = ArticleFactory(body=SUGGESTION_BODY)

    response = analyst_client.post(
        article_decide_url(article), {"action": "dismiss", "text": SUGGESTED}
    )

    assert response.status_code == 302
    page = analyst_client.get(article_url(article)).content.decode()
    assert f"<p>{SUGGESTED}</p>" not in section(page, "suggestions")
    assert not Claim.objects.exists()


def _article_with_appearances(n: int) -> Article:
    body = " ".join(f"Officials said that {400 + i} soldiers were captured." for i in range(20))
    article = ArticleFactory(body=body)
    for i in range(n):
        sentence = f"Officials said that {400 + i} soldiers were captured."
        start = body.index(sentence)
        appear(ClaimFactory(), article, start=start, end=start + len(sentence))
    return article


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_article_page_query_count_does_not_grow_with_the_appearances(request, role):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    few, many = _article_with_appearances(2), _article_with_appearances(20)
    client.get(article_url(few))  # warm per-process caches before counting

    small = queries(client, article_url(few))
    large = queries(client, article_url(many))

    assert len(small) == len(large)
    assert many.appearances.count() == 20


# --- Possibly-same sentences ----------------------------------------------------------------

RESTATED = "Gerasimov reported that 430 Ukrainian soldiers had been captured."
OTHER_NUMBER = "Officials said that 431 Ukrainian soldiers were captured in the Kursk region."


@pytest.fixture
def restating(kursk):
    """An article a week after kursk's first appearance that restates it, and in another
    sentence states a different number."""
    return ArticleFactory(
        title="A week later",
        body=f"Fighting continued. {RESTATED} {OTHER_NUMBER}",
        published_at=at("2024-08-17T12:00"),
    )


def _suggested(client, claim: Claim) -> list[dict]:
    response = client.get(suggestions_url(claim))
    assert response.status_code == 200
    rows = re.findall(
        r'name="article" value="(\d+)">\s*<input type="hidden" name="start" value="(\d+)">\s*'
        r'<input type="hidden" name="end" value="(\d+)">\s*'
        r'<input type="hidden" name="text" value="([^"]*)">',
        response.content.decode(),
    )
    return [
        {"article": int(a), "start": int(s), "end": int(e), "text": html.unescape(t)}
        for a, s, e, t in rows
    ]


def test_a_sentence_restating_the_claim_is_suggested(analyst_client, kursk, restating):
    page = analyst_client.get(suggestions_url(kursk)).content.decode()

    assert f"<td>{RESTATED}</td>" in page
    assert f'<a href="/articles/{restating.pk}/">A week later</a>' in page
    start = restating.body.index(RESTATED)
    assert _suggested(analyst_client, kursk) == [
        {"article": restating.pk, "start": start, "end": start + len(RESTATED), "text": RESTATED}
    ]


def test_a_sentence_with_a_different_number_is_not_suggested(analyst_client, kursk, restating):
    page = analyst_client.get(suggestions_url(kursk)).content.decode()

    assert OTHER_NUMBER not in page


def test_articles_far_from_the_claims_appearances_are_not_searched(analyst_client, kursk):
    ArticleFactory(body=RESTATED, published_at=at("2024-11-01T12:00"))

    assert _suggested(analyst_client, kursk) == []


def test_accepting_a_possibly_same_sentence_adds_an_appearance(analyst_client, kursk, restating):
    (suggestion,) = _suggested(analyst_client, kursk)

    response = analyst_client.post(decide_url(kursk), {**suggestion, "action": "accept"})

    assert response.status_code == 302
    assert response["Location"] == suggestions_url(kursk)
    appearance = Appearance.objects.get(article=restating)
    assert (appearance.claim, appearance.exact) == (kursk, RESTATED)
    kursk.refresh_from_db()
    assert kursk.n_appearances == 3
    assert _suggested(analyst_client, kursk) == []


def test_dismissing_a_possibly_same_sentence_removes_it_from_the_list(
    analyst_client, kursk, restating
):
    (suggestion,) = _suggested(analyst_client, kursk)

    response = analyst_client.post(decide_url(kursk), {**suggestion, "action": "dismiss"})

    assert response.status_code == 302
    assert _suggested(analyst_client, kursk) == []
    assert not Appearance.objects.filter(article=restating).exists()


def test_viewers_see_suggestions_but_cannot_decide_them(viewer_client, kursk, restating):
    page = viewer_client.get(suggestions_url(kursk)).content.decode()

    assert f"<td>{RESTATED}</td>" in page
    assert f'action="{decide_url(kursk)}"' not in page
    start = restating.body.index(RESTATED)
    response = viewer_client.post(
        decide_url(kursk),
        {
            "action": "accept",
            "article": restating.pk,
            "start": start,
            "end": start + len(RESTATED),
            "text": RESTATED,
        },
    )
    assert response.status_code == 403
    assert not Appearance.objects.filter(article=restating).exists()


# --- Autocompletion -------------------------------------------------------------------------


def offered(client, q: str) -> list[int]:
    response = client.get(AUTOCOMPLETE, {"q": q})
    assert response.status_code == 200
    return [row["id"] for row in response.json()]


def test_autocomplete_finds_claims_by_their_words_and_by_number(viewer_client, kursk):
    other = ClaimFactory(text="Grain exports rose by 20 percent")

    assert offered(viewer_client, "430 soldiers") == [kursk.pk]
    assert offered(viewer_client, "SOLDIERS kursk") == [kursk.pk]
    assert offered(viewer_client, f"#{other.pk}") == [other.pk]
    assert offered(viewer_client, "431 soldiers") == []
    assert offered(viewer_client, "") == []
    (row,) = viewer_client.get(AUTOCOMPLETE, {"q": "430 soldiers"}).json()
    assert row["name"] == f"#{kursk.pk} · {KURSK}"


def test_autocomplete_does_not_offer_archived_claims(viewer_client, kursk):
    archived = ClaimFactory(text="Russia captured 430 soldiers (merged)", status="archived")

    assert offered(viewer_client, "430 soldiers") == [kursk.pk]
    assert offered(viewer_client, f"#{archived.pk}") == []


def test_autocomplete_needs_a_login(client, kursk):
    response = client.get(AUTOCOMPLETE, {"q": "430"})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- The seed -------------------------------------------------------------------------------


def test_every_seeded_claim_and_article_page_renders(analyst_client):
    call_command("loaddata", "seed", verbosity=0)
    assert (Article.objects.count(), Claim.objects.count(), Appearance.objects.count()) == (
        5,
        16,
        22,
    )

    listing = analyst_client.get(LIST, {"archived": "1"}).content.decode()
    assert sorted(int(pk) for pk in CLAIM_LINK.findall(listing)) == sorted(
        Claim.objects.values_list("pk", flat=True)
    )
    for claim in Claim.objects.all():
        assert analyst_client.get(page_url(claim)).status_code == 200, claim
        assert analyst_client.get(suggestions_url(claim)).status_code == 200, claim
    for article in Article.objects.all():
        page = analyst_client.get(article_url(article)).content.decode()
        assert article_text(page) == article.body, article


def test_a_malformed_suggestion_decision_is_a_bad_request(analyst_client):
    claim = ClaimFactory()
    article = ArticleFactory()
    url = reverse("claim-suggestion-decide", args=[claim.pk])
    response = analyst_client.post(url, {"article": article.pk, "start": "x", "text": "y"})
    assert response.status_code == 400
