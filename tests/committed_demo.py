"""The Jingjiang demo committed, for a module of browser tests.

The session's demo (tests/demo_data.py) lives in an outer transaction: a live server answers on
connections of its own and cannot see it. A browser test on the demo needs it committed; seeding
it takes the better part of a minute, so the browser tests on it (tests/e2e/test_demo_in_browser.py)
run last of the session's demo tests, in the same process, and their module fixture commits
the session's demo (``demo_full``) instead of seeding another: one seeding for both.

Those tests are transactional (``live_server``): pytest-django empties the database after each
(``TransactionTestCase._fixture_teardown``, a flush; DELETEs here, see ``_flush_by_delete`` in
tests/conftest.py), which would empty the demo for the module's next test. While the demo is
committed that per-test flush is deferred: ``deferred_flush`` makes it a no-op, and runs the very
same flush once when the module's last test is done, so that the process goes on from the
empty database it would have found after a rollback. Hence:

- the module's tests share what each wrote: the read-only ones go first, the one that writes
  last (pytest runs a module's tests in the order of the file);
- ``order_demo_tests`` (tests/demo_data.py) puts them after every other test on the demo, and
  under pytest-xdist they are in the demo's group (tests/parallel.py): nothing else runs in
  that process meanwhile;
- ``check_isolation`` (tests/conftest.py) fails a test that runs while the demo is committed
  without asking for it; a run killed meanwhile leaves the demo behind under --reuse-db, and the
  next run's demo refuses to seed into it (run once with --create-db).
"""

from contextlib import contextmanager
from types import SimpleNamespace

from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase

from tests.clock import suite_now
from tests.demo_data import DemoState


class CommittedDemoState:
    """Whether a committed demo is loaded (between its seeding and its flush)."""

    open = False


@contextmanager
def deferred_flush():
    """Transactional tests inside do not empty the database; it is emptied once on the way out,
    as pytest-django's flush after a transactional test does (post_migrate included: the role
    groups, content types and permissions are back, as after any transactional test)."""
    flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = lambda self: None
    try:
        yield
    finally:
        TransactionTestCase._fixture_teardown = flush
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False,
                     inhibit_post_migrate=False)
        # As a TransactionTestCase closes its connections after the flush.
        for conn in connections.all(initialized_only=True):
            conn.close()


@contextmanager
def committed(django_db_blocker, clock):
    """Commit the session's demo (``DemoState.commit``); yield the moment its seeding ended
    (``seeded_at``: the suite's moment and the seeding time of its layers, ``SeedClock``); empty
    the database on the way out (``deferred_flush``)."""
    with django_db_blocker.unblock(), deferred_flush():
        DemoState.commit()
        CommittedDemoState.open = True
        try:
            with django_db_blocker.block():
                yield SimpleNamespace(seeded_at=suite_now() + clock.elapsed)
        finally:
            CommittedDemoState.open = False
