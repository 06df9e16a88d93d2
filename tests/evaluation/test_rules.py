"""The arithmetic of an evaluation and of the Excellent cap, without a database."""

from decimal import Decimal

import pytest

from evaluation.models import EvaluationGrade
from evaluation.rules import evaluation_result, excellent_cap, grade_for


def test_total_is_the_mean_of_the_evaluators_totals():
    result = evaluation_result(totals=[Decimal("88"), Decimal("91"), Decimal("85.5")])

    assert result.mean == Decimal("88.17")  # 264.5 / 3 = 88.1666… → 88.17
    assert result.total == Decimal("88.17")
    assert result.grade == EvaluationGrade.GOOD


def test_deductions_are_subtracted_and_bonuses_added():
    result = evaluation_result(totals=[Decimal("86"), Decimal("90")], deductions=Decimal("3"), bonuses=Decimal("5"))

    assert result.mean == Decimal("88.00")
    assert result.total == Decimal("90.00")  # 88 − 3 + 5
    assert result.grade == EvaluationGrade.EXCELLENT


def test_total_is_clamped_to_0_and_100():
    assert evaluation_result(totals=[Decimal("98")], bonuses=Decimal("5")).total == Decimal("100.00")
    assert evaluation_result(totals=[Decimal("3")], deductions=Decimal("5")).total == Decimal("0.00")


def test_a_veto_makes_the_grade_poor_whatever_the_total():
    result = evaluation_result(totals=[Decimal("97")], vetoed=True)

    assert result.total == Decimal("97.00")
    assert result.grade == EvaluationGrade.POOR


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", EvaluationGrade.EXCELLENT),
        ("90", EvaluationGrade.EXCELLENT),
        ("89.99", EvaluationGrade.GOOD),
        ("80", EvaluationGrade.GOOD),
        ("79.99", EvaluationGrade.FAIR),
        ("60", EvaluationGrade.FAIR),
        ("59.99", EvaluationGrade.POOR),
        ("0", EvaluationGrade.POOR),
    ],
)
def test_grade_thresholds(total, grade):
    assert grade_for(Decimal(total)) == grade


def test_grade_thresholds_come_from_settings(settings):
    settings.EVALUATION = {"GRADE_THRESHOLDS": {"excellent": 95, "good": 85, "fair": 70}}

    assert grade_for(Decimal("92")) == EvaluationGrade.GOOD
    assert grade_for(Decimal("84")) == EvaluationGrade.FAIR
    assert grade_for(Decimal("69")) == EvaluationGrade.POOR


def test_no_scorecard_means_no_result_yet():
    result = evaluation_result(totals=[])

    assert result.total is None and result.grade == ""


@pytest.mark.parametrize(("graded", "cap"), [(0, 0), (1, 0), (2, 0), (3, 1), (5, 1), (6, 2), (8, 2), (9, 3)])
def test_excellent_cap_is_a_third_rounded_down(graded, cap):
    assert excellent_cap(graded) == cap


def test_excellent_share_comes_from_settings(settings):
    settings.EVALUATION = {"EXCELLENT_APPRAISAL_SHARE": "1/2"}

    assert excellent_cap(5) == 2
