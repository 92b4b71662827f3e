"""The Newsdesk project: settings, urls, WSGI and ASGI entry points."""

import os

# numpy's OpenBLAS starts a thread per core when numpy is imported, threads that spin for
# a while after each call and at start: nothing here does linear algebra (the MinHash is
# integer arithmetic), so one. Set before anything imports numpy, and inherited by an
# import's worker processes (each started 0.28 -> 0.18 s of CPU).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
