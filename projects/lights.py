"""The traffic light and the forecast, as pure functions of a project's figures.

The rule (documented for users, in Chinese, in docs/traffic-light.md — keep the two in step):

* elapsed  = share of the time between start and deadline that has passed (0…1);
* progress = weighted mean over indicators of (current − baseline) / (target − baseline),
  each clamped to 0…1 (so a target below the baseline — "cut complaints from 100 to 20" —
  counts the same way); a project without indicators shows the share of milestones done;
* gap      = elapsed − progress, in points of 100. Judged only when the project has indicators.

RED when the deadline has passed with progress below 100 %, or the gap exceeds 20 points, or
a milestone is more than 7 days overdue. YELLOW when the gap exceeds 10 points or any milestone
is overdue. GREEN otherwise. "Exceeds" is strict: a gap of exactly 20 points is yellow, 7 days
overdue is yellow. Nothing is sticky: a project that makes up the gap turns back at the next
reading.

Why the gap needs indicators: milestones are not spread evenly over time (a project with two
milestones at 50 % and 100 % of its time has done 0 % of them at 30 % of its time and is not
late), and a project created a moment ago has no indicators yet — judging either by the gap
would paint it red, and red sends reminders. Their lateness is judged by the overdue rule.

The comparisons are exact (fractions, not rounded decimals), so a boundary never moves by a
rounding step; the figures are rounded to 4 places only for storing and showing.

The forecast projects each unfinished indicator at its pace over the last 28 days (from the
last reading on or before the window's start, or the project's start at the baseline, to the
latest reading); the project is done when its slowest indicator is. An indicator with no
reading in the window, or no rise, has no pace: the project's forecast is then "stalled".
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

YELLOW_GAP = Decimal("0.10")
RED_GAP = Decimal("0.20")
RED_MILESTONE_DAYS = 7
PACE_WINDOW_DAYS = 28

GREEN, YELLOW, RED = "green", "yellow", "red"

# Why a light is what it is (the projects views translate these codes).
PAST_DEADLINE = "past_deadline"
GAP_RED = "gap_red"
MILESTONE_RED = "milestone_red"
GAP_YELLOW = "gap_yellow"
MILESTONE_YELLOW = "milestone_yellow"

# What progress was measured by.
BY_INDICATORS, BY_MILESTONES, BY_NOTHING = "indicators", "milestones", "nothing"

_FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class IndicatorFigures:
    baseline: Decimal
    target: Decimal
    current: Decimal
    weight: int = 1
    # (date, value) readings, any order; used for the pace.
    readings: tuple = ()


@dataclass(frozen=True)
class MilestoneFigures:
    due_on: datetime.date
    done_on: datetime.date | None = None


@dataclass(frozen=True)
class LightResult:
    light: str
    progress: Decimal
    elapsed: Decimal
    gap: Decimal
    measured_by: str
    worst_overdue_days: int
    forecast_on: datetime.date | None
    days_late: int | None
    stalled: bool
    reasons: tuple[str, ...] = ()


def _fraction(value) -> Fraction:
    return Fraction(Decimal(value))


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_FOUR_PLACES)


def _clamp(value: Fraction) -> Fraction:
    return max(Fraction(0), min(Fraction(1), value))


def _share(ind: IndicatorFigures, value) -> Fraction:
    span = _fraction(ind.target) - _fraction(ind.baseline)
    if span == 0:  # refused by a constraint; kept total so a bad row cannot crash a page
        return Fraction(1)
    return _clamp((_fraction(value) - _fraction(ind.baseline)) / span)


def _elapsed(start: datetime.date, deadline: datetime.date, today: datetime.date) -> Fraction:
    total = (deadline - start).days
    if total <= 0:
        return Fraction(1) if today >= start else Fraction(0)
    return _clamp(Fraction((today - start).days, total))


def _progress(indicators, milestones) -> tuple[Fraction, str]:
    if indicators:
        total_weight = sum(max(1, i.weight) for i in indicators)
        weighted = sum(_share(i, i.current) * max(1, i.weight) for i in indicators)
        return Fraction(weighted) / total_weight, BY_INDICATORS
    if milestones:
        done = sum(1 for m in milestones if m.done_on is not None)
        return Fraction(done, len(milestones)), BY_MILESTONES
    return Fraction(0), BY_NOTHING


def indicator_progress(ind: IndicatorFigures, value: Decimal | None = None) -> Decimal:
    """Share of the way from baseline to target (0…1, 4 places) at ``value`` (default: current)."""
    return _decimal(_share(ind, ind.current if value is None else value))


def elapsed_share(start: datetime.date, deadline: datetime.date, today: datetime.date) -> Decimal:
    return _decimal(_elapsed(start, deadline, today))


def project_progress(indicators, milestones) -> Decimal:
    return _decimal(_progress(indicators, milestones)[0])


def indicator_forecast(
    ind: IndicatorFigures, today: datetime.date, *, start: datetime.date | None = None
) -> datetime.date | None:
    """When ``ind`` reaches its target at its recent pace; None if stalled.

    A reached indicator is dated by the first reading of its final run at or past the target
    (today when no reading shows it). ``start`` adds the implicit point (start, baseline), so
    one reading after the start already gives a pace."""
    readings = sorted(ind.readings)
    if _share(ind, ind.current) >= 1:
        reached = None
        for on, value in readings:
            if _share(ind, value) >= 1:
                reached = reached or on
            else:
                reached = None
        return reached or today
    points = list(readings)
    if start is not None and (not points or start < points[0][0]):
        points.insert(0, (start, ind.baseline))
    if not points:
        return None
    last_on, last_value = points[-1]
    window_start = today - datetime.timedelta(days=PACE_WINDOW_DAYS)
    if last_on <= window_start:
        return None  # nothing recorded in the window: no recent pace
    before = [p for p in points if p[0] <= window_start]
    anchor_on, anchor_value = before[-1] if before else points[0]
    if anchor_on >= last_on:
        return None
    pace = (_share(ind, last_value) - _share(ind, anchor_value)) / (last_on - anchor_on).days
    if pace <= 0:
        return None
    remaining = 1 - _share(ind, last_value)
    return last_on + datetime.timedelta(days=math.ceil(remaining / pace))


def compute_light(
    *,
    start: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
    indicators: list[IndicatorFigures],
    milestones: list[MilestoneFigures],
) -> LightResult:
    progress, measured_by = _progress(indicators, milestones)
    elapsed = _elapsed(start, deadline, today)
    gap = elapsed - progress
    overdue = [(today - m.due_on).days for m in milestones if m.done_on is None and m.due_on < today]
    worst_overdue = max(overdue, default=0)
    judge_gap = measured_by == BY_INDICATORS

    reasons = []
    if today > deadline and progress < 1:
        reasons.append(PAST_DEADLINE)
    if judge_gap and gap > _fraction(RED_GAP):
        reasons.append(GAP_RED)
    if worst_overdue > RED_MILESTONE_DAYS:
        reasons.append(MILESTONE_RED)
    if reasons:
        light = RED
    else:
        if judge_gap and gap > _fraction(YELLOW_GAP):
            reasons.append(GAP_YELLOW)
        if worst_overdue > 0:
            reasons.append(MILESTONE_YELLOW)
        light = YELLOW if reasons else GREEN

    forecast, stalled = None, False
    if indicators:
        dates = [indicator_forecast(i, today, start=start) for i in indicators]
        stalled = any(d is None for d in dates)
        forecast = None if stalled else max(dates)
    days_late = (forecast - deadline).days if forecast else None
    return LightResult(
        light=light,
        progress=_decimal(progress),
        elapsed=_decimal(elapsed),
        gap=_decimal(gap),
        measured_by=measured_by,
        worst_overdue_days=worst_overdue,
        forecast_on=forecast,
        days_late=days_late,
        stalled=stalled,
        reasons=tuple(reasons),
    )
