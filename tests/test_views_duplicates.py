"""The duplicate review queue (`/duplicates/`), the review page of one pair and its two
actions (decide, propose): which pairs are queued and in what order, a query count that
does not grow with the queue, the word diff, escaping, every role's permissions, CSRF, the
keyboard hooks, and a decision that regroups a whole group."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, DuplicateCandidate, DuplicateStatus, Proposal
from articles.services.duplicates import dedupe_articles
from tests.factories import (
    ArticleFactory,
    DuplicateCandidateFactory,
    SourceFactory,
    SourceRatingFactory,
)
from tests.test_dedupe import FOOTER, STORY, _article, _copyedited, _short, _wrapped

pytestmark = pytest.mark.django_db

LIST = reverse("duplicate-list")
LOGIN = reverse("login")
REVIEW_LINK = re.compile(r'<td class="col-review"><a href="/duplicates/(\d+)/">Review</a></td>')
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

PARAGRAPHS = [line for line in STORY.splitlines() if line.strip()]
# A real story of eight paragraphs, and another outlet's copy of its first six under that
# outlet's header and footer, lightly copy-edited ("said" became "stated"): a pending pair.
SHORT_STORY = "\n".join(PARAGRAPHS[:8])
REPUBLISHED = _wrapped(_copyedited("\n".join(PARAGRAPHS[:6])))


def at(moment: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(moment))


def review_url(pair: DuplicateCandidate) -> str:
    return reverse("duplicate-review", args=[pair.pk])


def decide_url(pair: DuplicateCandidate) -> str:
    return reverse("duplicate-decide", args=[pair.pk])


def propose_url(pair: DuplicateCandidate) -> str:
    return reverse("duplicate-propose", args=[pair.pk])


def queued(client, **params) -> list[int]:
    """The ids of the pairs the queue shows for these query parameters, in order."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [int(pk) for pk in REVIEW_LINK.findall(response.content.decode())]


def canonical_of(article: Article) -> int:
    article.refresh_from_db()
    return article.duplicate_of_id or article.pk


def assert_no_chains() -> None:
    """Every duplicate points directly at an article that is itself canonical."""
    assert not Article.objects.filter(duplicate_of__duplicate_of__isnull=False).exists()


def snapshot(pair: DuplicateCandidate) -> tuple:
    """Everything a decision or a proposal could change about a pair and its articles."""
    pair.refresh_from_db()
    return (
        pair.status,
        pair.canonical_id,
        pair.decided_by_id,
        pair.decided_at,
        pair.proposal,
        pair.proposed_by_id,
        pair.history.count(),
        sorted(Article.objects.values_list("pk", "duplicate_of")),
    )


@pytest.fixture
def pending_pair():
    """A pending pair whose first article was published first (the rule's canonical)."""
    return DuplicateCandidateFactory(
        article_a__title="Storm spares holiday travel",
        article_a__published_at=at("2025-11-26 08:00"),
        article_b__title="Holiday travel spared by storm",
        article_b__published_at=at("2025-11-26 11:00"),
        similarity=0.62,
        containment=0.75,
    )


# --- The queue ------------------------------------------------------------------------------


@pytest.fixture
def queue(analyst):
    """Seven pairs that differ in every filtered property; names say what each is."""
    wire = SourceFactory(name="Wire Agency")
    farm = SourceFactory(name="Content Farm")
    ledger = SourceFactory(name="Evening Ledger")

    def pair(first, second, similarity, found, **fields):
        row = DuplicateCandidateFactory(
            article_a__source=first, article_b__source=second, similarity=similarity, **fields
        )
        DuplicateCandidate.objects.filter(pk=row.pk).update(created_at=at(found))
        return row

    pairs = {
        "high": pair(
            wire,
            farm,
            0.92,
            "2025-03-10 12:00",
            proposal=Proposal.CONFIRM,
            proposed_by=analyst,
        ),
        "medium": pair(
            ledger,
            wire,
            0.65,
            "2025-03-12 12:00",
            proposal=Proposal.REJECT,
            proposed_by=analyst,
        ),
        "edge": pair(farm, farm, 0.5, "2025-03-14 12:00"),  # 50%: the medium band's floor
        "low": pair(farm, ledger, 0.35, "2025-03-16 12:00"),
        "auto": pair(wire, ledger, 0.97, "2025-03-10 12:00", status=DuplicateStatus.AUTO),
        "confirmed": pair(farm, wire, 0.7, "2025-03-12 12:00", status=DuplicateStatus.CONFIRMED),
        "rejected": pair(ledger, farm, 0.4, "2025-03-14 12:00", status=DuplicateStatus.REJECTED),
    }
    return pairs


