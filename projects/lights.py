"""The traffic light and the forecast, as pure functions of a project's figures.

The rule (documented for users in docs/traffic-light.md):

* elapsed  = share of the time between start and deadline that has passed (0…1);
* progress = weighted mean over indicators of (current − baseline) / (target − baseline),
  each clamped to 0…1; a project without indicators uses the share of milestones done;
* gap      = elapsed − progress.

RED when the deadline has passed with progress below 100 %, or the gap exceeds 20 points, or
a milestone is more than 7 days overdue. YELLOW when the gap exceeds 10 points or any milestone
is overdue. GREEN otherwise. A project that makes up the gap turns back at the next reading.

The forecast projects each unfinished indicator at its pace over the last 28 days; the project
is done when its slowest indicator is. No recent progress → no forecast ("stalled").
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

YELLOW_GAP = Decimal("0.10")
RED_GAP = Decimal("0.20")
RED_MILESTONE_DAYS = 7
PACE_WINDOW_DAYS = 28

GREEN, YELLOW, RED = "green", "yellow", "red"


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
    worst_overdue_days: int
    forecast_on: datetime.date | None
    days_late: int | None
    reasons: tuple[str, ...] = ()


def _clamp(value: Decimal) -> Decimal:
    return max(Decimal(0), min(Decimal(1), value))


def indicator_progress(ind: IndicatorFigures, value: Decimal | None = None) -> Decimal:
    span = Decimal(ind.target) - Decimal(ind.baseline)
    if span == 0:
        return Decimal(1)
    current = Decimal(ind.current if value is None else value)
    return _clamp((current - Decimal(ind.baseline)) / span)


def elapsed_share(start: datetime.date, deadline: datetime.date, today: datetime.date) -> Decimal:
    total = (deadline - start).days
    if total <= 0:
        return Decimal(1) if today >= start else Decimal(0)
    return _clamp(Decimal((today - start).days) / Decimal(total))


def project_progress(indicators, milestones) -> Decimal:
    if indicators:
        total_weight = sum(max(1, i.weight) for i in indicators)
        weighted = sum(indicator_progress(i) * max(1, i.weight) for i in indicators)
        return (weighted / total_weight).quantize(Decimal("0.0001"))
    if milestones:
        done = sum(1 for m in milestones if m.done_on is not None)
        return (Decimal(done) / Decimal(len(milestones))).quantize(Decimal("0.0001"))
    return Decimal(0)


def indicator_forecast(ind: IndicatorFigures, today: datetime.date) -> datetime.date | None:
    """When ``ind`` reaches its target at its recent pace; today if it already has; None if stalled."""
    if indicator_progress(ind) >= 1:
        return today
    readings = sorted(ind.readings)
    if not readings:
        return None
    last_date, last_value = readings[-1]
    window_start = today - datetime.timedelta(days=PACE_WINDOW_DAYS)
    earlier = [r for r in readings if r[0] <= window_start]
    in_window = [r for r in readings if r[0] > window_start]
    anchor = earlier[-1] if earlier else (in_window[0] if in_window else None)
    if anchor is None or anchor[0] >= last_date:
        return None
    days = (last_date - anchor[0]).days
    pace = (indicator_progress(ind, last_value) - indicator_progress(ind, anchor[1])) / Decimal(days)
    if pace <= 0:
        return None
    remaining = Decimal(1) - indicator_progress(ind, last_value)
    return last_date + datetime.timedelta(days=math.ceil(remaining / pace))


def compute_light(
    *,
    start: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
    indicators: list[IndicatorFigures],
    milestones: list[MilestoneFigures],
) -> LightResult:
    progress = project_progress(indicators, milestones)
    elapsed = elapsed_share(start, deadline, today).quantize(Decimal("0.0001"))
    gap = elapsed - progress
    overdue = [(today - m.due_on).days for m in milestones if m.done_on is None and m.due_on < today]
    worst_overdue = max(overdue, default=0)

    reasons = []
    if today > deadline and progress < 1:
        reasons.append("past_deadline")
    if gap > RED_GAP:
        reasons.append("gap_red")
    if worst_overdue > RED_MILESTONE_DAYS:
        reasons.append("milestone_red")
    if reasons:
        light = RED
    else:
        if gap > YELLOW_GAP:
            reasons.append("gap_yellow")
        if worst_overdue > 0:
            reasons.append("milestone_yellow")
        light = YELLOW if reasons else GREEN

    forecast = None
    if indicators:
        dates = [indicator_forecast(i, today) for i in indicators]
        forecast = None if any(d is None for d in dates) else max(dates)
    days_late = (forecast - deadline).days if forecast else None
    return LightResult(
        light=light,
        progress=progress,
        elapsed=elapsed,
        gap=gap,
        worst_overdue_days=worst_overdue,
        forecast_on=forecast,
        days_late=days_late,
        reasons=tuple(reasons),
    )
