"""`make bench`: the whole benchmark, in one run on a fresh database, on this machine.

1. Generates the corpus (bench/corpus.py): SIZE plain-text articles from real sentences,
   about 10% republished copies, under ~50 outlets' furniture; and 200 real HTML pages.
2. Imports the plain text with `manage.py import_articles` in four runs — the first 10%
   of the corpus into the empty desk, the second 10% into a 10%-full desk, the next 70%,
   the last 10% into a 90%-full desk — so the per-article cost at 10% and at 90% can be
   compared (on SQLite, the second and last 10% twice more, interleaved); and, after each
   run, a bare reference loop over the same files (read → word 5-shingles → datasketch
   MinHash → LSH band keys → sqlite3 executemany into one database for all four parts),
   written here in a few lines, to compare with.
   Peak memory: the largest import process's maximum RSS (getrusage RUSAGE_CHILDREN) and
   the peak of the sampled RSS of the import's whole process tree (it plus its workers).
3. Imports the HTML pages, and times trafilatura alone (same options as
   articles/ingest/extract.py) on the same pages.
4. Times `manage.py dedupe --rebuild`.
5. bench/pages.py rates the sources, adds claims and appearances and measures the pages
   (median and p95 server time, query count) against the Django admin's changelists.
6. Writes bench/results.json (this run under its SIZE, next to the other sizes' latest
   runs, so query counts can be compared between sizes) and prints a table of the bars.

The database is a SQLite file in a temporary folder, or, when DATABASE_URL points at
PostgreSQL, a fresh database `newsdesk_bench` on that server (dropped and re-created).

Usage: .venv/bin/python bench/run.py [--size 100000] [--keep DIR]
"""

import argparse
import json
import os
import platform
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
sys.path.insert(0, str(ROOT))

from bench.corpus import RARE_TERM, make_html_corpus, make_text_corpus  # noqa: E402
from bench.pages import ADMIN_OF, FIGURES_COMPUTED  # noqa: E402

HTML_PAGES = 200
COMMON_TERM = "said"
PG_BENCH_DB = "newsdesk_bench"
_SUMMARY = re.compile(
    r"imported (?P<imported>\d+), already present (?P<present>\d+), duplicates "
    r"(?P<duplicates>\d+), failed (?P<failed>\d+) in (?P<seconds>[\d.]+) s"
)

# The bars of issues #3, #7 and #9 on this 2-core machine.
TEXT_RATIO_MAX = 1.0
HTML_RATIO_MAX = 1.3
REBUILD_MAX_S = 120
# "Per-article import cost flat from 10k to 100k": the cost per article of the last 10%
# of the corpus (into a 90%-full desk) over that of the second 10% (into a 10%-full one).
# The first 10% goes into the empty desk, a case of its own (no index to read or write
# into, nothing to compare with); its ratio is reported next to the bar.
FLAT_MAX = 1.25
# On SQLite the second and the last 10% are imported this many times in all, interleaved,
# each into a copy of the desk it had, and the flatness is the median of the pairs'
# ratios: this machine's speed drifts by up to 1.7x within minutes (a page took 10 ms in
# one run and 17 ms in the next), and a single pair of runs minutes apart measured the
# same code's last/first 10% at 1.08, 1.21, 1.26 and 1.80.
FLAT_PAIRS = 3
MEMORY_MAX_MB = 1536
# The reference loop's SQLite page cache: the import's (`imports.IMPORT_PRAGMAS`, 128 MB),
# so that neither is measured with more of its database in memory than the other.
REFERENCE_CACHE_SIZE = -131072
PAGE_MEDIAN_MS, PAGE_P95_MS = 50, 150
SEARCH_RARE_MS, SEARCH_COMMON_MS = 20, 150


