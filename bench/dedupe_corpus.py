"""A near-duplicate corpus built from real news text, with its truth, for tests and benchmarks.

The duplicate detection has to link real articles republished under other outlets'
boilerplate, copy-edited (a few words changed), cut to teasers or partly rewritten (a
paragraph dropped, an intro added), and must not link short different articles that share
one outlet's large footer. Real text matters: generated text repeats itself and is too easy
to tell apart. The articles are in tests/data/dedupe/articles (provenance in SOURCES.md
there); this module only recombines them, so the truth is known: two documents are
duplicates exactly when they belong to the same family (an original and its variants).

Deterministic for a seed (one `random.Random(seed)`, no global state). Usage:
    python -m bench.dedupe_corpus --out DIR [--seed N]
writes DIR/corpus.jsonl (the JSONL import format: title, body, url, published_at, source)
and DIR/truth.json (the true pairs and each document's family and kind, joined by url).
"""

import argparse
import itertools
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "dedupe" / "articles"

KINDS = (
    "original",
    "wrapped",
    "copyedit",
    "teaser",
    "rewrite",
    "footer_negative",
    "unrelated",
)
VARIANT_WEIGHTS = {"wrapped": 3, "copyedit": 3, "teaser": 2, "rewrite": 2}
N_FOOTER_NEGATIVES = 14  # short different articles under the Daily Bulletin's big footer
N_UNRELATED = 9  # originals that nobody republishes
SHORT_WORDS = 150  # articles shorter than this go to the hard negatives first
NEGATIVE_WORDS = (40, 120)  # article text of a footer negative
INTRO_MIN_WORDS = 25  # a reserved paragraph long enough to open a rewrite
START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
WINDOW_DAYS = 85
# Minutes after the original at which each kind of variant appears.
DELAYS = {
    "wrapped": (30, 2 * 24 * 60),
    "copyedit": (60, 4 * 24 * 60),
    "teaser": (5, 8 * 60),
    "rewrite": (3 * 60, 6 * 24 * 60),
}


@dataclass(frozen=True)
class Doc:
    key: str  # "<article>:<kind>[-n]", stable across seeds
    family: str | None  # the article of an original and its variants; None if no duplicates
    kind: str
    source: str
    title: str
    body: str
    url: str
    published_at: str  # ISO 8601 with UTC offset


@dataclass
class Corpus:
    documents: list[Doc]
    true_pairs: set[frozenset[str]]


@dataclass(frozen=True)
class Article:
    name: str  # file stem
    domain: str  # where it was first published
    title: str
    paragraphs: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Outlet:
    """A publisher with one fixed page template, so its boilerplate recurs and can be learned."""

    name: str
    domain: str
    utc_offset: int  # hours
    header: tuple[str, ...] = ()  # blocks above the article, lines joined by "\n"
    footer: tuple[str, ...] = ()  # blocks below it
    title_suffix: str = ""


# --- Outlets ------------------------------------------------------------------------------
# Republishers. Every line of furniture belongs to one outlet only (a test checks this).

