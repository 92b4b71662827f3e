"""Claim suggestions (articles/suggest.py): which sentences are suggested, with which kinds,
claimant, verb and claim type; how a body is cut into sentences; which sentences possibly
restate a claim. Plain strings, no database.

The sentences below are written in the style of wire copy, not taken from the seed articles,
so the rules are held to English news prose in general. The quality floors at the end hold
the rules to what bench/suggestion_quality.py measured against the seed fixture's hand
annotations, rounded down a little: a drop below them is a regression.
"""

import random

import pytest

from articles.suggest import (
    ATTRIBUTION_VERBS,
    SIMILARITY_THRESHOLD,
    SentenceMatch,
    Suggestion,
    sentences,
    similar_sentences,
    suggest_claims,
)
from bench.suggestion_quality import measure

# Measured on the seed fixture (5 articles, 22 hand appearances, 16 claims), threshold 0.5:
# recall 19/22 = 0.864, precision (lower bound) 17/45 = 0.378, claimant 14/15 = 0.933,
# verb 13/16 = 0.812, similar-sentence recall 9/9, similar precision 9/12 = 0.75.
RECALL_FLOOR = 0.85
PRECISION_FLOOR = 0.35
CLAIMANT_FLOOR = 0.85
VERB_FLOOR = 0.78
SIMILAR_RECALL_FLOOR = 0.95
SIMILAR_PRECISION_FLOOR = 0.70


def only(body: str) -> Suggestion:
    suggestions = suggest_claims(body)
    assert len(suggestions) == 1, suggestions
    return suggestions[0]


def texts(body: str) -> list[str]:
    return [body[start:end] for start, end in sentences(body)]


# --- Attribution ---------------------------------------------------------------------------

ATTRIBUTIONS = [
    # sentence, claimant as stated, verb as stated
    (
        "Chief of the General Staff Valery Gerasimov asserted that Russian forces had "
        "regained most of the region.",
        "Chief of the General Staff Valery Gerasimov",
        "asserted",
    ),
    (
        "The minister said the border would stay closed until further notice.",
        "The minister",
        "said",
    ),
    ("Russia has stated it will not engage in talks with Ukraine.", "Russia", "has stated"),
    ("Peskov announced that the operation had reached its final phase.", "Peskov", "announced"),
    ("The army reported that the town had been retaken overnight.", "The army", "reported"),
    ("The company claimed that its product was entirely safe.", "The company", "claimed"),
    ("Aid agencies warned that famine was imminent in the north.", "Aid agencies", "warned"),
    ("The central bank noted that inflation had slowed sharply.", "The central bank", "noted"),
    ("Officials say the dam was damaged by shelling on Sunday.", "Officials", "say"),
    (
        "Putin further stated that captured soldiers should be treated as terrorists.",
        "Putin",
        "stated",
    ),
    ("Syrskyi also reported that the town had been nearly destroyed.", "Syrskyi", "reported"),
    (
        "The secretary of state emphasized that Ukraine will need guarantees.",
        "The secretary of state",
        "emphasized",
    ),
    (
        "At the same time, the head of the State Department separately emphasized that "
        "guarantees are needed.",
        "the head of the State Department",
        "emphasized",
    ),
    (
        "This position was articulated by Sergei Shoigu in a briefing.",
        "Sergei Shoigu",
        "articulated",
    ),
    (
        "“We will not back down,” said Prime Minister Keir Starmer.",
        "Prime Minister Keir Starmer",
        "said",
    ),
    ("“It is up to Russia now,” Trump stated to reporters.", "Trump", "stated"),
    (
        "Prices rose sharply in January, the statistics office reported.",
        "the statistics office",
        "reported",
    ),
    (
        "Dr. Jane Goodall, a primatologist, said that chimpanzees use tools.",
        "Dr. Jane Goodall",
        "said",
    ),
    (
        "On Wednesday, Ukraine’s army chief, Oleksandr Syrskyi, suggested further withdrawals.",
        "Oleksandr Syrskyi",
        "suggested",
    ),
    (
        "Analyst Anna Petrova, in an interview with Reuters, argued that sanctions had failed.",
        "Analyst Anna Petrova",
        "argued",
    ),
    ("Zelensky, speaking in Kyiv, claimed the front line was holding.", "Zelensky", "claimed"),
    (
        "And also, notes Stanislav Zhelikhovsky, the factor can be used in talks.",
        "Stanislav Zhelikhovsky",
        "notes",
    ),
    (
        "US President Donald Trump remarked on Wednesday that the decision rests with Putin.",
        "US President Donald Trump",
        "remarked",
    ),
    (
        "Kremlin spokesperson Dmitry Peskov informed reporters that the proposal is being studied.",
        "Kremlin spokesperson Dmitry Peskov",
        "informed",
    ),
    (
        "Earlier, U.S. officials indicated that the strike had been prepared for months.",
        "U.S. officials",
        "indicated",
    ),
    (
        "Secretary of State Antony Blinken spoke about the importance of the region.",
        "Secretary of State Antony Blinken",
        "spoke about",
    ),
]


