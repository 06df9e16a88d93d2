"""Building blocks of the weekly-report, request and report tests (also used by
tests/e2e/test_weekly_report.py).

Branches, secretaries, projects and indicators are made through their services, as the pages
make them, so grants, branch statuses and lights are real.
"""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import Group

from branches.models import Branch, BranchScope, BranchStatus, Front, MembershipRole, Person, WorkField
from branches.roles import Role
from branches.services import branch_create, branch_transition
from projects.models import ProjectStatus
from projects.services import (
    project_assign_dispatch_chief,
    project_create,
    project_transition,
)
from tests.clock import clock_today
from tests.factories import IndicatorFactory, MembershipFactory, PersonFactory, WorkFieldFactory

_seq = itertools.count(1)


def days(n: int) -> datetime.date:
    return clock_today() + datetime.timedelta(days=n)


def work_field() -> WorkField:
    return WorkFieldFactory(name="动迁", front=Front.MAJOR_PROJECT)


def make_project(*, branch, by, name=None, start=-100, deadline=100):
    project = project_create(
        by=by,
        branch=branch,
        name=name or f"攻坚项目{next(_seq)}",
        front=branch.front,
        field=branch.field,
        goal="完成225户搬迁户的征迁工作",
        start_on=days(start),
        deadline=days(deadline),
        lead_unit=branch.lead_unit,
    )
    project_transition(project=project, to=ProjectStatus.IN_PROGRESS, by=by)
    project.refresh_from_db()
    return project


def make_indicator(*, project, by, name=None, target="225", unit="户"):
    return IndicatorFactory(
        project=project, by=by, name=name or f"指标{next(_seq)}", unit=unit, baseline=Decimal(0), target=Decimal(target)
    )


def appoint_secretary(*, branch, user, by, unit):
    person = Person.objects.filter(user=user).first() or PersonFactory(
        name=user.full_name or user.username, gender="male", work_unit=unit, user=user
    )
    MembershipFactory(branch=branch, person=person, role=MembershipRole.SECRETARY, by=by)
    user.refresh_from_db()
    return person


FORMED_DAYS_AGO = 120


def make_active_branch(*, committee, by, secretary, unit, name=None, batch=1, with_project=True):
    """An active branch with ``secretary`` appointed and (by default) one project."""
    field = work_field()
    branch = branch_create(
        by=by,
        name=name or f"攻坚支部{next(_seq)}",
        batch=batch,
        front=field.front,
        field=field,
        scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=committee,
        lead_unit=committee,
        goal="28天完成225户征迁",
    )
    if secretary is not None:
        appoint_secretary(branch=branch, user=secretary, by=by, unit=unit)
    project = make_project(branch=branch, by=by) if with_project else None
    if secretary is not None and project is not None:
        branch = branch_transition(branch=branch, to=BranchStatus.ACTIVE, by=by)
        # A branch at work for a while: it owes the reports of past weeks too (the duty starts
        # with the first full week after activation, mechanisms.weekly.rules).
        Branch.objects.filter(pk=branch.pk).update(formed_on=clock_today() - datetime.timedelta(days=FORMED_DAYS_AGO))
        branch.refresh_from_db()
    return branch, project


def ensure_role_groups():
    """The role groups come from a data migration; a transactional test (threads, the live
    server) flushes them away for the tests after it."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def build_world(org_tree, make_user) -> SimpleNamespace:
    """City A: ``branch`` (secretary ``secretary``, project ``project`` with indicator
    ``indicator``: 0 of 225 户, half its time gone) and ``other_branch`` (``other_secretary``);
    city B: ``b_branch`` (``b_secretary``). Users for every role that matters:

    - ``staff``/``leader`` at city A, ``staff_b`` at city B;
    - ``chief``: the 调度长 of ``project`` (sees the branch, writes nothing here);
    - ``member`` (a serving member of ``branch``, no secretary), ``liaison`` (a unit liaison).
    """
    ensure_role_groups()
    t = org_tree
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="staff", full_name="陈明")
    leader = make_user(role=Role.LEADER, organization=t["city_a"], username="leader", full_name="王瑾")
    staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_b"], username="staff_b", full_name="周泰")
    secretary = make_user(organization=t["town_a"], username="secretary", full_name="张卫东")
    other_secretary = make_user(organization=t["town_a"], username="secretary2", full_name="孙丽")
    b_secretary = make_user(organization=t["committee_b"], username="secretary_b", full_name="钱进")
    member = make_user(role=Role.MEMBER, organization=t["town_a"], username="member", full_name="李党员")
    liaison = make_user(role=Role.UNIT_LIAISON, organization=t["department_a"], username="liaison", full_name="吴联络")
    chief = make_user(organization=t["committee_a"], username="chief", full_name="刘建国")

    branch, project = make_active_branch(
        committee=t["committee_a"], by=staff, secretary=secretary, unit=t["town_a"], name="澄靖第二过江通道征迁攻坚支部"
    )
    indicator = make_indicator(project=project, by=staff, name="搬迁户数", target="225")
    other_branch, _ = make_active_branch(
        committee=t["committee_a"], by=staff, secretary=other_secretary, unit=t["town_a"],
        name="孤山镇循环产业链项目攻坚支部", batch=2,
    )
    b_branch, _ = make_active_branch(
        committee=t["committee_b"], by=staff_b, secretary=b_secretary, unit=t["committee_b"], name="泰兴营商环境攻坚支部"
    )
    member_person = PersonFactory(name="李党员", gender="female", work_unit=t["town_a"], user=member)
    MembershipFactory(branch=branch, person=member_person, role=MembershipRole.MEMBER, by=staff)
    project_assign_dispatch_chief(project=project, user=chief, by=staff)
    for user in (secretary, other_secretary, b_secretary, chief):
        user.refresh_from_db()
    project.refresh_from_db()
    branch.refresh_from_db()
    return SimpleNamespace(
        **t,
        staff=staff, leader=leader, staff_b=staff_b, secretary=secretary, other_secretary=other_secretary,
        b_secretary=b_secretary, member=member, liaison=liaison, chief=chief,
        branch=branch, other_branch=other_branch, b_branch=b_branch, project=project, indicator=indicator,
    )
