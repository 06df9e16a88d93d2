"""How ``make test`` shares the suite between pytest-xdist processes (``-n 2 --dist loadgroup``).

A unit of work goes whole to one process:

- a test module, so that its shared world (tests/shared_world.py) and its module fixtures are
  built once, as in a run without xdist;
- the tests on the session's demo (tests/demo_data.py), all together, so that one process seeds
  the demo once: they are marked ``xdist_group("demo")``, the first unit handed out (it is the
  longest), and the demo's transaction is rolled back after the last of them
  (``close_demo_after`` in tests/conftest.py), so that the process then goes on with modules;
- ``make run``'s SQLite path (tests/demo/test_sqlite_path.py), alone, second: the other process
  second process starts with it, so that its subprocess runs while the first seeds the demo;
- (the browser crawl of the demo, tests/e2e/test_demo_in_browser.py, runs on the session's demo
  committed: the last tests of the demo's group, tests/committed_demo.py).

- the cases of a module in ``SPLIT`` one by one: modules whose tests build their own world and
  one of which is long (the bad-input corpus, a case per URL namespace), so that its cases
  share the processes instead of running back to back on one.

The rest follow in the order of collection, each to the process that is free first. Every
process has its own test database (pytest-django adds ``_gw0``, ``_gw1``, …; each a copy of one
migrated template, tests/template_db.py), Celery queue and cache
keys (config/settings/test.py), live server port and browser.
"""

from xdist.scheduler import LoadGroupScheduling

from tests.demo_data import DEMO_GROUP, SQLITE_GROUP

FIRST = (DEMO_GROUP, SQLITE_GROUP)
SPLIT = frozenset({"tests/core/test_bad_input.py"})


class SuiteScheduling(LoadGroupScheduling):
    def __init__(self, config, log=None):
        super().__init__(config, log)
        # xdist's default hands out the units with the most tests first: keep ours (FIRST, then
        # the collection's).
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid: str) -> str:
        # xdist appends "@<group>" to a grouped test's id; a parameter may hold an "@" too (an
        # e-mail address), so only our own groups count as one.
        group = nodeid.rsplit("@", 1)[-1]
        if group in FIRST:
            return group
        module = nodeid.split("::", 1)[0]
        return nodeid if module in SPLIT else module

    def _assign_work_unit(self, node) -> None:
        for scope in FIRST:
            if scope in self.workqueue:
                self.workqueue.move_to_end(scope, last=False)
                break
        super()._assign_work_unit(node)
