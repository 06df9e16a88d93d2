"""The traffic light and the forecast as pure functions, at their boundaries (no database)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from projects import lights
from projects.lights import (
    GREEN,
    RED,
    YELLOW,
    IndicatorFigures,
    MilestoneFigures,
    compute_light,
    elapsed_share,
    indicator_forecast,
    indicator_progress,
)

D = Decimal
START = datetime.date(2025, 3, 1)
DEADLINE = START + datetime.timedelta(days=100)
HALFWAY = START + datetime.timedelta(days=50)  # elapsed exactly 50 %


def ind(current, *, baseline="0", target="100", weight=1, readings=()):
    return IndicatorFigures(baseline=D(baseline), target=D(target), current=D(current), weight=weight, readings=readings)


def light(today=HALFWAY, indicators=(), milestones=(), start=START, deadline=DEADLINE):
    return compute_light(
        start=start, deadline=deadline, today=today, indicators=list(indicators), milestones=list(milestones)
    )


def test_thresholds_are_the_documented_ones():
    # docs/traffic-light.md quotes these numbers for users; change both together.
    doc = (Path(__file__).resolve().parents[2] / "docs" / "traffic-light.md").read_text(encoding="utf-8")
    assert f"| `YELLOW_GAP` | {lights.YELLOW_GAP} |" in doc
    assert f"| `RED_GAP` | {lights.RED_GAP} |" in doc
    assert f"| `RED_MILESTONE_DAYS` | {lights.RED_MILESTONE_DAYS} |" in doc
    assert f"| `PACE_WINDOW_DAYS` | {lights.PACE_WINDOW_DAYS} |" in doc
    assert f"超过 {int(lights.YELLOW_GAP * 100)} 个百分点" in doc
    assert f"超过 {int(lights.RED_GAP * 100)} 个百分点" in doc
    assert f"超过 {lights.RED_MILESTONE_DAYS} 天" in doc


# ---------------------------------------------------------------- the gap
@pytest.mark.parametrize(
    "current, expected",
    [
        ("50", GREEN),  # on plan
        ("40.01", GREEN),  # 9.99 points behind
        ("40", GREEN),  # exactly 10 points behind: not yet yellow
        ("39.99", YELLOW),  # just over 10
        ("30", YELLOW),  # exactly 20 points behind: still yellow
        ("29.99", RED),  # just over 20
        ("0", RED),
    ],
)
def test_gap_boundaries(current, expected):
    result = light(indicators=[ind(current)])
    assert result.elapsed == D("0.5")
    assert result.light == expected, (current, result)


def test_gap_of_exactly_ten_points_is_green_and_reports_no_reason():
    result = light(indicators=[ind("40")])
    assert result.gap == D("0.1")
    assert result.reasons == ()


def test_gap_is_compared_exactly_not_after_rounding():
    # A third of the time elapsed (30 of 90 days). At 13.33 % done the gap is 20.003 points —
    # just over 20, red. Rounding the shares to 4 places first (0.3333 − 0.1333 = 0.2000) used
    # to call it exactly 20 and yellow.
    start, deadline = START, START + datetime.timedelta(days=90)
    today = start + datetime.timedelta(days=30)
    just_over = light(today=today, start=start, deadline=deadline, indicators=[ind("13.33")])
    assert just_over.light == RED
    assert just_over.reasons == ("gap_red",)
    under = light(today=today, start=start, deadline=deadline, indicators=[ind("13.34")])
    assert under.light == YELLOW
    # And exactly 20 points with thirds on both sides (1/3 − 2/15 = 1/5) stays yellow.
    exact = light(today=today, start=start, deadline=deadline, indicators=[ind("2", target="15")])
    assert exact.light == YELLOW


def test_progress_is_weighted_and_each_indicator_is_capped_at_its_target():
    # 200 % on a light indicator does not make up for 0 % on a heavy one.
    result = light(indicators=[ind("200", weight=1), ind("0", weight=3)])
    assert result.progress == D("0.25")
    assert result.light == RED


def test_target_below_baseline_counts_the_way_down():
    # Complaints cut from 100 to 20: at 60 the indicator is halfway.
    down = ind("60", baseline="100", target="20")
    assert indicator_progress(down) == D("0.5")
    assert light(indicators=[down]).light == GREEN
    # Going the wrong way is no progress, not negative progress.
    assert indicator_progress(ind("120", baseline="100", target="20")) == D("0")
    assert light(indicators=[ind("76", baseline="100", target="20")]).light == YELLOW  # 30 % done: 20 points
    assert light(indicators=[ind("77", baseline="100", target="20")]).light == RED  # 28.75 % done


# ---------------------------------------------------------------- milestones
@pytest.mark.parametrize(
    "days_overdue, expected", [(0, GREEN), (1, YELLOW), (7, YELLOW), (8, RED)]
)
def test_milestone_overdue_boundaries(days_overdue, expected):
    milestone = MilestoneFigures(due_on=HALFWAY - datetime.timedelta(days=days_overdue))
    result = light(indicators=[ind("50")], milestones=[milestone])
    assert result.light == expected
    assert result.worst_overdue_days == days_overdue


def test_a_done_milestone_is_never_overdue():
    done_late = MilestoneFigures(due_on=HALFWAY - datetime.timedelta(days=30), done_on=HALFWAY)
    assert light(indicators=[ind("50")], milestones=[done_late]).light == GREEN


# ---------------------------------------------------------------- the deadline
def test_deadline_day_is_not_late_the_day_after_is():
    on_deadline = light(today=DEADLINE, indicators=[ind("95")])
    assert on_deadline.elapsed == D("1")
    assert on_deadline.light == GREEN
    day_after = light(today=DEADLINE + datetime.timedelta(days=1), indicators=[ind("95")])
    assert day_after.light == RED
    assert "past_deadline" in day_after.reasons


def test_a_finished_project_past_its_deadline_is_green():
    assert light(today=DEADLINE + datetime.timedelta(days=30), indicators=[ind("100")]).light == GREEN


def test_before_the_start_nothing_has_elapsed():
    assert elapsed_share(START, DEADLINE, START - datetime.timedelta(days=5)) == D("0")
    assert light(today=START - datetime.timedelta(days=5), indicators=[ind("0")]).light == GREEN


def test_a_one_day_project():
    assert elapsed_share(START, START, START) == D("1")
    assert light(today=START, start=START, deadline=START, indicators=[ind("0")]).light == RED


# ---------------------------------------------------------------- without indicators
def test_no_indicators_and_no_milestones_is_green_until_the_deadline():
    # A project saved a moment ago has nothing to measure yet: it must not flash red (red sends
    # reminders). Only the deadline judges it.
    assert light(today=DEADLINE).light == GREEN
    late = light(today=DEADLINE + datetime.timedelta(days=1))
    assert late.light == RED
    assert late.reasons == ("past_deadline",)
    assert late.measured_by == lights.BY_NOTHING


def test_milestones_only_progress_is_their_share_but_the_gap_is_not_judged():
    # Two milestones at 50 % and 100 % of the time: at 30 % none is done and none is late.
    milestones = [MilestoneFigures(due_on=HALFWAY), MilestoneFigures(due_on=DEADLINE)]
    early = light(today=START + datetime.timedelta(days=30), milestones=milestones)
    assert early.progress == D("0")
    assert early.measured_by == lights.BY_MILESTONES
    assert early.light == GREEN
    # Lateness comes from the overdue rule: 8 days past the first milestone is red.
    assert light(today=HALFWAY + datetime.timedelta(days=8), milestones=milestones).light == RED
    half_done = [MilestoneFigures(due_on=HALFWAY, done_on=HALFWAY), MilestoneFigures(due_on=DEADLINE)]
    assert light(today=HALFWAY, milestones=half_done).progress == D("0.5")


# ---------------------------------------------------------------- turning back
def test_nothing_is_sticky_a_red_project_turns_green_when_the_gap_is_made_up():
    assert light(indicators=[ind("20")]).light == RED
    assert light(indicators=[ind("45")]).light == GREEN


# ---------------------------------------------------------------- the forecast
TODAY = datetime.date(2025, 6, 1)


def test_forecast_from_the_pace_over_the_window():
    # 10 % in the last 20 days → 60 % to go takes 120 more days from the last reading.
    figures = ind("40", readings=((TODAY - datetime.timedelta(days=20), D("30")), (TODAY, D("40"))))
    assert indicator_forecast(figures, TODAY) == TODAY + datetime.timedelta(days=120)


def test_forecast_anchor_is_the_last_reading_at_or_before_the_window_start():
    window_start = TODAY - datetime.timedelta(days=lights.PACE_WINDOW_DAYS)
    figures = ind(
        "40",
        readings=(
            (window_start - datetime.timedelta(days=40), D("0")),
            (window_start, D("12")),  # exactly on the window's start: this is the anchor
            (TODAY, D("40")),
        ),
    )
    # 28 points in 28 days → 60 more points in 60 days.
    assert indicator_forecast(figures, TODAY) == TODAY + datetime.timedelta(days=60)


def test_no_reading_in_the_window_is_stalled():
    window_start = TODAY - datetime.timedelta(days=lights.PACE_WINDOW_DAYS)
    old = ind("40", readings=((window_start - datetime.timedelta(days=30), D("10")), (window_start, D("40"))))
    assert indicator_forecast(old, TODAY) is None
    # One day later in the window, the same rise gives a pace.
    recent = ind(
        "40",
        readings=((window_start - datetime.timedelta(days=30), D("10")), (window_start + datetime.timedelta(days=1), D("40"))),
    )
    assert indicator_forecast(recent, TODAY) is not None


def test_flat_readings_are_stalled_and_the_project_says_so():
    # Unchanged since before the window (the anchor) up to today: no pace.
    flat = ind("40", readings=((TODAY - datetime.timedelta(days=40), D("40")), (TODAY, D("40"))))
    assert indicator_forecast(flat, TODAY) is None
    result = compute_light(
        start=TODAY - datetime.timedelta(days=60), deadline=TODAY + datetime.timedelta(days=60), today=TODAY,
        indicators=[flat, ind("100")], milestones=[],
    )
    assert result.stalled is True
    assert result.forecast_on is None and result.days_late is None


def test_the_start_at_the_baseline_is_a_point_of_the_pace():
    start = TODAY - datetime.timedelta(days=10)
    figures = ind("10", readings=((TODAY, D("10")),))
    assert indicator_forecast(figures, TODAY) is None  # one reading alone has no pace
    assert indicator_forecast(figures, TODAY, start=start) == TODAY + datetime.timedelta(days=90)


def test_project_forecast_is_the_slowest_indicator_and_days_late_against_the_deadline():
    start = TODAY - datetime.timedelta(days=10)  # the first readings are on the start
    deadline = TODAY + datetime.timedelta(days=50)
    fast = ind("50", readings=((TODAY - datetime.timedelta(days=10), D("40")), (TODAY, D("50"))))  # 50 days
    slow = ind("50", readings=((TODAY - datetime.timedelta(days=10), D("45")), (TODAY, D("50"))))  # 100 days
    result = compute_light(start=start, deadline=deadline, today=TODAY, indicators=[fast, slow], milestones=[])
    assert result.forecast_on == TODAY + datetime.timedelta(days=100)
    assert result.days_late == 50
    on_time = compute_light(start=start, deadline=deadline, today=TODAY, indicators=[fast], milestones=[])
    assert on_time.days_late == 0


def test_a_reached_indicator_is_dated_when_it_got_there():
    reached_on = TODAY - datetime.timedelta(days=40)
    figures = ind(
        "100",
        readings=(
            (TODAY - datetime.timedelta(days=60), D("50")),
            (reached_on, D("100")),
            (TODAY - datetime.timedelta(days=5), D("100")),
        ),
    )
    assert indicator_forecast(figures, TODAY) == reached_on
    assert indicator_forecast(ind("100"), TODAY) == TODAY  # no reading shows when: today


def test_forecast_for_a_target_below_the_baseline():
    down = ind(
        "80", baseline="100", target="20",
        readings=((TODAY - datetime.timedelta(days=10), D("90")), (TODAY, D("80"))),
    )
    # 10 units down in 10 days; 60 more to go.
    assert indicator_forecast(down, TODAY) == TODAY + datetime.timedelta(days=60)