def names(queue: dict, pks: list[int]) -> list[str]:
    by_pk = {pair.pk: name for name, pair in queue.items()}
    return [by_pk[pk] for pk in pks]


def test_the_queue_shows_pending_pairs_most_similar_first(viewer_client, queue):
    assert names(queue, queued(viewer_client)) == ["high", "medium", "edge", "low"]


def test_an_empty_status_shows_every_pair(viewer_client, queue):
    assert names(queue, queued(viewer_client, status="")) == [
        "auto",
        "high",
        "confirmed",
        "medium",
        "edge",
        "rejected",
        "low",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "auto"}, ["auto"]),
        ({"status": "confirmed"}, ["confirmed"]),
        ({"status": "rejected"}, ["rejected"]),
        ({"band": "high"}, ["high"]),
        ({"band": "medium"}, ["medium", "edge"]),
        ({"band": "low"}, ["low"]),
        ({"band": "high", "status": ""}, ["auto", "high"]),
        # Either side: "medium" has the Wire Agency second, "high" first.
        ({"source": "Wire Agency"}, ["high", "medium"]),
        ({"source": "Evening Ledger"}, ["medium", "low"]),
        ({"source": "Content Farm"}, ["high", "edge", "low"]),
        ({"source": "content farm"}, ["high", "edge", "low"]),
        ({"source": "Wire Agency", "status": ""}, ["auto", "high", "confirmed", "medium"]),
        ({"proposal": "confirm"}, ["high"]),
        ({"proposal": "reject"}, ["medium"]),
        ({"found_from": "2025-03-12"}, ["medium", "edge", "low"]),
        ({"found_to": "2025-03-12"}, ["high", "medium"]),
        ({"found_from": "2025-03-12", "found_to": "2025-03-14"}, ["medium", "edge"]),
        (
            {"found_from": "2025-03-12", "found_to": "2025-03-14", "status": ""},
            ["confirmed", "medium", "edge", "rejected"],
        ),
        ({"band": "medium", "source": "Content Farm"}, ["edge"]),
    ],
    ids=lambda value: repr(value),
)
def test_each_filter_narrows_the_queue(viewer_client, queue, params, expected):
    assert names(queue, queued(viewer_client, **params)) == expected


def test_an_unknown_source_is_an_error_and_queues_nothing(viewer_client, queue):
    response = viewer_client.get(LIST, {"source": "Nonexistent Gazette"})

    html = response.content.decode()
    assert "No source is named “Nonexistent Gazette”." in html
    assert REVIEW_LINK.findall(html) == []


def test_the_queue_can_be_sorted_by_similarity_ascending(viewer_client, queue):
    assert names(queue, queued(viewer_client, sort="similarity")) == [
        "low",
        "edge",
        "medium",
        "high",
    ]


def test_equally_similar_pairs_are_queued_in_the_order_next_walks_them(viewer_client):
    """Ties in similarity: the queue and the review page's Next agree (oldest pair first),
    so walking the queue with Next from its top visits every pending pair."""
    first, second, third = (DuplicateCandidateFactory(similarity=0.6) for _ in range(3))

    order = queued(viewer_client)

    assert order == [first.pk, second.pk, third.pk]
    html = viewer_client.get(reverse("duplicate-review", args=[order[0]])).content.decode()
    assert f'href="{review_url(second)}" rel="next"' in html