REPUBLISHERS = (
    Outlet(
        "The Coastline Courier",
        "coastlinecourier.example",
        0,
        header=("Home | World | Business | Sport | Opinion", "No time to read?\nGet a summary"),
        footer=(
            "Share this story\nShare via Facebook\nShare via X\n"
            "Share via WhatsApp\nShare via email",
            "Subscribe to our newsletter\n"
            "The Courier's best reporting, in your inbox every weekday morning.",
            "Related Posts\nHarbour dredging plan faces fresh objections\n"
            "Council approves late-night ferry trial\n"
            "Why the seafront bakery queue starts at 5am",
            "© 2026 The Coastline Courier. All rights reserved.",
        ),
    ),
    Outlet(
        "Meridian Daily",
        "meridiandaily.example",
        1,
        header=(
            "Meridian Daily\nNews · Politics · Markets · Culture · Travel",
            "Listen to this article\n5 min",
        ),
        footer=(
            "Top 5 This Week\nRegional rail strike called off at the last minute\n"
            "The quiet return of the neighbourhood cinema\n"
            "Five budget cuts nobody is talking about\n"
            "An orchard, a drought and a family decision\n"
            "Markets wrap: a cautious week for small caps",
            "Sign up for Meridian Morning — the day's essential headlines before breakfast.",
            "Previous Article\nNext Article",
            "Copyright © 2026 Meridian Daily Media Ltd.",
        ),
        title_suffix=" | Meridian Daily",
    ),
    Outlet(
        "Northgate Observer",
        "northgate-observer.example",
        -5,
        header=("Skip to content\nNorthgate Observer\nLocal | National | World | Sport | Weather",),
        footer=(
            "About the author\nDana Whitfield is a senior correspondent at the Northgate "
            "Observer, where she covers courts, councils and the occasional county fair.",
            "LEAVE A REPLY\nPlease enter your comment!\nPlease enter your name here",
            "More from Northgate Observer\nSnow gritting budget doubled for the coming winter\n"
            "Library extension finally gets the green light\n"
            "A century of the Saturday market, in pictures",
            "© 2026 Northgate Observer. Published by Northgate Media Group.",
        ),
    ),
    Outlet(
        "Riverbend Post",
        "riverbendpost.example",
        -6,
        header=("Text size: A A A", "Share on Facebook | Share on X | Copy link"),
        footer=(
            "Read more:\nRiverbend school board weighs four-day week\n"
            "Levee inspections turn up surprising repairs\nThe diner that never closed",
            "Support independent journalism: become a Riverbend Post member from $5 a month.",
            "Riverbend Post © 2026 | Privacy Policy | Terms of Use | Contact the newsroom",
        ),
        title_suffix=" - Riverbend Post",
    ),
    Outlet(
        "Summit Ledger",
        "summitledger.example",
        -5,
        header=(
            "Summit Ledger — Business & Policy\nMarkets | Economy | Tech | Energy",
            "Quick take: the story in 30 seconds",
        ),
        footer=(
            "Get the Ledger Briefing\nOur editors' pick of the day's business news, "
            "every evening at six. Unsubscribe anytime.",
            "You may also like\nWhy mid-sized lenders are tightening again\n"
            "Freight rates and the holiday stock-up\nA guide to reading quarterly guidance\n"
            "The commodities desk's week in charts",
            "Comments are closed.",
            "© Summit Ledger 2026. All rights reserved. Reproduction without permission "
            "prohibited.",
        ),
    ),
    Outlet(
        "The Lantern Review",
        "lanternreview.example",
        0,
        header=("THE LANTERN REVIEW\nIdeas · Science · Society", "Reading time: 6 minutes"),
        footer=(
            "Enjoyed this piece? The Lantern Review is reader-funded. "
            "Make a one-off contribution today.",
            "Keep reading\nThe slow science of soil\nWhat old maps get right about floods\n"
            "On the ethics of the group chat",
            "Leave a comment\nYour email address will not be published. "
            "Required fields are marked *",
            "© 2026 The Lantern Review Foundation",
        ),
        title_suffix=" — The Lantern Review",
    ),
    Outlet(
        "Pacific Crossroads",
        "pacificcrossroads.example",
        8,
        header=(
            "Pacific Crossroads | Asia · Oceania · Americas",
            "Follow us on Facebook\nFollow us on Instagram\nJoin our Telegram channel",
        ),
        footer=(
            "Related stories\nPort workers vote on new contract terms\n"
            "Typhoon season outlook revised upward\n"
            "Street food vendors adapt to new licence rules\n"
            "The island airline that runs on goodwill",
            "Tags: news, world, crossroads",
            "Pacific Crossroads welcomes tips and corrections at desk@pacificcrossroads.example",
            "All content © 2026 Pacific Crossroads Media. All rights reserved.",
        ),
    ),
    Outlet(
        "Old Mill Gazette",
        "oldmillgazette.example",
        0,
        header=("Old Mill Gazette\nEst. 1887 · Serving the valley", "Today's weather: cloudy, 7°C"),
        footer=(
            "Share this:\nTwitter\nFacebook\nReddit\nPrint",
            "Like this:\nLike Loading...",
            "Related\nParish council agrees new footpath route\n"
            "The last blacksmith in the valley\nHarvest supper returns to the village hall",
            "« Older story | Newer story »",
            "© 2026 Old Mill Gazette. Proudly independent since 1887.",
        ),
    ),
)

