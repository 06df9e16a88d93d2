"""A small world with hand-counted dashboard figures (tests/evaluation/test_dashboard*.py and
tests/e2e/test_dashboard.py).

Rows are made directly through the models: the dashboard only reads, and the exact timestamps
(created, resolved, accepted …) are what its figures are counted from.

City A (靖江市), seen by ``leader`` and ``staff``:

=========  =====  ================  ===========================================================
branch     batch  front / field     this week's report · projects (in progress) · …
=========  =====  ================  ===========================================================
b1         1      major / 动迁       submitted · p1 red, p2 yellow
b2         1      reform / 营商环境  reviewed  · p3 green
b3         2      major / 动迁       draft     · p4 red, p5 completed (left out)
=========  =====  ================  ===========================================================

* report rate this week 2/3 (67 %), last week 1/3 (33 %), the ten weeks before 0/3;
* instructions: i1 (b1, to 市行政审批局, 5 days overdue), i2 (b3, to 孤山镇, acknowledged, 1 day
  overdue), i3 (b2, to 市行政审批局, verified, done a day before its deadline), i4 (b1, to 孤山镇,
  due in 5 days) → 2 overdue, 3 open;
* problems: P1 (whistle, basically satisfied, resolved in 2 days), P2 (4 days), P3 (whistle,
  satisfied, 6 days), P4 (whistle, dissatisfied, 11 days), P5 (whistle, analysed, deadline
  passed), P6 (reported) → 6 opened, 4 resolved, median 5.0 days (percentile_cont interpolates
  4 and 6), 2 not resolved, 1 overdue; whistles 4, satisfaction (1 + 1) / 3 = 67 %;
* the league table (部门报到):

  - 市行政审批局: problems P1 ✓ P3 ✓ P5 ✗, instructions i1 ✗ i3 ✓ → 3/5 = 60 %
  - 孤山镇: problems P2 ✗ (accepted a day late) P4 ✓, co-operation on P1 answered late ✗,
    instruction i2 ✗, resolution r1 ✓ → 2/5 = 40 %
  - 市交通运输局党委: resolution r2 ✗ → 0/1 = 0 %

City B (泰兴市) has one branch with a red project, an overdue instruction, a whistle and a filed
report: nobody in city A may count any of it.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from branches.models import Branch, BranchScope, BranchStatus, Front, Light, WorkField
from branches.roles import Role
from mechanisms.models import (
    AssignmentStatus,
    ConsultationStatus,
    Instruction,
    InstructionStatus,
    ProblemAssignment,
    ProblemCase,
    ProblemCategory,
    ProblemSource,
    ProblemStatus,
    ResolutionStatus,
    Satisfaction,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import week_of
from projects.models import Project, ProjectStatus
from tests.clock import clock_today
from tests.factories import (
    BranchFactory,
    ConsultationFactory,
    InstructionFactory,
    ProblemCaseFactory,
    ProjectFactory,
    ResolutionFactory,
    WeeklyReportFactory,
    WorkFieldFactory,
)


def today() -> datetime.date:
    return clock_today()


def day(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def at(n: int, hour: int = 10) -> datetime.datetime:
    """A moment ``n`` days from today at ``hour`` o'clock in the product's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day(n), datetime.time(hour)))


def work_field(name, front) -> WorkField:
    return WorkFieldFactory(name=name, front=front)


def branch(*, committee, name, field, batch=1, status=BranchStatus.ACTIVE, formed=-100, **extra) -> Branch:
    return BranchFactory(
        name=name,
        batch=batch,
        front=field.front,
        field=field,
        scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=committee,
        lead_unit=extra.pop("lead_unit", committee),
        goal="28天完成225户征迁",
        status=status,
        formed_on=day(formed) if formed is not None else None,
        **extra,
    )


def project(*, branch, name, light=Light.GREEN, status=ProjectStatus.IN_PROGRESS) -> Project:
    return ProjectFactory(
        branch=branch,
        name=name,
        front=branch.front,
        field=branch.field,
        goal="按期完成",
        start_on=day(-60),
        deadline=day(60),
        lead_unit=branch.lead_unit,
        status=status,
        light=light,
    )