def test_the_queue_shows_titles_sources_grades_and_the_proposal(viewer_client, analyst):
    wire = SourceFactory(name="Wire Agency")
    SourceRatingFactory(source=wire, grade="B")
    DuplicateCandidateFactory(
        article_a__title="Storm spares holiday travel",
        article_a__source=wire,
        article_b__title="",
        article_b__source=SourceFactory(name="Evening Ledger"),
        similarity=0.625,
        containment=0.75,
        proposal=Proposal.REJECT,
        proposed_by=analyst,
    )

    html = viewer_client.get(LIST).content.decode()

    assert ">Storm spares holiday travel</a>" in html and ">(untitled)</a>" in html
    assert 'Wire Agency</span> <span class="grade">B – Usually reliable</span>' in html
    assert 'Evening Ledger</span> <span class="grade">Unrated</span>' in html
    assert '<td class="col-similarity">62%</td>' in html
    assert '<td class="col-containment">75%</td>' in html
    assert '<td class="col-proposal">Reject (analyst)</td>' in html


def _build_queue(n: int, analyst) -> None:
    sources = SourceFactory.create_batch(3)
    SourceRatingFactory(source=sources[0], grade="A")
    for i in range(n):
        proposed = i % 2 == 0
        DuplicateCandidateFactory(
            article_a__source=sources[i % 3],
            article_b__source=sources[(i + 1) % 3],
            similarity=0.3 + (i % 7) / 10,
            proposal=Proposal.CONFIRM if proposed else Proposal.NONE,
            proposed_by=analyst if proposed else None,
        )


def queue_queries(client, **params) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return queries


def test_the_queue_query_count_does_not_grow_with_the_queue(viewer_client, analyst):
    _build_queue(3, analyst)
    viewer_client.get(LIST)  # warm per-process caches before counting
    variants = [
        {},
        {"status": "", "sort": "-containment"},
        {"band": "medium", "proposal": "confirm"},
    ]
    small = [len(queue_queries(viewer_client, **params)) for params in variants]
    assert len(REVIEW_LINK.findall(viewer_client.get(LIST).content.decode())) == 3

    _build_queue(27, analyst)
    assert len(REVIEW_LINK.findall(viewer_client.get(LIST).content.decode())) == 30
    large = [len(queue_queries(viewer_client, **params)) for params in variants]

    assert small == large


def test_the_queue_never_counts_the_pairs(viewer_client, analyst):
    _build_queue(55, analyst)

    first_page = viewer_client.get(LIST).content.decode()
    assert len(REVIEW_LINK.findall(first_page)) == 50 and 'rel="next"' in first_page
    for params in [{}, {"page": "2"}, {"status": "", "band": "low"}, {"sort": "found"}]:
        statements = [q["sql"] for q in queue_queries(viewer_client, **params)]
        counts = [
            sql
            for sql in statements
            if re.search(r"COUNT\(", sql, re.I) and "articles_duplicatecandidate" in sql
        ]
        assert counts == [], counts


def test_the_queue_never_loads_article_bodies(viewer_client, analyst):
    _build_queue(3, analyst)

    statements = [q["sql"] for q in queue_queries(viewer_client)]

    assert any("articles_duplicatecandidate" in sql for sql in statements)
    for sql in statements:
        for column in ("raw", "body", "fingerprint"):
            assert f'."{column}"' not in sql


# --- The review page ------------------------------------------------------------------------


