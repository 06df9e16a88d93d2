"""The objective figures of a branch, computed from its records and shown beside the evaluators'
scores. Each figure is a share between 0 and 1 (or None when there was nothing to measure), so a
criterion's suggested score is simply ``weight × share``.

How each is counted, over the branch's life (formed on → concluded on; today while it lives):

* indicator attainment — every indicator of the branch's projects (cancelled projects excepted)
  counts its progress from baseline to target, capped at 100 %, weighted by the indicator's
  weight (as projects.lights does for a project); the detail says how many targets were reached;
* weekly reports on time — of the ISO weeks whose report deadline fell within the branch's life,
  the share with a report submitted by the deadline (first submission, mechanisms.weekly.services);
* instructions done on time — of the branch's instructions, the share done (or verified) on or
  before their deadline;
* problems resolved — of the branch's problem cases, the share resolved or closed; the median
  days from report to resolution is given beside it;
* consultation resolutions done — of the resolutions of the branch's consultations, the share
  done or verified;
* mechanism operation — the plain mean of the four mechanism figures above that could be measured;
* Party-life activities held — activities recorded against the number expected
  (``ACTIVITIES_PER_MONTH`` per started 30 days of the branch's life, at least one), capped at 100 %.

The figures are live while an evaluation is in progress and frozen into it when it becomes final
(``as_json`` / ``from_json``).
"""

import datetime
import math
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from branches.models import Activity, Branch
from evaluation.conf import evaluation_config
from evaluation.models import Figure
from mechanisms.models import (
    Instruction,
    InstructionStatus,
    ProblemCase,
    ProblemStatus,
    Resolution,
    ResolutionStatus,
    WeeklyReport,
)
from mechanisms.weekly.rules import Week, week_deadline, week_of
from projects.models import Indicator, ProjectStatus

_FOUR = Decimal("0.0001")
_ONE_DECIMAL = Decimal("0.1")
MECHANISM_FIGURES = (
    Figure.WEEKLY_ON_TIME,
    Figure.INSTRUCTIONS_ON_TIME,
    Figure.PROBLEMS_RESOLVED,
    Figure.RESOLUTIONS_DONE,
)


def _decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_FOUR, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FigureValue:
    key: str
    share: Decimal | None  # 0…1, four places; None: nothing to measure
    numerator: int = 0
    denominator: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(Figure(self.key).label)

    @property
    def percent(self) -> Decimal | None:
        return None if self.share is None else (self.share * 100).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def suggested_score(self, weight) -> Decimal | None:
        """``weight × share``, to one decimal (None when the figure could not be measured)."""
        if self.share is None:
            return None
        return (Decimal(weight) * self.share).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def as_json(self) -> dict:
        return {
            "share": None if self.share is None else str(self.share),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, key: str, data: dict) -> "FigureValue":
        share = data.get("share")
        return cls(
            key=key,
            share=None if share is None else Decimal(share),
            numerator=int(data.get("numerator", 0)),
            denominator=int(data.get("denominator", 0)),
            extra=dict(data.get("extra") or {}),
        )


