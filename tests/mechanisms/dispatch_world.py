"""Building blocks of the dispatch and consultation tests (also used by tests/e2e/test_dispatch.py).

Branches, projects, indicators and milestones are made through their services, as the pages
make them, so grants and lights are real.
"""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import Group

from branches.models import BranchScope, Front, MembershipRole, WorkField
from branches.roles import Role
from branches.services import branch_create
from mechanisms.models import Consultation, Instruction, ProblemCase, ProblemCategory, Resolution
from projects.models import ProjectStatus
from projects.services import (
    milestone_create,
    project_create,
    project_refresh_light,
    project_transition,
)
from tests.clock import clock_today
from tests.factories import (
    ConsultationFactory,
    IndicatorFactory,
    InstructionFactory,
    MembershipFactory,
    PersonFactory,
    ProblemCaseFactory,
    ResolutionFactory,
    WorkFieldFactory,
)

_seq = itertools.count(1)


def today() -> datetime.date:
    return clock_today()


def days(n: int, base: datetime.date | None = None) -> datetime.date:
    return (base or today()) + datetime.timedelta(days=n)


def work_field(name="动迁", front=Front.MAJOR_PROJECT) -> WorkField:
    return WorkFieldFactory(name=name, front=front)


def make_branch(*, committee, by, name=None, lead_unit=None, responsible_units=(), scope=BranchScope.CROSS_DOMAIN):
    field = work_field()
    return branch_create(
        by=by,
        name=name or f"攻坚支部{next(_seq)}",
        front=field.front,
        field=field,
        scope=scope,
        supervising_committee=committee,
        lead_unit=lead_unit or committee,
        goal="28天完成225户征迁",
        responsible_units=responsible_units,
    )


def make_project(*, branch, by, name=None, start=-50, deadline=50, dispatch_chief=None, **fields):
    project = project_create(
        by=by,
        branch=branch,
        name=name or f"攻坚项目{next(_seq)}",
        front=branch.front,
        field=branch.field,
        goal="完成225户搬迁户的征迁工作",
        start_on=days(start),
        deadline=days(deadline),
        lead_unit=fields.pop("lead_unit", branch.lead_unit),
        dispatch_chief=dispatch_chief,
        **fields,
    )
    project_transition(project=project, to=ProjectStatus.IN_PROGRESS, by=by)
    project.refresh_from_db()
    return project


def make_indicator(*, project, by, name=None, baseline="0", target="100", current=None, unit="户"):
    indicator = IndicatorFactory(
        project=project, by=by, name=name or f"指标{next(_seq)}", unit=unit,
        baseline=Decimal(baseline), target=Decimal(target),
    )
    if current is not None:
        # The current value straight in: the agenda reads it, readings would also move the light.
        type(indicator).objects.filter(pk=indicator.pk).update(current_value=Decimal(current))
        indicator.refresh_from_db()
        project_refresh_light(project=project)
    return indicator


def make_milestone(*, project, by, name=None, due=10, done=False):
    milestone = milestone_create(project=project, by=by, name=name or f"节点{next(_seq)}", due_on=days(due))
    if done:
        type(milestone).objects.filter(pk=milestone.pk).update(done_on=today())
        milestone.refresh_from_db()
    return milestone


def make_problem(*, project, by, title=None, status="reported", unit=None, deadline=None, **fields) -> ProblemCase:
    return ProblemCaseFactory(
        branch=project.branch,
        project=project,
        title=title or f"问题{next(_seq)}",
        description="拆迁户对补偿标准有异议",
        category=ProblemCategory.BLOCKAGE,
        status=status,
        responsible_unit=unit,
        deadline=deadline,
        created_by=by,
        **fields,
    )


def make_instruction(*, project, by, title=None, unit=None, user=None, issued=0, deadline=7, status="issued",
                     dispatch=None) -> Instruction:
    """An instruction straight into the table (issued ``issued`` days from today), for the
    reads; the transitions are tested through the services."""
    return InstructionFactory(
        project=project,
        branch=project.branch,
        dispatch=dispatch,
        title=title or f"督办事项{next(_seq)}",
        assignee_unit=unit,
        assignee_user=user,
        issued_on=days(issued),
        deadline=days(deadline),
        status=status,
        created_by=by,
    )


