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
    indicator_outlook,
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
    for name in (
        "YELLOW_GAP", "RED_GAP", "RED_MILESTONE_DAYS", "FRESH_DAYS", "NO_PROGRESS_RED_DAYS", "MIN_SPAN_DAYS",
        "PACE_WINDOW_DAYS", "FORECAST_HORIZON_DAYS",
    ):
        assert f"| `{name}` | {getattr(lights, name)} |" in doc, name
    assert f"超过 {int(lights.YELLOW_GAP * 100)} 个百分点" in doc
    assert f"超过 {int(lights.RED_GAP * 100)} 个百分点" in doc
    assert f"超过 {lights.RED_MILESTONE_DAYS} 天" in doc
    assert f"有效 {lights.FRESH_DAYS} 天" in doc
    assert f"连续超过 {lights.NO_PROGRESS_RED_DAYS} 天没有进展" in doc
    assert f"第 {lights.NO_PROGRESS_RED_DAYS + 1} 天" in doc
    assert f"相隔至少 {lights.MIN_SPAN_DAYS} 天" in doc
    assert f"往前取 **{lights.PACE_WINDOW_DAYS} 天**" in doc
    assert f"{lights.FORECAST_HORIZON_DAYS // 365}年内无法完成" in doc


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
    # 200 % on a light indicator does not make up for 0 % on a heavy one (both read today).
    result = light(
        indicators=[
            ind("200", weight=1, readings=((HALFWAY, D("200")),)),
            ind("0", weight=3, readings=((HALFWAY, D("0")),)),
        ]
    )
    assert result.progress == D("0.25")
    assert result.gap == D("0.25")  # (1 × (50 − 100) + 3 × (50 − 0)) / 4 points
    assert result.light == RED and "gap_red" in result.reasons


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
    # 28 points in 14 days → 60 more points in 30 days.
    assert indicator_forecast(figures, TODAY) == TODAY + datetime.timedelta(days=30)


def test_silence_fades_the_pace_after_a_week_and_stalls_it_after_three():
    # Weekly readings, then nothing: the last reading speaks for a week; after that every day
    # without news counts as a day without progress, so the forecast slips day by day, and 21
    # days after the last reading there is no pace left.
    last = TODAY - datetime.timedelta(days=10)
    figures = ind("40", readings=((last - datetime.timedelta(days=14), D("26")), (last, D("40"))))
    on = {n: indicator_forecast(figures, last + datetime.timedelta(days=n)) for n in range(0, 22)}
    assert on[0] == on[7] == last + datetime.timedelta(days=60)  # 1 point a day, 60 to go
    assert on[8] > on[7] and on[14] > on[13]
    assert on[20] is not None and on[21] is None
    outlook = indicator_outlook(figures, last + datetime.timedelta(days=21))
    assert outlook.state == lights.FORECAST_STALLED
    assert outlook.evidence_on == last + datetime.timedelta(days=14)


def test_flat_readings_are_stalled_and_the_project_says_so():
    flat = ind("40", readings=((TODAY - datetime.timedelta(days=14), D("40")), (TODAY, D("40"))))
    assert indicator_forecast(flat, TODAY) is None
    assert indicator_outlook(flat, TODAY).state == lights.FORECAST_STALLED
    done = ind("100", readings=((TODAY - datetime.timedelta(days=3), D("100")),))
    result = compute_light(
        start=TODAY - datetime.timedelta(days=60), deadline=TODAY + datetime.timedelta(days=60), today=TODAY,
        indicators=[flat, done], milestones=[],
    )
    assert result.stalled is True and result.forecast_state == lights.FORECAST_STALLED
    assert result.forecast_on is None and result.days_late is None