@pytest.mark.parametrize(("sentence", "claimant", "verb"), ATTRIBUTIONS)
def test_an_attributed_statement_is_suggested_with_its_claimant_and_verb(sentence, claimant, verb):
    suggestion = only(sentence)
    assert "attribution" in suggestion.kinds
    assert (suggestion.claimant, suggestion.verb) == (claimant, verb)


ACCORDING_TO = [
    (
        "According to the Ministry of Health, the outbreak is under control.",
        "the Ministry of Health",
    ),
    (
        "The operation has reached its final phase, according to the state news agency TASS.",
        "the state news agency TASS",
    ),
    (
        "In particular, according to the head of state, this is a strong trump card.",
        "the head of state",
    ),
]


@pytest.mark.parametrize(("sentence", "claimant"), ACCORDING_TO)
def test_according_to_names_the_claimant_after_it(sentence, claimant):
    suggestion = only(sentence)
    assert suggestion.kinds[0] == "attribution"
    assert suggestion.claimant == claimant
    assert suggestion.verb.lower() == "according to"


def test_of_several_attributions_the_first_with_a_named_claimant_and_that_wins():
    suggestion = only(
        "On Wednesday, Gerasimov asserted that Russian forces had regained most of the "
        "territory, reported that hundreds of soldiers had been captured, and indicated that "
        "the rest were encircled."
    )
    assert (suggestion.claimant, suggestion.verb) == ("Gerasimov", "asserted")
    # A named claimant beats an author's "we".
    named = only(
        "In passing, we note that the operation was recently emphasized by President Zelensky."
    )
    assert named.claimant == "President Zelensky"


def test_an_attribution_without_a_named_source_has_an_empty_claimant():
    assert only("It was reported that the bridge had collapsed overnight.").claimant == ""
    hearsay = only("Russia reportedly made territorial gains in the region last week.")
    assert (hearsay.claimant, hearsay.verb) == ("", "reportedly")


ADJECTIVES_AND_NOUNS = [
    "Russia’s stated readiness to talk remains vague at best.",
    "The claims were rejected by the court last week.",
    "The United States and its allies met in Brussels on Monday.",
    "The notes of the meeting were never published by anyone.",
    "As noted above, the region remains tense and unstable.",
    "Let’s say the talks go nowhere in the coming weeks.",
]


@pytest.mark.parametrize("sentence", ADJECTIVES_AND_NOUNS)
def test_a_verb_form_used_as_adjective_or_noun_is_not_an_attribution(sentence):
    assert suggest_claims(sentence) == []


# --- Quoted speech -------------------------------------------------------------------------

QUOTES = [
    # sentence, claimant, verb
    ("“We’ll have to wait and see. It’s up to Russia now,” Trump stated.", "Trump", "stated"),
    ("“It’s a disaster,” the mayor fumed after the vote.", "the mayor", "fumed"),
    ("“The blockade must end,” quipped Senator Jane Doe.", "Senator Jane Doe", "quipped"),
    ("Peskov told reporters: “The president is studying the proposal.”", "Peskov", "told"),
    (
        "In turn, political scientist Alexey Yakubin emphasizes: “I do not rule out an exchange.”",
        "political scientist Alexey Yakubin",
        "emphasizes",
    ),
]


@pytest.mark.parametrize(("sentence", "claimant", "verb"), QUOTES)
def test_quoted_speech_with_a_speaker_is_suggested_as_a_quote(sentence, claimant, verb):
    suggestion = only(sentence)
    assert suggestion.kinds[:2] == ("attribution", "quote")
    assert (suggestion.claimant, suggestion.verb) == (claimant, verb)


