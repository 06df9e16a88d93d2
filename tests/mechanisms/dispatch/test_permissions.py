"""Who may open which dispatch and consultation page: anonymous → login, wrong role → 404,
other branch → 404, other city → 404, a unit liaison only their unit's items, holders → 200,
leaders read but every write is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from mechanisms.dispatch import services as dispatch_services
from mechanisms.models import Dispatch, InstructionStatus, ResolutionStatus
from tests.mechanisms.dispatch_world import (
    build_world,
    make_consultation,
    make_instruction,
    make_resolution,
    today,
)
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix


def build(org_tree, make_user):
    w = build_world(org_tree, make_user)
    w.dispatch = dispatch_services.dispatch_create(project=w.project, by=w.chief, held_on=today(), record=True)
    w.draft = dispatch_services.dispatch_create(project=w.project, by=w.chief, held_on=today())
    w.instruction = make_instruction(project=w.project, by=w.chief, unit=w.town_a, dispatch=w.dispatch,
                                     title="落实安置房源")
    w.done = make_instruction(project=w.project, by=w.chief, unit=w.town_a, status=InstructionStatus.DONE,
                              title="完成入户评估")
    w.other_instruction = make_instruction(project=w.other_project, by=w.other_chief, unit=w.town_a,
                                           title="别的支部的事项")
    w.consultation = make_consultation(branch=w.branch, by=w.secretary, units=[w.town_a, w.department_a],
                                       project=w.project, topic="过江通道用地协调会")
    w.planned = make_consultation(branch=w.branch, by=w.secretary, units=[w.town_a], status="planned")
    w.resolution = make_resolution(consultation=w.consultation, unit=w.town_a, content="孤山镇负责剩余签约")
    w.dept_resolution = make_resolution(consultation=w.consultation, unit=w.department_a, content="审批局开通绿色通道")
    return w


world_once, world = shared_world(build)  # built once per module: tests/shared_world.py


def matrix(w, url, expectations, method="get", data=None):
    assert_status_matrix(Client, url, {(getattr(w, k) if k else None): v for k, v in expectations.items()},
                         method=method, data=data)


EVERYONE_READS = {"staff": 200, "leader": 200, "chief": 200, "secretary": 200}
OUTSIDERS_404 = {"member": 404, "other_chief": 404, "staff_b": 404, "b_liaison": 404, "b_chief": 404}


# ---------------------------------------------------------------- landing pages
def test_cockpit(world):
    matrix(world, reverse("mechanisms:cockpit"), {
        None: 302, "chief": 200, "other_chief": 200, "member": 404, "leader": 404, "staff": 404,
        "liaison": 404, "secretary": 404,
    })


def test_liaison_home(world):
    matrix(world, reverse("mechanisms:liaison_home"), {
        None: 302, "liaison": 200, "b_liaison": 200, "chief": 404, "staff": 404, "leader": 404, "member": 404,
        "secretary": 404,
    })


# ---------------------------------------------------------------- dispatch sessions
def test_dispatch_detail(world):
    url = reverse("mechanisms:dispatch_detail", args=[world.dispatch.pk])
    matrix(world, url, {None: 302, **EVERYONE_READS, **OUTSIDERS_404, "liaison": 404})


@pytest.mark.parametrize("name", ["dispatch_create", "instruction_create"])
def test_write_pages_of_a_project(world, name):
    url = reverse(f"mechanisms:{name}", kwargs={"project_pk": world.project.pk})
    matrix(world, url, {
        None: 302, "chief": 200, "staff": 200, "leader": 404, "secretary": 404, "liaison": 404, **OUTSIDERS_404,
    })


def test_write_pages_of_a_session(world):
    for url in (
        reverse("mechanisms:instruction_create", kwargs={"dispatch_pk": world.dispatch.pk}),
        reverse("mechanisms:dispatch_edit", args=[world.draft.pk]),
    ):
        matrix(world, url, {
            None: 302, "chief": 200, "staff": 200, "leader": 404, "secretary": 404, "liaison": 404, **OUTSIDERS_404,
        })
    # A recorded session is no longer edited by anyone.
    matrix(world, reverse("mechanisms:dispatch_edit", args=[world.dispatch.pk]), {"chief": 404, "staff": 404})


def test_record_a_draft(world):
    url = reverse("mechanisms:dispatch_record", args=[world.draft.pk])
    matrix(world, url, {None: 302, "leader": 404, "secretary": 404, "liaison": 404, **OUTSIDERS_404}, method="post")
    assert Dispatch.objects.get(pk=world.draft.pk).status == "draft"
    matrix(world, url, {"chief": 302}, method="post")
    assert Dispatch.objects.get(pk=world.draft.pk).status == "recorded"


# ---------------------------------------------------------------- instructions
def test_instruction_detail(world):
    url = reverse("mechanisms:instruction_detail", args=[world.instruction.pk])
    matrix(world, url, {None: 302, **EVERYONE_READS, **OUTSIDERS_404, "liaison": 200, "dept_liaison": 404})


def test_acknowledge_only_by_the_assignee(world):
    url = reverse("mechanisms:instruction_acknowledge", args=[world.instruction.pk])
    matrix(world, url, {
        None: 302, "chief": 404, "staff": 404, "leader": 404, "secretary": 404, "dept_liaison": 404, **OUTSIDERS_404,
    }, method="post")
    world.instruction.refresh_from_db()
    assert world.instruction.status == InstructionStatus.ISSUED
    matrix(world, url, {"liaison": 302}, method="post")
    world.instruction.refresh_from_db()
    assert world.instruction.status == InstructionStatus.ACKNOWLEDGED


def test_report_done_only_by_the_assignee(world):
    world.instruction.status = InstructionStatus.ACKNOWLEDGED
    world.instruction.save()
    url = reverse("mechanisms:instruction_done", args=[world.instruction.pk])
    matrix(world, url, {"chief": 404, "leader": 404, "dept_liaison": 404, **OUTSIDERS_404}, method="post",
           data={"result": "完成"})
    matrix(world, url, {"liaison": 302}, method="post", data={"result": "完成"})
    world.instruction.refresh_from_db()
    assert world.instruction.status == InstructionStatus.DONE


@pytest.mark.parametrize("name, data, final", [
    ("instruction_verify", {}, InstructionStatus.VERIFIED),
    ("instruction_return", {"reason": "材料不全"}, InstructionStatus.RETURNED),
])
def test_verify_and_return_only_by_the_chief_or_staff(world, name, data, final):
    url = reverse(f"mechanisms:{name}", args=[world.done.pk])
    matrix(world, url, {None: 302, "liaison": 404, "leader": 404, "secretary": 404, **OUTSIDERS_404},
           method="post", data=data)
    world.done.refresh_from_db()
    assert world.done.status == InstructionStatus.DONE
    matrix(world, url, {"chief": 302}, method="post", data=data)
    world.done.refresh_from_db()
    assert world.done.status == final


def test_a_liaison_lists_only_their_units_instructions(world, client):
    client.force_login(world.liaison)
    body = client.get(reverse("mechanisms:instruction_list")).content.decode()
    assert "落实安置房源" in body and "别的支部的事项" in body  # both assigned to 孤山镇
    client.force_login(world.dept_liaison)
    body = client.get(reverse("mechanisms:instruction_list")).content.decode()
    assert "落实安置房源" not in body and "别的支部的事项" not in body
    client.force_login(world.other_chief)
    body = client.get(reverse("mechanisms:instruction_list")).content.decode()
    assert "别的支部的事项" in body and "落实安置房源" not in body
    client.force_login(world.staff_b)
    body = client.get(reverse("mechanisms:instruction_list")).content.decode()
    assert "落实安置房源" not in body and "别的支部的事项" not in body


@pytest.mark.parametrize("name", ["dispatch_list", "instruction_list", "consultation_list"])
def test_lists_and_exports_need_a_login(world, name):
    url = reverse(f"mechanisms:{name}")
    matrix(world, url, {None: 302, "member": 200, "liaison": 200, "leader": 200, "staff_b": 200})
    matrix(world, f"{url}?export=xlsx", {None: 302, "leader": 200})


def test_exports_hold_only_what_the_user_sees(world, client):
    from io import BytesIO

    from openpyxl import load_workbook

    def cells(user, name):
        client.force_login(user)
        response = client.get(reverse(f"mechanisms:{name}"), {"export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(response.content)).active
        return {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}

    assert "落实安置房源" in cells(world.staff, "instruction_list")
    assert "落实安置房源" not in cells(world.staff_b, "instruction_list")
    assert "过江通道征迁" in cells(world.leader, "dispatch_list")
    assert "过江通道征迁" not in cells(world.other_chief, "dispatch_list")
    assert "过江通道用地协调会" in cells(world.secretary, "consultation_list")
    assert "过江通道用地协调会" not in cells(world.staff_b, "consultation_list")


# ---------------------------------------------------------------- consultations
def test_consultation_detail(world):
    url = reverse("mechanisms:consultation_detail", args=[world.consultation.pk])
    matrix(world, url, {None: 302, **EVERYONE_READS, **OUTSIDERS_404, "liaison": 200, "dept_liaison": 200})


def test_a_liaison_sees_only_their_units_resolutions(world, client):
    client.force_login(world.liaison)
    body = client.get(reverse("mechanisms:consultation_detail", args=[world.consultation.pk])).content.decode()
    assert "孤山镇负责剩余签约" in body and "审批局开通绿色通道" not in body
    # A planned consultation with nothing for the unit stays hidden.
    assert client.get(reverse("mechanisms:consultation_detail", args=[world.planned.pk])).status_code == 404
    client.force_login(world.secretary)
    body = client.get(reverse("mechanisms:consultation_detail", args=[world.consultation.pk])).content.decode()
    assert "孤山镇负责剩余签约" in body and "审批局开通绿色通道" in body


def test_convene(world):
    url = reverse("mechanisms:consultation_create")
    matrix(world, url, {
        None: 302, "secretary": 200, "staff": 200, "chief": 200, "leader": 404, "liaison": 404, "member": 404,
    })
    # A branch outside the user's reach named in the address: 404, not someone else's form.
    matrix(world, f"{url}?branch={world.branch.pk}", {"staff_b": 404, "other_chief": 404, "secretary": 200})
    matrix(world, f"{url}?project={world.project.pk}", {"staff_b": 404, "chief": 200})


def test_hold_close_and_add_resolutions(world):
    hold = reverse("mechanisms:consultation_hold", args=[world.planned.pk])
    matrix(world, hold, {None: 302, "leader": 404, "liaison": 404, **OUTSIDERS_404}, method="post",
           data={"held_on": today().isoformat(), "minutes": "纪要"})
    world.planned.refresh_from_db()
    assert world.planned.status == "planned"
    close = reverse("mechanisms:consultation_close", args=[world.consultation.pk])
    matrix(world, close, {None: 302, "leader": 404, "liaison": 404, **OUTSIDERS_404}, method="post")
    add = reverse("mechanisms:resolution_create", args=[world.consultation.pk])
    matrix(world, add, {None: 302, "secretary": 200, "staff": 200, "chief": 200, "leader": 404, "liaison": 404,
                        **OUTSIDERS_404})


def test_sign_off_only_for_the_owner_unit(world):
    url = reverse("mechanisms:resolution_sign_off", args=[world.resolution.pk])
    matrix(world, url, {None: 302, "secretary": 404, "chief": 404, "leader": 404, "dept_liaison": 404,
                        **OUTSIDERS_404}, method="post")
    world.resolution.refresh_from_db()
    assert world.resolution.status == ResolutionStatus.AWAITING_SIGNOFF
    matrix(world, url, {"liaison": 302}, method="post")
    world.resolution.refresh_from_db()
    assert world.resolution.status == ResolutionStatus.SIGNED_OFF
    done = reverse("mechanisms:resolution_done", args=[world.resolution.pk])
    matrix(world, done, {None: 302, "secretary": 404, "leader": 404, "dept_liaison": 404, **OUTSIDERS_404},
           method="post", data={"result": "完成"})
    matrix(world, done, {"liaison": 302}, method="post", data={"result": "完成"})
    world.resolution.refresh_from_db()
    assert world.resolution.status == ResolutionStatus.DONE


@pytest.mark.parametrize("name, data", [("resolution_verify", {}), ("resolution_return", {"reason": "不合格"})])
def test_verify_and_return_resolutions_only_by_conveners(world, name, data):
    world.resolution.status = ResolutionStatus.DONE
    world.resolution.save()
    url = reverse(f"mechanisms:{name}", args=[world.resolution.pk])
    matrix(world, url, {None: 302, "liaison": 404, "leader": 404, "dept_liaison": 404, **OUTSIDERS_404},
           method="post", data=data)
    world.resolution.refresh_from_db()
    assert world.resolution.status == ResolutionStatus.DONE
    matrix(world, url, {"secretary": 302}, method="post", data=data)
    world.resolution.refresh_from_db()
    assert world.resolution.status != ResolutionStatus.DONE


# ---------------------------------------------------------------- admin
@pytest.mark.parametrize("model, visible, hidden", [
    ("instruction", "落实安置房源", "别的支部的事项"),
    ("dispatch", "过江通道征迁", "循环产业链用地租赁"),
    ("consultation", "过江通道用地协调会", None),
    ("resolution", "孤山镇负责剩余签约", None),
])
def test_admin_lists_only_what_the_user_sees(world, client, model, visible, hidden):
    from django.contrib.auth.models import Permission

    from mechanisms.models import Dispatch as D

    D.objects.create(project=world.other_project, branch=world.other_branch, held_on=today())
    for user in (world.chief, world.staff_b):
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename=f"view_{model}", content_type__app_label="mechanisms"))
    client.force_login(world.chief)
    body = client.get(reverse(f"admin:mechanisms_{model}_changelist")).content.decode()
    assert visible in body
    if hidden:
        assert hidden not in body
    client.force_login(world.staff_b)
    body = client.get(reverse(f"admin:mechanisms_{model}_changelist")).content.decode()
    assert visible not in body
