"""Phone (and ID) numbers whole only for who manages people — with the person's page audited —
and masked for everyone else in lists, pages and exports."""

import io

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from branches.models import Gender, Person
from branches.roles import Role
from branches.selectors import personal_value
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

PHONE = "13812341234"
MASKED = "138****1234"


@pytest.fixture
def person(org_tree):
    return Person.objects.create(name="李娟", gender=Gender.FEMALE, work_unit=org_tree["town_a"], phone=PHONE)


def _staff(make_user, org_tree):
    return make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])


def _leader(make_user, org_tree):
    return make_user(role=Role.LEADER, organization=org_tree["city_a"])


def test_department_staff_see_the_number_whole_and_the_view_is_audited(client_for, make_user, org_tree, person):
    staff = _staff(make_user, org_tree)
    client = client_for(staff)

    html = client.get(f"/branches/people/{person.pk}/", REMOTE_ADDR="192.0.2.5").content.decode()

    assert PHONE in html
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEW)
    assert (event.actor_id, event.ip_address, event.target_id) == (staff.pk, "192.0.2.5", str(person.pk))
    assert PHONE in client.get("/branches/people/").content.decode()


def test_a_leader_sees_the_number_masked_and_nothing_is_audited(client_for, make_user, org_tree, person):
    client = client_for(_leader(make_user, org_tree))

    html = client.get(f"/branches/people/{person.pk}/").content.decode()

    assert PHONE not in html and MASKED in html
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEW).exists()


@pytest.mark.parametrize(("maker", "shown"), [(_staff, PHONE), (_leader, MASKED)])
def test_the_people_export_masks_for_who_does_not_manage_people(client_for, make_user, org_tree, person, maker, shown):
    client = client_for(maker(make_user, org_tree))

    response = client.get("/branches/people/export/")

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert any(shown in row for row in rows[2:])
    assert not any(PHONE in row for row in rows[2:]) or shown == PHONE


@pytest.mark.parametrize(
    ("role", "whole"),
    [(Role.DEPARTMENT_STAFF, True), (Role.LEADER, False), (Role.DISPATCH_CHIEF, False), (Role.SECRETARY, False),
     (Role.MEMBER, False), (Role.UNIT_LIAISON, False), (Role.SYSTEM_ADMIN, False), (Role.AUDITOR, False)],
)
def test_who_sees_a_number_whole(make_user, org_tree, role, whole):
    user = make_user(role=role, organization=org_tree["city_a"])

    assert personal_value(user, PHONE) == (PHONE if whole else MASKED)
    rendered = Template("{% load personal_data %}{{ phone|personal:user }}").render(Context({"phone": PHONE, "user": user}))
    assert rendered == (PHONE if whole else MASKED)
