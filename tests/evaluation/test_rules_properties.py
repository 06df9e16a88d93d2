"""Property tests (Hypothesis) of what was due over a branch's life: Party-life activities in
proportion to it (evaluation.rules.activities_due) and the report weeks of the weekly duty rule
(mechanisms.weekly.rules.reporting_weeks), each against a plain restatement."""

import datetime
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.rules import activities_due, life_days
from mechanisms.weekly.rules import reporting_weeks

FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
DAY = datetime.timedelta(days=1)
days = st.integers(min_value=0, max_value=3 * 365)
rates = st.sampled_from([1, 2, 3, 4, Fraction(1, 2), Fraction(3, 2)])
dates = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31))


@FAST
@given(n=st.integers(min_value=0, max_value=14))
def test_a_branch_that_lived_under_a_fortnight_owes_no_activity(n):
    assert activities_due(n, 1) == 0


@FAST
@given(d=days, rate=rates)
def test_what_is_due_is_the_branchs_share_of_the_months_within_a_half(d, rate):
    exact = Fraction(d) * Fraction(rate) / 30

    assert abs(activities_due(d, rate) - exact) <= Fraction(1, 2)
    assert activities_due(d, rate) >= 0


@FAST
@given(d=days, more=st.integers(min_value=0, max_value=400), rate=rates)
def test_living_longer_never_owes_less(d, more, rate):
    assert activities_due(d, rate) <= activities_due(d + more, rate)


@FAST
@given(d=days, rate=st.integers(min_value=1, max_value=4))
def test_thirty_more_days_owe_exactly_one_month_more(d, rate):
    assert activities_due(d + 30, rate) == activities_due(d, rate) + rate


@FAST
@given(months=st.integers(min_value=0, max_value=36), rate=st.integers(min_value=1, max_value=4))
def test_whole_months_owe_the_rate_for_each(months, rate):
    assert activities_due(30 * months, rate) == months * rate


@FAST
@given(start=dates, length=st.integers(min_value=0, max_value=400))
def test_a_life_is_counted_with_both_ends(start, length):
    assert life_days(start, start + length * DAY) == length + 1


@FAST
@given(formed=dates, length=st.integers(min_value=0, max_value=200))
def test_the_weeks_due_are_the_whole_weeks_at_work(formed, length):
    """Restated by walking the days: a week is due when the branch was formed by its Monday and
    still at work on its Sunday (it ended after that day)."""
    ended = formed + length * DAY
    mondays = [formed + i * DAY for i in range(length + 1) if (formed + i * DAY).weekday() == 0]
    expected = [m for m in mondays if m + 6 * DAY < ended]

    weeks = reporting_weeks(formed, ended)

    assert [w.start for w in weeks] == expected
    assert all(formed <= w.start and w.end < ended for w in weeks)
