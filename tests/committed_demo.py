"""The Jingjiang demo seeded committed, once for a module of browser tests.

The session's demo (tests/demo_data.py) lives in an outer transaction that is never committed:
a live server answers on connections of its own and cannot see it. A browser test on the demo
needs it committed, and seeding it takes the better part of a minute, so one module seeds it
once for all its tests (tests/e2e/test_demo_in_browser.py) instead of once a test.

Those tests are transactional (``live_server``): pytest-django empties the database after each
(``TransactionTestCase._fixture_teardown``, a flush; DELETEs here, see ``_flush_by_delete`` in
tests/conftest.py), which would empty the demo for the module's next test. While the demo is
loaded that per-test flush is deferred: ``deferred_flush`` makes it a no-op, and runs the very
same flush once when the module's last test is done, so that the next module starts from the
empty database it would have found anyway. Hence:

- the module's tests share what each wrote: the read-only ones go first, the one that writes
  last (pytest runs a module's tests in the order of the file);
- ``check_isolation`` (tests/conftest.py) fails a test that runs while the demo is loaded
  without asking for it, and the demo refuses to load into a database that is not empty (a
  run killed while the demo was loaded leaves it behind under --reuse-db: run with --create-db);
- under pytest-xdist a module goes whole to one process (tests/parallel.py), and nothing else
  runs in that process meanwhile.
"""

import io
from contextlib import contextmanager
from types import SimpleNamespace

import time_machine
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase
from django.utils import timezone

from tests.clock import suite_now

FIXTURE = "committed_demo"


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
def seeded_committed(django_db_blocker):
    """Seed ``manage.py seed_demo`` committed, on the suite's clock; yield the moment the seeding
    ended (``seeded_at``); empty the database on the way out (``deferred_flush``)."""
    from branches.models import User

    with django_db_blocker.unblock():
        if User.objects.exists():
            raise RuntimeError("the test database is not empty: a committed demo needs an empty one "
                               "(a run killed with the demo loaded leaves it behind: run once with --create-db)")
        with deferred_flush():
            CommittedDemoState.open = True
            try:
                with time_machine.travel(suite_now(), tick=True):
                    call_command("seed_demo", stdout=io.StringIO())
                    seeded_at = timezone.now()
                with django_db_blocker.block():
                    yield SimpleNamespace(seeded_at=seeded_at)
            finally:
                CommittedDemoState.open = False
