"""A small world for the problem-analysis tests (also used by tests/e2e/test_whistle.py).

City A: the 过江通道 branch (secretary, a member, a project with its 调度长), another branch
with its own secretary, two units with a liaison each (the responsible unit and a co-operating
unit) and a liaison of an unrelated unit; department staff and a leader at the city. City B:
a branch, a project and its staff. Records are made through the services, as the pages make
them, so grants are real.
"""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from branches.models import MembershipRole, OrganizationKind
from branches.roles import Role
from mechanisms.models import ProblemCategory, ProblemSource
from mechanisms.problems import services
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory
from tests.projects.factories import appoint_secretary, make_branch, make_project
from tests.shared_world import shared_world

# A Wednesday before the 2026 National Day week (Oct 1–7 off, Sat Oct 10 worked): the seeded
# calendar makes the next working day Thu Oct 8.
EVE_OF_NATIONAL_DAY = datetime.date(2026, 9, 30)


def ensure_seed_data():
    """The rows data migrations wrote: the role groups and the working-day calendar. A browser
    test's flush empties them from a reused test database; both are idempotent."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    importlib.import_module("mechanisms.migrations.0005_seed_work_calendar").seed(apps, None)


def build_world(org_tree, make_user) -> SimpleNamespace:
    ensure_seed_data()
    t = org_tree
    land = OrganizationFactory(name="市自然资源和规划局", kind=OrganizationKind.DEPARTMENT, parent=t["city_a"])
    power = OrganizationFactory(name="国网靖江市供电公司", kind=OrganizationKind.ENTERPRISE, parent=t["city_a"])
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="staff", full_name="陈明")
    leader = make_user(role=Role.LEADER, organization=t["city_a"], username="leader", full_name="王瑾")
    staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_b"], username="staff_b", full_name="周涛")
    chief = make_user(organization=t["committee_a"], username="chief", full_name="刘建国")
    secretary = make_user(organization=t["town_a"], username="secretary", full_name="张卫东")
    other_secretary = make_user(organization=t["town_a"], username="secretary2", full_name="孙丽")
    liaison = make_user(role=Role.UNIT_LIAISON, organization=land, username="liaison", full_name="顾海燕")
    co_liaison = make_user(role=Role.UNIT_LIAISON, organization=power, username="co_liaison", full_name="朱振华")
    other_liaison = make_user(
        role=Role.UNIT_LIAISON, organization=t["department_a"], username="other_liaison", full_name="钱伟"
    )
    member = make_user(role=Role.MEMBER, organization=t["town_a"], username="member", full_name="李娟")

    branch = make_branch(committee=t["committee_a"], by=staff, name="中南高科项目服务攻坚支部")
    other_branch = make_branch(committee=t["committee_a"], by=staff, name="孤山镇循环产业链项目攻坚支部")
    b_branch = make_branch(committee=t["committee_b"], by=staff_b, name="泰兴营商环境攻坚支部")
    appoint_secretary(branch=branch, user=secretary, by=staff, unit=t["town_a"])
    appoint_secretary(branch=other_branch, user=other_secretary, by=staff, unit=t["town_a"])
    member_person = PersonFactory(name="李娟", gender="female", work_unit=t["town_a"], user=member)
    MembershipFactory(branch=branch, person=member_person, role=MembershipRole.MEMBER, by=staff)

    project = make_project(branch=branch, by=staff, name="19个新签约项目入园服务", dispatch_chief=chief)
    other_project = make_project(branch=other_branch, by=staff, name="循环产业链用地租赁")
    b_project = make_project(branch=b_branch, by=staff_b, name="泰兴项目")
    for user in (chief, secretary, other_secretary):
        user.refresh_from_db()
    return SimpleNamespace(
        **t,
        land=land, power=power,
        staff=staff, leader=leader, staff_b=staff_b, chief=chief, secretary=secretary,
        other_secretary=other_secretary, liaison=liaison, co_liaison=co_liaison, other_liaison=other_liaison,
        member=member, member_person=member_person,
        branch=branch, other_branch=other_branch, b_branch=b_branch,
        project=project, other_project=other_project, b_project=b_project,
    )


# Built once per module (tests/shared_world.py); the modules that use it pin English first.
world_once, world = shared_world(build_world, language="en")


@pytest.fixture
def english():
    """Assertions name the English source strings: pin the language so a test still means the
    same once the Chinese catalogue is compiled."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for():
    """client_for(user) → an English-speaking client logged in as ``user`` (None: anonymous)."""

    def make(user=None):
        c = Client(headers={"accept-language": "en"})
        if user is not None:
            c.force_login(user)
        return c

    return make


# ---------------------------------------------------------------- problems in each state
def reported(w, *, by=None, whistle=False, branch=None, project="default", **extra):
    branch = branch or w.branch
    if project == "default":
        project = w.project if branch == w.branch else None
    fields = {
        "title": extra.pop("title", "企业用电增容审批卡在供电方案"),
        "description": extra.pop("description", "中南高科园区新签约企业需要增容至2000千伏安，供电方案两周未出。"),
        "category": extra.pop("category", ProblemCategory.BLOCKAGE),
    }
    if whistle:
        fields.update(
            source=ProblemSource.ENTERPRISE,
            enterprise_name=extra.pop("enterprise_name", "江苏恒达精密机械有限公司"),
            enterprise_contact=extra.pop("enterprise_contact", "吴经理"),
            enterprise_phone=extra.pop("enterprise_phone", "13912345678"),
        )
    fields.update(extra)
    return services.problem_report(by=by or w.secretary, branch=branch, project=project, **fields)


def analysed(w, *, today=EVE_OF_NATIONAL_DAY, co_units="default", deadline=None, **extra):
    problem = reported(w, **extra)
    return services.problem_analyse(
        problem=problem,
        by=w.secretary,
        conclusion="属供电方案审批环节堵点，由自然资源和规划局牵头、供电公司配合限时办结。",
        responsible_unit=w.land,
        co_units=[w.power] if co_units == "default" else co_units,
        deadline=deadline,
        today=today,
    )


def accepted(w, **extra):
    problem = analysed(w, **extra)
    return services.problem_accept(problem=problem, by=w.liaison)


def resolved(w, **extra):
    problem = accepted(w, **extra)
    return services.problem_resolve(problem=problem, by=w.liaison, resolution="供电方案已批复，增容工程已排期。")
