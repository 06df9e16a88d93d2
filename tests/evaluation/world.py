"""Building blocks of the evaluation tests (also used by tests/e2e/test_evaluation.py).

A concluded branch is made directly (a branch's life before its end is the other apps' business);
memberships, rubrics, evaluations and appraisals go through the services, as the pages make them.
"""

import datetime
import itertools
from types import SimpleNamespace

from django.contrib.auth.models import Group

from branches.models import (
    Branch,
    BranchScope,
    BranchStatus,
    Front,
    Gender,
    MembershipRole,
    Person,
    User,
)
from branches.roles import Role
from evaluation import services
from evaluation.models import Figure, RubricItemKind
from evaluation.services import ItemData
from tests.clock import clock_today
from tests.factories import BranchFactory, MembershipFactory, PersonFactory, UserFactory, WorkFieldFactory

_seq = itertools.count(1)


def today() -> datetime.date:
    return clock_today()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def ensure_groups():
    """The role groups (a transactional test's flush empties what the migration made)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def user(*, username, organization=None, role=None, full_name=None) -> User:
    return UserFactory(username=username, organization=organization, full_name=full_name or username, roles=role)


def person(*, unit, name=None, user=None, probationary=False, **extra) -> Person:
    return PersonFactory(
        name=name or f"党员{next(_seq)}",
        gender=extra.pop("gender", Gender.MALE),
        work_unit=unit,
        user=user,
        is_probationary=probationary,
        phone=extra.pop("phone", f"1390000{next(_seq):04d}"),
        post=extra.pop("post", "科员"),
        **extra,
    )


def concluded_branch(*, committee, name=None, formed=-120, concluded=-10, batch=1) -> Branch:
    field = WorkFieldFactory(name="动迁", front=Front.MAJOR_PROJECT)
    return BranchFactory(
        name=name or f"攻坚支部{next(_seq)}",
        batch=batch,
        front=field.front,
        field=field,
        scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=committee,
        lead_unit=committee,
        goal="28天完成225户征迁",
        status=BranchStatus.CONCLUDED,
        formed_on=days(formed),
        planned_end_on=days(concluded),
        concluded_on=days(concluded),
    )


def appoint(*, branch, person, role=MembershipRole.MEMBER, by, joined=-120, commitment=""):
    return MembershipFactory(branch=branch, person=person, role=role, by=by, joined_on=days(joined), commitment=commitment)


def default_items() -> list[ItemData]:
    return [
        ItemData(RubricItemKind.CRITERION, "目标完成", 30, Figure.INDICATOR_ATTAINMENT),
        ItemData(RubricItemKind.CRITERION, "机制运行", 25, Figure.MECHANISMS),
        ItemData(RubricItemKind.CRITERION, "组织生活", 15, Figure.ACTIVITIES_HELD),
        ItemData(RubricItemKind.CRITERION, "群众企业满意度", 15),
        ItemData(RubricItemKind.CRITERION, "创新示范", 15),
        ItemData(RubricItemKind.DEDUCTION, "周报迟报漏报", 5),
        ItemData(RubricItemKind.BONUS, "获上级表彰", 5),
        ItemData(RubricItemKind.VETO, "发生重大安全责任事故", 0),
    ]


def rubric(*, organization, by, name="攻坚支部效能评估标准", items=None):
    return services.rubric_create(organization=organization, name=name, items=items or default_items(), by=by)


def build_world(o: dict) -> SimpleNamespace:
    """City A: staff, leader, a concluded branch with a secretary (login), a member (login), two
    other members and a probationary one, and a second concluded branch with its own secretary;
    city B: staff and a concluded branch. Each city has a rubric; the first branch's evaluation
    has started (so its appraisals are open), and so has city B's."""
    ensure_groups()
    staff = user(username="staff", organization=o["city_a"], role=Role.DEPARTMENT_STAFF, full_name="陈明")
    staff2 = user(username="staff2", organization=o["city_a"], role=Role.DEPARTMENT_STAFF, full_name="周敏")
    leader = user(username="leader", organization=o["city_a"], role=Role.LEADER, full_name="王瑾")
    staff_b = user(username="staff_b", organization=o["city_b"], role=Role.DEPARTMENT_STAFF, full_name="孙丽")
    stranger = user(username="stranger", organization=o["city_a"])
    liaison = user(username="liaison", organization=o["department_a"], role=Role.UNIT_LIAISON)

    branch = concluded_branch(committee=o["committee_a"], name="澄靖第二过江通道征迁攻坚支部", batch=2)
    other_branch = concluded_branch(committee=o["committee_a"], name="孤山镇循环产业链项目攻坚支部")
    b_branch = concluded_branch(committee=o["committee_b"], name="泰兴营商环境攻坚支部")

    secretary = user(username="secretary", organization=o["town_a"], full_name="张卫东")
    secretary_person = person(unit=o["town_a"], name="张卫东", user=secretary)
    appoint(branch=branch, person=secretary_person, role=MembershipRole.SECRETARY, by=staff, commitment="28天完成征迁")
    member = user(username="member", organization=o["town_a"], role=Role.MEMBER, full_name="李娟")
    member_person = person(unit=o["town_a"], name="李娟", user=member, gender=Gender.FEMALE)
    appoint(branch=branch, person=member_person, by=staff, commitment="包联10户")
    others = [person(unit=o["town_a"], name=n) for n in ("王强", "赵刚")]
    for p in others:
        appoint(branch=branch, person=p, by=staff)
    probationary = person(unit=o["town_a"], name="钱多", probationary=True)
    appoint(branch=branch, person=probationary, by=staff)

    other_secretary = user(username="secretary2", organization=o["town_a"], full_name="孙强")
    other_secretary_person = person(unit=o["town_a"], name="孙强", user=other_secretary)
    appoint(branch=other_branch, person=other_secretary_person, role=MembershipRole.SECRETARY, by=staff)
    other_member = user(username="member2", organization=o["town_a"], role=Role.MEMBER)
    other_member_person = person(unit=o["town_a"], name="吴凡", user=other_member)
    appoint(branch=other_branch, person=other_member_person, by=staff)

    b_secretary_person = person(unit=o["committee_b"], name="钱江")
    appoint(branch=b_branch, person=b_secretary_person, role=MembershipRole.SECRETARY, by=staff_b)

    rubric_a = rubric(organization=o["city_a"], by=staff)
    rubric_b = rubric(organization=o["city_b"], by=staff_b, name="泰兴评估标准")
    evaluation = services.evaluation_start(branch=branch, rubric=rubric_a, by=staff)
    b_evaluation = services.evaluation_start(branch=b_branch, rubric=rubric_b, by=staff_b)
    for u in (secretary, other_secretary):
        u.refresh_from_db()
    appraisals = {a.person.name: a for a in evaluation.branch.appraisals.select_related("person")}
    return SimpleNamespace(
        **o,
        staff=staff, staff2=staff2, leader=leader, staff_b=staff_b, stranger=stranger, liaison=liaison,
        secretary=secretary, secretary_person=secretary_person, member=member, member_person=member_person,
        others=others, probationary=probationary,
        other_secretary=other_secretary, other_member=other_member, other_member_person=other_member_person,
        branch=branch, other_branch=other_branch, b_branch=b_branch,
        rubric=rubric_a, rubric_b=rubric_b, evaluation=evaluation, b_evaluation=b_evaluation,
        appraisals=appraisals, b_appraisal=b_branch.appraisals.get(),
    )


def score_all(evaluation, *, by, values):
    """Score every criterion of ``evaluation`` as ``by`` with ``values`` (in criterion order)."""
    criteria = list(evaluation.items.filter(kind=RubricItemKind.CRITERION).order_by("position"))
    return services.scorecard_save(evaluation=evaluation, by=by, scores={c.pk: v for c, v in zip(criteria, values, strict=True)})


def complete_appraisal(appraisal, *, secretary, staff, grade="qualified", conclusion="表现良好。"):
    appraisal.refresh_from_db()
    if not appraisal.self_assessment:
        if appraisal.person.user_id:
            services.appraisal_self_assess(appraisal=appraisal, text="本人自评：履职尽责。", by=appraisal.person.user)
        else:
            services.appraisal_self_assessment_waive(appraisal=appraisal, reason="已调离，无法联系。", by=staff)
    services.appraisal_branch_assess(appraisal=appraisal, text="政治坚定，冲锋在前。", by=secretary)
    services.appraisal_grade(appraisal=appraisal, grade=grade if appraisal.is_graded else "", conclusion=conclusion, by=staff)
    return services.appraisal_finalize(appraisal=appraisal, by=staff)
