"""The role groups exist after migrate; guardian grants object permissions branch by branch."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from branches.models import Branch, BranchScope, Front, WorkField
from branches.roles import ADMINISTRATION_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_after_migrate():
    assert set(Role.values) == {
        "department_staff", "leader", "dispatch_chief", "secretary", "member", "unit_liaison",
        "system_admin", "security_admin", "auditor",
    }
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)


@pytest.mark.django_db(transaction=True)
def test_the_administration_groups_hold_their_permissions_after_a_flush():
    """A flush empties the permission table, which contrib.auth fills again app by app; the
    security administrator's group lost the projects' grant permission (403 on the project
    grants) after any transactional test had flushed before it."""
    call_command("flush", interactive=False, verbosity=0)

    for role, wanted in ADMINISTRATION_PERMISSIONS.items():
        held = Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
        assert {f"{app}.{codename}" for app, codename in held} == set(wanted), role


def test_make_user_puts_the_user_in_the_role_group(make_user):
    user = make_user(role=[Role.SECRETARY, Role.MEMBER])

    assert set(user.groups.values_list("name", flat=True)) == {"secretary", "member"}


def _branch(org_tree, name):
    field, _ = WorkField.objects.get_or_create(name="动迁", defaults={"front": Front.MAJOR_PROJECT})
    return Branch.objects.create(
        name=name,
        front=Front.MAJOR_PROJECT,
        field=field,
        scope=BranchScope.CROSS_DOMAIN,
        supervising_committee=org_tree["committee_a"],
        lead_unit=org_tree["department_a"],
        goal="28天完成225户征收签约",
    )


def test_guardian_grants_a_permission_on_one_branch_only(org_tree, make_user):
    held = _branch(org_tree, "过江通道项目动迁攻坚支部")
    other = _branch(org_tree, "新材料产业园项目建设攻坚支部")
    secretary = make_user(role=Role.SECRETARY, organization=org_tree["town_a"])

    assign_perm("branches.view_branch", secretary, held)

    # A fresh instance: Django caches permissions on the user object.
    secretary = type(secretary).objects.get(pk=secretary.pk)
    assert secretary.has_perm("branches.view_branch", held)
    assert not secretary.has_perm("branches.view_branch", other)
    assert not secretary.has_perm("branches.view_branch")  # no model-wide permission
    assert not secretary.has_perm("branches.change_branch", held)
    assert list(get_objects_for_user(secretary, "branches.view_branch")) == [held]

    # A grant is removed when the holder is replaced.
    remove_perm("branches.view_branch", secretary, held)
    secretary = type(secretary).objects.get(pk=secretary.pk)
    assert not secretary.has_perm("branches.view_branch", held)


def test_object_permission_backend_is_configured(settings):
    assert "guardian.backends.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS
    # Axes first, so a locked-out user is refused before any password is checked.
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
