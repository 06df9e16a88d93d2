"""Admin pages: every model has one, and a non-superuser sees only their jurisdiction there."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from branches import models
from branches.models import User

from . import factories as f

pytestmark = pytest.mark.django_db
MODELS = [
    models.Organization,
    models.User,
    models.Person,
    models.WorkField,
    models.Branch,
    models.Membership,
    models.Activity,
    models.ActivityAttachment,
    models.IndustrialChain,
    models.ChainNode,
    models.ChainMember,
    models.WeakLink,
    models.BranchUserObjectPermission,
]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_model_of_the_app_has_an_admin_page():
    registered = {m for m in admin.site._registry if m._meta.app_label == "branches"}
    assert set(MODELS) <= registered


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_superuser_opens_every_changelist(world, client_for, model):
    root = User.objects.create_superuser("root", password="x" * 12)
    f.chain(organization=world.o["city_a"])

    response = client_for(root).get(admin_url(model, "changelist"))

    assert response.status_code == 200


@pytest.fixture
def office_admin(world):
    """Department staff of city A with model permissions in the admin."""
    user = world.staff_a
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="branches"))
    return User.objects.get(pk=user.pk)


def test_a_non_superuser_sees_only_the_jurisdiction_in_the_admin(world, office_admin, client_for):
    client = client_for(office_admin)

    branches = client.get(admin_url(models.Branch, "changelist")).content.decode()
    assert world.branch_a.name in branches and world.branch_b.name not in branches
    people = client.get(admin_url(models.Person, "changelist")).content.decode()
    assert "李娟" in people and "孙强" not in people
    orgs = client.get(admin_url(models.Organization, "changelist")).content.decode()
    assert "孤山镇" in orgs and "泰兴市" not in orgs


def test_another_citys_record_is_not_reachable_in_the_admin(world, office_admin, client_for):
    client = client_for(office_admin)

    change = client.get(admin_url(models.Branch, "change", world.branch_b.pk))
    history = client.get(admin_url(models.Branch, "history", world.branch_b.pk))

    # Out of reach is a 404, as on the site (core.admin.OutOfReachIs404).
    assert change.status_code == 404 and world.branch_b.name not in change.content.decode()
    assert history.status_code == 404
    assert client.get(admin_url(models.Branch, "history", world.branch_a.pk)).status_code == 200
    # An id that is no number is a 404 too, never a server error (it was a ValueError).
    assert client.get(admin_url(models.Branch, "history", "x")).status_code == 404
    assert client.get(admin_url(models.Branch, "change", "x")).status_code == 404


def test_the_admin_offers_only_units_in_the_jurisdiction(world, office_admin, rf):
    request = rf.get("/")
    request.user = office_admin
    person_form = admin.site._registry[models.Person].get_form(request)
    branch_form = admin.site._registry[models.Branch].get_form(request)

    units = set(person_form.base_fields["work_unit"].queryset)
    assert world.o["town_a"] in units and world.o["committee_b"] not in units
    assert world.o["committee_b"] not in set(branch_form.base_fields["lead_unit"].queryset)
    assert world.o["committee_b"] not in set(branch_form.base_fields["responsible_units"].queryset)


def test_appointments_are_read_only_in_the_admin(world, office_admin, client_for):
    client = client_for(office_admin)

    assert client.get(admin_url(models.Membership, "add")).status_code == 403
    assert client.get(admin_url(models.BranchUserObjectPermission, "add")).status_code == 403