def weekly(*, branch, week, status) -> WeeklyReport:
    return WeeklyReportFactory(branch=branch, week=week, status=status, work_done="本周完成征迁12户")


def instruction(*, project, title, unit, issued, deadline, status=InstructionStatus.ISSUED, done=None) -> Instruction:
    return InstructionFactory(
        project=project,
        branch=project.branch,
        title=title,
        assignee_unit=unit,
        issued_on=day(issued),
        deadline=day(deadline),
        status=status,
        done_at=at(done) if done is not None else None,
    )


def problem(*, branch, title, created, status, unit=None, resolved=None, whistle=False, satisfaction="",
            accept_due=None, accepted=None, deadline=None, verified=None, source=ProblemSource.BRANCH) -> ProblemCase:
    case = ProblemCaseFactory(
        branch=branch,
        title=title,
        description="征迁过程中的堵点",
        category=ProblemCategory.BLOCKAGE,
        source=ProblemSource.ENTERPRISE if whistle else source,
        enterprise_name="中南高科" if whistle else "",
        status=status,
        responsible_unit=unit,
        accept_due_on=day(accept_due) if accept_due is not None else None,
        accepted_at=at(accepted) if accepted is not None else None,
        deadline=day(deadline) if deadline is not None else None,
        resolved_at=at(resolved) if resolved is not None else None,
        verified_at=at(verified) if verified is not None else None,
        satisfaction=satisfaction,
    )
    # created_at is auto_now_add: set the moment the figures are counted from afterwards.
    ProblemCase.objects.filter(pk=case.pk).update(created_at=at(created))
    case.refresh_from_db()
    return case


