"""The arithmetic of evaluation, as plain functions (no database): the grade from a total, the
evaluation's total from the evaluators' totals, deductions and bonuses, and the 优秀 cap of a
branch's appraisals. Services and selectors both use it; it imports neither."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from evaluation.conf import evaluation_config
from evaluation.models import EvaluationGrade

TWO_PLACES = Decimal("0.01")



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
