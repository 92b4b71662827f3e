"""Fill the benchmark's database straight with SIZE articles, without the import: the
articles of bench/dedupe_scale.py (varied real sentences, about 10% copies, 50 outlets)
with their fingerprints and band keys, written with bulk inserts.

For `bench/run.py --bulk-load`: the page, search and `dedupe --rebuild` figures of a large
desk when there is no time to import it (the import is measured by the normal run). Run by
bench/run.py as a child process (DATABASE_URL, DJANGO_SETTINGS_MODULE=bench.settings).
"""

import argparse
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.corpus import RARE_EVERY, RARE_TERM
    from bench.dedupe_scale import generate, sentences, store

    rng = random.Random(11)
    pool = sentences()
    have = 0
    with ProcessPoolExecutor(os.cpu_count() or 1) as executor:
        while have < args.size:
            rows = generate(rng, pool, min(5000, args.size - have), have)
            for row in rows:
                if row["number"] % RARE_EVERY == 7:
                    row["body"] = row["body"].replace(" the ", f" the {RARE_TERM} ", 1)
            store(rows, executor)
            have += len(rows)


if __name__ == "__main__":
    main()
