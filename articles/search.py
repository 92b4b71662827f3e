"""Full-text search over article titles and bodies and claim texts: one API, two engines.

`search()` answers a query typed by a person with ranked hits, each with its object and an
escaped snippet whose matches are wrapped in `<mark>`. The indexes are database-specific
and live outside the models (migration 0008): SQLite FTS5 tables kept in step by triggers,
or a PostgreSQL tsvector column (set by a trigger) with a GIN index. Both are written by the
database itself on every insert, update and delete, so no service needs to remember them.

How a page is answered, in a constant number of queries whatever the size of the desk:

1. one query finds, ranks and pages the hits, in the database (FTS5 `bm25()`, PostgreSQL
   `ts_rank()` over `websearch_to_tsquery()`), with the filters, and folds duplicates into
   their canonical article (a hit on a copy counts for its canonical, once, with how many
   copies matched). It is SQL on both engines because the FTS5 table is beyond the ORM;
   writing both the same way keeps one set of filters with one meaning;
2. one query per kind loads the page's articles (with source and current grade) or claims;
3. one query per kind asks the database for the page's snippets only: FTS5 `snippet()` and
   `highlight()`, or `ts_headline()` (`SearchHeadline`), with private-use characters as
   markers. The whole snippet is then escaped here and only the markers become `<mark>`:
   the text of an article is never trusted as HTML.

What a person types is parsed here (`parse_query`) into words, "quoted phrases",
-exclusions, OR, and a prefix at the end (`sold*`), and rendered for each engine from that
parse, so no input can be a syntax error: every FTS5 term is quoted, and PostgreSQL gets
`websearch_to_tsquery`, which accepts anything, plus a prefix built only of letters and
digits. Not for: finding claims similar to a sentence (`articles/suggest.py`).
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection, transaction
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimStatus,
    ReliabilityGrade,
    Source,
)
from articles.querysets import ARTICLE_TEXT_FIELDS

KINDS = ("article", "claim")

# Private-use characters: what the database puts around a match, replaced by <mark> after
# the snippet is escaped. Article text containing them can at worst mark some words.
START, STOP = "\ue000", "\ue001"
ELLIPSIS = "…"

# A title match counts ten times a body match (SQLite bm25 column weights; on PostgreSQL
# the title is weight A, the body B).
SQLITE_ARTICLE_RANK = "bm25(10.0, 1.0)"
# ts_rank normalisation 1: divide by 1 + log(length), as bm25 favours short documents.
PG_RANK_NORMALISATION = 1

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
SNIPPET_TOKENS = 32

# Ranking is the work that grows with the number of matches (bm25 costs a few microseconds
# a row): a term found in every article would rank the whole desk. Only the newest
# MAX_CANDIDATES matches of each kind (by id, that is by import) are ranked, which keeps a
# common term near 100 ms at 100k articles; `SearchResults.capped` says when more matched.
MAX_CANDIDATES = 10_000

# SQLite: an index of articles_article holding the columns search filters on (migration
# 0008), so that a match is filtered without reading its row.
SQLITE_FILTER_INDEX = "articles_article_search_filter_idx"

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, or a phrase (its words in order). `words` are letters
    and digits only, which is all either engine indexes."""

    words: tuple[str, ...]
    negated: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Alternatives (OR) of conjunctions: `groups[i]` holds the terms that must all match
    (or, negated, must not). A group without a positive term is dropped."""

    groups: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse_query(text: str) -> ParsedQuery:
    """`kursk "430 soldiers" -drill or gerasim*` → groups [kursk, "430 soldiers", not drill]
    OR [gerasim*]. Anything that is neither a letter nor a digit only separates words, so
    `AND(`, `NEAR(`, `*`, lone quotes and emoji are harmless; `or` between two terms is OR;
    a `*` ends a prefix on the last term only."""
    tokens = list(_TOKEN.finditer(text[:MAX_QUERY_CHARS]))
    groups: list[list[Term]] = [[]]
    n_terms = 0
    for position, token in enumerate(tokens):
        minus, phrase, bare = token.groups()
        if bare is not None and bare.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        if bare is not None:
            minus, raw = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        else:
            raw = phrase
        words = tuple(_WORD.findall(raw))
        if not words or n_terms >= MAX_TERMS:
            continue
        last = position == len(tokens) - 1
        prefix = bare is not None and last and raw.endswith("*") and not minus
        groups[-1].append(Term(words=words, negated=bool(minus), prefix=prefix))
        n_terms += 1
    kept = tuple(tuple(g) for g in groups if any(not term.negated for term in g))
    return ParsedQuery(groups=kept)


def fts5_query(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression: every term a quoted string (`"430 soldiers"`), so no user
    input is ever FTS5 syntax; `"gerasim"*` for a prefix."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")

    alternatives = []
    for group in parsed.groups:
        positive = " ".join(term(t) for t in group if not t.negated)
        negative = " OR ".join(term(t) for t in group if t.negated)
        alternatives.append(f"({positive})" + (f" NOT ({negative})" if negative else ""))
    return " OR ".join(alternatives)


def postgres_query(parsed: ParsedQuery) -> SearchQuery:
    """The tsquery: each group through `websearch_to_tsquery` (which accepts any text), a
    prefix term as `to_tsquery('word:*')` built from letters and digits only."""
    combined = None
    for group in parsed.groups:
        text = " ".join(
            ("-" if t.negated else "") + '"' + " ".join(t.words) + '"'
            for t in group
            if not t.prefix
        )
        query = SearchQuery(text, search_type="websearch", config="simple") if text else None
        for t in group:
            if t.prefix:
                raw = " <-> ".join(t.words) + ":*"
                prefix = SearchQuery(raw, search_type="raw", config="simple")
                query = prefix if query is None else query & prefix
        combined = query if combined is None else combined | query
    return combined


@dataclass(frozen=True)
class Hit:
    """One result: an article (its canonical, when a copy matched) or a claim.

    `snippet` is escaped HTML with `<mark>` around matches: a passage of the body for an
    article, the text of a claim. `title` is the article's title, marked when the
    canonical itself matched. `copies` counts the article's duplicates that matched, and
    `canonical_matched` says whether the canonical did too (else only copies matched)."""

    kind: str
    object: Article | Claim
    rank: float
    snippet: SafeString
    title: SafeString | None = None
    copies: int = 0
    canonical_matched: bool = True


@dataclass(frozen=True)
class SearchResults:
    """A page of hits. `has_next`: more follow. `capped`: so many matched that only the
    newest MAX_CANDIDATES of a kind were ranked; narrowing the query reaches the rest."""

    hits: list[Hit]
    has_next: bool
    capped: bool = False

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True)
class _Row:
    kind: str
    id: int
    score: float
    n_hits: int
    n_copies: int
    copy_id: int | None
    n_matched: int


def search(
    query: str,
    *,
    kinds: tuple[str, ...] | list[str] = KINDS,
    source: Source | None = None,
    grade: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_archived: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Hits for `query`, best first, `limit` of them from `offset`; `has_next` says whether
    more follow (found by asking for one more row, not by counting).

    Filters apply to what matched: `kinds` (`"article"`, `"claim"`); `source` an article's
    source, or a source a claim appears in; `grade` the current reliability grade of an
    article's source, or a claim's best source grade; `date_from`/`date_to` (inclusive
    days) an article's publication, or a claim's appearance in an article published then.
    Archived articles (and copies of an archived canonical) and archived claims are left
    out unless `include_archived`. A query with nothing searchable in it finds nothing.
    Reads only; never raises for what a person typed.
    """
    parsed = parse_query(query)
    kinds = tuple(kind for kind in KINDS if kind in kinds)
    if not parsed or not kinds or limit <= 0:
        return SearchResults(hits=[], has_next=False)
    if grade is not None and grade not in ReliabilityGrade.values:
        raise ValueError(f"Not a reliability grade: {grade!r}")
    sql, params = _hits_sql(
        parsed,
        kinds=kinds,
        source=source,
        grade=grade,
        date_from=date_from,
        date_to=date_to,
        include_archived=include_archived,
    )
    with _index_lookup() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit + 1, max(offset, 0)])
        rows = [_Row(*row) for row in cursor.fetchall()]
    has_next = len(rows) > limit
    capped = any(row.n_matched >= MAX_CANDIDATES for row in rows)
    rows = rows[:limit]
    return SearchResults(hits=_hits(parsed, rows), has_next=has_next, capped=capped)


