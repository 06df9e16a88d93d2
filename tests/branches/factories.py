"""Builders for the branches tests (and the e2e test): each returns saved rows, made by the
factories of tests/factories.py with the values these tests expect."""

import datetime
import itertools
from types import SimpleNamespace

from branches.models import (
    Branch,
    BranchScope,
    BranchStatus,
    ChainCategory,
    ChainNode,
    ChainStage,
    Front,
    Gender,
    IndustrialChain,
    MembershipRole,
    Person,
    WorkField,
)
from branches.roles import Role
from tests.clock import clock_today
from tests.factories import BranchFactory, MembershipFactory, PersonFactory, ProjectFactory, WorkFieldFactory

_seq = itertools.count(1)


def work_field(name="动迁", front=Front.MAJOR_PROJECT) -> WorkField:
    return WorkFieldFactory(name=name, front=front)


def branch(*, committee, name=None, lead_unit=None, field=None, status=BranchStatus.PROPOSED, **extra) -> Branch:
    """A branch created directly (not through the service) so tests can set any status."""
    field = field or work_field()
    return BranchFactory(
        name=name or f"攻坚支部{next(_seq)}",
        batch=extra.pop("batch", 1),
        front=extra.pop("front", field.front),
        field=field,
        scope=extra.pop("scope", BranchScope.CROSS_DOMAIN),
        supervising_committee=committee,
        lead_unit=lead_unit or committee,
        goal=extra.pop("goal", "28天完成225户征迁"),
        status=status,
        **extra,
    )


def person(*, unit, name=None, user=None, **extra) -> Person:
    return PersonFactory(
        name=name or f"党员{next(_seq)}",
        gender=extra.pop("gender", Gender.MALE),
        work_unit=unit,
        user=user,
        phone=extra.pop("phone", f"1390000{next(_seq):04d}"),
        **extra,
    )


def appoint(*, branch, person, role=MembershipRole.MEMBER, by=None, joined_on=None):
    return MembershipFactory(branch=branch, person=person, role=role, by=by, joined_on=joined_on or clock_today())


def project(*, branch, name=None, **extra):
    """A project row made directly (no projects service needed)."""
    today = clock_today()
    return ProjectFactory(
        branch=branch,
        name=name or f"攻坚项目{next(_seq)}",
        front=branch.front,
        field=branch.field,
        goal="按期完成",
        start_on=extra.pop("start_on", today - datetime.timedelta(days=10)),
        deadline=extra.pop("deadline", today + datetime.timedelta(days=60)),
        lead_unit=branch.lead_unit,
        **extra,
    )


def chain(*, organization, name=None, nodes=("原材料", "船体制造", "船舶配套")) -> IndustrialChain:
    chain = IndustrialChain.objects.create(
        name=name or f"船舶制造产业链{next(_seq)}", category=ChainCategory.LEADING, organization=organization
    )
    stages = [ChainStage.UPSTREAM, ChainStage.MIDSTREAM, ChainStage.DOWNSTREAM]
    for position, node_name in enumerate(nodes, start=1):
        ChainNode.objects.create(chain=chain, name=node_name, stage=stages[min(position - 1, 2)], position=position)
    return chain


def build_world(org_tree, make_user):
    """Two cities, three branches (two in city A), one user per role; secretaries get their
    role and grants from their appointment, as in real life."""
    o = org_tree
    staff_a = make_user(role=Role.DEPARTMENT_STAFF, organization=o["city_a"], username="staff_a", full_name="陈明")
    leader_a = make_user(role=Role.LEADER, organization=o["city_a"], username="leader_a", full_name="王瑾")
    staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=o["city_b"], username="staff_b")
    liaison_a = make_user(role=Role.UNIT_LIAISON, organization=o["department_a"], username="liaison_a")
    stranger = make_user(organization=o["city_a"], username="stranger")

    branch_a = branch(committee=o["committee_a"], name="过江通道项目动迁攻坚支部", lead_unit=o["town_a"])
    branch_a2 = branch(committee=o["committee_a"], name="放管服改革攻坚支部", lead_unit=o["department_a"])
    branch_b = branch(committee=o["committee_b"], name="泰兴市项目服务攻坚支部")

    secretary_a = make_user(organization=o["committee_a"], username="secretary_a", full_name="张卫东")
    secretary_a_person = person(unit=o["committee_a"], name="张卫东", user=secretary_a)
    appoint(branch=branch_a, person=secretary_a_person, role=MembershipRole.SECRETARY, by=staff_a)
    secretary_a2 = make_user(organization=o["department_a"], username="secretary_a2", full_name="赵敏")
    secretary_a2_person = person(unit=o["department_a"], name="赵敏", user=secretary_a2)
    appoint(branch=branch_a2, person=secretary_a2_person, role=MembershipRole.SECRETARY, by=staff_a)

    member_a = make_user(role=Role.MEMBER, organization=o["town_a"], username="member_a", full_name="李娟")
    member_a_person = person(unit=o["town_a"], name="李娟", user=member_a)
    member_a_membership = appoint(branch=branch_a, person=member_a_person, by=staff_a)
    person_b = person(unit=o["committee_b"], name="孙强")

    return SimpleNamespace(
        o=o,
        staff_a=staff_a,
        leader_a=leader_a,
        staff_b=staff_b,
        liaison_a=liaison_a,
        stranger=stranger,
        secretary_a=secretary_a,
        secretary_a_person=secretary_a_person,
        secretary_a2=secretary_a2,
        member_a=member_a,
        member_a_person=member_a_person,
        member_a_membership=member_a_membership,
        person_b=person_b,
        branch_a=branch_a,
        branch_a2=branch_a2,
        branch_b=branch_b,
    )
