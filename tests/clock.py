"""The suite's clock: every test runs on a known date, never on the wall clock.

Tests that depend on the date (weekly-report weeks, deadlines counted in working days, the
traffic light, the demo's "last four weeks") used to read the real time, so the suite failed
on Friday evenings and would fail across New Year. An autouse fixture in ``tests/conftest.py``
moves the clock of the test process to ``TEST_NOW`` (a Wednesday morning in Asia/Shanghai by
default) and lets it tick from there; a test that cares about a particular moment travels
again inside that (time-machine nests). Worker processes started by the tests run on the same
clock through :mod:`tests.clocked`.

Set ``TEST_NOW`` (ISO 8601 with an offset) to run the whole suite at another moment, e.g.
``make test TEST_NOW=2026-12-04T18:30:00+08:00`` (Friday evening) or
``TEST_NOW=2026-12-31T23:50:00+08:00`` (New Year's Eve): it must pass there too.
"""

import datetime
import os
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)  # a working Wednesday
ENV_NAME = "TEST_NOW"
FAKE_NOW_ENV = "GONGJIAN_FAKE_NOW"  # read by tests.clocked in subprocesses


def suite_now() -> datetime.datetime:
    """The moment the suite's clock starts from (``TEST_NOW`` or the default)."""
    value = os.environ.get(ENV_NAME, "").strip()
    if not value:
        return DEFAULT_NOW
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def subprocess_env() -> dict[str, str]:
    """Environment entries that put a child process (started with ``python -m tests.clocked``)
    on this process's current, possibly travelled, clock."""
    return {FAKE_NOW_ENV: datetime.datetime.now(datetime.UTC).isoformat()}


def clock_now() -> datetime.datetime:
    """Now on the suite's clock: what the code under test sees. Tests and their worlds read the
    time through this (not ``timezone.now()``) so that the dependence shows, and it fails when no
    clock is travelling instead of quietly reading the wall clock."""
    if not time_machine.escape_hatch.is_travelling():
        raise RuntimeError("the suite's clock is not running here (see tests/conftest.py): no wall clock in tests")
    return timezone.now()


def clock_today() -> datetime.date:
    """Today in Asia/Shanghai on the suite's clock (see ``clock_now``)."""
    return timezone.localdate(clock_now())