def test_a_reading_and_the_start_are_not_enough_data():
    # The start at the baseline is not a reading: one reading, or several entered on one day
    # (the 过江通道 project's first day), give no pace — "not enough data yet", never "stalled".
    start = TODAY - datetime.timedelta(days=10)
    one = ind("10", readings=((TODAY, D("10")),))
    assert indicator_forecast(one, TODAY, start=start) is None
    assert indicator_outlook(one, TODAY, start=start).state == lights.FORECAST_NOT_ENOUGH_DATA
    first_day = ind("30", readings=((start, D("10")), (start, D("20")), (start, D("30"))))
    assert indicator_outlook(first_day, start, start=start).state == lights.FORECAST_NOT_ENOUGH_DATA
    # Six days apart is still not enough; seven is.
    six = ind("20", readings=((TODAY - datetime.timedelta(days=6), D("10")), (TODAY, D("20"))))
    seven = ind("20", readings=((TODAY - datetime.timedelta(days=7), D("10")), (TODAY, D("20"))))
    assert indicator_outlook(six, TODAY, start=start).state == lights.FORECAST_NOT_ENOUGH_DATA
    assert indicator_outlook(seven, TODAY, start=start).state == lights.FORECAST_DATED


def test_a_new_project_is_not_stalled_until_it_fails_to_move_for_three_weeks():
    start = TODAY
    fresh = ind("0")  # created a moment ago: no reading
    for n, state in [(0, lights.FORECAST_NOT_ENOUGH_DATA), (21, lights.FORECAST_NOT_ENOUGH_DATA),
                     (22, lights.FORECAST_STALLED)]:
        result = compute_light(
            start=start, deadline=start + datetime.timedelta(days=200), today=start + datetime.timedelta(days=n),
            indicators=[fresh], milestones=[],
        )
        assert result.forecast_state == state, n
    assert light(today=START, indicators=[fresh]).forecast_state == lights.FORECAST_NOT_ENOUGH_DATA
    assert light(today=START, indicators=[fresh]).light == GREEN


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


def test_a_tiny_pace_is_far_never_an_overflow():
    # issue 14: 1e-9 of the way a day used to be turned into a date 10^9 days away.
    tiny = ind(
        "0.000001", target="1000",
        readings=((TODAY - datetime.timedelta(days=14), D("0")), (TODAY, D("0.000001"))),
    )
    outlook = indicator_outlook(tiny, TODAY, deadline=TODAY + datetime.timedelta(days=30))
    assert outlook.state == lights.FORECAST_FAR and outlook.on is None
    assert indicator_forecast(tiny, TODAY) is None
    result = compute_light(
        start=TODAY - datetime.timedelta(days=14), deadline=TODAY + datetime.timedelta(days=30), today=TODAY,
        indicators=[tiny], milestones=[],
    )
    assert result.far and result.forecast_on is None and result.days_late is None
    # At the calendar's end a near forecast is far too, not a crash.
    end = datetime.date.max - datetime.timedelta(days=3)
    late = ind("50", readings=((end - datetime.timedelta(days=14), D("40")), (end, D("50"))))
    assert indicator_outlook(late, end).state == lights.FORECAST_FAR


# ---------------------------------------------------------------- judged at the evidence date
WEEKLY_START = datetime.date(2026, 3, 2)  # a Monday; 28 days to the deadline
WEEKLY_DEADLINE = WEEKLY_START + datetime.timedelta(days=28)


def weekly(values, *, upto):
    """The 过江通道 indicator (225 households) with readings at the end of weeks 1, 2, …"""
    readings = tuple(
        (WEEKLY_START + datetime.timedelta(days=7 * (k + 1)), D(v)) for k, v in enumerate(values)
    )
    known = [r for r in readings if r[0] <= upto]
    return IndicatorFigures(
        baseline=D("0"), target=D("225"), current=known[-1][1] if known else D("0"), readings=readings
    )


def weekly_light(values, day):
    today = WEEKLY_START + datetime.timedelta(days=day)
    return compute_light(
        start=WEEKLY_START, deadline=WEEKLY_DEADLINE, today=today,
        indicators=[weekly(values, upto=today)], milestones=[],
    )


