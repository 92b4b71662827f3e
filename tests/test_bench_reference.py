"""The benchmark's bare reference loop (bench/run.py) is measured on the same terms as
the import it is compared with."""

from articles.services.imports import IMPORT_PRAGMAS
from bench.run import REFERENCE_CACHE_SIZE


def test_the_reference_loop_has_the_import_page_cache():
    assert IMPORT_PRAGMAS["cache_size"] == REFERENCE_CACHE_SIZE
