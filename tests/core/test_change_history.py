"""Attachments and object grants keep a change history (simple-history): who added or removed
what, beside the audit trail."""

import pytest
from guardian.shortcuts import assign_perm, remove_perm

from branches.models import ActivityAttachment, BranchUserObjectPermission
from mechanisms.models import Attachment
from projects.models import ProjectUserObjectPermission

pytestmark = pytest.mark.django_db


def test_the_models_have_history():
    for model in (ActivityAttachment, Attachment, BranchUserObjectPermission, ProjectUserObjectPermission):
        assert hasattr(model, "history"), model


def test_a_grant_given_and_taken_leaves_two_history_rows(make_user, org_tree):
    from tests.core.test_roles import _branch

    branch = _branch(org_tree, "过江通道项目动迁攻坚支部")
    user = make_user(username="chenming")

    assign_perm("branches.view_branch", user, branch)
    remove_perm("branches.view_branch", user, branch)

    rows = list(BranchUserObjectPermission.history.order_by("history_id").values_list("history_type", "user_id"))
    assert rows == [("+", user.pk), ("-", user.pk)]
