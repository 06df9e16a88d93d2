"""The suite's garbage-collector settings, for its pytest processes (tests/conftest.py) and the
subprocess of make run's SQLite path (tests/demo/test_sqlite_path.py): CPU, not behaviour.

Python's cyclic garbage collector runs a young collection every 700 net allocations and walks
ever older generations, which here hold all of Django, the collected tests and their modules:
the ORM allocates so much per query that the suite spent about a tenth of its CPU in it. What
exists once collection is done is frozen out of its reach, and it runs less often (a young
collection every 50,000 allocations instead of 700, the older ones rarer still). Measured on
the permission matrix with the dispatch tests: 118 s → 103 s of CPU, 214 → 314 MB at most per
process. Nothing in the suite waits on a collection.
"""

import gc

THRESHOLDS = (50_000, 50, 1_000)


def tune(*, freeze: bool) -> None:
    """Collect less often; with ``freeze``, first put everything alive now out of reach."""
    if freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*THRESHOLDS)