# Aggregators that print the text bare: the copy-edited, teaser and rewritten variants that
# carry no boilerplate at all.
PLAIN_OUTLETS = (
    Outlet("Newsline Digest", "newslinedigest.example", 0),
    Outlet("Morning Aggregate", "morningaggregate.example", -8),
    Outlet("Civic Wire Reader", "civicwirereader.example", 2),
)

# The hard negatives' outlet: a small header and a large identical footer (about 200 words)
# under a short article of 40-120 words, so the footer outweighs the article.
DAILY_BULLETIN = Outlet(
    "The Daily Bulletin",
    "dailybulletin.example",
    -5,
    header=("The Daily Bulletin\nYour town. Your news. Every day.",),
    footer=(
        "About The Daily Bulletin\nThe Daily Bulletin is an independent, community-funded "
        "news service covering local government, schools, business, courts and culture across "
        "the county since 1994. Our small newsroom of seven reporters and two editors "
        "publishes every day of the year, and every story is checked by a second editor "
        "before it goes online. We do not accept payment for coverage, and sponsored content "
        "is always labelled as such.",
        "Never miss a story\nSign up for The Daily Bulletin newsletter and get the morning "
        "headlines, the evening round-up and our weekend long read delivered free to your "
        "inbox. You can unsubscribe at any time with one click, and we will never sell or "
        "share your address.",
        "More from The Daily Bulletin\nCounty budget hearings: what to watch this week\n"
        "Road closures and detours for the weekend\nHigh school sports scores and schedules\n"
        "Letters to the editor: your views this week\nObituaries and death notices",
        "Comment policy\nWe welcome lively debate, but comments must be civil and on topic. "
        "Personal attacks, hate speech, spam and links to commercial sites will be removed. "
        "Comments are reviewed by our moderators and may take up to an hour to appear. By "
        "commenting you agree to our community guidelines and privacy policy.",
        "Got a news tip? Email the newsroom at tips@dailybulletin.example or call our tip "
        "line any time, day or night.",
        "© 2026 The Daily Bulletin. All rights reserved.",
    ),
)

TEASER_LINE = "Read the full story at {source}"

# --- Copy-editing ---------------------------------------------------------------------------

SYNONYMS = {
    "said": "stated",
    "big": "large",
    "large": "big",
    "about": "around",
    "many": "numerous",
    "buy": "purchase",
    "help": "assist",
    "start": "begin",
    "show": "demonstrate",
    "people": "individuals",
    "however": "though",
    "before": "prior to",
    "after": "following",
    "because": "since",
    "enough": "sufficient",
    "told": "informed",
    "quickly": "rapidly",
    "near": "close to",
    "also": "additionally",
    "major": "significant",
}
SPELLINGS = {
    "color": "colour",
    "center": "centre",
    "defense": "defence",
    "favor": "favour",
    "program": "programme",
    "neighbor": "neighbour",
    "analyze": "analyse",
    "organization": "organisation",
    "realize": "realise",
    "percent": "per cent",
    "theater": "theatre",
    "traveled": "travelled",
    "labor": "labour",
    "honor": "honour",
}
SPELLINGS |= {uk: us for us, uk in SPELLINGS.items()}
FILLERS = ("very", "also", "just", "really", "still", "only", "even", "now", "already", "quite")
INSERTIONS = ("also", "now", "reportedly", "still", "then", "indeed")
NUMBER_WORDS = {
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'])")


def _swap(paragraphs: list[str], rng: random.Random, table: dict[str, str]) -> bool:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, table)) + r")\b", re.IGNORECASE)
    hits = [(i, m) for i, p in enumerate(paragraphs) for m in pattern.finditer(p)]
    if not hits:
        return False
    i, m = rng.choice(hits)
    found = m.group(0)
    new = table[found.lower()]
    if found[0].isupper():
        new = new[0].upper() + new[1:]
    paragraphs[i] = paragraphs[i][: m.start()] + new + paragraphs[i][m.end() :]
    return True


