"""The Jingjiang demo, seeded once per test session (not once per module).

Seeding takes the better part of a minute, and four modules used to seed it for themselves
(issue 9). The demo is now built in layers inside one outer transaction that is opened when the
first demo test runs and rolled back when the session ends:

``demo_base``     the organizations, people and branches, then the projects (the seeders every
                  other demo hangs on);
``demo_history``  + the mechanisms' history (``mechanisms.demo_records``); yields its counts;
``demo_full``     + ``manage.py seed_demo`` (every seeder; those above add nothing the second
                  time); yields what the command printed.

Each test runs inside its own savepoint (pytest-django's ``db``), so whatever it writes is gone
before the next. Tests that ask for a layer are moved to the end of the session and sorted by
layer (``order_demo_tests`` in tests/conftest.py): a test never sees a layer it did not ask
for, and no ordinary test runs while the demo's transaction is open — a ``db`` test would see
the demo, a transactional test would truncate it. ``check_isolation`` (tests/conftest.py) fails loudly if that
ever happens anyway.

The browser tests on the demo (tests/e2e/test_demo_in_browser.py) run last of all and commit
it instead (tests/committed_demo.py): a live server cannot see an open transaction.

Each layer is seeded on a clock that starts where the previous layer's seeding stopped
(``SeedClock``), as if the whole demo were seeded in one go from the suite's moment: the tests
run at the suite's moment like every other test.
"""

import datetime
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from tests.clock import suite_now

LAYERS = ("demo_base", "demo_history", "demo_full")
# The module fixture of the browser tests on the demo committed (tests/committed_demo.py).
COMMITTED_DEMO = "committed_demo"


class SeedClock:
    """The demo's own timeline: the seeding time of the layers so far, added up."""

    def __init__(self):
        self.elapsed = datetime.timedelta()

    @contextmanager
    def running(self):
        started = time.monotonic()  # time-machine leaves the monotonic clock alone
        # In the installation's language, as ``seed_demo`` seeds: an earlier test's English
        # request leaves the thread in English, and the services store texts as made.
        with time_machine.travel(suite_now() + self.elapsed, tick=True), translation.override(settings.LANGUAGE_CODE):
            try:
                yield
            finally:
                self.elapsed += datetime.timedelta(seconds=time.monotonic() - started)


class DemoState:
    """Whether the demo's outer transaction is open, or was and has been rolled back (set by the
    session fixture, whose ``close`` rolls it back: after the last test on the demo, see
    ``pytest_runtest_teardown`` in tests/conftest.py)."""

    open = False
    closed = False
    close = None
    commit = None


# pytest-xdist groups (tests/parallel.py): the demo's tests go to one process, together.
DEMO_GROUP = "demo"
SQLITE_GROUP = "sqlite_path"


def demo_layer(item) -> int | None:
    """The index of the deepest demo layer a collected test asks for, or None."""
    names = getattr(item, "fixturenames", ())
    layers = [index for index, name in enumerate(LAYERS) if name in names]
    return max(layers) if layers else None


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "celery_worker_process"}


def is_transactional(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    if names & TRANSACTIONAL_FIXTURES:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


def commits_demo(item) -> bool:
    """Whether the test runs on the session's demo committed (tests/committed_demo.py)."""
    return COMMITTED_DEMO in getattr(item, "fixturenames", ())


def order_demo_tests(items) -> None:
    """Move the tests that use the demo to the end of the session, by layer (a stable sort:
    within a layer they keep their order), those on the demo committed last of all. Refuse any
    other transactional test that asks for the demo: its flush would empty the demo for the
    tests after it."""
    demo, others = [], []
    for item in items:
        layer = demo_layer(item)
        if layer is None:
            others.append(item)
            continue
        if is_transactional(item) and not commits_demo(item):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test cannot use the session's demo (its flush would empty it)"
            )
        demo.append((commits_demo(item), layer, item))
    if demo:
        demo.sort(key=lambda entry: entry[:2])
        items[:] = others + [item for _committed, _layer, item in demo]
