"""Who may open which projects page: anonymous → login, outside reach → 404, holder → 200.

Three kinds of page: reading (visible_projects), recording figures (editable_projects: staff,
the branch secretary, the 调度长) and steering (manageable_projects: department staff). Leaders
read everything in their jurisdiction and get a 404 on every write page.
"""

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import MembershipRole, Person
from branches.services import membership_appoint
from projects.models import Milestone, Project, ProjectStatus

from ..utils import assert_status_matrix
from .factories import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_member(world):
    """An ordinary member of the project's branch (sees it, records nothing)."""
    person = Person.objects.create(name="李娟", gender="female", work_unit=world.town_a, user=world.member)
    membership_appoint(branch=world.branch, person=person, role=MembershipRole.MEMBER, by=world.staff)
    return world.member


def _everyone(world, branch_member):
    return {
        "anonymous": None,
        "staff": world.staff,
        "leader": world.leader,
        "secretary": world.secretary,
        "chief": world.chief,
        "member": branch_member,
        "other_secretary": world.other_secretary,  # another branch of the same city
        "staff_b": world.staff_b,  # another city
        "liaison": world.liaison,  # a role that holds nothing here
    }


READ = {"anonymous": 302, "staff": 200, "leader": 200, "secretary": 200, "chief": 200, "member": 200,
        "other_secretary": 404, "staff_b": 404, "liaison": 404}
RECORD = {"anonymous": 302, "staff": 200, "leader": 404, "secretary": 200, "chief": 200, "member": 404,
          "other_secretary": 404, "staff_b": 404, "liaison": 404}
MANAGE = {"anonymous": 302, "staff": 200, "leader": 404, "secretary": 404, "chief": 404, "member": 404,
          "other_secretary": 404, "staff_b": 404, "liaison": 404}


def _matrix(world, branch_member, expected: dict) -> dict:
    users = _everyone(world, branch_member)
    return {users[name]: status for name, status in expected.items()}


def test_project_detail(world, branch_member):
    url = reverse("projects:project_detail", args=[world.project.pk])
    assert_status_matrix(Client, url, _matrix(world, branch_member, READ))


def test_another_citys_project_is_a_404_for_city_a(world, branch_member):
    url = reverse("projects:project_detail", args=[world.b_project.pk])
    assert_status_matrix(Client, url, {world.staff: 404, world.leader: 404, world.chief: 404, world.staff_b: 200})


@pytest.mark.parametrize("name", ["projects:project_edit", "projects:dispatch_chief_assign",
                                  "projects:indicator_create", "projects:milestone_create"])
def test_steering_pages_get(world, branch_member, name):
    url = reverse(name, args=[world.project.pk])
    assert_status_matrix(Client, url, _matrix(world, branch_member, MANAGE))


@pytest.mark.parametrize("name", ["projects:project_edit", "projects:dispatch_chief_assign",
                                  "projects:indicator_create", "projects:milestone_create",
                                  "projects:project_transition"])
def test_steering_pages_post_refused_for_all_but_staff(world, branch_member, name):
    url = reverse(name, args=[world.project.pk])
    refused = {u: s for u, s in _matrix(world, branch_member, MANAGE).items() if s != 200}
    data = {"to": ProjectStatus.IN_PROGRESS, "name": "越权", "dispatch_chief": world.leader.pk,
            "unit": "个", "baseline": "0", "target": "1", "weight": "1", "due_on": days(3).isoformat()}
    assert_status_matrix(Client, url, refused, method="post", data=data)
    project = Project.objects.get(pk=world.project.pk)
    assert project.status == ProjectStatus.PLANNED
    assert project.dispatch_chief == world.chief
    assert not project.indicators.filter(name="越权").exists()
    assert not project.milestones.filter(name="越权").exists()


def test_transition_by_staff(world):
    url = reverse("projects:project_transition", args=[world.project.pk])
    assert_status_matrix(Client, url, {world.staff: 302}, method="post", data={"to": ProjectStatus.IN_PROGRESS})
    assert Project.objects.get(pk=world.project.pk).status == ProjectStatus.IN_PROGRESS
    # GET is not a way to change anything.
    assert_status_matrix(Client, url, {world.staff: 405})


def test_another_citys_staff_cannot_steer_or_record(world):
    for name, pk in [("projects:project_edit", world.project.pk), ("projects:reading_create", world.indicator.pk)]:
        assert_status_matrix(Client, reverse(name, args=[pk]), {world.staff_b: 404, world.staff: 200})
    assert_status_matrix(Client, reverse("projects:project_edit", args=[world.b_project.pk]), {world.staff: 404})


def test_reading_create(world, branch_member):
    url = reverse("projects:reading_create", args=[world.indicator.pk])
    assert_status_matrix(Client, url, _matrix(world, branch_member, RECORD))
    refused = {u: s for u, s in _matrix(world, branch_member, RECORD).items() if s != 200}
    assert_status_matrix(Client, url, refused, method="post", data={"value": "9", "recorded_on": days(0).isoformat()})
    assert not world.indicator.readings.exists()


def test_milestone_done(world, branch_member):
    url = reverse("projects:milestone_done", args=[world.milestone.pk])
    refused = {u: s for u, s in _matrix(world, branch_member, RECORD).items() if s != 200}
    assert_status_matrix(Client, url, refused, method="post")
    assert Milestone.objects.get(pk=world.milestone.pk).done_on is None
    assert_status_matrix(Client, url, {world.secretary: 302}, method="post")
    assert Milestone.objects.get(pk=world.milestone.pk).done_on is not None
    # Another city's milestone is out of reach even for city A's staff.
    other = reverse("projects:milestone_done", args=[world.b_milestone.pk])
    assert_status_matrix(Client, other, {world.staff: 404, world.chief: 404}, method="post")


def test_project_create(world, branch_member):
    url = reverse("projects:project_create")
    expected = {**MANAGE, "staff_b": 200}  # city B's staff creates projects in city B
    assert_status_matrix(Client, url, _matrix(world, branch_member, expected))


def test_list_and_export_show_only_what_each_user_sees(world, branch_member):
    expected_names = {
        world.staff: {"过江通道征迁", "循环产业链用地租赁"},
        world.leader: {"过江通道征迁", "循环产业链用地租赁"},
        world.secretary: {"过江通道征迁"},
        world.chief: {"过江通道征迁"},
        branch_member: {"过江通道征迁"},
        world.other_secretary: {"循环产业链用地租赁"},
        world.staff_b: {"泰兴项目"},
        world.liaison: set(),
    }
    assert_status_matrix(Client, reverse("projects:project_list"), {None: 302})
    assert_status_matrix(Client, reverse("projects:project_export"), {None: 302})
    for user, names in expected_names.items():
        client = Client()
        client.force_login(user)
        page = client.get(reverse("projects:project_list"))
        assert page.status_code == 200
        assert {p.name for p in page.context["page"].object_list} == names, user
        export = client.get(reverse("projects:project_export"))
        rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(min_row=3, values_only=True))
        assert {r[0] for r in rows} == names, user


def test_create_button_only_for_staff(world):
    for user, shown in [(world.staff, True), (world.leader, False), (world.secretary, False)]:
        client = Client()
        client.force_login(user)
        html = client.get(reverse("projects:project_list")).content.decode()
        assert (reverse("projects:project_create") in html) is shown, user