def test_between_weekly_readings_the_light_does_not_saw():
    # The old rule compared Friday's 40 households with the plan for "today": yellow on day 8
    # and red on day 11 of every week. The reading is now compared with the plan on its own date.
    for day in range(7, 14):
        result = weekly_light(["40"], day)
        assert result.light == GREEN, day
        assert result.evidence_on == WEEKLY_START + datetime.timedelta(days=7)
        assert result.planned == D("0.25") and result.gap == D("0.0722")


def test_a_reading_older_than_a_week_counts_no_progress_from_then_on():
    # Day 14 without the week-2 reading: the week-1 figure still speaks (as of day 7); from day
    # 15 on the plan moves on without it.
    assert weekly_light(["40"], 14).planned == D("0.25")
    assert weekly_light(["40"], 15).planned == D("0.2857")  # as of day 8
    assert weekly_light(["40"], 15).light == YELLOW
    assert weekly_light(["40"], 18).light == RED


def test_no_progress_for_more_than_three_weeks_is_red_whatever_the_gap():
    # A long project well ahead of its plan that then stops: 21 days without a move is still
    # yellow at most; the 22nd is red.
    start = TODAY - datetime.timedelta(days=100)
    deadline = TODAY + datetime.timedelta(days=300)
    readings = ((start + datetime.timedelta(days=30), D("30")), (start + datetime.timedelta(days=60), D("60")))
    figures = ind("60", readings=readings)
    last = start + datetime.timedelta(days=60)
    on_21 = compute_light(start=start, deadline=deadline, today=last + datetime.timedelta(days=21),
                          indicators=[figures], milestones=[])
    on_22 = compute_light(start=start, deadline=deadline, today=last + datetime.timedelta(days=22),
                          indicators=[figures], milestones=[])
    assert on_21.light != RED and on_21.days_without_progress == 21
    assert on_22.light == RED and on_22.reasons == ("no_progress_red",)
    # Flat readings are no progress either.
    flat = ind("60", readings=(*readings, (last + datetime.timedelta(days=14), D("60")),
                               (last + datetime.timedelta(days=21), D("60"))))
    assert compute_light(start=start, deadline=deadline, today=last + datetime.timedelta(days=22),
                         indicators=[flat], milestones=[]).light == RED


def test_a_forecast_well_past_the_deadline_is_yellow_a_small_miss_is_tolerated():
    start = TODAY - datetime.timedelta(days=50)
    deadline = TODAY + datetime.timedelta(days=50)

    def at_pace(last_week):
        # 50 % done today (on plan), and ``last_week`` points in the past 14 days.
        rise = D(last_week)
        figures = ind("50", readings=((TODAY - datetime.timedelta(days=14), D("50") - rise), (TODAY, D("50"))))
        return compute_light(start=start, deadline=deadline, today=TODAY, indicators=[figures], milestones=[])

    # Needs 1 point a day. At 0.8 a day: 90 % by the deadline — exactly 10 short, tolerated.
    tolerated = at_pace("11.2")
    assert tolerated.projected == D("0.9") and tolerated.days_late == 13
    assert tolerated.light == GREEN
    short = at_pace("11.1")
    assert short.light == YELLOW and short.reasons == ("forecast_yellow",)
    assert at_pace("14").light == GREEN and at_pace("14").days_late == 0


def test_within_a_date_the_last_entered_reading_counts_and_later_readings_are_not_known_yet():
    corrected = ind("40", readings=((TODAY, D("50")), (TODAY, D("40"))))  # 50 entered, then corrected
    assert light(today=TODAY, start=TODAY - datetime.timedelta(days=10), indicators=[corrected]).progress == D("0.4")
    later = ind("90", readings=((TODAY - datetime.timedelta(days=7), D("20")), (TODAY, D("90"))))
    earlier = light(today=TODAY - datetime.timedelta(days=1), start=TODAY - datetime.timedelta(days=20),
                    indicators=[later])
    assert earlier.progress == D("0.2")
