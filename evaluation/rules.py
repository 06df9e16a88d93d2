"""The arithmetic of evaluation, as plain functions (no database): what was due over a branch's
life (its Party-life activities; its report weeks are mechanisms.weekly.rules.reporting_weeks),
the grade from a total, the evaluation's total from the evaluators' totals, deductions and
bonuses, and the 优秀 cap of a branch's appraisals. Services and selectors both use it; it imports neither."""

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from evaluation.conf import evaluation_config
from evaluation.models import EvaluationGrade

TWO_PLACES = Decimal("0.01")
DAYS_PER_MONTH = 30


# ================================================================ what was due
def life_days(start: datetime.date, end: datetime.date) -> int:
    """Days a branch was at work, both ends counted: formed and concluded on the same day is one."""
    return max(0, (end - start).days + 1)


def activities_due(days: int, per_month=None) -> int:
    """Party-life activities due from a branch that lived ``days`` days: in proportion to its life,
    ``per_month`` (settings ``EVALUATION["ACTIVITIES_PER_MONTH"]``, 1 by default) per 30 days,
    rounded to the nearest whole activity, a half up.

    So at one a month a branch that lived up to 14 days owes none (nothing was due), 15 to 44
    days one, 45 to 74 days two; a branch never owes more than its share of the months plus a
    half, nor less than it minus a half. The only rounding is here (docs/guide/evaluation.md)."""
    rate = Fraction(str(evaluation_config()["ACTIVITIES_PER_MONTH"] if per_month is None else per_month))
    return math.floor(Fraction(max(0, days)) * rate / DAYS_PER_MONTH + Fraction(1, 2))


# ================================================================ the arithmetic
def grade_for(total: Decimal | None, *, vetoed: bool = False) -> str:
    """The branch's grade from its total (thresholds from settings ``EVALUATION``)."""
    if total is None:
        return ""
    if vetoed:
        return EvaluationGrade.POOR
    thresholds = evaluation_config()["GRADE_THRESHOLDS"]
    for grade in (EvaluationGrade.EXCELLENT, EvaluationGrade.GOOD, EvaluationGrade.FAIR):
        if total >= Decimal(str(thresholds[grade.value])):
            return grade
    return EvaluationGrade.POOR


@dataclass(frozen=True)
class EvaluationResult:
    mean: Decimal | None
    deductions: Decimal
    bonuses: Decimal
    vetoed: bool
    total: Decimal | None
    grade: str


def evaluation_result(*, totals, deductions=Decimal(0), bonuses=Decimal(0), vetoed: bool = False) -> EvaluationResult:
    """Mean of the evaluators' totals − deductions + bonuses, clamped to 0…100, and its grade."""
    totals = [Decimal(t) for t in totals]
    deductions, bonuses = Decimal(deductions), Decimal(bonuses)
    if not totals:
        return EvaluationResult(None, deductions, bonuses, vetoed, None, "")
    mean = (sum(totals) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    total = min(Decimal(100), max(Decimal(0), mean - deductions + bonuses)).quantize(TWO_PLACES)
    return EvaluationResult(mean, deductions, bonuses, vetoed, total, grade_for(total, vetoed=vetoed))


def excellent_share() -> Fraction:
    return Fraction(str(evaluation_config()["EXCELLENT_APPRAISAL_SHARE"]))


def excellent_cap(graded: int) -> int:
    """How many of ``graded`` members may be appraised 优秀: the share, rounded down."""
    return math.floor(graded * excellent_share())
