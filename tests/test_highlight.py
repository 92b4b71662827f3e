"""The article body as HTML with its appearances marked: every piece escaped, overlapping
spans shown, and the text inside exactly the body (the annotation script counts over it)."""

import html
import re

import pytest

from articles.highlight import Span, highlight

BODY = "Фокус 🙂: Gerasimov asserted that 430 soldiers were captured <script>alert(1)</script>."


def text_of(marked: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


def span(quote: str, id: int = 1, label: str = "claim") -> Span:
    start = BODY.index(quote)
    return Span(id, start, start + len(quote), label)


def test_no_spans_is_the_escaped_body():
    marked = highlight(BODY, [])
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert text_of(marked) == BODY


@pytest.mark.parametrize(
    "spans",
    [
        [span("430 soldiers")],
        [span("Gerasimov asserted", 1), span("asserted that 430", 2)],  # overlapping
        [span("430 soldiers were captured", 1), span("soldiers", 2)],  # nested
        [span("<script>alert(1)</script>", 3, '"><img src=x onerror=alert(1)>')],
        [span("Фокус 🙂", 4)],
    ],
)
def test_the_text_inside_is_exactly_the_body(spans):
    assert text_of(highlight(BODY, spans)) == BODY


def test_a_span_is_one_mark_naming_its_appearance_and_claim():
    marked = highlight(BODY, [span("430 soldiers", 7, "Russia captured 430")])
    assert '<mark class="appearance" data-appearances="7" title="Russia captured 430">' in marked
    assert "430 soldiers</mark>" in marked


def test_overlapping_spans_mark_the_shared_piece_with_both():
    marked = highlight(BODY, [span("Gerasimov asserted", 1), span("asserted that 430", 2)])
    assert '<mark class="appearance" data-appearances="1" title="claim">Gerasimov </mark>' in marked
    assert 'class="appearance overlap" data-appearances="1 2"' in marked
    assert ">asserted</mark>" in marked
    assert '<mark class="appearance" data-appearances="2" title="claim"> that 430</mark>' in marked


def test_hostile_text_in_a_span_and_in_its_label_is_escaped():
    marked = highlight(
        BODY, [span("<script>alert(1)</script>", 3, '"><img src=x onerror=alert(1)>')]
    )
    assert "<script>" not in marked and "<img" not in marked
    assert 'title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in marked


def test_spans_outside_the_body_or_empty_are_ignored_or_clipped():
    marked = highlight("short", [Span(1, 3, 99, "a"), Span(2, 2, 2, "b"), Span(3, 50, 60, "c")])
    assert text_of(marked) == "short"
    assert marked.count("<mark") == 1
    assert "sho<mark" in marked and ">rt</mark>" in marked
