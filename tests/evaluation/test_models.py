"""Constraints and the lock: a final evaluation or appraisal refuses any save that changes it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from evaluation import services
from evaluation.models import (
    Appraisal,
    AppraisalGrade,
    Evaluation,
    EvaluationItem,
    LockedError,
    RubricItem,
    RubricItemKind,
    Score,
    Scorecard,
)

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(world):
    w.score_all(world.evaluation, by=world.staff, values=[28, 23, 14, 14, 13])
    services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    return Evaluation.objects.get(pk=world.evaluation.pk)


def test_saving_a_changed_final_evaluation_is_refused(final):
    final.total = Decimal("100")
    final.grade = "excellent"

    with pytest.raises(LockedError):
        final.save()
    assert Evaluation.objects.get(pk=final.pk).total == Decimal("92.00")


def test_a_final_evaluation_cannot_be_reopened_or_deleted(final):
    final.status = "in_progress"
    with pytest.raises(LockedError):
        final.save()
    final.refresh_from_db()
    with pytest.raises(LockedError):
        final.delete()
    assert Evaluation.objects.filter(pk=final.pk).exists()


def test_saving_a_final_evaluation_unchanged_passes(final):
    final.save()  # e.g. an admin "save" with nothing changed

    assert Evaluation.objects.get(pk=final.pk).total == Decimal("92.00")


def test_the_parts_of_a_final_evaluation_are_locked_too(final, world):
    score = Score.objects.filter(scorecard__evaluation=final).first()
    score.score = Decimal("1")
    with pytest.raises(LockedError):
        score.save()
    card = Scorecard.objects.get(evaluation=final)
    with pytest.raises(LockedError):
        card.delete()
    item = EvaluationItem.objects.filter(evaluation=final).first()
    item.points = 99
    with pytest.raises(LockedError):
        item.save()
    with pytest.raises(LockedError):
        Scorecard(evaluation=final, evaluator=world.staff2, total=1).save()


def test_saving_a_changed_final_appraisal_is_refused(world):
    appraisal = w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff)

    appraisal.grade = AppraisalGrade.EXCELLENT
    with pytest.raises(LockedError):
        appraisal.save()
    appraisal.refresh_from_db()
    appraisal.conclusion = "改过的结论"
    with pytest.raises(LockedError):
        appraisal.save()
    with pytest.raises(LockedError):
        appraisal.delete()
    assert Appraisal.objects.get(pk=appraisal.pk).grade == AppraisalGrade.QUALIFIED


def test_an_open_appraisal_saves_freely(world):
    appraisal = world.appraisals["王强"]
    appraisal.conclusion = "草稿"
    appraisal.save()

    assert Appraisal.objects.get(pk=appraisal.pk).conclusion == "草稿"


def test_a_probationary_member_cannot_carry_a_grade_in_the_database(world):
    appraisal = world.appraisals["钱多"]

    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.filter(pk=appraisal.pk).update(grade=AppraisalGrade.QUALIFIED)


def test_one_appraisal_per_person_per_branch(world):
    existing = world.appraisals["李娟"]

    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(
            branch=existing.branch, person=existing.person, role=existing.role, served_from=existing.served_from
        )


def test_a_veto_item_carries_no_points_and_only_criteria_carry_figures(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RubricItem.objects.create(rubric=world.rubric, kind=RubricItemKind.VETO, name="否决", points=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        RubricItem.objects.create(
            rubric=world.rubric, kind=RubricItemKind.BONUS, name="加分", points=5, figure="weekly_on_time"
        )


def test_a_total_outside_0_to_100_is_refused(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=world.evaluation.pk).update(total=Decimal("101"))
