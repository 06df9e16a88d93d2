"""Run a module on the test suite's clock: ``python -m tests.clocked celery -A config worker …``.

The parent test passes its current (travelled) time in ``GONGJIAN_FAKE_NOW``
(``tests.clock.subprocess_env()``); the child travels there and ticks on, so a real worker
judges "due", "overdue" and "this week" exactly as the test that started it does.
"""

import datetime
import os
import runpy
import sys

import time_machine

from tests.clock import FAKE_NOW_ENV


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m tests.clocked MODULE [ARGS…]")
    module, sys.argv = sys.argv[1], sys.argv[1:]
    value = os.environ.get(FAKE_NOW_ENV)
    if value:
        time_machine.travel(datetime.datetime.fromisoformat(value), tick=True).start()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