def build(org_tree, make_user) -> SimpleNamespace:
    o = org_tree
    leader = make_user(role=Role.LEADER, organization=o["city_a"], username="leader_a", full_name="王瑾")
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=o["city_a"], username="staff_a", full_name="陈明")
    leader_b = make_user(role=Role.LEADER, organization=o["city_b"], username="leader_b", full_name="周海")
    secretary = make_user(role=Role.SECRETARY, organization=o["town_a"], username="secretary_a")
    chief = make_user(role=Role.DISPATCH_CHIEF, organization=o["committee_a"], username="chief_a")
    member = make_user(role=Role.MEMBER, organization=o["town_a"], username="member_a")
    liaison = make_user(role=Role.UNIT_LIAISON, organization=o["department_a"], username="liaison_a")
    nobody = make_user(organization=o["city_a"], username="nobody")

    relocation = work_field("动迁", Front.MAJOR_PROJECT)
    business = work_field("营商环境", Front.IMPORTANT_REFORM)
    dep, town, committee = o["department_a"], o["town_a"], o["committee_a"]

    b1 = branch(committee=committee, name="澄靖第二过江通道征迁攻坚支部", field=relocation, batch=1)
    b2 = branch(committee=committee, name="放管服改革攻坚支部", field=business, batch=1, lead_unit=dep)
    b3 = branch(committee=committee, name="孤山镇循环产业链项目攻坚支部", field=relocation, batch=2, lead_unit=town)

    p1 = project(branch=b1, name="过江通道征迁", light=Light.RED)
    p2 = project(branch=b1, name="安置房建设", light=Light.YELLOW)
    p3 = project(branch=b2, name="一件事一次办", light=Light.GREEN)
    p4 = project(branch=b3, name="循环产业园用地", light=Light.RED)
    project(branch=b3, name="前期手续", light=Light.GREEN, status=ProjectStatus.COMPLETED)

    this_week = week_of(today())
    last_week = this_week.previous()
    weekly(branch=b1, week=this_week, status=WeeklyReportStatus.SUBMITTED)
    weekly(branch=b2, week=this_week, status=WeeklyReportStatus.REVIEWED)
    weekly(branch=b3, week=this_week, status=WeeklyReportStatus.DRAFT)
    weekly(branch=b1, week=last_week, status=WeeklyReportStatus.SUBMITTED)

    i1 = instruction(project=p1, title="三日内完成剩余12户评估", unit=dep, issued=-15, deadline=-5)
    i2 = instruction(project=p4, title="协调供电迁改", unit=town, issued=-10, deadline=-1,
                     status=InstructionStatus.ACKNOWLEDGED)
    i3 = instruction(project=p3, title="梳理审批事项清单", unit=dep, issued=-12, deadline=-3,
                     status=InstructionStatus.VERIFIED, done=-4)
    i4 = instruction(project=p2, title="安置房选址报告", unit=town, issued=-1, deadline=5)

    closed, resolved = ProblemStatus.CLOSED, ProblemStatus.RESOLVED
    P1 = problem(branch=b1, title="企业用电接入慢", created=-10, resolved=-8, status=closed, whistle=True,
                 satisfaction=Satisfaction.BASICALLY, unit=dep, accept_due=-9, accepted=-9, verified=-7)
    P2 = problem(branch=b1, title="征迁补偿标准分歧", created=-20, resolved=-16, status=resolved,
                 unit=town, accept_due=-19, accepted=-18)
    P3 = problem(branch=b2, title="审批材料重复提交", created=-30, resolved=-24, status=closed, whistle=True,
                 satisfaction=Satisfaction.SATISFIED, unit=dep, accept_due=-29, accepted=-29, verified=-23)
    P4 = problem(branch=b3, title="用地指标不足", created=-40, resolved=-29, status=closed, whistle=True,
                 satisfaction=Satisfaction.DISSATISFIED, unit=town, accept_due=-39, accepted=-39, verified=-28)
    P5 = problem(branch=b2, title="施工许可卡在消防审查", created=-5, status=ProblemStatus.ANALYSED, whistle=True,
                 unit=dep, accept_due=-2, deadline=-1)
    P6 = problem(branch=b3, title="党员突击队人手不足", created=-3, status=ProblemStatus.REPORTED,
                 source=ProblemSource.MEMBER)
    ProblemAssignment.objects.create(problem=P1, unit=town, due_on=day(-8), status=AssignmentStatus.ANSWERED,
                                     answer="已配合完成", answered_at=at(-7))

    consultation = ConsultationFactory(branch=b2, lead_unit=dep, topic="审批流程再造会商", held_on=day(-20),
                                               status=ConsultationStatus.HELD)
    r1 = ResolutionFactory(consultation=consultation, content="孤山镇提供场地保障", owner_unit=town,
                                   deadline=day(-10), status=ResolutionStatus.VERIFIED, done_at=at(-12))
    r2 = ResolutionFactory(consultation=consultation, content="党委牵头协调资金", owner_unit=committee,
                                   deadline=day(-2), status=ResolutionStatus.SIGNED_OFF)

    # City B: all of it out of city A's reach.
    bb = branch(committee=o["committee_b"], name="泰兴市项目服务攻坚支部", field=relocation, batch=1)
    pb = project(branch=bb, name="泰兴港区项目", light=Light.RED)
    instruction(project=pb, title="泰兴督办事项", unit=o["committee_b"], issued=-10, deadline=-3)
    problem(branch=bb, title="泰兴企业吹哨", created=-6, resolved=-1, status=closed, whistle=True,
            satisfaction=Satisfaction.DISSATISFIED, unit=o["committee_b"], accept_due=-5, accepted=-2, verified=-1)
    weekly(branch=bb, week=this_week, status=WeeklyReportStatus.SUBMITTED)

    return SimpleNamespace(
        o=o, leader=leader, staff=staff, leader_b=leader_b, secretary=secretary, chief=chief, member=member,
        liaison=liaison, nobody=nobody, relocation=relocation, business=business,
        b1=b1, b2=b2, b3=b3, bb=bb, p1=p1, p2=p2, p3=p3, p4=p4, pb=pb,
        i1=i1, i2=i2, i3=i3, i4=i4, P1=P1, P2=P2, P3=P3, P4=P4, P5=P5, P6=P6, r1=r1, r2=r2,
        this_week=this_week, last_week=last_week,
    )