def make_consultation(*, branch, by, units, topic=None, status="held", project=None) -> Consultation:
    return ConsultationFactory(
        branch=branch,
        project=project,
        lead_unit=branch.lead_unit,
        topic=topic or f"会商{next(_seq)}",
        held_on=today(),
        minutes="会议议定事项如下",
        status=status,
        created_by=by,
        participating_units=units,
    )


def make_resolution(*, consultation, unit, deadline=10, status="awaiting_signoff", content=None) -> Resolution:
    return ResolutionFactory(
        consultation=consultation,
        content=content or f"议定事项{next(_seq)}",
        owner_unit=unit,
        resources="安排专项资金200万元",
        deadline=days(deadline),
        status=status,
    )


def appoint(*, branch, user, by, unit, role=MembershipRole.SECRETARY):
    person = PersonFactory(name=user.full_name or user.username, gender="male", work_unit=unit, user=user)
    return MembershipFactory(branch=branch, person=person, role=role, by=by)


def build_world(org_tree, make_user) -> SimpleNamespace:
    """City A: a cross-department branch (lead unit 市行政审批局, responsible unit 孤山镇) with
    a project whose 调度长 is ``chief``; another branch of city A with its own project and 调度长;
    city B with a branch, a project and staff. One user per role that matters:

    - ``staff``/``leader`` at city A, ``staff_b`` at city B;
    - ``chief`` (this project), ``other_chief`` (the other branch's project);
    - ``secretary`` of ``branch``; ``member`` (no role in branch);
    - ``liaison`` of 孤山镇 (a responsible unit), ``dept_liaison`` of 市行政审批局 (the lead unit),
      ``b_liaison`` of a city-B unit.
    """
    # A transactional (browser) test earlier in the run flushes what the role migration made.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    t = org_tree
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="staff", full_name="陈明")
    leader = make_user(role=Role.LEADER, organization=t["city_a"], username="leader", full_name="王瑾")
    staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_b"], username="staff_b", full_name="周泰")
    chief = make_user(organization=t["committee_a"], username="chief", full_name="刘建国")
    other_chief = make_user(organization=t["committee_a"], username="chief2", full_name="赵强")
    b_chief = make_user(organization=t["committee_b"], username="chief_b", full_name="钱进")
    secretary = make_user(role=Role.SECRETARY, organization=t["town_a"], username="secretary", full_name="张卫东")
    member = make_user(role=Role.MEMBER, organization=t["town_a"], username="member", full_name="李党员")
    liaison = make_user(role=Role.UNIT_LIAISON, organization=t["town_a"], username="liaison", full_name="吴联络")
    dept_liaison = make_user(
        role=Role.UNIT_LIAISON, organization=t["department_a"], username="dept_liaison", full_name="郑联络"
    )
    b_liaison = make_user(role=Role.UNIT_LIAISON, organization=t["committee_b"], username="b_liaison", full_name="冯联络")

    branch = make_branch(
        committee=t["committee_a"], by=staff, name="澄靖第二过江通道征迁攻坚支部",
        lead_unit=t["department_a"], responsible_units=[t["town_a"]],
    )
    other_branch = make_branch(committee=t["committee_a"], by=staff, name="孤山镇循环产业链项目攻坚支部")
    b_branch = make_branch(committee=t["committee_b"], by=staff_b, name="泰兴营商环境攻坚支部")
    appoint(branch=branch, user=secretary, by=staff, unit=t["town_a"])

    project = make_project(branch=branch, by=staff, name="过江通道征迁", dispatch_chief=chief)
    other_project = make_project(branch=other_branch, by=staff, name="循环产业链用地租赁", dispatch_chief=other_chief)
    b_project = make_project(branch=b_branch, by=staff_b, name="泰兴项目", dispatch_chief=b_chief)
    for user in (chief, other_chief, b_chief, secretary):
        user.refresh_from_db()
    return SimpleNamespace(
        **t,
        staff=staff, leader=leader, staff_b=staff_b, chief=chief, other_chief=other_chief, b_chief=b_chief,
        secretary=secretary, member=member, liaison=liaison, dept_liaison=dept_liaison, b_liaison=b_liaison,
        branch=branch, other_branch=other_branch, b_branch=b_branch,
        project=project, other_project=other_project, b_project=b_project,
    )