def _synonym(paragraphs: list[str], rng: random.Random) -> bool:
    return _swap(paragraphs, rng, SYNONYMS)


def _spelling(paragraphs: list[str], rng: random.Random) -> bool:
    return _swap(paragraphs, rng, SPELLINGS)


def _number(paragraphs: list[str], rng: random.Random) -> bool:
    """Reformat one number: 1,200 -> 1200, 10 percent <-> 10%, 5 <-> five."""
    rules = (
        (re.compile(r"\b(\d{1,3}),(\d{3})\b(?!,\d)"), lambda m: m[1] + m[2]),
        (re.compile(r"\b(\d+(?:\.\d+)?) percent\b"), lambda m: m[1] + "%"),
        (re.compile(r"\b(\d+(?:\.\d+)?)%"), lambda m: m[1] + " percent"),
        (re.compile(r"(?<![\d.,$£€-])\b([2-9])\b(?![\d.,:%-])"), lambda m: NUMBER_WORDS[m[1]]),
        (
            re.compile(r"\b(" + "|".join(NUMBER_WORDS.values()) + r")\b"),
            lambda m: {w: d for d, w in NUMBER_WORDS.items()}[m[1]],
        ),
    )
    hits = [(i, m, f) for i, p in enumerate(paragraphs) for r, f in rules for m in r.finditer(p)]
    if not hits:
        return False
    i, m, fmt = rng.choice(hits)
    paragraphs[i] = paragraphs[i][: m.start()] + fmt(m) + paragraphs[i][m.end() :]
    return True


def _delete(paragraphs: list[str], rng: random.Random) -> bool:
    """Delete a filler word, or else any lower-case word inside a sentence."""
    fillers = re.compile(r" (?:" + "|".join(FILLERS) + r")\b")
    hits = [(i, m) for i, p in enumerate(paragraphs) for m in fillers.finditer(p)]
    if not hits:
        hits = [(i, m) for i, p in enumerate(paragraphs) for m in re.finditer(r" [a-z]+(?= )", p)]
    if not hits:
        return False
    i, m = rng.choice(hits)
    paragraphs[i] = paragraphs[i][: m.start()] + paragraphs[i][m.end() :]
    return True


def _insert(paragraphs: list[str], rng: random.Random) -> bool:
    hits = [(i, m) for i, p in enumerate(paragraphs) for m in re.finditer(r"(?<= )[^\W\d_]", p)]
    if not hits:
        return False
    i, m = rng.choice(hits)
    word = rng.choice(INSERTIONS)
    paragraphs[i] = paragraphs[i][: m.start()] + word + " " + paragraphs[i][m.start() :]
    return True


EDITS = (_synonym, _number, _delete, _insert, _spelling)


def copyedit(paragraphs: tuple[str, ...], rng: random.Random) -> list[str]:
    """3-8 small edits: synonym swaps, a reformatted number, a word deleted or inserted,
    a spelling variant. An edit that finds nothing to change becomes an insertion."""
    edited = list(paragraphs)
    wanted = rng.randint(3, 8)
    done = attempts = 0
    while done < wanted and attempts < 100:
        attempts += 1
        edit = rng.choice(EDITS)
        if edit(edited, rng) or _insert(edited, rng):
            done += 1
    return edited


