from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from branches.roles import Role
from tests.shared_world import shared_world

from .factories import appoint_secretary, make_branch, make_indicator, make_milestone, make_project


@pytest.fixture
def role_groups(db):
    # The role groups come from a data migration; a transactional (browser) test run earlier
    # on a reused test database empties them.
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def build_world(org_tree, make_user):
    """City A with two branches (the project's and another), city B with one; a user for each
    role that matters to the projects pages.

    - ``project``: in ``branch`` (city A), 调度长 ``chief``, one indicator, one milestone;
    - ``secretary`` holds ``branch``; ``other_secretary`` holds ``other_branch`` (city A);
    - ``staff``/``leader`` sit at city A; ``staff_b`` at city B; ``b_project`` is in city B.
    """
    for role in Role.values:  # the role groups (see role_groups)
        Group.objects.get_or_create(name=role)
    t = org_tree
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="staff", full_name="陈明")
    leader = make_user(role=Role.LEADER, organization=t["city_a"], username="leader", full_name="王瑾")
    staff_b = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_b"], username="staff_b")
    chief = make_user(organization=t["committee_a"], username="chief", full_name="刘建国")
    other_chief = make_user(organization=t["committee_a"], username="chief2", full_name="赵强")
    secretary = make_user(organization=t["town_a"], username="secretary", full_name="张卫东")
    other_secretary = make_user(organization=t["town_a"], username="secretary2", full_name="孙丽")
    member = make_user(role=Role.MEMBER, organization=t["town_a"], username="member")
    liaison = make_user(role=Role.UNIT_LIAISON, organization=t["department_a"], username="liaison")

    branch = make_branch(committee=t["committee_a"], by=staff, name="澄靖第二过江通道征迁攻坚支部")
    other_branch = make_branch(committee=t["committee_a"], by=staff, name="孤山镇循环产业链项目攻坚支部")
    b_branch = make_branch(committee=t["committee_b"], by=staff_b, name="泰兴营商环境攻坚支部")
    appoint_secretary(branch=branch, user=secretary, by=staff, unit=t["town_a"])
    appoint_secretary(branch=other_branch, user=other_secretary, by=staff, unit=t["town_a"])

    project = make_project(branch=branch, by=staff, name="过江通道征迁", dispatch_chief=chief)
    indicator = make_indicator(project=project, by=staff, name="搬迁户数", target="225")
    milestone = make_milestone(project=project, by=staff, name="完成入户评估", due=5)
    other_project = make_project(branch=other_branch, by=staff, name="循环产业链用地租赁")
    b_project = make_project(branch=b_branch, by=staff_b, name="泰兴项目")
    b_indicator = make_indicator(project=b_project, by=staff_b, name="签约企业")
    b_milestone = make_milestone(project=b_project, by=staff_b, name="泰兴节点")
    for user in (chief, secretary, other_secretary):
        user.refresh_from_db()
    return SimpleNamespace(
        **t,
        staff=staff, leader=leader, staff_b=staff_b, chief=chief, other_chief=other_chief,
        secretary=secretary, other_secretary=other_secretary, member=member, liaison=liaison,
        branch=branch, other_branch=other_branch, b_branch=b_branch,
        project=project, indicator=indicator, milestone=milestone, other_project=other_project,
        b_project=b_project, b_indicator=b_indicator, b_milestone=b_milestone,
    )


# Built once per test module (tests/shared_world.py), in English: the pages are read in English
# and the history reasons the services write in the world are in the active language.
world_once, world = shared_world(build_world, language="en")