def test_the_review_page_shows_both_articles_and_marks_the_differences(viewer_client):
    wire = SourceFactory(name="Wire Agency")
    SourceRatingFactory(source=wire, grade="B")
    ledger = SourceFactory(name="Evening Ledger")
    original = _article(SHORT_STORY, source=wire, title="Storm spares holiday travel")
    copy = _article(REPUBLISHED, source=ledger, title="Holiday travel spared by storm")
    dedupe_articles(ids=[original.pk, copy.pk])
    pair = DuplicateCandidate.objects.get()
    assert pair.status == DuplicateStatus.PENDING

    response = viewer_client.get(review_url(pair))

    html = response.content.decode()
    assert response.status_code == 200
    assert ">Storm spares holiday travel</a></h2>" in html
    assert ">Holiday travel spared by storm</a></h2>" in html
    assert 'Wire Agency <span class="grade">B – Usually reliable</span>' in html
    assert 'Evening Ledger <span class="grade">Unrated</span>' in html
    original_side, copy_side = html.split('<div class="diff-text">')[1:]
    # The copy-edit: this side's word where the other has another.
    assert re.search(r'<mark class="seg-changed">said\s*</mark>', original_side)
    assert re.search(r'<mark class="seg-changed">stated\s*</mark>', copy_side)
    assert "stated" not in original_side and "said Steve Cowan" not in copy_side
    # The other outlet's header is in the copy only.
    assert '<p><ins class="seg-only">Home | World | Business | Sport</ins></p>' in copy_side
    assert "Home | World" not in original_side
    # A paragraph the copy-edit left alone is the same on both sides: no mark at all.
    untouched = escape(PARAGRAPHS[3])
    assert f"<p>{untouched}</p>" in original_side and f"<p>{untouched}</p>" in copy_side
    assert "seg-template" not in original_side + copy_side  # two sources: nothing dimmed


def test_a_footer_shared_within_one_source_is_shown_as_its_template(viewer_client):
    outlet = SourceFactory(name="Daily Bulletin")
    first = _article(f"{_short(STORY)}\n{FOOTER}", source=outlet)
    second = _article(f"{_copyedited(_short(STORY))}\n{FOOTER}", source=outlet)
    dedupe_articles(ids=[first.pk, second.pk])
    pair = DuplicateCandidate.objects.get()

    html = viewer_client.get(review_url(pair)).content.decode()

    sides = html.split('<div class="diff-text">')[1:]
    for side in sides:
        for line in FOOTER.splitlines():
            assert f'<p><span class="seg-template">{escape(line)}</span></p>' in side
        assert side.count("seg-template") == len(FOOTER.splitlines())
    assert re.search(r'<mark class="seg-changed">stated\s*</mark>', sides[1])


def test_the_same_footer_in_two_sources_is_compared_not_dimmed(viewer_client):
    first = _article(f"{_short(STORY)}\n{FOOTER}")
    second = _article(f"{_copyedited(_short(STORY))}\n{FOOTER}")
    pair = DuplicateCandidateFactory(article_a=first, article_b=second)

    html = viewer_client.get(review_url(pair)).content.decode()

    assert 'class="seg-template"' not in html.split('<div class="side-by-side">')[1]


def test_the_review_page_escapes_hostile_text(editor_client):
    hostile = SourceFactory(name=f"Outlet {SCRIPT}")
    article = ArticleFactory(
        source=hostile,
        title=f"Title {SCRIPT} {IMG}",
        byline=f"By {SCRIPT} {IMG}",
        body=f"Officials {SCRIPT} said {IMG} the roads were clear.\nSecond line {IMG}",
    )
    other = ArticleFactory(body="Officials said the roads were clear.\nSecond line.")
    pair = DuplicateCandidateFactory(article_a=article, article_b=other)

    html = editor_client.get(review_url(pair)).content.decode()

    assert SCRIPT not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    escaped_script, escaped_img = escape(SCRIPT), escape(IMG)
    assert f">Title {escaped_script} {escaped_img}</a></h2>" in html
    assert f"<dd>By {escaped_script} {escaped_img}</dd>" in html
    assert f"Outlet {escaped_script} <span" in html
    diff = html.split('<div class="side-by-side">')[1]
    first_side = diff.split('<div class="diff-text">')[1]
    assert first_side.count(escaped_script) == 1
    assert first_side.count("&lt;img") == 2 and first_side.count("onerror=alert(1)&gt;") == 2