def explain(query: str, **filters) -> str:
    """The database's plan for the hits query of `search(query, **filters)`, for
    benchmarks and for checking that the index is used."""
    parsed = parse_query(query)
    filters.setdefault("kinds", KINDS)
    filters.setdefault("include_archived", False)
    for name in ("source", "grade", "date_from", "date_to"):
        filters.setdefault(name, None)
    sql, params = _hits_sql(parsed, **filters)
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with _index_lookup() as cursor:
        cursor.execute(f"{prefix} {sql} LIMIT 21", params)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


# --- the hits query --------------------------------------------------------------------


@contextmanager
def _index_lookup():
    """A cursor for the hits query. On PostgreSQL, for that one statement: sequential scans
    off, because the planner prices testing a row against the query as nearly free while
    each test unpacks the row's stored (TOASTed) vector, so for a common term it would scan
    the table where the GIN index answers about twice as fast; and JIT off, because the
    query's large cost estimate triggers a compilation that takes longer (over a second)
    than the query. Both restored to their defaults after, also inside a caller's
    transaction (on an error, the rollback restores them)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        yield cursor
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL jit TO DEFAULT")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _datetime_param(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _tsquery_sql(parsed: ParsedQuery) -> tuple[str, list]:
    expression = postgres_query(parsed).resolve_expression(Query(Article))
    compiler = Query(Article).get_compiler(connection=connection)
    sql, params = compiler.compile(expression)
    return sql, list(params)


def _hits_sql(
    parsed: ParsedQuery,
    *,
    kinds: tuple[str, ...],
    source: Source | None,
    grade: str | None,
    date_from: date | None,
    date_to: date | None,
    include_archived: bool,
) -> tuple[str, list]:
    """SELECT kind, id, score, n_hits, n_copies, copy_id, n_matched ... ORDER BY score:
    lower first (bm25 is negative and better when lower; PostgreSQL's rank is negated to
    match). `n_matched` is how many matching rows of that kind were ranked."""
    published: list[tuple[str, object]] = []
    if date_from is not None:
        published.append((">=", _datetime_param(_start_of(date_from))))
    if date_to is not None:
        published.append(("<", _datetime_param(_start_of(date_to + timedelta(days=1)))))
    filters = {
        "source": source,
        "grade": grade,
        "published": published,
        "include_archived": include_archived,
    }
    branches, params = [], []
    for kind, branch in (("article", _article_branch), ("claim", _claim_branch)):
        if kind in kinds:
            sql, branch_params = branch(parsed, **filters)
            branches.append(sql)
            params += branch_params
    union = " UNION ALL ".join(branches)
    return f"SELECT * FROM ({union}) hits ORDER BY score, kind, id", params


def _ranked(
    *, table: str, alias: str, columns: str, where: list[str], params: list, parsed
) -> tuple[str, list]:
    """The matching rows of `table` that pass `where` (over `alias`), at most
    MAX_CANDIDATES of them, the newest (highest id) first, each with its `score`: ranking
    is the work that grows with the number of matches, so it is bounded here."""
    if connection.vendor == "sqlite":
        fts = f"{table}_fts"
        rank = f" AND f.rank MATCH '{SQLITE_ARTICLE_RANK}'" if table == "articles_article" else ""
        # The covering index holds every column filtered on here, so that a match never
        # reads its row (and the long body stored before those columns).
        covering = f" INDEXED BY {SQLITE_FILTER_INDEX}" if table == "articles_article" else ""
        sql = (
            f"SELECT {columns}, f.rank AS score FROM {fts} f "
            f"JOIN {table} {alias}{covering} ON {alias}.id = f.rowid "
            f"WHERE f.{fts} MATCH %s{rank} AND {' AND '.join(where) or '1 = 1'} "
            f"ORDER BY f.rowid DESC LIMIT {MAX_CANDIDATES}"
        )
        return sql, [fts5_query(parsed), *params]
    tsquery, tsquery_params = _tsquery_sql(parsed)
    # Ranked outside the LIMITed subquery, so only the candidates are ranked. Sorted by
    # `id + 0`, not `id`: ordering by the primary key invites a backward walk of it,
    # testing every row against the query, where the GIN index finds the matches.
    sql = (
        f"SELECT t.*, -ts_rank(t.search_vector, {tsquery}, {PG_RANK_NORMALISATION}) AS score "
        f"FROM (SELECT {columns}, {alias}.search_vector FROM {table} {alias} "
        f"WHERE {alias}.search_vector @@ {tsquery} AND {' AND '.join(where) or 'TRUE'} "
        f"ORDER BY {alias}.id + 0 DESC LIMIT {MAX_CANDIDATES}) t"
    )
    return sql, [*tsquery_params, *tsquery_params, *params]


def _article_branch(parsed, *, source, grade, published, include_archived) -> tuple[str, list]:
    where, params = [], []
    if not include_archived:
        # A copy of an archived canonical would show the archived article: leave it out.
        canonical = (
            f"SELECT 1 FROM articles_article c INDEXED BY {SQLITE_FILTER_INDEX}"
            if connection.vendor == "sqlite"
            else "SELECT 1 FROM articles_article c"
        )
        where.append(
            f"a.status <> %s AND (a.duplicate_of_id IS NULL OR NOT EXISTS ({canonical} "
            "WHERE c.id = a.duplicate_of_id AND c.status = %s))"
        )
        params += [ArticleStatus.ARCHIVED, ArticleStatus.ARCHIVED]
    if source is not None:
        where.append("a.source_id = %s")
        params.append(source.pk)
    if grade is not None:
        # The current grade as `latest_rating` decides it, as an uncorrelated subquery:
        # evaluated once, over the sources rather than per matching article.
        graded = Source.objects.with_current_grade().filter(current_grade=grade).values("pk")
        graded_sql, graded_params = graded.query.sql_with_params()
        where.append(f"a.source_id IN ({graded_sql})")
        params += list(graded_params)
    for operator, value in published:
        where.append(f"a.published_at {operator} %s")
        params.append(value)
    matches, params = _ranked(
        table="articles_article",
        alias="a",
        columns="a.id, a.duplicate_of_id AS dup",
        where=where,
        params=params,
        parsed=parsed,
    )
    canonical_id = "COALESCE(m.dup, m.id)"
    sql = (
        f"SELECT 'article' AS kind, {canonical_id} AS id, MIN(m.score) AS score, "
        "COUNT(*) AS n_hits, COUNT(m.dup) AS n_copies, "
        "MIN(CASE WHEN m.dup IS NOT NULL THEN m.id END) AS copy_id, "
        "SUM(COUNT(*)) OVER () AS n_matched "
        f"FROM ({matches}) m GROUP BY {canonical_id}"
    )
    return sql, params


def _claim_branch(parsed, *, source, grade, published, include_archived) -> tuple[str, list]:
    where, params = [], []
    if not include_archived:
        where.append("k.status <> %s")
        params.append(ClaimStatus.ARCHIVED)
    if grade is not None:
        where.append("k.best_grade = %s")
        params.append(grade)
    if source is not None or published:
        # One appearance must satisfy both: "appeared in this source in this period".
        conditions = ["p.claim_id = k.id"]
        if source is not None:
            conditions.append("pa.source_id = %s")
            params.append(source.pk)
        for operator, value in published:
            conditions.append(f"pa.published_at {operator} %s")
            params.append(value)
        where.append(
            "EXISTS (SELECT 1 FROM articles_appearance p JOIN articles_article pa "
            f"ON pa.id = p.article_id WHERE {' AND '.join(conditions)})"
        )
    matches, params = _ranked(
        table="articles_claim",
        alias="k",
        columns="k.id",
        where=where,
        params=params,
        parsed=parsed,
    )
    sql = (
        "SELECT 'claim' AS kind, m.id AS id, m.score AS score, 1 AS n_hits, 0 AS n_copies, "
        f"NULL AS copy_id, COUNT(*) OVER () AS n_matched FROM ({matches}) m"
    )
    return sql, params


# --- objects and snippets for one page -------------------------------------------------


def _hits(parsed: ParsedQuery, rows: list[_Row]) -> list[Hit]:
    article_rows = [row for row in rows if row.kind == "article"]
    claim_ids = [row.id for row in rows if row.kind == "claim"]
    articles: dict[int, Article] = {}
    article_snippets: dict[int, tuple[str, str]] = {}
    if article_rows:
        articles = {
            article.pk: article
            for article in Article.objects.filter(pk__in=[row.id for row in article_rows])
            .select_related("source")
            .defer(*ARTICLE_TEXT_FIELDS, "source__notes", "source__boilerplate")
            .with_source_grade()
            .order_by()
        }
        article_snippets = _article_snippets(parsed, [_snippet_id(row) for row in article_rows])
    claims: dict[int, Claim] = {}
    claim_snippets: dict[int, str] = {}
    if claim_ids:
        claims = {claim.pk: claim for claim in Claim.objects.filter(pk__in=claim_ids).order_by()}
        claim_snippets = _claim_snippets(parsed, claim_ids)

    hits = []
    for row in rows:
        if row.kind == "article" and row.id in articles:
            canonical_matched = row.n_hits > row.n_copies
            title, body = article_snippets.get(_snippet_id(row), ("", ""))
            if START not in body and START in title:
                body = title  # only the title matched: show where
            article = articles[row.id]
            hits.append(
                Hit(
                    kind="article",
                    object=article,
                    rank=-row.score,
                    snippet=marked(body),
                    title=marked(title) if canonical_matched else escape(article.title),
                    copies=row.n_copies,
                    canonical_matched=canonical_matched,
                )
            )
        elif row.kind == "claim" and row.id in claims:
            text = claim_snippets.get(row.id, claims[row.id].text)
            hits.append(
                Hit(kind="claim", object=claims[row.id], rank=-row.score, snippet=marked(text))
            )
    return hits


def _snippet_id(row: _Row) -> int:
    """The article whose text the snippet comes from: the canonical when it matched, else
    the first copy that did (copies carry the same text, more or less)."""
    return row.id if row.n_hits > row.n_copies else row.copy_id


def _article_snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
    """id → (title with markers, a passage of the body with markers)."""
    if connection.vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT rowid, highlight(articles_article_fts, 0, %s, %s), "
            "snippet(articles_article_fts, 1, %s, %s, %s, %s) FROM articles_article_fts "
            f"WHERE articles_article_fts MATCH %s AND rowid IN ({placeholders})"
        )
        params = [START, STOP, START, STOP, ELLIPSIS, SNIPPET_TOKENS, fts5_query(parsed), *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {pk: (title, body) for pk, title, body in cursor.fetchall()}
    query = postgres_query(parsed)
    rows = (
        Article.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            marked_title=SearchHeadline(
                "title", query, config="simple", start_sel=START, stop_sel=STOP, highlight_all=True
            ),
            passage=SearchHeadline(
                "body",
                query,
                config="simple",
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_TOKENS,
                min_words=SNIPPET_TOKENS // 2,
                max_fragments=2,
                fragment_delimiter=f" {ELLIPSIS} ",
            ),
        )
        .values_list("pk", "marked_title", "passage")
    )
    return {pk: (title, body) for pk, title, body in rows}


def _claim_snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """id → the claim's text with markers (a passage of it when it is long)."""
    if connection.vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT rowid, snippet(articles_claim_fts, 0, %s, %s, %s, 64) FROM articles_claim_fts "
            f"WHERE articles_claim_fts MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [START, STOP, ELLIPSIS, fts5_query(parsed), *ids])
            return dict(cursor.fetchall())
    rows = (
        Claim.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            marked=SearchHeadline(
                "text",
                postgres_query(parsed),
                config="simple",
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            )
        )
        .values_list("pk", "marked")
    )
    return dict(rows)


def marked(text: str) -> SafeString:
    """Escape `text` entirely, then turn the database's markers into `<mark>`, balanced:
    a stray marker in the text itself can neither nest nor leave a `<mark>` open."""
    out, is_open = [], False
    for part in re.split(f"([{START}{STOP}])", text or ""):
        if part == START:
            if not is_open:
                out.append("<mark>")
                is_open = True
        elif part == STOP:
            if is_open:
                out.append("</mark>")
                is_open = False
        else:
            out.append(escape(part))
    if is_open:
        out.append("</mark>")
    # Safe: every piece of text was escaped above; only the <mark> tags are ours.
    return mark_safe("".join(out))