def test_scare_quotes_alone_do_not_make_a_quote():
    suggestion = only("Putin said the soldiers should be regarded as “terrorists.”")
    assert suggestion.kinds == ("attribution",)


# --- Quantities ----------------------------------------------------------------------------

QUANTITIES = [
    "Russia has captured 430 Ukrainian soldiers in the region.",
    "Turnout reached 86% in the capital on polling day.",
    "Turnout reached 86 percent in the capital on polling day.",
    "The US proposed a 30-day ceasefire to both sides.",
    "Thousands of people have fled the city since the bombing began.",
    "The government will spend $3.5bn on new housing next year.",
    "Police arrested five men after the raid in the suburbs.",
    "More than 1,200 homes were left without power after the storm.",
    "Supportive | 45% |",
]


@pytest.mark.parametrize("sentence", QUANTITIES)
def test_a_sentence_with_a_quantity_is_suggested_as_quantity(sentence):
    suggestion = only(sentence)
    assert "quantity" in suggestion.kinds
    assert suggestion.claim_type == "quantity"


NOT_QUANTITIES = [
    "The talks took place in Geneva in 2023 without any result.",
    "The F-16 jets arrived in the country after a long wait.",
    "The 3rd brigade withdrew from the village on the weekend.",
    "The two leaders met in Geneva for talks on the weekend.",
    "The meeting is scheduled for January 20 at the embassy.",
    "Both sides met at 10:30 in the morning in a hotel.",
]


@pytest.mark.parametrize("sentence", NOT_QUANTITIES)
def test_dates_years_ordinals_names_and_the_two_are_not_quantities(sentence):
    assert suggest_claims(sentence) == []


def test_a_date_counts_only_next_to_another_claim_signal():
    suggestion = only("The deadline is January 20, the expert stated.")
    assert suggestion.kinds == ("attribution",)
    assert suggestion.claim_type != "quantity"


# --- Not claims ----------------------------------------------------------------------------

NON_CLAIMS = [
    "",
    "   \n\t ",
    "Previous Article",
    "Subscribe to our newsletter",
    "Share this article on Facebook",
    "Top 5 This Week",
    "Tuesday, June 17, 2025",
    "08 January 2025, 23:41 | Policy",
    "Oct 3 | Military Training Exercises | Kursk |",
    "Putins Strategic Visit to Kursk Amid Ongoing Ukraine Conflict",
    "Will Russia accept the 30-day ceasefire?",
    "Did the minister say that prices would rise?",
    "Observers noted several key elements during his visit:",
    "The visit underscores the complexities of the standoff.",
]


@pytest.mark.parametrize("body", NON_CLAIMS)
def test_navigation_dates_headings_questions_and_lead_ins_are_not_suggested(body):
    assert suggest_claims(body) == []


# --- Claim type ----------------------------------------------------------------------------

CLAIM_TYPES = [
    ("The minister warned that prices will rise next year.", "prediction"),
    ("Economists said the economy is expected to shrink.", "prediction"),
    ("Peskov said the president is studying the proposal.", "other"),
    ("The president said the will of the people was clear.", "other"),
    ("The ministry said 12 people were injured in the attack.", "quantity"),
]


@pytest.mark.parametrize(("sentence", "claim_type"), CLAIM_TYPES)
def test_claim_type_is_quantity_then_prediction_then_other(sentence, claim_type):
    assert only(sentence).claim_type == claim_type


# --- Offsets and order ---------------------------------------------------------------------

BODIES = [
    "Russia said 430 soldiers were captured. The army reported that 12 died.",
    "Президент заявил, что 430 солдат взяты в плен.\nГенерал сообщил об этом в среду.",
    "🔥🔥 Breaking 🔥\nRussia said 😀 430 soldiers were captured. Officials say 😀 thousands fled.",
    "Line one said 5 things happened.\r\n\r\nThe army reported that 12 died.\r\n",
    "  \u2028The minister said that 3 bridges\u00a0were hit.\u2029Zwölf Männer said 7 more.  ",
    "e\u0301 The agency reported that 9 cafe\u0301s closed. “Ça suffit,” the mayor said.",
]


@pytest.mark.parametrize("body", BODIES)
def test_offsets_point_into_the_body_and_suggestions_are_in_order(body):
    suggestions = suggest_claims(body)
    assert suggestions
    for suggestion in suggestions:
        assert body[suggestion.start : suggestion.end] == suggestion.text
        assert suggestion.text == suggestion.text.strip()
    starts = [suggestion.start for suggestion in suggestions]
    assert starts == sorted(starts)
    for start, end in sentences(body):
        assert body[start:end] == body[start:end].strip() and start < end


