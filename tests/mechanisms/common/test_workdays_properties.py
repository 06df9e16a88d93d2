"""Working-day arithmetic against an independent oracle, for all inputs (Hypothesis).

The oracle is the PyPI package ``chinesecalendar`` (State Council holiday notices, 2004–2026):
over the whole of 2026 the product's calendar (seeded by migration, editable by staff) must
agree with it day by day, holidays and make-up working days (调休) included, and the counting
functions must agree with counting those days one by one."""

import datetime
import importlib

import chinese_calendar
import pytest
from django.apps import apps as django_apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mechanisms.common.workdays import WorkCalendar

YEAR_START, YEAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
DAYS_2026 = [YEAR_START + datetime.timedelta(days=i) for i in range((YEAR_END - YEAR_START).days + 1)]
in_2026 = st.dates(YEAR_START, YEAR_END)


# The data migration that seeds the calendar: a transactional test's flush empties the table for
# the tests after it, so the calendar under test is seeded again the way the migration does.
seed_migration = importlib.import_module("mechanisms.migrations.0005_seed_work_calendar")


@pytest.fixture
def cal(db):
    seed_migration.seed(django_apps, None)
    # Read once per test; Hypothesis's examples share it (the calendar is only read).
    return WorkCalendar.load()


def test_every_day_of_2026_agrees_with_the_state_council_notices(cal):
    disagree = [d for d in DAYS_2026 if cal.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert disagree == []
    # The year really has both kinds of exception (a check that cannot pass vacuously).
    assert any(d.weekday() < 5 and not cal.is_working_day(d) for d in DAYS_2026)  # a weekday holiday
    assert any(d.weekday() >= 5 and cal.is_working_day(d) for d in DAYS_2026)  # a 调休 weekend day


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=in_2026, end=in_2026)
def test_working_days_between_counts_the_working_days_after_start_up_to_end(cal, start, end):
    low, high = sorted((start, end))
    expected = sum(1 for d in DAYS_2026 if low < d <= high and chinese_calendar.is_workday(d))
    assert cal.working_days_between(start, end) == (expected if end >= start else -expected)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(YEAR_START, datetime.date(2026, 11, 30)), days=st.integers(0, 20))
def test_adding_working_days_lands_on_a_working_day_that_many_days_later(cal, start, days):
    end = cal.add_working_days(start, days)
    assert cal.working_days_between(start, end) == days
    if days:
        assert chinese_calendar.is_workday(end)
        # …and on the first such day: the day before is fewer working days away.
        assert cal.working_days_between(start, end - datetime.timedelta(days=1)) == days - 1