def test_the_queue_escapes_hostile_titles_and_source_names(viewer_client):
    DuplicateCandidateFactory(
        article_a__title=f"Title {SCRIPT} {IMG}",
        article_a__source=SourceFactory(name=f"Outlet {IMG}"),
        article_b__byline=f"By {SCRIPT}",
    )

    html = viewer_client.get(LIST).content.decode()

    assert SCRIPT not in html and "<img src=x" not in html
    assert f">Title {escape(SCRIPT)} {escape(IMG)}</a>" in html
    assert f'<span class="source">Outlet {escape(IMG)}</span>' in html


def test_an_unknown_pair_is_not_found(viewer_client):
    assert viewer_client.get(reverse("duplicate-review", args=[999_999])).status_code == 404


def test_decide_and_propose_on_an_unknown_pair_are_not_found(editor):
    client = Client()
    client.force_login(editor)
    for name in ("duplicate-decide", "duplicate-propose"):
        url = reverse(name, args=[999_999])
        assert client.post(url, {"action": "reject", "proposal": "reject"}).status_code == 404


def _review_queries(client, pair) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review_url(pair))
    assert response.status_code == 200
    return len(queries)


def test_the_review_page_query_count_does_not_grow_with_history(editor_client, editor):
    few = DuplicateCandidateFactory()
    many = DuplicateCandidateFactory()
    for index in range(8):
        many.proposal = Proposal.CONFIRM if index % 2 else Proposal.REJECT
        many.proposed_by = editor
        many.save()
    editor_client.get(review_url(few))  # warm per-process caches before counting

    assert _review_queries(editor_client, few) == _review_queries(editor_client, many)


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "duplicate-list"),
        ("get", "duplicate-review"),
        ("post", "duplicate-decide"),
        ("post", "duplicate-propose"),
    ],
)
def test_anonymous_requests_are_sent_to_log_in(client, pending_pair, method, url_name):
    before = snapshot(pending_pair)
    url = LIST if url_name == "duplicate-list" else reverse(url_name, args=[pending_pair.pk])

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"action": "confirm", "proposal": "confirm"})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    assert snapshot(pending_pair) == before


def test_a_viewer_reads_but_cannot_decide_or_propose(viewer_client, pending_pair):
    before = snapshot(pending_pair)

    assert viewer_client.get(LIST).status_code == 200
    review = viewer_client.get(review_url(pending_pair))
    decided = viewer_client.post(decide_url(pending_pair), {"action": "confirm"})
    proposed = viewer_client.post(propose_url(pending_pair), {"proposal": "confirm"})

    html = review.content.decode()
    assert review.status_code == 200
    assert decided.status_code == 403 and proposed.status_code == 403
    assert snapshot(pending_pair) == before
    assert decide_url(pending_pair) not in html and propose_url(pending_pair) not in html
    assert "data-shortcut-form" not in html and '<form method="post" action="/dup' not in html
    assert "You can read this pair; Editors decide and Analysts propose." in html


def test_an_analyst_proposes_and_the_pair_stays_pending(analyst_client, analyst, pending_pair):
    html = analyst_client.get(review_url(pending_pair)).content.decode()
    assert f'action="{propose_url(pending_pair)}"' in html
    assert decide_url(pending_pair) not in html and "Confirm duplicates" not in html

    response = analyst_client.post(propose_url(pending_pair), {"proposal": "reject"})

    assert response.status_code == 302 and response["Location"] == LIST
    pending_pair.refresh_from_db()
    assert pending_pair.proposal == Proposal.REJECT and pending_pair.proposed_by == analyst
    assert pending_pair.status == DuplicateStatus.PENDING and pending_pair.decided_by is None
    assert pending_pair.history.filter(proposal=Proposal.REJECT, history_user=analyst).exists()
    followed = analyst_client.get(LIST).content.decode()
    assert "Proposal recorded: reject." in followed
    assert names({"pair": pending_pair}, queued(analyst_client, proposal="reject")) == ["pair"]


