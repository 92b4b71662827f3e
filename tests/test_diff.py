"""The word-level diff of the review page: what counts as changed, added or template."""

from articles.diff import CHANGED, ONLY, SAME, TEMPLATE, word_diff


def _kinds(side) -> list[tuple[str, str]]:
    return [segment for line in side.lines for segment in line]


def test_a_few_words_replaced_are_changed_wording_and_the_gap_after_is_not_marked():
    left, right = word_diff("Officials said on Monday.", "Officials stated on Monday.")
    assert _kinds(left) == [(SAME, "Officials "), (CHANGED, "said"), (SAME, " on Monday.")]
    assert _kinds(right) == [(SAME, "Officials "), (CHANGED, "stated"), (SAME, " on Monday.")]


def test_case_and_edge_punctuation_do_not_make_a_word_different():
    left, right = word_diff("The storm, it said.", "the storm it said")
    assert all(kind == SAME for kind, _ in _kinds(left) + _kinds(right))


def test_a_long_replacement_is_text_only_one_side_has():
    cut = "a whole paragraph the copy dropped about the airport and the long queues there"
    added = "the republisher's own paragraph about its newsletter and its app for phones"
    left, right = word_diff(f"Start.\n{cut}\nEnd.", f"Start.\n{added}\nEnd.")
    assert (ONLY, cut) in _kinds(left) and (ONLY, added) in _kinds(right)
    assert left.only_words == len(cut.split()) and left.changed_words == 0


def test_added_words_are_only_on_the_side_that_has_them():
    left, right = word_diff("Rain fell.", "Rain fell today.")
    assert _kinds(left) == [(SAME, "Rain fell.")]
    assert _kinds(right) == [(SAME, "Rain fell "), (ONLY, "today.")]


def test_template_lines_are_shown_whole_and_left_out_of_the_comparison():
    footer = "Subscribe to the Daily Bulletin"
    left, right = word_diff(
        f"Story one.\n{footer}", f"Story one.\n{footer}", template_a=frozenset({footer.casefold()})
    )
    assert left.lines[1] == [(TEMPLATE, footer)]
    # The right side has no template of its own: its footer is text the left did not offer.
    assert right.lines[1] == [(ONLY, footer)]
    assert left.words == 2