def main() -> None:
    global RESULTS  # one run, one results file
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", help="Work in this folder and keep it (corpus, database).")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
    parser.add_argument(
        "--bulk-load",
        action="store_true",
        help="Fill the desk with bulk inserts (bench/bulk_load.py) instead of importing it: "
        "only dedupe --rebuild and the pages are measured.",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help=f"Results file (default {RESULTS})."
    )
    args = parser.parse_args()
    RESULTS = args.results
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        run(args.size, work, args.requests, args.bulk_load)
    else:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
            run(args.size, Path(folder), args.requests, args.bulk_load)


def run(size: int, work: Path, requests: int, bulk_load: bool = False) -> None:
    results: dict = {"machine": machine(), "size": size, "complete": False}
    if bulk_load:
        results["loaded_with"] = "bench/bulk_load.py (bulk inserts, not the import)"
    database_url = fresh_database(work)
    results["machine"]["database"] = urlsplit(database_url).scheme
    env = child_env(database_url)
    say(f"benchmark: {size} articles, {results['machine']['database']}, work folder {work}")

    if bulk_load:
        manage(env, "migrate", "--noinput", "-v", "0")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bulk_load.py"), "--size", str(size)],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        results["bulk_load_seconds"] = round(time.perf_counter() - started, 1)
        say(f"desk filled with bulk inserts in {results['bulk_load_seconds']} s")
    else:
        measure_imports(results, env, size, work)
    measure_rest(results, env, size, work, requests)


def measure_imports(results: dict, env: dict, size: int, work: Path) -> None:
    started = time.perf_counter()
    text_folders = make_text_corpus(work / "text", size)
    html_files = make_html_corpus(work / "html", HTML_PAGES)
    results["corpus"] = {
        "articles": size,
        "html_pages": len(html_files),
        "seconds": round(time.perf_counter() - started, 1),
        "megabytes": round(folder_bytes(work / "text") / 1e6, 1),
    }
    say(f"corpus written in {results['corpus']['seconds']} s")
    manage(env, "migrate", "--noinput", "-v", "0")

    results["text_import"], results["reference_loop"] = import_text(
        env, text_folders, results, work
    )
    say(f"plain-text import: {results['text_import']['rate']} articles/s")
    say(f"reference loop: {results['reference_loop']['rate']} articles/s")
    save(results)
    results["html_import"] = import_html(env, work / "html", html_files)
    say(f"HTML import: {results['html_import']['import_rate']} pages/s")
    save(results)


def measure_rest(results: dict, env: dict, size: int, work: Path, requests: int) -> None:
    started = time.perf_counter()
    summary = manage(env, "dedupe", "--rebuild")
    results["dedupe_rebuild"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "summary": summary.strip().splitlines()[-1] if summary.strip() else "",
    }
    say(f"dedupe --rebuild: {results['dedupe_rebuild']['seconds']} s")
    save(results)

    say("claims, appearances and pages:")
    out = work / "pages.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--out", str(out),
         "--requests", str(requests), "--rare", RARE_TERM, "--common", COMMON_TERM],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    results |= json.loads(out.read_text(encoding="utf-8"))
    results["machine"]["load_after"] = os.getloadavg()
    results["bars"] = bars(results, other_sizes(size))
    results["complete"] = True
    save(results)
    print_table(results)


# --- Measurements ---------------------------------------------------------------------------


# The plain-text import runs: name, and the corpus's folders (of 100) it imports.
IMPORT_PARTS = {
    "first 10%": slice(0, 10),
    "second 10%": slice(10, 20),
    "next 70%": slice(20, 90),
    "last 10%": slice(90, 100),
}


