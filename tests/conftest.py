"""Fixtures shared by every test module.

The suite runs on real PostgreSQL and Redis (``make test`` provides them through DATABASE_URL
and REDIS_URL); the browser tests drive Debian's Chromium through Playwright.
"""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine

from tests import gc_tuning, template_db
from tests.clock import clock_today, subprocess_env, suite_now
from tests.committed_demo import CommittedDemoState
from tests.demo_data import (
    COMMITTED_DEMO,
    DEMO_GROUP,
    SQLITE_GROUP,
    DemoState,
    SeedClock,
    commits_demo,
    demo_layer,
    order_demo_tests,
)
from tests.shared_world import SharedWorldState, order_shared_world_tests, shared_world_of, uses_shared_world
from tests.utils import UserMaker, build_org_tree

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# ---------------------------------------------------------------- the clock
# Every test starts at the suite's known moment (tests/clock.py), never the wall clock; the
# clock ticks on from there so timeouts and polling loops still work. The session and module
# levels cover fixtures of those scopes (the demo keeps a clock of its own: tests/demo_data.py).
@pytest.fixture(scope="session", autouse=True)
def _session_clock():
    with time_machine.travel(suite_now(), tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="module")
def clock_moment():
    """The moment a module's tests (and its shared world) start at: the suite's. A package whose
    hand counts belong to one fixed date overrides this fixture in its conftest."""
    return suite_now()


