"""Properties of the traffic light and the forecast (projects.lights), checked with Hypothesis.

* a project on plan, reporting on any cadence from daily to weekly, is green every day;
* a project that stops moving (silent, or flat and falling readings) is red from the
  (NO_PROGRESS_RED_DAYS + 1)th day after its last move at the latest;
* in a project that slows down, a new reading (or a day without one) never brings the forecast
  earlier;
* the forecast never raises, whatever the pace (zero, tiny) and however far the dates are.

Pure functions only (no database); each property runs in a second or two.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import lights
from projects.lights import GREEN, RED, IndicatorFigures, MilestoneFigures, compute_light

DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")
FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

starts = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31))


@st.composite
def plan_indicators(draw):
    """An indicator with its baseline, target, weight and reporting cadence (days)."""
    baseline = draw(st.integers(min_value=0, max_value=1000))
    span = draw(st.integers(min_value=10, max_value=100_000)) * draw(st.sampled_from([1, -1]))
    if baseline + span < 0:
        span = -span  # counts stay non-negative
    cadence = draw(st.integers(min_value=1, max_value=7))
    first = draw(st.integers(min_value=1, max_value=cadence))
    weight = draw(st.integers(min_value=1, max_value=5))
    return Decimal(baseline), Decimal(baseline + span), weight, cadence, first


def on_plan_value(baseline: Decimal, target: Decimal, day: int, duration: int) -> Decimal:
    """The plan's value on ``day``, to the cent (as the database stores readings)."""
    exact = baseline + (target - baseline) * Decimal(day) / Decimal(duration)
    return exact.quantize(CENT)


def figures(baseline, target, weight, readings) -> IndicatorFigures:
    current = readings[-1][1] if readings else baseline
    return IndicatorFigures(baseline=baseline, target=target, current=current, weight=weight, readings=tuple(readings))


# ---------------------------------------------------------------- on plan: green every day
@FAST
@given(start=starts, duration=st.integers(min_value=7, max_value=100), specs=st.lists(plan_indicators(), min_size=1, max_size=3))
def test_an_on_plan_project_reporting_daily_to_weekly_is_green_every_day(start, duration, specs):
    indicators = []
    for baseline, target, weight, cadence, first in specs:
        days = list(range(first, duration, cadence)) + [duration]  # and the last one on the deadline
        readings = [(start + d * DAY, on_plan_value(baseline, target, d, duration)) for d in days]
        indicators.append(figures(baseline, target, weight, readings))
    deadline = start + duration * DAY
    for n in range(0, duration + 4):  # the functions leave out readings dated after ``today``
        result = compute_light(start=start, deadline=deadline, today=start + n * DAY, indicators=indicators, milestones=[])
        assert result.light == GREEN, (n, result)


# ---------------------------------------------------------------- no progress: red in time
@st.composite
def stopped_projects(draw):
    start = draw(starts)
    duration = draw(st.integers(min_value=30, max_value=365))
    stop = draw(st.integers(min_value=0, max_value=duration - 1))  # the last day anything moved
    specs = draw(st.lists(plan_indicators(), min_size=1, max_size=3))
    after = draw(st.sampled_from(["silent", "flat", "falling"]))
    later_cadence = draw(st.integers(min_value=1, max_value=10))
    pace = draw(st.fractions(min_value=Fraction(1, 5), max_value=3))  # how fast it moved until ``stop``
    indicators = []
    for baseline, target, weight, cadence, first in specs:
        readings, value = [], baseline
        for d in range(first, stop + 1, cadence):
            share = min(Fraction(1, 1) - Fraction(1, 100), pace * Fraction(d, duration))
            value = (baseline + (target - baseline) * Decimal(share.numerator) / Decimal(share.denominator)).quantize(CENT)
            readings.append((start + d * DAY, value))
        if after != "silent":
            for k, d in enumerate(range(stop + later_cadence, stop + 60, later_cadence)):
                if after == "falling":  # no reading is closer to the target than the one before
                    value -= Decimal(1).copy_sign(target - baseline) * min(abs(target - baseline) / 100, k)
                readings.append((start + d * DAY, value.quantize(CENT)))
        indicators.append(figures(baseline, target, weight, readings))
    return start, duration, stop, indicators


@FAST
@given(stopped_projects())
def test_a_project_without_progress_is_red_from_the_22nd_day_at_the_latest(case):
    start, duration, stop, indicators = case
    deadline = start + duration * DAY
    red_from = stop + lights.NO_PROGRESS_RED_DAYS + 1
    for n in range(red_from, red_from + 30):
        result = compute_light(start=start, deadline=deadline, today=start + n * DAY, indicators=indicators, milestones=[])
        assert result.progress < 1
        assert result.light == RED, (n, result)