def test_an_analyst_cannot_decide(analyst_client, pending_pair):
    before = snapshot(pending_pair)

    response = analyst_client.post(decide_url(pending_pair), {"action": "confirm"})

    assert response.status_code == 403
    assert snapshot(pending_pair) == before


@pytest.mark.parametrize("proposal", ["", "maybe", "confirmed"])
def test_a_proposal_must_be_confirm_or_reject(analyst_client, pending_pair, proposal):
    before = snapshot(pending_pair)

    response = analyst_client.post(propose_url(pending_pair), {"proposal": proposal}, follow=True)

    assert response.redirect_chain == [(review_url(pending_pair), 302)]
    assert "Propose to confirm or to reject." in response.content.decode()
    assert snapshot(pending_pair) == before


def test_a_decided_pair_takes_no_proposal(analyst_client, pending_pair):
    DuplicateCandidate.objects.filter(pk=pending_pair.pk).update(status=DuplicateStatus.REJECTED)
    before = snapshot(pending_pair)

    html = analyst_client.get(review_url(pending_pair)).content.decode()
    response = analyst_client.post(propose_url(pending_pair), {"proposal": "confirm"}, follow=True)

    assert propose_url(pending_pair) not in html  # no buttons on a decided pair
    assert "This pair has already been decided." in response.content.decode()
    assert snapshot(pending_pair) == before


def test_an_editor_confirms_with_the_canonical_of_their_choice(editor_client, editor, pending_pair):
    first, second = pending_pair.article_a, pending_pair.article_b
    html = editor_client.get(review_url(pending_pair)).content.decode()
    # The rule's choice (the earlier published) is preselected; the Editor picks the other.
    assert f'name="canonical" value="{first.pk}" checked' in html
    assert f'name="canonical" value="{second.pk}">' in html

    response = editor_client.post(
        decide_url(pending_pair), {"action": "confirm", "canonical": second.pk}
    )

    assert response.status_code == 302
    pending_pair.refresh_from_db()
    assert pending_pair.status == DuplicateStatus.CONFIRMED
    assert pending_pair.canonical == second
    assert pending_pair.decided_by == editor
    assert timezone.now() - pending_pair.decided_at < timedelta(minutes=1)
    assert canonical_of(first) == second.pk and canonical_of(second) == second.pk
    assert pending_pair.history.filter(
        status=DuplicateStatus.CONFIRMED, history_user=editor
    ).exists()


def test_an_editor_confirms_with_the_rules_canonical_by_default(editor_client, pending_pair):
    editor_client.post(decide_url(pending_pair), {"action": "confirm"})

    first, second = pending_pair.article_a, pending_pair.article_b
    assert canonical_of(second) == first.pk and canonical_of(first) == first.pk


def test_an_editor_rejects_and_the_two_stay_apart(editor_client, editor, pending_pair):
    response = editor_client.post(decide_url(pending_pair), {"action": "reject"}, follow=True)

    pending_pair.refresh_from_db()
    assert pending_pair.status == DuplicateStatus.REJECTED and pending_pair.decided_by == editor
    assert pending_pair.canonical is None
    first, second = pending_pair.article_a, pending_pair.article_b
    assert canonical_of(first) != canonical_of(second)
    assert f"Rejected: not duplicates: #{first.pk} and #{second.pk}." in response.content.decode()
    assert pending_pair.history.filter(status=DuplicateStatus.REJECTED, history_user=editor)