def import_text(env: dict, folders: list[Path], results: dict, work: Path) -> tuple[dict, dict]:
    """The import runs of IMPORT_PARTS (each saved in `results` as soon as it is done); then,
    on SQLite, the second and the last 10% again (`flatness_pairs`). After each run, the
    reference loop over the same files, into its own database, which grows part by part
    as the desk does: this machine's speed drifts by up to 1.7x within minutes, so both
    rates are measured over the same minutes, and both store every file of the corpus
    (the loop's cost grows with its database too: 10,000 files into a database of 90,000
    took it 1.3x as long as into one of 18,000). Returns the import's figures and the
    reference loop's."""
    slices = {name: folders[part] for name, part in IMPORT_PARTS.items()}
    compared = ("second 10%", "last 10%")
    database = sqlite_file(env)
    runs = results.setdefault("text_import_runs", {})
    loops = []
    for name, part in slices.items():
        if database and name in compared:  # the desk this part goes into, kept
            snapshot(database, work / f"before {name}.sqlite3")
        runs[name] = import_run(env, part)
        loops.append(reference_loop(part, work / "reference.sqlite3"))
        runs[name]["reference_rate"] = loops[-1]["rate"]
        runs[name]["ratio"] = round(loops[-1]["rate"] / runs[name]["rate"], 2)
        say(f"  {name}: {runs[name]['rate']} articles/s (reference loop {loops[-1]['rate']})")
        save(results)
    documents = sum(r["documents"] for r in runs.values())
    seconds = sum(r["seconds"] for r in runs.values())
    first, second, last = (runs[name] for name in ("first 10%", *compared))
    pairs = [(second["ms_per_article"], last["ms_per_article"])]
    if database:
        pairs += flatness_pairs(env, work, {name: slices[name] for name in compared})
    ratios = sorted(round(last_ms / second_ms, 2) for second_ms, last_ms in pairs)
    loop_documents = sum(loop["documents"] for loop in loops)
    loop_seconds = sum(loop["seconds"] for loop in loops)
    reference_figures = {
        "documents": loop_documents,
        "seconds": round(loop_seconds, 1),
        "rate": round(loop_documents / loop_seconds, 1),
        "parts": loops,
    }
    return {
        "runs": runs,
        "documents": documents,
        "seconds": round(seconds, 1),
        "rate": round(documents / seconds, 1),
        "ms_per_article_first_10": first["ms_per_article"],
        "ms_per_article_second_10": second["ms_per_article"],
        "ms_per_article_last_10": last["ms_per_article"],
        "flatness_pairs": [{"second_ms": s, "last_ms": la} for s, la in pairs],
        "flatness": ratios[len(ratios) // 2],  # the median (the only one on PostgreSQL)
        "flatness_from_empty": round(last["ms_per_article"] / first["ms_per_article"], 2),
        "peak_rss_mb": max(r["peak_tree_rss_mb"] for r in runs.values()),
        "max_process_rss_mb": max(r["max_process_rss_mb"] for r in runs.values()),
    }, reference_figures


def flatness_pairs(env: dict, work: Path, slices: dict) -> list[tuple]:
    """FLAT_PAIRS - 1 more pairs of ms per article of the two `slices`, each imported into
    a copy of the desk it went into, one right after the other."""
    copy = work / "flatness.sqlite3"
    pairs = []
    for _ in range(FLAT_PAIRS - 1):
        pair = []
        for name, part in slices.items():
            snapshot(work / f"before {name}.sqlite3", copy)
            run = import_run(env | {"DATABASE_URL": f"sqlite:///{copy}"}, part)
            pair.append(run["ms_per_article"])
        say("  again: " + ", ".join(f"{n} {ms} ms" for n, ms in zip(slices, pair, strict=True)))
        pairs.append(tuple(pair))
    for file in work.glob("*.sqlite3*"):
        if file.name.startswith(("before ", "flatness")):
            file.unlink()
    return pairs


def sqlite_file(env: dict) -> Path | None:
    url = env["DATABASE_URL"]
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def snapshot(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite database `source` (its WAL included), written out
    to disk before anything is timed."""
    for leftover in target.parent.glob(f"{target.name}*"):
        leftover.unlink()
    with sqlite3.connect(source) as database, sqlite3.connect(target) as copy:
        database.backup(copy)
    database.close()
    copy.close()
    os.sync()


def import_run(env: dict, paths: list[Path]) -> dict:
    """One `manage.py import_articles` process: its own summary, wall time and memory."""
    sampler = RssSampler()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", *map(str, paths)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    sampler.start(process.pid)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if process.returncode not in (0, 1):
        raise SystemExit(f"import_articles failed ({process.returncode}):\n{stderr[-3000:]}")
    match = _SUMMARY.search(stdout)
    if not match:
        raise SystemExit(f"no summary from import_articles:\n{stdout[-2000:]}{stderr[-2000:]}")
    counts = {key: int(value) for key, value in match.groupdict().items() if key != "seconds"}
    seconds = float(match["seconds"])
    documents = sum(counts.values())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        **counts,
        "documents": documents,
        "seconds": seconds,
        "wall_seconds": round(wall, 1),
        "rate": round(documents / seconds, 1),
        "ms_per_article": round(seconds / documents * 1000, 3),
        "peak_tree_rss_mb": round(sampler.peak / 2**20),
        "max_process_rss_mb": round(children.ru_maxrss / 1024),
        "failures": stderr.strip().splitlines()[:5],
    }


def reference_loop(folders: list[Path], path: Path) -> dict:
    """The bare loop the import is measured against, in one process: read, word 5-shingles,
    a datasketch MinHash (the import's number of permutations), its LSH band keys, and one
    executemany of articles and bands per 200 files into a SQLite file (created by the
    first part, added to by the others) with the import's page cache."""
    import hashlib

    from datasketch import MinHash

    from articles.dedupe import BANDS, NUM_PERM, ROWS, SHINGLE_WORDS

    files = sorted(file for folder in folders for file in folder.iterdir())
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA cache_size = {REFERENCE_CACHE_SIZE}")
    db.execute(
        "CREATE TABLE IF NOT EXISTS article "
        "(id INTEGER PRIMARY KEY, origin TEXT, body TEXT, mh BLOB)"
    )
    db.execute("CREATE TABLE IF NOT EXISTS band (article_id INTEGER, key INTEGER)")
    db.execute("CREATE INDEX IF NOT EXISTS band_key ON band (key)")
    (first_id,) = db.execute("SELECT COALESCE(MAX(id) + 1, 0) FROM article").fetchone()
    template = MinHash(num_perm=NUM_PERM)  # generating permutations once, not per article
    word = re.compile(r"\w+")
    for offset in range(0, len(files), 200):
        articles, bands = [], []
        for number, file in enumerate(files[offset : offset + 200], start=first_id + offset):
            body = file.read_text(encoding="utf-8")
            words = word.findall(body.casefold())
            last = len(words) - SHINGLE_WORDS + 1
            shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(last)}
            minhash = MinHash(
                num_perm=NUM_PERM, scheme=template.scheme, permutations=template.permutations
            )
            minhash.update_batch([s.encode() for s in shingles])
            values = minhash.hashvalues.astype("<u4")
            articles.append((number, str(file), body, values.tobytes()))
            for band in range(BANDS):
                digest = hashlib.blake2b(values[band * ROWS : (band + 1) * ROWS], digest_size=8)
                bands.append((number, int.from_bytes(digest.digest(), "little", signed=True)))
        with db:
            db.executemany("INSERT INTO article VALUES (?, ?, ?, ?)", articles)
            db.executemany("INSERT INTO band VALUES (?, ?)", bands)
    db.close()
    seconds = time.perf_counter() - started
    return {
        "documents": len(files),
        "seconds": round(seconds, 2),
        "rate": round(len(files) / seconds, 1),
    }


def import_html(env: dict, folder: Path, files: list[Path]) -> dict:
    import trafilatura

    started = time.perf_counter()
    for file in files:
        trafilatura.bare_extraction(
            file.read_text(encoding="utf-8"),
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
    alone = time.perf_counter() - started
    run = import_run(env, [folder])
    return {
        "pages": len(files),
        "import": run,
        "import_rate": run["rate"],
        "trafilatura_seconds": round(alone, 1),
        "trafilatura_rate": round(len(files) / alone, 1),
        "ratio": round(run["seconds"] / alone, 2),
    }


class RssSampler:
    """Samples the summed RSS of a process and its descendants every 0.2 s (from /proc):
    the import's own process and its extraction workers."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._sample, args=(pid,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _sample(self, pid: int) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(0.2):
            total = 0
            for each in _tree(pid):
                try:
                    total += int(Path(f"/proc/{each}/statm").read_text().split()[1]) * page
                except (OSError, IndexError, ValueError):
                    continue
            self.peak = max(self.peak, total)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


# --- Environment ----------------------------------------------------------------------------


def fresh_database(work: Path) -> str:
    """A SQLite file under `work`, or a fresh PostgreSQL database on DATABASE_URL's server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        target = work / "bench.sqlite3"
        for leftover in work.glob("bench.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{target}"
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        db.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return urlunsplit(parts._replace(path=f"/{PG_BENCH_DB}"))


def child_env(database_url: str) -> dict:
    env = dict(os.environ)
    env |= {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "NEWSDESK_ENV_FILE": str(ROOT / "bench" / "no-such.env"),  # only these variables
        "DEBUG": "false",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def machine() -> dict:
    uname = platform.uname()
    return {
        "commit": _commit(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "uname": f"{uname.system} {uname.node} {uname.release} {uname.version} {uname.machine}",
        "load_before": os.getloadavg(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _commit() -> str:
    """The commit measured, with "-dirty" when a tracked file differs from it, other than
    the results file the benchmark itself writes (every run after the first made the
    commit look dirty)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    changed = git(
        "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/results.json"
    )
    return git("rev-parse", "--short", "HEAD") + ("-dirty" if changed else "")


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- Bars, results, table -------------------------------------------------------------------


def bars(results: dict, others: dict) -> list[dict]:
    """Each bar: what was measured, the target, PASS or FAIL (or n/a)."""
    rows = []

    def bar(name: str, value, target: str, ok: bool | None) -> None:
        verdict = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        rows.append({"bar": name, "measured": value, "target": target, "verdict": verdict})

    if "text_import" in results:
        import_bars(results, bar)
    rebuild = results["dedupe_rebuild"]["seconds"]
    bar("dedupe --rebuild", f"{rebuild} s", f"<= {REBUILD_MAX_S} s", rebuild <= REBUILD_MAX_S)
    page_bars(results["pages"], others, bar)
    return rows


def import_bars(results: dict, bar) -> None:
    text, reference = results["text_import"], results["reference_loop"]
    ratio = round(reference["rate"] / text["rate"], 2)
    bar(
        "plain-text import / reference loop (time per article)",
        f"{text['rate']:.0f} vs {reference['rate']:.0f} articles/s = {ratio}",
        f"<= {TEXT_RATIO_MAX}",
        ratio <= TEXT_RATIO_MAX,
    )
    parts = ", ".join(f"{name} {run['ratio']}" for name, run in text["runs"].items())
    bar("the same, part by part (reference / import rate)", parts, "reported", None)
    html = results["html_import"]
    bar(
        "HTML import / trafilatura alone (time per page)",
        f"{html['import_rate']:.1f} vs {html['trafilatura_rate']:.1f} pages/s = {html['ratio']}",
        f"<= {HTML_RATIO_MAX}",
        html["ratio"] <= HTML_RATIO_MAX,
    )
    pairs = text["flatness_pairs"]
    ratios = ", ".join(f"{p['last_ms'] / p['second_ms']:.2f}" for p in pairs)
    median = f"median of {len(pairs)} pairs {ratios} " if len(pairs) > 1 else ""
    bar(
        "import cost per article, last 10% / second 10% (desk 90% / 10% full)",
        f"{text['ms_per_article_last_10']} / {text['ms_per_article_second_10']} ms, "
        f"{median}= {text['flatness']}",
        f"<= {FLAT_MAX} (flat)",
        text["flatness"] <= FLAT_MAX,
    )
    bar(
        "import cost per article, last 10% / first 10% (into the empty desk)",
        f"{text['ms_per_article_last_10']} / {text['ms_per_article_first_10']} ms"
        f" = {text['flatness_from_empty']}",
        "reported",
        None,
    )
    bar(
        "peak memory of the import (process tree; largest process)",
        f"{text['peak_rss_mb']} MB; {text['max_process_rss_mb']} MB",
        f"<= {MEMORY_MAX_MB} MB",
        text["peak_rss_mb"] <= MEMORY_MAX_MB,
    )


def page_bars(pages: dict, others: dict, bar) -> None:
    for name, page in pages.items():
        if name.startswith("admin: "):
            continue
        if not page.get("url"):
            bar(name, "not available", "", None)
            continue
        median, p95 = page["median_ms"], page["p95_ms"]
        if name == FIGURES_COMPUTED:
            measured = f"{median} / {p95} ms (CPU {page['median_cpu_ms']}), {page['queries']} q"
            bar(name, measured, "reported: once per state of the desk, then kept", None)
            continue
        if name.startswith("search (rare"):
            target, ok = f"median <= {SEARCH_RARE_MS} ms", median <= SEARCH_RARE_MS
        elif name.startswith("search (common"):
            target, ok = f"median <= {SEARCH_COMMON_MS} ms", median <= SEARCH_COMMON_MS
        else:
            target = f"median <= {PAGE_MEDIAN_MS} ms, p95 <= {PAGE_P95_MS} ms"
            ok = median <= PAGE_MEDIAN_MS and p95 <= PAGE_P95_MS
        measured = f"{median} / {p95} ms (CPU {page['median_cpu_ms']}), {page['queries']} q"
        if admin := pages.get(ADMIN_OF.get(name, "")):
            target += "; <= admin median"
            measured += f" (admin {admin['median_ms']} ms, {admin['queries']} q)"
            ok = ok and median <= admin["median_ms"]
        for other_size, other in others.items():
            before = other.get("pages", {}).get(name, {}).get("queries")
            if before is not None:
                target += f"; queries = {before} at {other_size}"
                ok = ok and page["queries"] == before
        bar(name, measured, target, ok and page["status"] == [200])


def other_sizes(size: int) -> dict:
    if not RESULTS.exists():
        return {}
    stored = json.loads(RESULTS.read_text(encoding="utf-8")).get("runs", {})
    return {int(k): v for k, v in stored.items() if int(k) != size}


def save(results: dict) -> None:
    """Store this run under its size (after every phase: a stopped run keeps its figures)."""
    stored = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    runs = stored.get("runs", {})
    runs[str(results["size"])] = results
    RESULTS.write_text(
        json.dumps({"latest": results["size"], "runs": runs}, indent=2) + "\n", encoding="utf-8"
    )


def print_table(results: dict) -> None:
    m = results["machine"]
    say("")
    say(f"{results['size']} articles on {m['database']}, {m['cpus']} CPUs, {m['platform']}")
    load = ", ".join(f"{x:.2f}" for x in m["load_before"])
    say(f"{m['date']}; load average before {load}; after "
        + ", ".join(f"{x:.2f}" for x in m["load_after"]))  # fmt: skip
    if results.get("loaded_with"):
        say(f"desk loaded with {results['loaded_with']}")
    setup = results["setup"]
    say(f"{setup['claims']} claims, {setup['appearances']} appearances "
        f"(inserted in {setup['insert_seconds']} s, figures refreshed in "
        f"{setup['refresh_claim_stats_seconds']} s)")  # fmt: skip
    width = max(len(row["bar"]) for row in results["bars"])
    mwidth = max(len(str(row["measured"])) for row in results["bars"])
    for row in results["bars"]:
        say(f"{row['verdict']:<5} {row['bar']:<{width}}  {row['measured']!s:<{mwidth}}  "
            f"{row['target']}")  # fmt: skip
    say("")
    for name in ("admin: articles", "admin: claims", "admin: sources",
                 "admin: duplicate candidates"):  # fmt: skip
        page = results["pages"][name]
        say(f"      {name:<{width}}  {page['median_ms']} / {page['p95_ms']} ms "
            f"(CPU {page['median_cpu_ms']}), {page['queries']} q")  # fmt: skip


if __name__ == "__main__":
    main()