# ---------------------------------------------------------------- slowing down: never earlier
@st.composite
def slowing_histories(draw):
    """Readings of one indicator (0 → target), at most a week apart, whose pace between readings
    never rises (the project slows down, or keeps its pace)."""
    target = draw(st.integers(min_value=100, max_value=100_000))
    segments = draw(
        st.lists(
            st.tuples(st.integers(min_value=1, max_value=lights.FRESH_DAYS), st.integers(min_value=0, max_value=2_000)),
            min_size=2, max_size=12,
        )
    )
    segments.sort(key=lambda s: Fraction(s[1], s[0]), reverse=True)  # fastest first: it slows down
    start = draw(starts)
    readings, day, value = [], 0, 0
    for gap, rise in segments:
        day += gap
        value = min(value + rise, target)
        readings.append((start + day * DAY, Decimal(value)))
    return start, Decimal(target), readings


@FAST
@given(slowing_histories())
def test_when_the_pace_falls_a_new_reading_never_brings_the_forecast_earlier(case):
    # Readings at most a week apart: a reading that ends a longer silence may bring the forecast
    # earlier, rightly — the days of silence had counted as no progress until it came.
    start, target, readings = case
    indicator = figures(Decimal(0), target, 1, readings)
    last_day = (readings[-1][0] - start).days
    dated = []
    for n in range(0, last_day + 30):  # every day: a reading, or one more day without
        outlook = lights.indicator_outlook(indicator, start + n * DAY, start=start)
        if outlook.state in (lights.FORECAST_DATED, lights.FORECAST_REACHED):
            assert not dated or outlook.on >= max(dated), (n, outlook, dated[-3:])
            dated.append(outlook.on)


# ---------------------------------------------------------------- never raises
amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
any_day = st.dates(min_value=datetime.date.min, max_value=datetime.date.max)


@settings(max_examples=300, deadline=None, database=None)
@given(
    baseline=amounts,
    target=amounts,
    readings=st.lists(st.tuples(any_day, amounts), max_size=6),
    today=any_day,
    start=any_day,
    length=st.integers(min_value=0, max_value=5000),
    due=st.lists(any_day, max_size=2),
)
def test_the_forecast_never_raises(baseline, target, readings, today, start, length, due):
    indicator = figures(baseline, target, 1, readings)
    deadline = datetime.date.fromordinal(min(datetime.date.max.toordinal(), start.toordinal() + length))
    outlook = lights.indicator_outlook(indicator, today, start=start, deadline=deadline)
    assert outlook.state in {
        lights.FORECAST_REACHED, lights.FORECAST_DATED, lights.FORECAST_STALLED,
        lights.FORECAST_NOT_ENOUGH_DATA, lights.FORECAST_FAR,
    }
    assert (outlook.on is not None) == (outlook.state in (lights.FORECAST_DATED, lights.FORECAST_REACHED))
    if outlook.state == lights.FORECAST_DATED:
        assert 0 <= (outlook.on - today).days <= lights.FORECAST_HORIZON_DAYS + lights.FRESH_DAYS
    lights.indicator_forecast(indicator, today, start=start)
    result = compute_light(
        start=start, deadline=deadline, today=today, indicators=[indicator],
        milestones=[MilestoneFigures(due_on=d) for d in due],
    )
    assert result.light in (lights.GREEN, lights.YELLOW, RED)


@settings(max_examples=200, deadline=None, database=None)
@given(
    rise=st.fractions(min_value=0, max_value=Fraction(1, 10**6)),  # zero or tiny
    gap=st.integers(min_value=1, max_value=400),
    today=st.dates(min_value=datetime.date(1, 2, 1), max_value=datetime.date.max),
)
def test_a_zero_or_tiny_pace_is_stalled_or_far_never_an_overflow(rise, gap, today):
    # issue 14: indicator_forecast raised OverflowError for a tiny pace (a 500 on the project
    # page and on weekly-report submission).
    first = max(datetime.date.min, today - datetime.timedelta(days=min(gap, today.toordinal() - 1)))
    big = Decimal(10**12)
    later = (big * Decimal(rise.numerator) / Decimal(rise.denominator)).quantize(CENT)
    indicator = figures(Decimal(0), big, 1, [(first, Decimal(0)), (today, later)])
    outlook = lights.indicator_outlook(indicator, today, start=first, deadline=today + datetime.timedelta(days=0))
    if later == 0:
        assert outlook.state in (lights.FORECAST_STALLED, lights.FORECAST_NOT_ENOUGH_DATA)
    assert lights.indicator_forecast(indicator, today, start=first) in (None, *(
        [outlook.on] if outlook.on else []))