def test_a_cyrillic_sentence_with_a_number_is_suggested_at_its_offsets():
    body = "Генерал Герасимов выступил в среду.\nПрезидент заявил, что 430 солдат взяты в плен."
    suggestion = only(body)
    assert suggestion.text == "Президент заявил, что 430 солдат взяты в плен."
    assert suggestion.start == body.index("Президент")


# --- Sentences -----------------------------------------------------------------------------

SPLITS = [
    (
        "Mr. Smith told reporters that the plan was dead. He left at 5 p.m. The meeting ended.",
        [
            "Mr. Smith told reporters that the plan was dead.",
            "He left at 5 p.m.",
            "The meeting ended.",
        ],
    ),
    (
        "The U.S. Army said the base was safe. It gave no details.",
        ["The U.S. Army said the base was safe.", "It gave no details."],
    ),
    (
        "He moved to the U.S. The rest of the family stayed in Kyiv.",
        ["He moved to the U.S.", "The rest of the family stayed in Kyiv."],
    ),
    (
        "The talks are set for Jan. 20 in Geneva. Both sides agreed.",
        ["The talks are set for Jan. 20 in Geneva.", "Both sides agreed."],
    ),
    (
        "John F. Kennedy was elected in 1960. He was 43.",
        ["John F. Kennedy was elected in 1960.", "He was 43."],
    ),
    (
        "The visit ended.This trip comes at a critical juncture.",
        ["The visit ended.", "This trip comes at a critical juncture."],
    ),
    (
        "A headline without a stop\nThe first paragraph.",
        ["A headline without a stop", "The first paragraph."],
    ),
    (
        "“We’ll have to wait and see. It’s up to Russia now,” Trump stated. Then he left.",
        ["“We’ll have to wait and see. It’s up to Russia now,” Trump stated.", "Then he left."],
    ),
    ("He said: “It is over.” Then he left.", ["He said: “It is over.”", "Then he left."]),
    ("“Is it over?” she asked. Nobody answered.", ["“Is it over?” she asked.", "Nobody answered."]),
    ("He paused... Then he spoke again.", ["He paused...", "Then he spoke again."]),
    (
        "Президент прибыл в Курск. Он встретился с генералом.",
        ["Президент прибыл в Курск.", "Он встретился с генералом."],
    ),
    ("1. The first point.\n2. The second point.", ["1. The first point.", "2. The second point."]),
    (
        "Visit barrons.com for more. Prices rose 2.5 percent.",
        ["Visit barrons.com for more.", "Prices rose 2.5 percent."],
    ),
    ("", []),
    ("  \n\n  ", []),
]


@pytest.mark.parametrize(("body", "expected"), SPLITS)
def test_sentences_handle_abbreviations_quotes_and_line_breaks(body, expected):
    assert texts(body) == expected


# --- Similar sentences ---------------------------------------------------------------------

ARTICLE = (
    "President Vladimir Putin visited the Kursk region on Wednesday.\n"
    "On Wednesday, Gerasimov asserted that Russian forces had regained over 86% of the "
    "territory previously taken by Ukraine, reported that 430 Ukrainian soldiers had been "
    "captured, and indicated that the remaining Ukrainian troops were encircled.\n"
    "Ukrainian drones struck an oil depot deep inside Russia overnight.\n"
    "Kyiv said talks with Russia and Ukrainian partners would continue."
)
CLAIM_430 = "Russia captured 430 Ukrainian soldiers in the Kursk region"


def test_a_restatement_with_the_same_number_is_found_first():
    matches = similar_sentences(CLAIM_430, ARTICLE)
    assert matches
    assert "430 Ukrainian soldiers had been captured" in matches[0].text
    assert all(isinstance(match, SentenceMatch) and 0 < match.score <= 1 for match in matches)
    assert [match.score for match in matches] == sorted((m.score for m in matches), reverse=True)
    for match in matches:
        assert ARTICLE[match.start : match.end] == match.text


def test_sentences_sharing_only_generic_words_are_not_matches():
    texts_matched = [match.text for match in similar_sentences(CLAIM_430, ARTICLE)]
    assert not any("oil depot" in text or "talks with Russia" in text for text in texts_matched)
    body = "Ukrainian officials met Russia's envoy in Geneva to discuss grain exports."
    assert similar_sentences(CLAIM_430, body) == []


