"""The briefing tests count by hand what a briefing of November 2026 holds (第N期 of 2026, the
weeks W45 and W46 already due, deadlines on named days), so they run on that month whatever
moment the rest of the suite runs at (``TEST_NOW``, tests/clock.py): the period these counts
belong to is fixed, and only the moment moves (``clock_moment``, tests/conftest.py)."""

import pytest

from tests.clock import DEFAULT_NOW


@pytest.fixture(scope="module")
def clock_moment():
    return DEFAULT_NOW