@pytest.fixture(scope="module", autouse=True)
def _module_clock(_session_clock, clock_moment):
    with time_machine.travel(clock_moment, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def frozen_clock(_module_clock, clock_moment):
    with time_machine.travel(clock_moment, tick=True) as traveller:
        yield traveller


# ---------------------------------------------------------------- the test databases
# Under xdist every process copies one migrated template instead of migrating its own
# (tests/template_db.py). pytest-django's extension point for the databases' settings runs before
# it creates them.
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    template_db.install()


def _xdist_controller(config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not in_xdist_worker()


def pytest_configure(config):
    # One left by a killed run would hold old migrations; one make test is building for this run
    # (tests/template_db.prebuild, which dropped the old one first) stays.
    if _xdist_controller(config) and not os.environ.get(template_db.PREBUILT_ENV):
        _drop_template()


def _drop_template():
    from django.conf import settings

    if template_db.applies(settings.DATABASES["default"], keepdb=False, controller=True):
        template_db.drop_template(settings.DATABASES["default"])


# ---------------------------------------------------------------- emptying the tables after a transactional test
# Transactional tests (browser, worker, concurrency) leave the tables empty for the next test
# through Django's flush: one TRUNCATE of every table, for which PostgreSQL makes new files for
# each of the ~110 tables and their indexes (1–4 s a test on a busy 2-core machine, ~40 tests).
# Deleting the few rows such a test wrote takes milliseconds. Every foreign key Django creates is
# DEFERRABLE INITIALLY DEFERRED and the flush runs in one transaction, so the order of the
# DELETEs does not matter. The same tables are emptied; sequences are not reset either way (a
# flush that asks to reset them keeps TRUNCATE … RESTART IDENTITY).
APPEND_ONLY_TABLES = frozenset({"core_auditevent"})


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        # The audit trail refuses DELETE of recent rows (trigger of core/0002); TRUNCATE is
        # the deployment's to revoke, and the one way a test database empties it.
        return [
            f"{style.SQL_KEYWORD('TRUNCATE' if table in APPEND_ONLY_TABLES else 'DELETE FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate


# ---------------------------------------------------------------- the demo, once per session
# See tests/demo_data.py: three layers in one outer transaction, rolled back at the end of the
# session; the tests that use them run last, in layer order.
# Shared worlds (tests/shared_world.py) are loaded the same way per module.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    order_shared_world_tests(items)
    order_demo_tests(items)


# ---------------------------------------------------------------- pytest-xdist (make test: -n 2 --dist loadgroup)
# See tests/parallel.py. The groups are marked before xdist reads them (tryfirst).
@pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_xdist_groups(items):
    for item in items:
        if demo_layer(item) is not None:
            item.add_marker(pytest.mark.xdist_group(DEMO_GROUP))
        elif item.get_closest_marker("sqlite_path"):
            item.add_marker(pytest.mark.xdist_group(SQLITE_GROUP))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadgroup":
        from tests.parallel import SuiteScheduling

        return SuiteScheduling(config, log)
    return None


def in_xdist_worker() -> bool:
    return bool(os.environ.get("PYTEST_XDIST_WORKER"))


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the demo back as soon as the last test on it is done: under xdist the process goes on
    with other modules afterwards (without xdist the demo's tests are the session's last)."""
    if DemoState.open and (nextitem is None or demo_layer(nextitem) is None):
        DemoState.close()


def pytest_collection_finish(session):
    # The collected suite out of the garbage collector's reach, and collections rarer
    # (tests/gc_tuning.py).
    gc_tuning.tune(freeze=True)
    # make run's SQLite path (tests/demo/test_sqlite_path.py) runs in a subprocess of its own:
    # start it now, so that it runs alongside the PostgreSQL tests. Under xdist every process
    # collects every test, and only one runs it: that one starts it when the test runs (first,
    # while the other process seeds the demo: tests/parallel.py).
    if session.config.option.collectonly or in_xdist_worker():
        return
    if any(item.get_closest_marker("sqlite_path") for item in session.items):
        from tests.demo.test_sqlite_path import start_in_background

        start_in_background()


def pytest_sessionfinish(session):
    if _xdist_controller(session.config):
        _drop_template()
    module = sys.modules.get("tests.demo.test_sqlite_path")
    if module is not None:
        module.stop_background()  # not taken by its test (deselected, or the run stopped early)


@pytest.fixture(autouse=True)
def check_isolation(request):
    """No test runs inside the demo's transaction, a module's shared world or the committed demo
    (tests/committed_demo.py) unless it asked."""
    if DemoState.open and demo_layer(request.node) is None:
        pytest.fail(f"{request.node.nodeid} ran while the session's demo was loaded (see tests/demo_data.py)")
    if DemoState.closed and demo_layer(request.node) is not None and not commits_demo(request.node):
        pytest.fail(f"{request.node.nodeid} ran after the session's demo was rolled back: the demo's tests run "
                    "together (under xdist: --dist loadgroup, see tests/parallel.py)")
    if SharedWorldState.open and not uses_shared_world(request.node):
        pytest.fail(f"{request.node.nodeid} ran while a shared world was loaded (see tests/shared_world.py)")
    if CommittedDemoState.open and COMMITTED_DEMO not in request.fixturenames:
        pytest.fail(f"{request.node.nodeid} ran while the committed demo was loaded (see tests/committed_demo.py)")


@pytest.fixture(scope="session")
def _demo_transaction(request, django_db_setup, django_db_blocker):
    from django.db import connection, transaction

    from branches.models import User

    if any(commits_demo(item) for item in request.session.items):
        # Playwright's sync API, once started, runs this thread's code in a context of its own,
        # where Django's connection is another one than before: started after the demo's
        # transaction was opened, the browser tests on the demo would seed and commit on a
        # connection outside it (and wait for it forever). So it starts first.
        request.getfixturevalue("playwright")

    with django_db_blocker.unblock():
        if User.objects.exists():
            raise RuntimeError("the test database is not empty: the demo needs an empty one (a run killed while "
                               "the demo was committed leaves it behind: run once with --create-db)")
        outer = transaction.atomic()
        outer.__enter__()

    def end(*, commit: bool):
        DemoState.open, DemoState.closed = False, True
        with django_db_blocker.unblock():
            if not commit:
                transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            if not commit:
                # The session's last connection would keep the test database open and make
                # pytest-django's teardown fail to drop it ("is being accessed by other users").
                connection.close()

    DemoState.open = True
    DemoState.close = lambda: end(commit=False)
    # For the browser tests on the demo (tests/committed_demo.py), last: they empty it after.
    DemoState.commit = lambda: end(commit=True)
    try:
        yield SeedClock()
    finally:
        if DemoState.open:
            end(commit=False)


@pytest.fixture(scope="session")
def demo_base(_demo_transaction, django_db_blocker):
    """The organizations, people and branches, and their projects (branches and projects seeders)."""
    from branches import demo as branches_demo
    from projects import demo as projects_demo

    with django_db_blocker.unblock(), _demo_transaction.running():
        today = clock_today()
        branches_demo.seed_demo(today=today)
        projects_demo.seed_demo(today=today)


@pytest.fixture(scope="session")
def demo_history(demo_base, _demo_transaction, django_db_blocker):
    """demo_base + the mechanisms' history; the counts ``mechanisms.demo.records`` returned."""
    from mechanisms.demo import records as records_demo

    with django_db_blocker.unblock(), _demo_transaction.running():
        return records_demo.seed_demo(today=clock_today())


@pytest.fixture(scope="session")
def demo_full(demo_history, _demo_transaction, django_db_blocker):
    """The whole demo as ``manage.py seed_demo`` loads it; what the command printed."""
    from django.core.management import call_command

    with django_db_blocker.unblock(), _demo_transaction.running():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()


# ---------------------------------------------------------------- Playwright
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A zh-CN browser: LocaleMiddleware would serve English to Playwright's default en-US.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def screenshot(request):
    """Save a screenshot under tests/artifacts/ named after the test; returns the path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page=True) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


# ---------------------------------------------------------------- organizations and users
@pytest.fixture
def org_tree(db, request):
    """Two cities side by side; city A has a committee, a department and a town under it
    (tests/utils.py). In a test on a shared world (tests/shared_world.py): the world's."""
    shared = shared_world_of(request)
    return shared.tree if shared else build_org_tree()


@pytest.fixture
def make_user(db, request):
    """make_user(role=Role.X, organization=org, username=...) → a saved user in that role. In a
    test on a shared world, the numbering goes on from the world's users."""
    shared = shared_world_of(request)
    return UserMaker(start=shared.users_made) if shared else UserMaker()


# ---------------------------------------------------------------- a real Celery worker
@pytest.fixture
def worker_env():
    """Extra environment of the worker started by ``celery_worker_process`` (a test module may
    override this fixture, e.g. to give the worker a file e-mail backend it can read)."""
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path, worker_env):
    """A real ``celery worker`` process on the test database and Redis.

    Tests using it publish for real (not eagerly) and must commit what the worker reads,
    hence ``transactional_db``. The worker's log is in ``tmp_path / "worker.log"``.
    """
    from django.db import connection

    from config.celery import app

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker or not broker.startswith("redis"):
        pytest.fail("The worker tests need Redis: run them through `make test` (REDIS_URL).")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **subprocess_env(),
        **worker_env,
    }
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Empty the queue of anything an earlier test left behind, before the worker can take it.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    # A name of its own, so that readiness is this worker's answer and not another one's.
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.clocked", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    # Generous: a loaded 2-core CI machine takes a while to import Django and Celery.
    deadline = time.monotonic() + 60
    ready = False
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if app.control.inspect(destination=[name], timeout=0.5).ping():
                ready = True
                break
        except Exception:
            pass
        time.sleep(0.3)
    if not ready:
        proc.kill()
        proc.wait()
        pytest.fail(f"Celery worker did not start:\n{log_path.read_text()}")
    try:
        yield proc
    finally:
        app.conf.task_always_eager = previous
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