@dataclass(frozen=True)
class BranchFigures:
    period_start: datetime.date
    period_end: datetime.date
    values: dict  # Figure value → FigureValue

    def get(self, key) -> FigureValue | None:
        return self.values.get(str(key)) if key else None

    def ordered(self) -> list[FigureValue]:
        return [self.values[k] for k in Figure.values if k in self.values]

    def as_json(self) -> dict:
        return {
            "period": [self.period_start.isoformat(), self.period_end.isoformat()],
            "values": {key: value.as_json() for key, value in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> "BranchFigures":
        start, end = data["period"]
        return cls(
            period_start=datetime.date.fromisoformat(start),
            period_end=datetime.date.fromisoformat(end),
            values={key: FigureValue.from_json(key, value) for key, value in data["values"].items()},
        )


def branch_period(branch: Branch, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    end = branch.concluded_on or today or timezone.localdate()
    start = branch.formed_on or (timezone.localdate(branch.created_at) if branch.created_at else end)
    return min(start, end), end


def due_weeks(start: datetime.date, end: datetime.date) -> list[Week]:
    """The ISO weeks whose report deadline falls on a day from ``start`` to ``end``."""
    weeks = []
    week = week_of(start)
    while week.start <= end:
        deadline_day = timezone.localdate(week_deadline(week))
        if start <= deadline_day <= end:
            weeks.append(week)
        week = week.next()
    return weeks


def _share(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def indicator_attainment(branch: Branch) -> FigureValue:
    rows = list(
        Indicator.objects.filter(project__branch=branch)
        .exclude(project__status=ProjectStatus.CANCELLED)
        .values_list("baseline", "target", "current_value", "weight")
    )
    weighted = Fraction(0)
    total_weight = 0
    reached = 0
    for baseline, target, current, weight in rows:
        span = Fraction(target) - Fraction(baseline)
        progress = Fraction(1) if span == 0 else (Fraction(current) - Fraction(baseline)) / span
        progress = max(Fraction(0), min(Fraction(1), progress))
        weight = max(1, weight)
        weighted += progress * weight
        total_weight += weight
        reached += progress == 1
    share = weighted / total_weight if total_weight else None
    return FigureValue(Figure.INDICATOR_ATTAINMENT, _decimal(share), reached, len(rows))


def weekly_on_time(branch: Branch, start: datetime.date, end: datetime.date) -> FigureValue:
    weeks = due_weeks(start, end)
    on_time = set(
        WeeklyReport.objects.filter(branch=branch, submitted_at__isnull=False, is_late=False).values_list(
            "iso_year", "iso_week"
        )
    )
    hits = sum(1 for w in weeks if (w.iso_year, w.iso_week) in on_time)
    return FigureValue(Figure.WEEKLY_ON_TIME, _decimal(_share(hits, len(weeks))), hits, len(weeks))


def instructions_on_time(branch: Branch) -> FigureValue:
    done_states = {InstructionStatus.DONE, InstructionStatus.VERIFIED}
    rows = list(Instruction.objects.filter(branch=branch).values_list("status", "deadline", "done_at"))
    hits = sum(
        1 for status, deadline, done_at in rows
        if status in done_states and done_at is not None and timezone.localdate(done_at) <= deadline
    )
    return FigureValue(Figure.INSTRUCTIONS_ON_TIME, _decimal(_share(hits, len(rows))), hits, len(rows))


def problems_resolved(branch: Branch) -> FigureValue:
    resolved_states = {ProblemStatus.RESOLVED, ProblemStatus.CLOSED}
    rows = list(ProblemCase.objects.filter(branch=branch).values_list("status", "created_at", "resolved_at"))
    durations = [
        (resolved_at - created_at).total_seconds() / 86400
        for status, created_at, resolved_at in rows
        if status in resolved_states and resolved_at is not None
    ]
    median = None
    if durations:
        median = str(Decimal(str(statistics.median(durations))).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))
    return FigureValue(
        Figure.PROBLEMS_RESOLVED,
        _decimal(_share(len(durations), len(rows))),
        len(durations),
        len(rows),
        {"median_days": median},
    )


def resolutions_done(branch: Branch) -> FigureValue:
    done_states = {ResolutionStatus.DONE, ResolutionStatus.VERIFIED}
    rows = list(Resolution.objects.filter(consultation__branch=branch).values_list("status", "consultation_id"))
    hits = sum(1 for status, _consultation in rows if status in done_states)
    consultations = len({consultation for _status, consultation in rows})
    return FigureValue(
        Figure.RESOLUTIONS_DONE, _decimal(_share(hits, len(rows))), hits, len(rows), {"consultations": consultations}
    )


def activities_held(branch: Branch, start: datetime.date, end: datetime.date) -> FigureValue:
    per_month = Fraction(str(evaluation_config()["ACTIVITIES_PER_MONTH"]))
    months = max(1, math.ceil(((end - start).days + 1) / 30))
    expected = max(1, math.floor(months * per_month))
    held = Activity.objects.filter(branch=branch).count()
    share = min(Fraction(1), Fraction(held, expected))
    return FigureValue(Figure.ACTIVITIES_HELD, _decimal(share), held, expected)


def mechanisms_mean(values: dict) -> FigureValue:
    shares = [values[k].share for k in MECHANISM_FIGURES if values[k].share is not None]
    share = (sum(shares) / len(shares)).quantize(_FOUR, rounding=ROUND_HALF_UP) if shares else None
    return FigureValue(Figure.MECHANISMS, share, len(shares), len(MECHANISM_FIGURES))


def branch_figures(branch: Branch, *, today: datetime.date | None = None) -> BranchFigures:
    """Every objective figure of ``branch`` (six queries, whatever the size of its history)."""
    start, end = branch_period(branch, today=today)
    values = {
        Figure.INDICATOR_ATTAINMENT: indicator_attainment(branch),
        Figure.WEEKLY_ON_TIME: weekly_on_time(branch, start, end),
        Figure.INSTRUCTIONS_ON_TIME: instructions_on_time(branch),
        Figure.PROBLEMS_RESOLVED: problems_resolved(branch),
        Figure.RESOLUTIONS_DONE: resolutions_done(branch),
        Figure.ACTIVITIES_HELD: activities_held(branch, start, end),
    }
    values[Figure.MECHANISMS] = mechanisms_mean(values)
    return BranchFigures(start, end, {str(k): v for k, v in values.items()})
