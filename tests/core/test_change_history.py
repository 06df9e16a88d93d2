"""Attachments and object grants keep a change history (simple-history): who added or removed
what, beside the audit trail."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from branches.models import ActivityAttachment, BranchUserObjectPermission
from core.models import ExportJob
from mechanisms.models import Attachment
from projects.models import ProjectUserObjectPermission

pytestmark = pytest.mark.django_db


def test_the_models_have_history():
    for model in (ActivityAttachment, Attachment, BranchUserObjectPermission, ProjectUserObjectPermission):
        assert hasattr(model, "history"), model


def test_every_history_manager_class_is_built_once(make_user):
    """core.history.HistoricalRecords: ``.history`` (read by simple-history for every row it
    writes) is one manager class per model, not a new class per access; it still reads the
    history of its object."""
    user = make_user(username="chenming")
    for model in apps.get_models():
        if hasattr(model._meta, "simple_history_manager_attribute"):
            assert type(model.history) is type(model.history), model
    assert type(user.history) is type(make_user(username="lijuan").history)
    assert list(user.history.values_list("username", flat=True)) == ["chenming"]


def test_a_grant_given_and_taken_leaves_two_history_rows(make_user, org_tree):
    from tests.core.test_roles import _branch

    branch = _branch(org_tree, "过江通道项目动迁攻坚支部")
    user = make_user(username="chenming")

    assign_perm("branches.view_branch", user, branch)
    remove_perm("branches.view_branch", user, branch)

    rows = list(BranchUserObjectPermission.history.order_by("history_id").values_list("history_type", "user_id"))
    assert rows == [("+", user.pk), ("-", user.pk)]


def test_the_history_of_another_users_export_job_is_a_404_in_the_admin(make_user):
    """simple-history's history page falls back to the history rows of an object outside the
    admin's queryset: a staff member with the permission read another's export (its title and
    filters) there (core.admin.OutOfReachIs404)."""
    view = Permission.objects.get(codename="view_exportjob")
    owner, other = (make_user(username=name, is_staff=True) for name in ("staff_a", "staff_b"))
    for user in (owner, other):
        user.user_permissions.add(view)
    job = ExportJob.objects.create(user=owner, name="people", title="党员名册", total=1)
    url = reverse("admin:core_exportjob_history", args=[job.pk])
    clients = {}
    for user in (owner, other):
        clients[user] = Client()
        clients[user].force_login(user)

    assert clients[owner].get(url).status_code == 200
    response = clients[other].get(url)
    assert response.status_code == 404 and "党员名册" not in response.content.decode()
    assert clients[other].get(reverse("admin:core_exportjob_change", args=[job.pk])).status_code == 404