# --- Loading and splitting ----------------------------------------------------------------


@cache
def load_articles(folder: Path = ARTICLES) -> tuple[Article, ...]:
    """The real articles: first line the title, a blank line, then blank-line paragraphs.
    The file name is "<domain>_<id>.txt"; the domain is where the article first ran."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n\n")
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
        found.append(Article(path.stem, path.stem.split("_")[0], title.strip(), paragraphs))
    return tuple(found)


def _shingles(text: str, size: int = 8) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _count(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _negative_lead(article: Article) -> tuple[str, int]:
    """The first paragraphs of an article, 40-120 words (a longer one cut at a sentence end,
    or else at 120 words), and how many paragraphs that used up."""
    low, high = NEGATIVE_WORDS
    taken: list[str] = []
    for paragraph in article.paragraphs:
        taken.append(paragraph)
        if _count(taken) >= low:
            break
    used = len(taken)
    while _count(taken) > high:
        sentences = _SENTENCE_BREAK.split(taken[-1])
        shorter = " ".join(sentences[:-1])
        if len(sentences) > 1 and _count(taken[:-1]) + len(shorter.split()) >= low:
            taken[-1] = shorter
        else:
            taken[-1] = " ".join(taken[-1].split()[: high - _count(taken[:-1])])
    return "\n\n".join(taken), used


def split_articles(
    articles: tuple[Article, ...], rng: random.Random
) -> tuple[list[Article], list[Article], list[Article]]:
    """Families, unrelated originals and the reserved articles of the hard negatives.

    Every article lands in exactly one group. The short ones are reserved first (a footer
    negative only uses an article's first 40-120 words); the paragraphs a negative leaves
    unused become the new intros of rewrites, so they too appear only once."""
    shuffled = list(articles)
    rng.shuffle(shuffled)
    short = [a for a in shuffled if a.words < SHORT_WORDS]
    others = [a for a in shuffled if a.words >= SHORT_WORDS]
    reserved = (short + others)[:N_FOOTER_NEGATIVES]
    rest = [a for a in shuffled if a not in reserved]
    return rest[N_UNRELATED:], rest[:N_UNRELATED], reserved


# --- Building -------------------------------------------------------------------------------


def home(article: Article) -> Outlet:
    """The outlet that first published an article: its own site, times in UTC."""
    return Outlet(article.domain, article.domain, 0)


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = re.sub(r"['’]", "", ascii_title)
    words = re.sub(r"[^a-z0-9]+", " ", ascii_title.lower()).split()
    return "-".join(words[:10]) or "story"


def _layout(outlet: Outlet | None, paragraphs: list[str]) -> str:
    blocks = list(outlet.header if outlet else ()) + paragraphs
    return "\n\n".join(blocks + list(outlet.footer if outlet else ()))


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.documents: list[Doc] = []
        self.times: dict[str, datetime] = {}
        self.ids: set[int] = set()

    def url(self, domain: str, title: str, when: datetime) -> str:
        number = self.rng.randrange(100_000, 1_000_000)
        while number in self.ids:
            number = self.rng.randrange(100_000, 1_000_000)
        self.ids.add(number)
        return f"https://{domain}/{when:%Y/%m}/{_slug(title)}-{number}"

    def add(
        self,
        key: str,
        family: str | None,
        kind: str,
        outlet: Outlet,
        title: str,
        body: str,
        when: datetime,
    ) -> None:
        self.times[key] = when
        local = when.astimezone(timezone(timedelta(hours=outlet.utc_offset)))
        url = self.url(outlet.domain, title, when)
        self.documents.append(
            Doc(key, family, kind, outlet.name, title, body, url, local.isoformat())
        )

    def when(self) -> datetime:
        return START + timedelta(minutes=self.rng.randrange(WINDOW_DAYS * 24 * 60))


class _Intros:
    """New opening paragraphs for rewrites, text that appears nowhere else in the corpus.

    First the paragraphs the footer negatives leave unused. A reserved article may quote
    itself, so none is taken that repeats 8 words of a lead or of an intro already taken.
    When they run out, a sentence built from the title."""

    def __init__(self, leads: list[tuple[Article, str, int]], rng: random.Random) -> None:
        self.seen = set().union(*(_shingles(lead) for _, lead, _ in leads))
        self.pool: list[str] = []
        for article, _, used in leads:
            for paragraph in article.paragraphs[used:]:
                shingles = _shingles(paragraph)
                usable = len(paragraph.split()) >= INTRO_MIN_WORDS and "\n" not in paragraph
                if usable and not shingles & self.seen:
                    self.pool.append(paragraph)
                    self.seen |= shingles
        rng.shuffle(self.pool)

    def take(self, outlet: Outlet, title: str) -> str:
        if self.pool:
            return self.pool.pop()
        # Two titles may open alike ("Meth, we're on it: ..."); then the bare title.
        for intro in (f"{outlet.name} has learned that {title[0].lower()}{title[1:]}.", title):
            shingles = _shingles(intro)
            if not shingles & self.seen:
                break
        self.seen |= shingles
        return intro


def _variant(
    article: Article, kind: str, outlet: Outlet, intros: _Intros, rng: random.Random
) -> tuple[str, str]:
    """The title and body of one republished version of an article."""
    paragraphs = list(article.paragraphs)
    title = article.title
    templated = outlet in REPUBLISHERS
    if kind == "copyedit":
        paragraphs = copyedit(article.paragraphs, rng)
    elif kind == "teaser":  # the opening paragraphs, at least 40 words, maybe cut short
        teaser = paragraphs[:1]
        for paragraph in paragraphs[1:]:
            if _count(teaser) >= 40:
                break
            teaser.append(paragraph)
        words = teaser[-1].split()
        shortest = max(len(words) // 2, 30 - _count(teaser[:-1]))
        if rng.random() < 0.5 and shortest <= len(words) - 3:
            teaser[-1] = " ".join(words[: rng.randint(shortest, len(words) - 3)]) + " …"
        paragraphs = [*teaser, TEASER_LINE.format(source=article.domain)]
    elif kind == "rewrite":
        del paragraphs[rng.randrange(1, len(paragraphs))]
        if rng.random() < 0.5:
            multi = [i for i, p in enumerate(paragraphs) if len(_SENTENCE_BREAK.split(p)) > 1]
            if multi:
                i = rng.choice(multi)
                sentences = _SENTENCE_BREAK.split(paragraphs[i])
                order = rng.sample(sentences, len(sentences))
                if order == sentences:
                    order = sentences[1:] + sentences[:1]
                paragraphs[i] = " ".join(order)
        paragraphs.insert(0, intros.take(outlet, title))
    return title + outlet.title_suffix if templated else title, _layout(
        outlet if templated else None, paragraphs
    )


def _variant_kinds(article: Article, rng: random.Random) -> list[str]:
    kinds = rng.choices(list(VARIANT_WEIGHTS), weights=list(VARIANT_WEIGHTS.values()), k=5)
    kinds = kinds[: rng.randint(2, 5)]
    # A rewrite drops one paragraph and keeps the lead: it needs three.
    return [k if k != "rewrite" or len(article.paragraphs) >= 3 else "wrapped" for k in kinds]


def _outlet_for(kind: str, available: list[Outlet], rng: random.Random) -> Outlet:
    """A different outlet for every variant of a family; wrapped copies need a template."""
    wants_template = kind == "wrapped" or rng.random() < 0.5
    fitting = [o for o in available if (o in REPUBLISHERS) == wants_template] or available
    outlet = rng.choice(fitting)
    available.remove(outlet)
    return outlet


def build_corpus(seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    families, unrelated, reserved = split_articles(load_articles(), rng)
    builder = _Builder(rng)

    leads = [(article, *_negative_lead(article)) for article in reserved]
    intros = _Intros(leads, rng)

    for article in families:
        start = builder.when()
        text = "\n\n".join(article.paragraphs)
        builder.add(
            f"{article.name}:original",
            article.name,
            "original",
            home(article),
            article.title,
            text,
            start,
        )
        available = [*REPUBLISHERS, *PLAIN_OUTLETS]
        for n, kind in enumerate(_variant_kinds(article, rng), 1):
            outlet = _outlet_for(kind, available, rng)
            title, body = _variant(article, kind, outlet, intros, rng)
            low, high = DELAYS[kind]
            when = start + timedelta(minutes=rng.randint(low, high))
            key = f"{article.name}:{kind}-{n}"
            builder.add(key, article.name, kind, outlet, title, body, when)

    for article in unrelated:
        text = "\n\n".join(article.paragraphs)
        builder.add(
            f"{article.name}:unrelated",
            None,
            "unrelated",
            home(article),
            article.title,
            text,
            builder.when(),
        )

    # The Daily Bulletin posts its briefs in pairs seconds apart; every other document is
    # on a whole minute, so the two briefs of a pair are consecutive in time.
    for i in range(0, len(leads), 2):
        when = builder.when() + timedelta(seconds=20)
        for offset, (article, lead, _) in enumerate(leads[i : i + 2]):
            body = _layout(DAILY_BULLETIN, [lead])
            moment = when + timedelta(seconds=15 * offset)
            key = f"{article.name}:footer_negative"
            builder.add(key, None, "footer_negative", DAILY_BULLETIN, article.title, body, moment)

    documents = sorted(builder.documents, key=lambda d: (builder.times[d.key], d.key))
    return Corpus(documents, true_pairs(documents))


def true_pairs(documents: list[Doc]) -> set[frozenset[str]]:
    """Every two documents of one family are duplicates; nothing else is."""
    members: dict[str, list[str]] = {}
    for doc in documents:
        if doc.family is not None:
            members.setdefault(doc.family, []).append(doc.key)
    return {
        frozenset(pair) for keys in members.values() for pair in itertools.combinations(keys, 2)
    }


def boilerplate_lines() -> frozenset[str]:
    """Every line this module adds around article text: outlet furniture and teaser links."""
    lines = {
        line
        for outlet in (*REPUBLISHERS, DAILY_BULLETIN)
        for block in outlet.header + outlet.footer
        for line in block.split("\n")
    }
    lines |= {TEASER_LINE.format(source=a.domain) for a in load_articles()}
    return frozenset(lines)


def write(corpus: Corpus, out_dir: Path | str) -> None:
    """corpus.jsonl in the JSONL import format, and truth.json; the url joins the two."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for doc in corpus.documents:
            record = {
                "title": doc.title,
                "body": doc.body,
                "url": doc.url,
                "published_at": doc.published_at,
                "source": doc.source,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    truth = {
        "pairs": sorted(sorted(pair) for pair in corpus.true_pairs),
        "documents": [
            {"key": d.key, "url": d.url, "family": d.family, "kind": d.kind, "source": d.source}
            for d in corpus.documents
        ],
    }
    (out_dir / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    corpus = build_corpus(args.seed)
    write(corpus, args.out)
    kinds = {k: sum(d.kind == k for d in corpus.documents) for k in KINDS}
    families = len({d.family for d in corpus.documents if d.family})
    print(  # noqa: T201 - a script's report
        f"{len(corpus.documents)} documents, {families} families, "
        f"{len(corpus.true_pairs)} true pairs: " + ", ".join(f"{k} {n}" for k, n in kinds.items())
    )


if __name__ == "__main__":
    main()
