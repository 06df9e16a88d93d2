"""Rules of the services: rubrics, scoring, adjustments, finalizing, appraisals and the cap."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from branches.models import Activity, ActivityKind, BranchStatus, MembershipRole
from core.workflow import TransitionError
from evaluation import services
from evaluation.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalStatus,
    Evaluation,
    EvaluationGrade,
    EvaluationStatus,
    Figure,
    RubricItemKind,
)
from evaluation.services import ItemData

from . import world as w

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- rubrics
def test_weights_that_do_not_sum_to_100_are_refused(world):
    items = w.default_items()
    items[0].points = 29  # 99 in all

    with pytest.raises(ValidationError) as exc:
        services.rubric_create(organization=world.city_a, name="九十九分", items=items, by=world.staff)

    assert "add up to 99" in " ".join(exc.value.messages)


def test_weights_over_100_are_refused_on_update_and_nothing_changes(world):
    items = [ItemData(i.kind, i.name, i.points, i.figure, id=i.pk) for i in world.rubric.items.all()]
    items[0].points = 40

    with pytest.raises(ValidationError):
        services.rubric_update(rubric=world.rubric, name="改", items=items, by=world.staff)

    world.rubric.refresh_from_db()
    assert world.rubric.name == "攻坚支部效能评估标准"
    assert world.rubric.items.get(name="目标完成").points == 30


def test_a_rubric_edit_can_add_rename_and_remove_items(world):
    rows = {i.name: i for i in world.rubric.items.all()}
    items = [
        ItemData(RubricItemKind.CRITERION, "目标完成", 40, Figure.INDICATOR_ATTAINMENT, id=rows["目标完成"].pk),
        ItemData(RubricItemKind.CRITERION, "机制运行", 35, Figure.MECHANISMS, id=rows["机制运行"].pk),
        ItemData(RubricItemKind.CRITERION, "组织生活与满意度", 25, "", id=rows["组织生活"].pk),
        ItemData(RubricItemKind.VETO, "发生重大安全责任事故", 0, id=rows["发生重大安全责任事故"].pk),
    ]

    services.rubric_update(rubric=world.rubric, name="新标准", items=items, by=world.staff)

    assert list(world.rubric.items.order_by("position").values_list("name", "points")) == [
        ("目标完成", 40), ("机制运行", 35), ("组织生活与满意度", 25), ("发生重大安全责任事故", 0),
    ]
    # The evaluation already under way kept its own copy.
    assert world.evaluation.items.filter(kind=RubricItemKind.CRITERION).count() == 5


def test_a_figure_on_a_deduction_is_refused(world):
    items = w.default_items()
    items[5].figure = Figure.WEEKLY_ON_TIME

    with pytest.raises(ValidationError):
        services.rubric_create(organization=world.city_a, name="错", items=items, by=world.staff)


# ---------------------------------------------------------------- starting
def test_start_copies_the_rubric_and_opens_the_appraisals(world):
    ev = world.evaluation

    assert ev.status == EvaluationStatus.IN_PROGRESS
    assert list(ev.items.order_by("position").values_list("name", flat=True))[:2] == ["目标完成", "机制运行"]
    names = set(Appraisal.objects.filter(branch=world.branch).values_list("person__name", flat=True))
    assert names == {"张卫东", "李娟", "王强", "赵刚", "钱多"}


def test_only_a_concluded_branch_can_be_evaluated(world):
    world.other_branch.status = BranchStatus.ACTIVE
    world.other_branch.save()

    with pytest.raises(TransitionError):
        services.evaluation_start(branch=world.other_branch, rubric=world.rubric, by=world.staff)


def test_a_rubric_of_another_city_does_not_apply(world):
    with pytest.raises(ValidationError):
        services.evaluation_start(branch=world.other_branch, rubric=world.rubric_b, by=world.staff)


def test_a_branch_is_evaluated_once(world):
    with pytest.raises(TransitionError):
        services.evaluation_start(branch=world.branch, rubric=world.rubric, by=world.staff)


# ---------------------------------------------------------------- scoring
def test_each_evaluator_has_their_own_scorecard_and_the_total_is_the_mean(world):
    ev = world.evaluation
    w.score_all(ev, by=world.staff, values=[28, 22, 14, 13, 12])  # 89
    w.score_all(ev, by=world.staff2, values=[30, 24, 15, 14, 12])  # 95
    w.score_all(ev, by=world.staff, values=[28, 22, 14, 13, 13])  # 90: the first evaluator changes theirs

    ev.refresh_from_db()
    assert ev.scorecards.count() == 2
    assert ev.mean_score == Decimal("92.50")
    assert ev.total == Decimal("92.50")
    assert ev.grade == EvaluationGrade.EXCELLENT


def test_a_score_above_the_weight_or_missing_is_refused(world):
    ev = world.evaluation
    criteria = list(ev.items.filter(kind=RubricItemKind.CRITERION).order_by("position"))
    scores = {c.pk: 10 for c in criteria}
    scores[criteria[2].pk] = 16  # weight 15

    with pytest.raises(ValidationError) as exc:
        services.scorecard_save(evaluation=ev, by=world.staff, scores=scores)
    assert str(criteria[2].pk) in exc.value.error_dict

    del scores[criteria[2].pk]
    with pytest.raises(ValidationError):
        services.scorecard_save(evaluation=ev, by=world.staff, scores=scores)
    assert not ev.scorecards.exists()


def test_deductions_bonuses_and_each_item_capped_at_its_points(world):
    ev = world.evaluation
    w.score_all(ev, by=world.staff, values=[27, 22, 13, 13, 12])  # 87
    deduction = ev.items.get(kind=RubricItemKind.DEDUCTION)
    bonus = ev.items.get(kind=RubricItemKind.BONUS)

    services.adjustment_add(evaluation=ev, item=deduction, points=3, reason="3周迟报", by=world.staff)
    services.adjustment_add(evaluation=ev, item=deduction, points=4, reason="又4周迟报", by=world.staff)  # 7 > 5
    services.adjustment_add(evaluation=ev, item=bonus, points=4, reason="获泰州骏马奖", by=world.staff)

    ev.refresh_from_db()
    assert ev.deductions == Decimal("5.00")  # capped at the item's 5 points
    assert ev.bonuses == Decimal("4.00")
    assert ev.total == Decimal("86.00")  # 87 − 5 + 4
    assert ev.grade == EvaluationGrade.GOOD


def test_a_deduction_beyond_its_points_in_one_go_is_refused(world):
    deduction = world.evaluation.items.get(kind=RubricItemKind.DEDUCTION)

    with pytest.raises(ValidationError):
        services.adjustment_add(evaluation=world.evaluation, item=deduction, points=6, reason="x", by=world.staff)


def test_a_veto_makes_the_grade_poor_and_removing_it_restores_the_grade(world):
    ev = world.evaluation
    w.score_all(ev, by=world.staff, values=[30, 25, 15, 15, 14])  # 99
    veto = ev.items.get(kind=RubricItemKind.VETO)

    adjustment = services.adjustment_add(evaluation=ev, item=veto, reason="施工现场发生较大安全事故", by=world.staff)
    ev.refresh_from_db()
    assert (ev.total, ev.grade, ev.vetoed) == (Decimal("99.00"), EvaluationGrade.POOR, True)

    services.adjustment_remove(adjustment=adjustment, by=world.staff)
    ev.refresh_from_db()
    assert (ev.grade, ev.vetoed) == (EvaluationGrade.EXCELLENT, False)


# ---------------------------------------------------------------- finalizing and locking
def test_finalize_locks_the_result_and_moves_the_branch_to_evaluated(world):
    ev = world.evaluation
    w.score_all(ev, by=world.staff, values=[28, 23, 14, 14, 13])  # 92

    services.evaluation_finalize(evaluation=ev, by=world.staff, remarks="成效显著")

    ev.refresh_from_db()
    world.branch.refresh_from_db()
    assert ev.status == EvaluationStatus.FINAL
    assert (ev.total, ev.grade) == (Decimal("92.00"), EvaluationGrade.EXCELLENT)
    assert ev.secretary == world.secretary_person
    assert set(ev.figures["values"]) == set(Figure.values)
    assert world.branch.status == BranchStatus.EVALUATED
    history = world.branch.history.first()
    assert history.history_user == world.staff


def test_nothing_changes_a_final_evaluation_through_the_services(world):
    ev = world.evaluation
    w.score_all(ev, by=world.staff, values=[28, 23, 14, 14, 13])
    services.evaluation_finalize(evaluation=ev, by=world.staff)
    deduction = ev.items.get(kind=RubricItemKind.DEDUCTION)

    with pytest.raises(TransitionError):
        w.score_all(ev, by=world.staff2, values=[1, 1, 1, 1, 1])
    with pytest.raises(TransitionError):
        services.adjustment_add(evaluation=ev, item=deduction, points=1, reason="x", by=world.staff)
    with pytest.raises(TransitionError):
        services.evaluation_finalize(evaluation=ev, by=world.staff)
    ev.refresh_from_db()
    assert ev.total == Decimal("92.00") and ev.scorecards.count() == 1


def test_finalize_without_any_score_is_refused(world):
    with pytest.raises(TransitionError):
        services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == EvaluationStatus.IN_PROGRESS


# ---------------------------------------------------------------- appraisals
def test_probationary_members_take_part_but_are_not_graded(world):
    appraisal = world.appraisals["钱多"]

    assert appraisal.is_graded is False
    with pytest.raises(ValidationError):
        services.appraisal_grade(appraisal=appraisal, grade=AppraisalGrade.QUALIFIED, conclusion="好", by=world.staff)
    final = w.complete_appraisal(appraisal, secretary=world.secretary, staff=world.staff)
    assert final.status == AppraisalStatus.FINAL and final.grade == ""


def test_appraisal_roles_and_period_come_from_the_memberships(world):
    secretary = world.appraisals["张卫东"]

    assert secretary.role == MembershipRole.SECRETARY
    assert secretary.served_from == w.days(-120)
    assert secretary.served_to == world.branch.concluded_on


def test_the_conclusion_is_drafted_from_the_record(world):
    conclusion = world.appraisals["李娟"].conclusion

    assert "李娟" in conclusion and world.branch.name in conclusion
    assert "包联10户" in conclusion  # the member's public commitment


@pytest.mark.parametrize(
    ("served_days", "activity_offsets", "joined", "line"),
    [
        # One day of service: no activity was due, none held.
        (1, [], False, "任务期间未安排组织生活。"),
        # 60 days: 2 due, none held.
        (60, [], False, "其任职期间应开展组织生活2次，支部未开展。"),
        # The branch held one while they served; they are not on it.
        (60, [5], False, "其任职期间支部开展组织生活1次，没有其参加的记录。"),
        # They took part: the sentence names the activity.
        (60, [5], True, "承诺仪式"),
    ],
)
def test_the_drafted_conclusion_says_what_was_due(world, served_days, activity_offsets, joined, line):
    """Drafted in the department's language (Chinese), whatever the clicking user's."""
    appraisal = world.appraisals["王强"]
    appraisal.served_to = world.branch.concluded_on
    appraisal.served_from = appraisal.served_to - datetime.timedelta(days=served_days - 1)
    for offset in activity_offsets:
        activity = Activity.objects.create(
            branch=world.branch, kind=ActivityKind.THREE_SHOWS, title="承诺仪式",
            held_on=appraisal.served_from + datetime.timedelta(days=offset),
        )
        if joined:
            activity.participants.add(appraisal.person)

    conclusion = services.draft_conclusion(appraisal)

    assert line in conclusion
    assert ("没有其参加的记录" in conclusion) == (bool(activity_offsets) and not joined)


def test_only_the_member_writes_their_self_assessment(world):
    appraisal = world.appraisals["李娟"]

    with pytest.raises(ValidationError):
        services.appraisal_self_assess(appraisal=appraisal, text="我", by=world.secretary)
    services.appraisal_self_assess(appraisal=appraisal, text="冲在一线，完成包联任务。", by=world.member)
    appraisal.refresh_from_db()
    assert appraisal.self_assessment == "冲在一线，完成包联任务。"
    assert appraisal.self_assessed_at is not None


def test_excellent_is_capped_at_a_third_of_three_graded_members(world):
    # The branch has 4 graded members (secretary, 李娟, 王强, 赵刚) and a probationary one: make it 3.
    world.appraisals["赵刚"].delete()
    grade = services.appraisal_grade

    grade(appraisal=world.appraisals["张卫东"], grade=AppraisalGrade.EXCELLENT, conclusion="优秀", by=world.staff)
    with pytest.raises(ValidationError) as exc:
        grade(appraisal=world.appraisals["李娟"], grade=AppraisalGrade.EXCELLENT, conclusion="优秀", by=world.staff)

    assert "At most 1 of this branch's 3 graded members" in " ".join(exc.value.messages)
    assert Appraisal.objects.filter(branch=world.branch, grade=AppraisalGrade.EXCELLENT).count() == 1
    # Re-saving the one Excellent member is not a second one.
    grade(appraisal=world.appraisals["张卫东"], grade=AppraisalGrade.EXCELLENT, conclusion="优秀！", by=world.staff)


def test_excellent_cap_with_six_graded_members_is_two(world):
    for name in ("甲", "乙"):
        w.appoint(branch=world.branch, person=w.person(unit=world.town_a, name=name), by=world.staff)
    services.appraisals_open(branch=world.branch, by=world.staff)
    appraisals = {a.person.name: a for a in Appraisal.objects.filter(branch=world.branch).select_related("person")}
    assert sum(a.is_graded for a in appraisals.values()) == 6

    for name in ("张卫东", "李娟"):
        services.appraisal_grade(appraisal=appraisals[name], grade=AppraisalGrade.EXCELLENT, conclusion="优", by=world.staff)
    with pytest.raises(ValidationError):
        services.appraisal_grade(appraisal=appraisals["王强"], grade=AppraisalGrade.EXCELLENT, conclusion="优", by=world.staff)


def test_appraisals_open_again_adds_only_the_missing(world):
    assert services.appraisals_open(branch=world.branch, by=world.staff) == 0


def test_finalize_needs_the_branch_assessment_grade_and_conclusion(world):
    appraisal = world.appraisals["王强"]

    with pytest.raises(TransitionError) as exc:
        services.appraisal_finalize(appraisal=appraisal, by=world.staff)
    assert "The branch's assessment is missing." in exc.value.messages


def test_a_final_appraisal_cannot_change_through_the_services(world):
    appraisal = w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff)

    with pytest.raises(TransitionError):
        services.appraisal_grade(appraisal=appraisal, grade=AppraisalGrade.UNQUALIFIED, conclusion="改", by=world.staff)
    with pytest.raises(TransitionError):
        services.appraisal_self_assess(appraisal=appraisal, text="改", by=world.member)
    with pytest.raises(TransitionError):
        services.appraisal_branch_assess(appraisal=appraisal, text="改", by=world.secretary)
    appraisal.refresh_from_db()
    assert appraisal.grade == AppraisalGrade.QUALIFIED


def test_finalize_ready_finalizes_the_complete_ones_only(world):
    """李娟 wrote her self-assessment; 王强 did not and nobody recorded why: he is skipped with the
    reason, and so are the three appraisals the branch has not assessed."""
    services.appraisal_self_assess(appraisal=world.appraisals["李娟"], text="自评", by=world.member)
    for name in ("李娟", "王强"):
        services.appraisal_branch_assess(appraisal=world.appraisals[name], text="好", by=world.secretary)
        services.appraisal_grade(appraisal=world.appraisals[name], grade=AppraisalGrade.QUALIFIED, conclusion="好", by=world.staff)

    done, skipped = services.appraisals_finalize_ready(branch=world.branch, by=world.staff)

    assert [a.person.name for a in done] == ["李娟"]
    why = {row.appraisal.person.name: row.reasons for row in skipped}
    assert sorted(why) == sorted(["王强", "张卫东", "赵刚", "钱多"])
    assert why["王强"] == ["The member's self-assessment is missing (or record that they did not fill it in)."]
    assert "The branch's assessment is missing." in why["赵刚"]
    world.appraisals["王强"].refresh_from_db()
    assert world.appraisals["王强"].status == AppraisalStatus.OPEN
