"""The admin pages of every projects model: non-superusers see only what the selectors give them."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from branches.roles import Role
from projects.models import Indicator, IndicatorReading, Milestone, Project, ProjectUserObjectPermission
from projects.services import indicator_record_reading, project_assign_dispatch_chief

pytestmark = pytest.mark.django_db

MODELS = [Project, Indicator, IndicatorReading, Milestone, ProjectUserObjectPermission]


@pytest.fixture
def admin_staff(world):
    """City A's staff member with access to the admin and the model-level view permissions."""
    user = world.staff
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="projects", codename__startswith="view_")
    )
    return user


def _changelist(user, model):
    client = Client()
    client.force_login(user)
    url = reverse(f"admin:projects_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200, (model, response.status_code)
    return response.context["cl"].queryset


def test_every_model_has_an_admin_page_filtered_by_visibility(world, admin_staff, admin_user):
    indicator_record_reading(indicator=world.indicator, value=1, by=world.staff)
    indicator_record_reading(indicator=world.b_indicator, value=1, by=world.staff_b)
    project_assign_dispatch_chief(project=world.b_project, user=world.staff_b, by=world.staff_b)
    expected_for_staff = {
        Project: {world.project, world.other_project},
        Indicator: {world.indicator},
        IndicatorReading: set(IndicatorReading.objects.filter(indicator=world.indicator)),
        Milestone: {world.milestone},
        ProjectUserObjectPermission: set(ProjectUserObjectPermission.objects.filter(content_object=world.project)),
    }
    for model in MODELS:
        assert set(_changelist(admin_staff, model)) == expected_for_staff[model], model
        everything = set(model.objects.all())
        assert set(_changelist(admin_user, model)) == everything, model
        assert len(everything) > len(expected_for_staff[model])  # the filter really removed something


def test_another_citys_project_is_not_found_in_the_admin(world, admin_staff):
    client = Client()
    client.force_login(admin_staff)
    response = client.get(reverse("admin:projects_project_change", args=[world.b_project.pk]))
    # Outside get_queryset the change page is a 404, as on the site (core.admin.OutOfReachIs404).
    assert response.status_code == 404
    assert client.get(reverse("admin:projects_project_change", args=[world.project.pk])).status_code == 200


def test_readings_and_grants_are_read_only_in_the_admin(admin_user):
    client = Client()
    client.force_login(admin_user)
    for model in (IndicatorReading, ProjectUserObjectPermission):
        assert client.get(reverse(f"admin:projects_{model._meta.model_name}_add")).status_code == 403


def test_the_security_administrator_reads_every_project_grant_in_the_admin(world, make_user):
    """Like the branch grants: the security administrator keeps the roles and reads the object
    grants (branches.roles.ADMINISTRATION_PERMISSIONS); the list was empty to them before."""
    security = make_user(role=Role.SECURITY_ADMIN, username="secadmin", is_staff=True)
    chief_b = make_user(organization=world.committee_b, username="chief_b")
    project_assign_dispatch_chief(project=world.b_project, user=chief_b, by=world.staff_b)
    client = Client()
    client.force_login(security)

    response = client.get(reverse("admin:projects_projectuserobjectpermission_changelist"))

    assert response.status_code == 200
    assert set(response.context["cl"].queryset) == set(ProjectUserObjectPermission.objects.all())
    assert ProjectUserObjectPermission.objects.filter(content_object=world.b_project).exists()