def test_a_different_number_is_a_different_claim():
    body = "The general reported that 431 Ukrainian soldiers had been captured in Kursk."
    assert similar_sentences(CLAIM_430, body) == []
    same = "The general reported that 430 Ukrainian soldiers had been captured in Kursk."
    assert len(similar_sentences(CLAIM_430, same)) == 1


def test_percent_sign_and_word_are_the_same_number():
    claim = "Russian forces regained over 86% of the Kursk territory"
    body = "Russian forces have regained over 86 percent of the territory in Kursk."
    assert len(similar_sentences(claim, body)) == 1
    assert similar_sentences(claim, body.replace("86", "68")) == []


def test_inflections_and_a_one_letter_typo_still_match():
    claim = "Putin visited Kursk for the first time since Ukraine's incursion"
    body = "Putin has made his frist visit to Kursk since the Ukrainian incursion."
    assert len(similar_sentences(claim, body)) == 1


def test_the_threshold_trades_recall_for_precision():
    loose = similar_sentences(CLAIM_430, ARTICLE, threshold=0.1)
    strict = similar_sentences(CLAIM_430, ARTICLE, threshold=0.99)
    assert len(loose) > len(similar_sentences(CLAIM_430, ARTICLE)) >= len(strict)
    assert 0 < SIMILARITY_THRESHOLD < 1


def test_a_claim_without_content_matches_nothing():
    assert similar_sentences("", ARTICLE) == []
    assert similar_sentences("it is the", ARTICLE) == []
    assert similar_sentences(CLAIM_430, "") == []


# --- Robustness and speed ------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\n" * 1000,
    "." * 5000,
    "?!…" * 2000,
    "“" * 3000 + "”" * 3000,
    '" a ' * 3000,
    "U.S. " * 5000,
    "said that " * 5000,
    "according to " * 3000,
    "1,234 Jan 5 " * 3000,
    "😀" * 10000,
    "\ud800 lone surrogate said 5 \udfff",
    "\x00\x01\x02 said 3 \x7f",
    "\u202e RTL override said that 5 people died \u202c",
    "a\u0301" * 3000,
    "|" * 5000,
    "-" * 5000 + " 5",
    "Mr. " * 5000,
    ", said " * 5000,
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_raises(body):
    for suggestion in suggest_claims(body):
        assert body[suggestion.start : suggestion.end] == suggestion.text
    sentences(body)
    similar_sentences(body[:200], body)
    similar_sentences(CLAIM_430, body)


def test_random_text_never_raises_and_offsets_hold():
    rng = random.Random(20250701)
    alphabet = [*"abcXYZ .,!?“”\"'«»()[]|%$-:;\n\t0123456789", "\ud800", "😀", "Ж", "\u2028", "。"]
    for _ in range(500):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for suggestion in suggest_claims(body):
            assert body[suggestion.start : suggestion.end] == suggestion.text
        similar_sentences(body, body)


def test_the_verb_list_is_one_constant_of_lowercase_words():
    assert {"said", "stated", "asserted", "announced", "reported", "claimed", "warned"} <= (
        ATTRIBUTION_VERBS
    )
    assert all(verb == verb.lower() and " " not in verb for verb in ATTRIBUTION_VERBS)


# --- Quality against the seed's hand annotations -------------------------------------------


@pytest.fixture(scope="module")
def quality() -> dict:
    return measure()


def test_suggestions_recall_the_hand_annotated_appearances(quality):
    assert quality["recall"] >= RECALL_FLOOR, quality["missed"]


def test_suggestions_precision_against_hand_annotations_holds(quality):
    assert quality["precision"] >= PRECISION_FLOOR


def test_claimant_and_verb_guesses_agree_with_the_hand_ones(quality):
    assert quality["claimant_accuracy"] >= CLAIMANT_FLOOR, quality["claimants"]
    assert quality["verb_accuracy"] >= VERB_FLOOR, quality["verbs"]


def test_similar_sentences_find_the_other_appearances_of_a_claim(quality):
    assert quality["similar_recall"] >= SIMILAR_RECALL_FLOOR, quality["similar_not_found"]
    assert quality["similar_precision_shared"] >= SIMILAR_PRECISION_FLOOR
