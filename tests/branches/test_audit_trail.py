"""The audit trail is the auditor's alone (三员分立), and the three administration roles each do
their own work and nothing else — their own actions audited too."""

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from openpyxl import load_workbook

from branches.roles import ADMINISTRATION_ROLES, PARTY_ROLES, Role
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

AUDIT = "/branches/audit/"
ADDRESS = "198.51.100.7"


@pytest.fixture
def client():
    """These pages are read in Chinese (the branches tests default to English)."""
    return Client(headers={"accept-language": "zh-hans"})


@pytest.fixture
def admins(make_user):
    return {
        "system": make_user(role=Role.SYSTEM_ADMIN, username="sysadmin", is_staff=True),
        "security": make_user(role=Role.SECURITY_ADMIN, username="secadmin", is_staff=True),
        "auditor": make_user(role=Role.AUDITOR, username="auditor"),
    }


def test_the_nine_role_groups_exist_and_the_administration_groups_hold_only_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    system = set(Group.objects.get(name=Role.SYSTEM_ADMIN).permissions.values_list("codename", flat=True))
    security = set(Group.objects.get(name=Role.SECURITY_ADMIN).permissions.values_list("codename", flat=True))
    assert Group.objects.get(name=Role.AUDITOR).permissions.count() == 0
    assert "add_user" in system and "view_group" not in system and "change_group" not in system
    assert "add_user" not in security and "view_group" in security
    # None of them may change Party data.
    for codes in (system, security):
        assert not {c for c in codes if c.startswith(("add_", "change_", "delete_"))} - {"add_user", "change_user"}


# ---------------------------------------------------------------- only the auditor reads
def test_the_auditor_reads_the_trail_and_the_reading_is_audited(client, admins):
    client.force_login(admins["auditor"])

    response = client.get(AUDIT, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html
    assert html.count('data-testid="audit-row"') == AuditEvent.objects.count() - 1  # its own reading comes after
    read = AuditEvent.objects.get(action=AuditAction.AUDIT_READ)
    assert (read.actor_id, read.ip_address) == (admins["auditor"].pk, ADDRESS)


def test_the_auditor_filters_by_event(client, admins):
    client.force_login(admins["auditor"])

    response = client.get(AUDIT, {"action": AuditAction.ACCOUNT_CREATE, "q": "secadmin"})

    assert response.content.decode().count('data-testid="audit-row"') == 1


def test_the_auditor_exports_the_trail_and_the_export_is_audited(client, admins):
    client.force_login(admins["auditor"])

    response = client.get(AUDIT, {"export": "xlsx", "action": AuditAction.ACCOUNT_CREATE}, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("时间", "事件", "用户名")
    names = {row[5] for row in rows[2:]}
    assert names == {"sysadmin", "secadmin", "auditor"}
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (export.actor_id, export.ip_address, export.rows, export.detail["export"]) == (
        admins["auditor"].pk, ADDRESS, 3, "audit_events",
    )


@pytest.mark.parametrize("role", sorted((PARTY_ROLES | ADMINISTRATION_ROLES) - {Role.AUDITOR}))
def test_every_other_role_gets_404_on_the_trail_and_its_export(client, make_user, org_tree, role):
    user = make_user(role=role, organization=org_tree["city_a"], is_staff=role in ADMINISTRATION_ROLES)
    client.force_login(user)

    assert client.get(AUDIT).status_code == 404
    assert client.get(AUDIT, {"export": "xlsx"}).status_code == 404
    assert not AuditEvent.objects.filter(action__in=[AuditAction.AUDIT_READ, AuditAction.EXPORT]).exists()


def test_a_superuser_gets_404_too_and_the_anonymous_the_login(client, make_user):
    client.force_login(make_user(username="root", is_superuser=True, is_staff=True))
    assert client.get(AUDIT).status_code == 404
    client.logout()
    response = client.get(AUDIT)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_the_auditor_has_the_trail_in_the_menu(client, admins, make_user):
    client.force_login(admins["auditor"])
    assert AUDIT in client.get(AUDIT).content.decode()
    client.force_login(make_user(username="root", is_superuser=True, is_staff=True))
    assert f'href="{AUDIT}"' not in client.get("/exports/").content.decode()


# ---------------------------------------------------------------- 三员分立
def test_the_system_administrator_keeps_accounts_but_not_roles(client, admins, org_tree):
    client.force_login(admins["system"])

    assert client.get("/admin/branches/user/add/").status_code == 200
    page = client.get(f"/admin/branches/user/{admins['auditor'].pk}/change/")
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()
    assert 'name="is_active"' in page.content.decode()
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/branches/branchuserobjectpermission/").status_code == 403


def test_the_system_administrator_deactivates_an_account_audited(client, admins, make_user, org_tree):
    target = make_user(username="chenming", organization=org_tree["city_a"])
    client.force_login(admins["system"])

    response = client.post(
        f"/admin/branches/user/{target.pk}/change/",
        {"username": "chenming", "full_name": "陈明", "organization": org_tree["city_a"].pk,
         "date_joined_0": "2026-11-01", "date_joined_1": "08:00:00"},
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert not target.is_active
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_DEACTIVATE)
    assert (event.actor_id, event.ip_address, event.target_id) == (admins["system"].pk, ADDRESS, str(target.pk))


def test_the_security_administrator_gives_roles_audited_but_keeps_no_accounts(client, admins, make_user, org_tree):
    target = make_user(username="chenming", organization=org_tree["city_a"])
    client.force_login(admins["security"])

    assert client.get("/admin/branches/user/add/").status_code == 403
    assert client.get("/admin/branches/branchuserobjectpermission/").status_code == 200
    response = client.post(
        f"/admin/branches/user/{target.pk}/change/",
        {"groups": [Group.objects.get(name=Role.DEPARTMENT_STAFF).pk]},
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(target.groups.values_list("name", flat=True)) == ["department_staff"]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_ADD, target_id=str(target.pk))
    assert (event.actor_id, event.ip_address, event.detail["role"]) == (admins["security"].pk, ADDRESS, "department_staff")
    target.refresh_from_db()
    assert target.is_active and target.full_name == "chenming"


def test_the_security_administrator_cannot_give_themselves_or_anyone_two_powers(client, admins, make_user):
    client.force_login(admins["security"])
    auditor_group = Group.objects.get(name=Role.AUDITOR)

    own = f"/admin/branches/user/{admins['security'].pk}/change/"
    assert 'name="groups"' not in client.get(own).content.decode()
    assert client.post(own, {"groups": [auditor_group.pk]}).status_code == 403
    mixed = client.post(
        f"/admin/branches/user/{admins['system'].pk}/change/",
        {"groups": [auditor_group.pk, Group.objects.get(name=Role.SYSTEM_ADMIN).pk]},
    )
    assert mixed.status_code == 200
    assert "各自单独担任" in mixed.content.decode()
    assert list(admins["system"].groups.values_list("name", flat=True)) == ["system_admin"]


@pytest.mark.parametrize("who", ["system", "security", "auditor"])
def test_no_administrator_touches_party_data(client, admins, who):
    client.force_login(admins[who])

    for url in ("/branches/people/", "/branches/new/", "/branches/people/new/", "/evaluation/priority/"):
        assert client.get(url).status_code in (403, 404), url
    for url in ("/admin/branches/person/", "/admin/branches/branch/", "/admin/projects/project/"):
        assert client.get(url).status_code in (302, 403), url
