"""The admin pages of the weekly report, requests, reports and notifications: they load, and a
non-superuser sees only the rows the visibility selectors give them."""

import pytest
from django.urls import reverse

from mechanisms.common.services import notify
from mechanisms.requests.services import decision_request_create, report_create
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, weekly_report_create
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world

MODELS = ["weeklyreport", "decisionrequest", "report", "notification"]


def build(org_tree, make_user):
    w = build_world(org_tree, make_user)
    for branch, secretary in ((w.branch, w.secretary), (w.b_branch, w.b_secretary)):
        report = weekly_report_create(
            branch=branch, by=secretary, week=current_week(), content=WeeklyContent(work_done=f"{branch.name}周报")
        )
        decision_request_create(branch=branch, by=secretary, title=f"{branch.name}请示", content="妥否")
        report_create(branch=branch, by=secretary, kind="special", title=f"{branch.name}报告", content="内容")
    notify(recipients=[w.staff], title="陈明的通知", email=False)
    notify(recipients=[w.staff_b], title="周泰的通知", email=False)
    w.report = report
    return w


w_once, w = shared_world(build, name="w")  # built once per module: tests/shared_world.py


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load_for_a_superuser(client, w, make_user, model):
    client.force_login(make_user(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse(f"admin:mechanisms_{model}_changelist"))
    assert response.status_code == 200
    assert "泰兴营商环境攻坚支部" in response.content.decode() or model == "notification"


@pytest.mark.parametrize(
    ("model", "mine", "theirs"),
    [
        ("weeklyreport", "澄靖第二过江通道征迁攻坚支部", "泰兴营商环境攻坚支部"),
        ("decisionrequest", "澄靖第二过江通道征迁攻坚支部请示", "泰兴营商环境攻坚支部请示"),
        ("report", "澄靖第二过江通道征迁攻坚支部报告", "泰兴营商环境攻坚支部报告"),
        ("notification", "陈明的通知", "周泰的通知"),
    ],
)
def test_staff_see_only_their_jurisdiction_in_the_admin(client, w, model, mine, theirs):
    from django.contrib.auth.models import Permission

    w.staff.is_staff = True
    w.staff.save()
    w.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="mechanisms", codename__startswith="view_"))
    client.force_login(w.staff)
    html = client.get(reverse(f"admin:mechanisms_{model}_changelist")).content.decode()
    assert mine in html and theirs not in html


def test_history_of_a_record_outside_reach_is_404(client, w):
    from django.contrib.auth.models import Permission

    w.staff.is_staff = True
    w.staff.save()
    w.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="mechanisms", codename__startswith="view_"))
    client.force_login(w.staff)
    assert client.get(reverse("admin:mechanisms_weeklyreport_history", args=[w.report.pk])).status_code == 404
