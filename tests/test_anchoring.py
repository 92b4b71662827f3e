"""Re-finding an appearance's quote after the body changes (exact, moved, orphaned)."""

from articles.anchoring import reanchor, selectors

BODY = "Gerasimov said 430 soldiers were captured. Later, Kyiv said 430 soldiers were freed."


def _anchor_of(quote: str, body: str = BODY, occurrence: int = 1) -> dict:
    start = -1
    for _ in range(occurrence):
        start = body.index(quote, start + 1)
    return selectors(body, start, start + len(quote))


def test_selectors_hold_32_characters_of_context_and_python_offsets():
    body = "Фокус 🙂 " * 10 + "430 Ukrainian soldiers" + " — Герасимов" * 5
    anchor = _anchor_of("430 Ukrainian soldiers", body)
    assert body[anchor["start"] : anchor["end"]] == anchor["exact"] == "430 Ukrainian soldiers"
    assert len(anchor["prefix"]) == len(anchor["suffix"]) == 32
    assert body[: anchor["start"]].endswith(anchor["prefix"])


def test_an_unchanged_body_keeps_the_anchor_exact():
    anchor = _anchor_of("430 soldiers were captured")
    assert reanchor(BODY, **anchor).status == "exact"


def test_a_quote_shifted_by_an_edit_is_moved_to_its_new_offsets():
    anchor = _anchor_of("430 soldiers were captured")
    edited = "UPDATED: " + BODY
    result = reanchor(edited, **anchor)
    assert result.status == "moved"
    assert edited[result.start : result.end] == "430 soldiers were captured"


def test_context_chooses_among_several_occurrences():
    anchor = _anchor_of("430 soldiers were", occurrence=2)  # the one after "Kyiv said"
    edited = "Note. " + BODY
    result = reanchor(edited, **anchor)
    assert result.status == "moved"
    assert edited[: result.start].endswith("Kyiv said ")


def test_a_quote_that_is_gone_is_orphaned_at_its_old_place():
    anchor = _anchor_of("430 soldiers were captured")
    result = reanchor("A different article altogether.", **anchor)
    assert (result.status, result.start, result.end) == ("orphaned", anchor["start"], anchor["end"])
