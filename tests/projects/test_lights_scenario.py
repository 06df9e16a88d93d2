"""The 过江通道 case of issue 10, replayed day by day with the pure functions: relocate 225
households in 28 days, one reading a week (40, 95, 160, 225 at the end of weeks 1–4).

What users saw with the old rule: green each Friday, yellow around day 8 and red around day 11
of every week (four "项目转为红灯" reminders for a project that finished on time), green while its
own forecast said six days late, and "停滞" minutes after the first readings were entered.

The tables in docs/traffic-light.md are checked here against the code, row by row.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from projects import lights
from projects.lights import GREEN, RED, YELLOW, IndicatorFigures, compute_light

START = datetime.date(2026, 3, 6)  # a Friday
DEADLINE = START + datetime.timedelta(days=28)
ON_PLAN = ((7, "40"), (14, "95"), (21, "160"), (28, "225"))
SILENT_AFTER_WEEK_ONE = ((7, "40"),)
FLAT_AFTER_WEEK_ONE = ((7, "40"), (14, "40"), (21, "40"), (28, "40"))
DOC = Path(__file__).resolve().parents[2] / "docs" / "traffic-light.md"


def day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


def on_day(readings, n: int) -> lights.LightResult:
    """What the light and the forecast say on day ``n``: the whole history is passed, readings
    dated after that day are not known yet (the functions leave them out)."""
    dated = tuple((day(d), Decimal(v)) for d, v in readings)
    indicator = IndicatorFigures(baseline=Decimal("0"), target=Decimal("225"), current=dated[-1][1], readings=dated)
    return compute_light(start=START, deadline=DEADLINE, today=day(n), indicators=[indicator], milestones=[])


def test_on_plan_weekly_readings_stay_green_from_first_report_to_last():
    results = {n: on_day(ON_PLAN, n) for n in range(0, 29)}
    assert {n: r.light for n, r in results.items() if r.light != GREEN} == {}
    # Every day between two Fridays is judged on the Friday's reading against Friday's plan.
    for n in range(7, 28):
        assert results[n].evidence_on == day(7 * (n // 7))
    assert results[28].progress == Decimal("1") and results[28].forecast_state == lights.FORECAST_REACHED


def test_the_forecast_waits_for_data_then_converges_to_the_real_finish():
    finish = DEADLINE  # the 225th household left on day 28
    states = {n: on_day(ON_PLAN, n).forecast_state for n in range(0, 14)}
    assert set(states.values()) == {lights.FORECAST_NOT_ENOUGH_DATA}  # never "停滞" at the start
    misses = []
    for n in range(14, 29):
        result = on_day(ON_PLAN, n)
        assert result.forecast_on is not None, n
        misses.append(abs((result.forecast_on - finish).days))
    assert misses == sorted(misses, reverse=True)  # never further from the finish than before
    assert misses[0] == 3 and misses[-1] == 0
    # Green while the forecast is 3 days late holds only because at the recent pace 91 % is done
    # by the deadline: within the light's tolerance of 10 points (docs/traffic-light.md).
    day_14 = on_day(ON_PLAN, 14)
    assert day_14.light == GREEN and day_14.days_late == 3 and day_14.projected == Decimal("0.9111")


def test_three_readings_on_the_first_day_are_not_enough_data_not_stalled():
    first_day = ((0, "3"), (0, "5"), (0, "8"))
    result = on_day(first_day, 0)
    assert result.forecast_state == lights.FORECAST_NOT_ENOUGH_DATA and not result.stalled
    assert result.light == GREEN


def test_a_copy_that_stops_reporting_after_week_one_turns_red():
    lights_by_day = {n: on_day(SILENT_AFTER_WEEK_ONE, n).light for n in range(0, 29)}
    assert all(lights_by_day[n] == GREEN for n in range(0, 15))  # the reading speaks for a week
    assert lights_by_day[15] == YELLOW
    assert all(lights_by_day[n] == RED for n in range(18, 29))


def test_a_copy_that_reports_no_progress_turns_red_at_the_next_reading():
    assert on_day(FLAT_AFTER_WEEK_ONE, 13).light == GREEN
    flat = on_day(FLAT_AFTER_WEEK_ONE, 14)
    assert flat.light == RED and flat.stalled
    assert all(on_day(FLAT_AFTER_WEEK_ONE, n).light == RED for n in range(14, 29))


# ---------------------------------------------------------------- the user's table
LIGHT_TEXT = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}
WEEKDAYS = "一二三四五六日"


def _percent(share: Decimal) -> str:
    return f"{float(share) * 100:.1f}%"


def _forecast_text(result: lights.LightResult) -> str:
    state = result.forecast_state
    if state == lights.FORECAST_REACHED:
        return f"已完成（{result.forecast_on:%m-%d}）"
    if state == lights.FORECAST_DATED:
        late = result.days_late
        when = "按期" if late == 0 else (f"晚 {late} 天" if late > 0 else f"早 {-late} 天")
        return f"{result.forecast_on:%m-%d}（{when}）"
    return {
        lights.FORECAST_STALLED: "停滞",
        lights.FORECAST_NOT_ENOUGH_DATA: "数据不足",
        lights.FORECAST_FAR: "十年内无法完成",
    }[state]


def table_rows(readings, days) -> list[str]:
    entered = {d: v for d, v in readings}
    rows = []
    for n in days:
        r = on_day(readings, n)
        rows.append(
            f"| {n} | {day(n):%m-%d} 周{WEEKDAYS[day(n).weekday()]} | {entered.get(n, '—')} | {_percent(r.progress)} "
            f"| {_percent(r.planned)}（{r.evidence_on:%m-%d}） | {float(r.gap) * 100:.1f} "
            f"| {LIGHT_TEXT[r.light]} | {_forecast_text(r)} |"
        )
    return rows


def test_the_user_doc_shows_what_the_code_says():
    doc = DOC.read_text(encoding="utf-8")
    expected = table_rows(ON_PLAN, range(0, 29)) + table_rows(SILENT_AFTER_WEEK_ONE, range(13, 19))
    expected += table_rows(FLAT_AFTER_WEEK_ONE, range(13, 15))
    missing = [row for row in expected if row not in doc]
    assert not missing, "docs/traffic-light.md differs from the code; rows expected:\n" + "\n".join(missing)
