"""The objective figures of a branch, computed from its records and shown beside the evaluators'
scores. Each figure is a share between 0 and 1 (or None when there was nothing to measure), so a
criterion's suggested score is simply ``weight × share``.

How each is counted, over the branch's life (formed on → concluded on; today while it lives),
against what was due (docs/guide/evaluation.md says the same for users, in Chinese):

* indicator attainment — every indicator of the branch's projects (cancelled projects excepted)
  counts its progress from baseline to target, capped at 100 %, weighted by the indicator's
  weight (as projects.lights does for a project); the detail says how many targets were reached;
* weekly reports on time — the weeks due are the weekly duty rule's over the branch's life
  (mechanisms.weekly.rules.reporting_weeks: from the first full week after formation to the last
  week it was at work on Sunday); each is on time (filed, not late), late (filed late) or missing
  (not filed, or a draft); the share is on time / due. Reports of weeks that were not due (a
  partial first week filed by choice) are counted apart and never lower the figure;
* instructions done on time — of the branch's instructions, the share reported done (or verified)
  on or before their deadline (mechanisms.dispatch.models.INSTRUCTION_DONE_STATUSES);
* problems resolved — of the branch's problem cases, the share resolved or closed
  (mechanisms.problems.models.PROBLEM_RESOLVED_STATUSES); the median days from report to
  resolution is given beside it;
* consultation resolutions done — of the resolutions of the branch's consultations, the share
  done or verified (mechanisms.consultation.models.RESOLUTION_DONE_STATUSES);
* mechanism operation — the plain mean of the four mechanism figures above that could be measured;
* Party-life activities held — activities recorded against those due in proportion to the
  branch's life (evaluation.rules.activities_due), capped at 100 %; when none was due (a branch
  that lived a few days) there is nothing to measure.

A figure whose denominator is 0 (nothing was due, nothing was issued) has no share: it gives no
suggested score and the page says why instead of showing 0 %.

The figures are live while an evaluation is in progress and frozen into it when it becomes final
(``as_json`` / ``from_json``).
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from branches.models import Activity, Branch
from evaluation.models import Figure
from evaluation.rules import activities_due, life_days
from mechanisms.consultation.models import RESOLUTION_DONE_STATUSES
from mechanisms.dispatch.models import INSTRUCTION_DONE_STATUSES
from mechanisms.models import Instruction, ProblemCase, Resolution, WeeklyReport
from mechanisms.problems.models import PROBLEM_RESOLVED_STATUSES
from mechanisms.weekly.rules import FILED_STATUSES, reporting_weeks
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
    """On time / due over the weeks the duty rule says the branch owed (see the module)."""
    due = reporting_weeks(start, end)
    filed = dict(
        ((year, week), late)
        for year, week, late in WeeklyReport.objects.filter(branch=branch, status__in=FILED_STATUSES).values_list(
            "iso_year", "iso_week", "is_late"
        )
    )
    keys = {(w.iso_year, w.iso_week) for w in due}
    on_time = sum(1 for key in keys if key in filed and not filed[key])
    late = sum(1 for key in keys if key in filed and filed[key])
    extra = {"late": late, "missing": len(keys) - on_time - late, "not_due": len(set(filed) - keys)}
    return FigureValue(Figure.WEEKLY_ON_TIME, _decimal(_share(on_time, len(keys))), on_time, len(keys), extra)


def instructions_on_time(branch: Branch) -> FigureValue:
    rows = list(Instruction.objects.filter(branch=branch).values_list("status", "deadline", "done_at"))
    hits = sum(
        1 for status, deadline, done_at in rows
        if status in INSTRUCTION_DONE_STATUSES and done_at is not None and timezone.localdate(done_at) <= deadline
    )
    return FigureValue(Figure.INSTRUCTIONS_ON_TIME, _decimal(_share(hits, len(rows))), hits, len(rows))


def problems_resolved(branch: Branch) -> FigureValue:
    rows = list(ProblemCase.objects.filter(branch=branch).values_list("status", "created_at", "resolved_at"))
    durations = [
        (resolved_at - created_at).total_seconds() / 86400
        for status, created_at, resolved_at in rows
        if status in PROBLEM_RESOLVED_STATUSES and resolved_at is not None
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
    rows = list(Resolution.objects.filter(consultation__branch=branch).values_list("status", "consultation_id"))
    hits = sum(1 for status, _consultation in rows if status in RESOLUTION_DONE_STATUSES)
    consultations = len({consultation for _status, consultation in rows})
    return FigureValue(
        Figure.RESOLUTIONS_DONE, _decimal(_share(hits, len(rows))), hits, len(rows), {"consultations": consultations}
    )


def activities_held(branch: Branch, start: datetime.date, end: datetime.date) -> FigureValue:
    """Held / due in proportion to the branch's life (evaluation.rules.activities_due); nothing
    to measure when none was due."""
    days = life_days(start, end)
    due = activities_due(days)
    held = Activity.objects.filter(branch=branch).count()
    share = min(Fraction(1), Fraction(held, due)) if due else None
    return FigureValue(Figure.ACTIVITIES_HELD, _decimal(share), held, due, {"days": days})


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