def test_after_a_decision_the_next_pending_pair_opens_then_the_queue(editor_client):
    most = DuplicateCandidateFactory(similarity=0.9)
    DuplicateCandidateFactory(similarity=0.95, status=DuplicateStatus.AUTO)
    middle = DuplicateCandidateFactory(similarity=0.7)
    least = DuplicateCandidateFactory(similarity=0.4)

    first = editor_client.post(decide_url(most), {"action": "confirm"}, follow=True)
    last = editor_client.post(decide_url(least), {"action": "reject"})
    left = editor_client.post(decide_url(middle), {"action": "reject"})

    assert first.redirect_chain == [(review_url(middle), 302)]
    html = first.content.decode()
    assert '<li class="message success">Confirmed as duplicates: ' in html
    assert f"#{most.article_a_id} and #{most.article_b_id}." in html
    assert last["Location"] == LIST  # nothing less similar is pending
    assert left["Location"] == LIST  # nothing pending at all


def test_after_a_proposal_the_next_pending_pair_opens(analyst_client):
    first = DuplicateCandidateFactory(similarity=0.9)
    second = DuplicateCandidateFactory(similarity=0.6)

    response = analyst_client.post(propose_url(first), {"proposal": "confirm"})

    assert response["Location"] == review_url(second)


@pytest.mark.parametrize("url_name", ["duplicate-decide", "duplicate-propose"])
def test_the_actions_only_accept_post(editor_client, pending_pair, url_name):
    before = snapshot(pending_pair)

    response = editor_client.get(
        reverse(url_name, args=[pending_pair.pk]), {"action": "confirm", "proposal": "confirm"}
    )

    assert response.status_code == 405
    assert snapshot(pending_pair) == before


@pytest.mark.parametrize("canonical", ["other", "not-a-number"])
def test_a_canonical_outside_the_pair_is_refused(editor_client, pending_pair, canonical):
    outsider = ArticleFactory()
    before = snapshot(pending_pair)
    value = outsider.pk if canonical == "other" else canonical

    response = editor_client.post(
        decide_url(pending_pair), {"action": "confirm", "canonical": value}, follow=True
    )

    assert response.redirect_chain == [(review_url(pending_pair), 302)]
    assert "The canonical article must be one of the pair." in response.content.decode()
    assert snapshot(pending_pair) == before


def test_an_unknown_action_is_refused(editor_client, pending_pair):
    before = snapshot(pending_pair)

    response = editor_client.post(decide_url(pending_pair), {"action": "merge"}, follow=True)

    assert "Choose to confirm or to reject the pair." in response.content.decode()
    assert snapshot(pending_pair) == before


# --- CSRF -----------------------------------------------------------------------------------


