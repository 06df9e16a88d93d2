"""The traffic light and the forecast, as pure functions of a project's figures.

The rule (documented for users, in Chinese, in docs/traffic-light.md — keep the two in step):

* progress = weighted mean over indicators of (value − baseline) / (target − baseline), each
  clamped to 0…1 (so a target below the baseline — "cut complaints from 100 to 20" — counts the
  same way); a project without indicators shows the share of milestones done;
* the plan is a straight line from the baseline at the start to the target at the deadline;
* each indicator is judged **at the date of its evidence**, not today: the date of its latest
  reading. A reading speaks for the project for FRESH_DAYS (7) days; after that, each day without
  a new reading counts as a day without progress (the evidence date becomes today − 7, the value
  stays). An indicator with no reading is at its baseline on the project's start;
* gap = weighted mean of (plan share at the evidence date − progress), in points of 100. Judged
  only when the project has indicators.

RED when the deadline has passed with progress below 100 %, or the gap exceeds 20 points, or a
milestone is more than 7 days overdue, or no indicator has moved for more than
NO_PROGRESS_RED_DAYS (21) days (silence and flat readings alike; the start counts as the last
move of a project without one). YELLOW when the gap exceeds 10 points, or a milestone is
overdue, or — the forecast's warning — at the recent pace the project would still be more than
10 points short at the deadline. GREEN otherwise. "Exceeds" is strict. Nothing is sticky.

So a project reporting on plan once a week stays green between its reports (the old rule
compared last Friday's figure with today's plan and sawed green → yellow → red every week), and
a project that stops moving is red at the latest on the 22nd day after its last move (sooner
when the gap says so). Red is for facts (the gap, the deadline, milestones, no progress);
the forecast only warns (yellow).

Why the gap needs indicators: milestones are not spread evenly over time (a project with two
milestones at 50 % and 100 % of its time has done 0 % of them at 30 % of its time and is not
late), and a project created a moment ago has no indicators yet — judging either by the gap
would paint it red, and red sends reminders. Their lateness is judged by the overdue rule.

The forecast of an unfinished indicator, in this order:

* STALLED when it has not moved for more than NO_PROGRESS_RED_DAYS days;
* NOT_ENOUGH_DATA until it has two readings at least MIN_SPAN_DAYS (7) apart (a reading and the
  start are not enough: three readings entered on the first day give no pace);
* otherwise its pace is the rise per day over the last PACE_WINDOW_DAYS (14) days of evidence
  (from the last reading on or before the window's start, else the first reading, to the
  evidence date); no rise is STALLED; the date is the evidence date plus what is left at that
  pace, rounded up to whole days; beyond FORECAST_HORIZON_DAYS from today (or the calendar's
  end) it is FAR (shown as such, never computed as a date, so a tiny pace cannot overflow).

The project's forecast is its slowest indicator's (STALLED, then FAR, then NOT_ENOUGH_DATA win
over a date). Green and a forecast a little past the deadline can hold together: the light
tolerates 10 points of lag, at the evidence date and, at the recent pace, at the deadline.

The comparisons are exact (fractions, not rounded decimals), so a boundary never moves by a
rounding step; the figures are rounded to 4 places only for storing and showing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

YELLOW_GAP = Decimal("0.10")
RED_GAP = Decimal("0.20")
RED_MILESTONE_DAYS = 7
FRESH_DAYS = 7
NO_PROGRESS_RED_DAYS = 21
MIN_SPAN_DAYS = 7
PACE_WINDOW_DAYS = 14
FORECAST_HORIZON_DAYS = 3650  # ten years

GREEN, YELLOW, RED = "green", "yellow", "red"

# Why a light is what it is (the projects views translate these codes).
PAST_DEADLINE = "past_deadline"
GAP_RED = "gap_red"
MILESTONE_RED = "milestone_red"
NO_PROGRESS_RED = "no_progress_red"
GAP_YELLOW = "gap_yellow"
MILESTONE_YELLOW = "milestone_yellow"
FORECAST_YELLOW = "forecast_yellow"

# What progress was measured by.
BY_INDICATORS, BY_MILESTONES, BY_NOTHING = "indicators", "milestones", "nothing"

# What the forecast can say.
FORECAST_REACHED = "reached"  # every target reached: the date it was
FORECAST_DATED = "dated"  # a completion date at the recent pace
FORECAST_STALLED = "stalled"  # no progress: no date
FORECAST_NOT_ENOUGH_DATA = "not_enough_data"  # too few readings yet: no date
FORECAST_FAR = "far"  # beyond the horizon at the recent pace: no date
FORECAST_NONE = "none"  # no indicators

_FOUR_PLACES = Decimal("0.0001")
_ZERO, _ONE = Fraction(0), Fraction(1)


@dataclass(frozen=True)
class IndicatorFigures:
    baseline: Decimal
    target: Decimal
    # The latest value. Used only when no reading is dated on or before the day judged: readings
    # dated later than that day are not known yet, so a history can be replayed day by day.
    current: Decimal
    weight: int = 1
    # (date, value) readings in the order they were entered (within a date, the last entered
    # counts, as for the stored current value); any order of dates.
    readings: tuple = ()


@dataclass(frozen=True)
class MilestoneFigures:
    due_on: datetime.date
    done_on: datetime.date | None = None


@dataclass(frozen=True)
class IndicatorOutlook:
    """What one indicator says on a day: its forecast and the evidence it was judged on."""

    state: str  # FORECAST_*
    on: datetime.date | None  # the forecast (or reached) date, REACHED and DATED only
    progress: Decimal
    evidence_on: datetime.date  # the date its progress is compared with the plan at
    last_progress_on: datetime.date  # its last rise (the start if it never rose)
    pace: Decimal | None  # share of the way per day, when there is one (0 when stalled)
    projected: Decimal | None  # share done by the deadline at that pace, when a deadline is given


@dataclass(frozen=True)
class LightResult:
    light: str
    progress: Decimal
    elapsed: Decimal  # share of the time gone, today
    gap: Decimal  # plan at the evidence dates − progress (elapsed − progress without indicators)
    measured_by: str
    worst_overdue_days: int
    forecast_on: datetime.date | None
    days_late: int | None
    stalled: bool
    reasons: tuple[str, ...] = ()
    forecast_state: str = FORECAST_NONE
    planned: Decimal | None = None  # the plan's share at the evidence dates (indicators only)
    evidence_on: datetime.date | None = None  # the oldest evidence date of the indicators
    projected: Decimal | None = None  # progress by the deadline at the recent pace, when known
    days_without_progress: int | None = None  # since any indicator last moved

    @property
    def not_enough_data(self) -> bool:
        return self.forecast_state == FORECAST_NOT_ENOUGH_DATA

    @property
    def far(self) -> bool:
        return self.forecast_state == FORECAST_FAR


def _fraction(value) -> Fraction:
    return Fraction(Decimal(value))


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_FOUR_PLACES)


def _clamp(value: Fraction) -> Fraction:
    return max(_ZERO, min(_ONE, value))


def _shift(day: datetime.date, days: int) -> datetime.date:
    """``day`` moved by ``days``, held within the calendar (never OverflowError)."""
    ordinal = day.toordinal() + days
    ordinal = max(datetime.date.min.toordinal(), min(datetime.date.max.toordinal(), ordinal))
    return datetime.date.fromordinal(ordinal)


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def _share(ind: IndicatorFigures, value) -> Fraction:
    span = _fraction(ind.target) - _fraction(ind.baseline)
    if span == 0:  # refused by a constraint; kept total so a bad row cannot crash a page
        return _ONE
    return _clamp((_fraction(value) - _fraction(ind.baseline)) / span)


def _elapsed(start: datetime.date, deadline: datetime.date, today: datetime.date) -> Fraction:
    total = (deadline - start).days
    if total <= 0:
        return _ONE if today >= start else _ZERO
    return _clamp(Fraction((today - start).days, total))


def _weighted(values_and_weights) -> Fraction:
    rows = list(values_and_weights)
    total = sum(max(1, w) for _, w in rows)
    return Fraction(sum(v * max(1, w) for v, w in rows)) / total


# ---------------------------------------------------------------- one indicator
@dataclass(frozen=True)
class _Evidence:
    share: Fraction
    evidence_on: datetime.date
    last_progress_on: datetime.date
    series: tuple  # ((date, share), …) known on the day, one per date, oldest first


def _evidence(ind: IndicatorFigures, today: datetime.date, start: datetime.date | None) -> _Evidence:
    by_date: dict = {}
    for on, value in sorted(ind.readings, key=lambda r: r[0]):  # stable: entry order within a date
        if on <= today:
            by_date[on] = _share(ind, value)
    series = tuple(sorted(by_date.items()))
    if series:
        last_on, share = series[-1]
    elif ind.readings:  # only later readings: on this day nothing was recorded yet
        share, last_on = _ZERO, start or today
    else:
        # No reading: the baseline is the state at the start; a current value that no reading
        # dates (figures loaded by other means) is taken as today's.
        share = _share(ind, ind.current)
        last_on = start if (share == 0 and start is not None) else today
    evidence_on = min(today, max(last_on, _shift(today, -FRESH_DAYS)))
    rise, previous = None, _ZERO
    for on, value in series:
        if value > previous:
            rise = on
        previous = value
    if not series and share > 0:
        rise = today
    if rise is None:
        last_progress_on = start if start is not None else (series[0][0] if series else today)
    else:
        last_progress_on = max(rise, start) if start is not None else rise
    return _Evidence(share, evidence_on, last_progress_on, series)


def _reached_on(ev: _Evidence, today: datetime.date) -> datetime.date:
    """The first reading of the final run at or past the target (today when none shows it)."""
    reached = None
    for on, value in ev.series:
        if value >= 1:
            reached = reached or on
        else:
            reached = None
    return reached or today


def _outlook(
    ind: IndicatorFigures, today: datetime.date, start: datetime.date | None, deadline: datetime.date | None
) -> tuple[_Evidence, str, datetime.date | None, Fraction | None, Fraction | None]:
    """(evidence, state, date, pace per day, projected share at the deadline)."""
    ev = _evidence(ind, today, start)
    if ev.share >= 1:
        return ev, FORECAST_REACHED, _reached_on(ev, today), None, _ONE
    if (today - ev.last_progress_on).days > NO_PROGRESS_RED_DAYS:
        return ev, FORECAST_STALLED, None, _ZERO, ev.share
    if len(ev.series) < 2 or (ev.series[-1][0] - ev.series[0][0]).days < MIN_SPAN_DAYS:
        return ev, FORECAST_NOT_ENOUGH_DATA, None, None, None
    points = list(ev.series)
    if ev.evidence_on > points[-1][0]:
        points.append((ev.evidence_on, ev.share))  # no news since: no progress since
    window_start = _shift(ev.evidence_on, -PACE_WINDOW_DAYS)
    before = [p for p in points if p[0] <= window_start]
    anchor_on, anchor_share = before[-1] if before else points[0]
    pace = (ev.share - anchor_share) / (ev.evidence_on - anchor_on).days
    if pace <= 0:
        return ev, FORECAST_STALLED, None, _ZERO, ev.share
    projected = None
    if deadline is not None:
        projected = min(_ONE, ev.share + pace * max(0, (deadline - ev.evidence_on).days))
    days = _ceil((1 - ev.share) / pace)
    beyond_calendar = ev.evidence_on.toordinal() + days > datetime.date.max.toordinal()
    if beyond_calendar or (ev.evidence_on - today).days + days > FORECAST_HORIZON_DAYS:
        return ev, FORECAST_FAR, None, pace, projected
    return ev, FORECAST_DATED, _shift(ev.evidence_on, days), pace, projected


def indicator_outlook(
    ind: IndicatorFigures,
    today: datetime.date,
    *,
    start: datetime.date | None = None,
    deadline: datetime.date | None = None,
) -> IndicatorOutlook:
    """The forecast of ``ind`` on ``today`` with the evidence it rests on (see the module)."""
    ev, state, on, pace, projected = _outlook(ind, today, start, deadline)
    return IndicatorOutlook(
        state=state,
        on=on,
        progress=_decimal(ev.share),
        evidence_on=ev.evidence_on,
        last_progress_on=ev.last_progress_on,
        pace=None if pace is None else _decimal(pace),
        projected=None if projected is None else _decimal(projected),
    )


def indicator_forecast(
    ind: IndicatorFigures, today: datetime.date, *, start: datetime.date | None = None
) -> datetime.date | None:
    """When ``ind`` reaches (or reached) its target at its recent pace; None when there is no
    date to give (stalled, not enough data yet, or beyond the horizon — indicator_outlook says
    which). ``start`` is the day an indicator with no reading sits at its baseline."""
    return _outlook(ind, today, start, None)[2]


# ---------------------------------------------------------------- the project
def _progress(indicators, milestones, today) -> tuple[Fraction, str]:
    if indicators:
        return _weighted((_evidence(i, today, None).share, i.weight) for i in indicators), BY_INDICATORS
    if milestones:
        done = sum(1 for m in milestones if m.done_on is not None)
        return Fraction(done, len(milestones)), BY_MILESTONES
    return _ZERO, BY_NOTHING


def indicator_progress(ind: IndicatorFigures, value: Decimal | None = None) -> Decimal:
    """Share of the way from baseline to target (0…1, 4 places) at ``value`` (default: current)."""
    return _decimal(_share(ind, ind.current if value is None else value))


def elapsed_share(start: datetime.date, deadline: datetime.date, today: datetime.date) -> Decimal:
    return _decimal(_elapsed(start, deadline, today))


def project_progress(indicators, milestones, today: datetime.date | None = None) -> Decimal:
    """Weighted progress; ``today`` leaves out readings dated later (default: all of them)."""
    return _decimal(_progress(indicators, milestones, today or datetime.date.max)[0])


def _project_forecast(rows) -> tuple[str, datetime.date | None]:
    states = {state for _, state, _, _, _ in rows}
    if states == {FORECAST_REACHED}:
        return FORECAST_REACHED, max(on for _, _, on, _, _ in rows)
    for state in (FORECAST_STALLED, FORECAST_FAR, FORECAST_NOT_ENOUGH_DATA):
        if state in states:
            return state, None
    return FORECAST_DATED, max(on for _, _, on, _, _ in rows)


def compute_light(
    *,
    start: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
    indicators: list[IndicatorFigures],
    milestones: list[MilestoneFigures],
) -> LightResult:
    elapsed = _elapsed(start, deadline, today)
    overdue = [(today - m.due_on).days for m in milestones if m.done_on is None and m.due_on < today]
    worst_overdue = max(overdue, default=0)

    planned = projected = evidence_on = days_without = None
    forecast_state, forecast = FORECAST_NONE, None
    if indicators:
        rows = [_outlook(i, today, start, deadline) for i in indicators]
        weights = [i.weight for i in indicators]
        progress, measured_by = _weighted((ev.share, w) for (ev, *_), w in zip(rows, weights, strict=True)), BY_INDICATORS
        planned = _weighted(
            (_elapsed(start, deadline, ev.evidence_on), w) for (ev, *_), w in zip(rows, weights, strict=True)
        )
        gap = planned - progress
        evidence_on = min(ev.evidence_on for ev, *_ in rows)
        if all(p is not None for *_, p in rows):
            projected = _weighted((p, w) for (*_, p), w in zip(rows, weights, strict=True))
        days_without = max(0, (today - max(ev.last_progress_on for ev, *_ in rows)).days)
        forecast_state, forecast = _project_forecast(rows)
    else:
        progress, measured_by = _progress(indicators, milestones, today)
        gap = elapsed - progress
    judge = measured_by == BY_INDICATORS and progress < 1

    reasons = []
    if today > deadline and progress < 1:
        reasons.append(PAST_DEADLINE)
    if judge and gap > _fraction(RED_GAP):
        reasons.append(GAP_RED)
    if worst_overdue > RED_MILESTONE_DAYS:
        reasons.append(MILESTONE_RED)
    if judge and days_without > NO_PROGRESS_RED_DAYS:
        reasons.append(NO_PROGRESS_RED)
    if reasons:
        light = RED
    else:
        if judge and gap > _fraction(YELLOW_GAP):
            reasons.append(GAP_YELLOW)
        if worst_overdue > 0:
            reasons.append(MILESTONE_YELLOW)
        if judge and projected is not None and 1 - projected > _fraction(YELLOW_GAP):
            reasons.append(FORECAST_YELLOW)
        light = YELLOW if reasons else GREEN

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
        stalled=forecast_state == FORECAST_STALLED,
        reasons=tuple(reasons),
        forecast_state=forecast_state,
        planned=None if planned is None else _decimal(planned),
        evidence_on=evidence_on,
        projected=None if projected is None else _decimal(projected),
        days_without_progress=days_without,
    )