def test_a_decision_without_the_csrf_token_is_refused(editor, pending_pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = snapshot(pending_pair)

    response = client.post(decide_url(pending_pair), {"action": "confirm"})

    assert response.status_code == 403
    assert snapshot(pending_pair) == before


def test_a_proposal_without_the_csrf_token_is_refused(analyst, pending_pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    before = snapshot(pending_pair)

    response = client.post(propose_url(pending_pair), {"proposal": "confirm"})

    assert response.status_code == 403
    assert snapshot(pending_pair) == before


def test_a_decision_with_the_csrf_token_is_accepted(editor, pending_pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(review_url(pending_pair))
    token = client.cookies["csrftoken"].value

    response = client.post(
        decide_url(pending_pair), {"action": "reject", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    pending_pair.refresh_from_db()
    assert pending_pair.status == DuplicateStatus.REJECTED


# --- Keyboard -------------------------------------------------------------------------------


def test_the_review_page_carries_the_keyboard_hooks_and_no_inline_script(editor_client):
    before = DuplicateCandidateFactory(similarity=0.9)
    pair = DuplicateCandidateFactory(similarity=0.7)
    after = DuplicateCandidateFactory(similarity=0.5)

    html = editor_client.get(review_url(pair)).content.decode()

    assert re.search(
        rf'<form method="post" action="{decide_url(pair)}"[^>]*data-shortcut-form="c"', html
    )
    assert re.search(
        rf'<form method="post" action="{decide_url(pair)}" data-shortcut-form="r">', html
    )
    assert f'<a href="{review_url(before)}" rel="prev" data-shortcut="p">' in html
    assert f'<a href="{review_url(after)}" rel="next" data-shortcut="n">' in html
    assert f'<a href="{review_url(after)}" data-shortcut="s">' in html
    scripts = re.findall(r"<script\b[^>]*>.*?</script>", html, re.S)
    # Only external scripts (no inline code, under the CSP), the page's shortcuts among them.
    assert '<script src="/static/js/shortcuts.js" defer></script>' in scripts
    assert all(
        re.fullmatch(r'<script src="/static/js/[\w-]+\.js" defer></script>', s) for s in scripts
    )
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers either


def test_at_the_ends_of_the_queue_there_is_no_previous_or_next(editor_client):
    first = DuplicateCandidateFactory(similarity=0.9)
    last = DuplicateCandidateFactory(similarity=0.5)

    top = editor_client.get(review_url(first)).content.decode()
    bottom = editor_client.get(review_url(last)).content.decode()

    assert 'data-shortcut="p"' not in top and 'data-shortcut="n"' in top
    assert 'data-shortcut="n"' not in bottom and 'data-shortcut="p"' in bottom
    assert f'<a href="{LIST}" data-shortcut="s">' in bottom  # skipping the last: the queue


def test_an_analysts_shortcuts_propose(analyst_client, pending_pair):
    html = analyst_client.get(review_url(pending_pair)).content.decode()

    action = propose_url(pending_pair)
    assert f'<form method="post" action="{action}" data-shortcut-form="c">' in html
    assert f'<form method="post" action="{action}" data-shortcut-form="r">' in html


def test_the_shortcut_script_is_served(viewer_client):
    response = viewer_client.get("/static/js/shortcuts.js")

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"data-shortcut-form" in body


# --- A decision regroups the whole group ----------------------------------------------------

# The first ten and the last ten of a story's twelve paragraphs: each is contained in the
# whole story (linked automatically), and they overlap each other enough to be reviewed.
BASE = PARAGRAPHS[:12]
HEAD, WHOLE, TAIL = "\n".join(BASE[:-2]), "\n".join(BASE), "\n".join(BASE[2:])
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def chain():
    """A~B and B~C linked automatically, A~C pending; A is the earliest published."""
    a = _article(HEAD, published_at=NOW - timedelta(hours=2))
    b = _article(WHOLE, published_at=NOW - timedelta(hours=1))
    c = _article(TAIL, published_at=NOW)
    dedupe_articles(ids=[a.pk, b.pk, c.pk])
    pairs = {(p.article_a_id, p.article_b_id): p for p in DuplicateCandidate.objects.all()}
    assert pairs[(a.pk, b.pk)].status == DuplicateStatus.AUTO
    assert pairs[(b.pk, c.pk)].status == DuplicateStatus.AUTO
    head_tail = pairs[(a.pk, c.pk)]
    assert head_tail.status == DuplicateStatus.PENDING
    assert canonical_of(a) == canonical_of(b) == canonical_of(c) == a.pk  # one group
    return a, b, c, head_tail


def test_rejecting_a_pair_inside_a_group_splits_the_group(editor_client, viewer_client, chain):
    a, b, c, head_tail = chain
    assert queued(viewer_client) == [head_tail.pk]

    editor_client.post(decide_url(head_tail), {"action": "reject"})

    head_tail.refresh_from_db()
    assert head_tail.status == DuplicateStatus.REJECTED
    assert canonical_of(a) != canonical_of(c)
    assert canonical_of(b) in (canonical_of(a), canonical_of(c))  # the whole story joins one
    assert_no_chains()
    assert queued(viewer_client) == []


def test_confirming_with_another_canonical_repoints_every_member(editor_client, chain):
    a, b, c, head_tail = chain

    editor_client.post(decide_url(head_tail), {"action": "confirm", "canonical": c.pk})

    for member in (a, b):
        member.refresh_from_db()
        assert member.duplicate_of_id == c.pk  # directly, not through another member
    c.refresh_from_db()
    assert c.duplicate_of_id is None
    assert_no_chains()
