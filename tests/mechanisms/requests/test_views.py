"""The request and report pages: drafting, submitting, replying, acknowledging, the lists,
their filters and exports."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from mechanisms.models import DecisionRequest, DecisionRequestStatus, Notification, Report, ReportStatus
from mechanisms.requests.services import decision_request_create, report_create
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world

R = DecisionRequestStatus


w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def make_request(w, *, branch=None, by=None, title="关于调整临时安置补助标准的请示", submit=False):
    return decision_request_create(
        branch=branch or w.branch, by=by or w.secretary, title=title, content="妥否，请批示。", submit=submit
    )


def make_report(w, *, branch=None, by=None, title="关于3户拒不签约情况的报告", kind="major_matter", submit=False):
    return report_create(
        branch=branch or w.branch, by=by or w.secretary, kind=kind, title=title, content="情况如下……", submit=submit
    )


# ---------------------------------------------------------------- requests
def test_secretary_drafts_and_submits_a_request(client, w):
    client.force_login(w.secretary)
    page = client.get(reverse("mechanisms:decisionrequest_create")).content.decode()
    assert 'type="hidden" name="branch"' in page, "one branch: nothing to choose"
    response = client.post(
        reverse("mechanisms:decisionrequest_create"),
        {"branch": w.branch.pk, "title": "关于增设临时安置点的请示", "content": "拟在孤山镇增设安置点。", "action": "submit"},
    )
    request = DecisionRequest.objects.get()
    assert response["Location"] == reverse("mechanisms:decisionrequest_detail", args=[request.pk])
    assert request.status == R.SUBMITTED and request.reply_due_on is not None
    detail = client.get(response["Location"]).content.decode()
    assert "拟在孤山镇增设安置点" in detail and request.reply_due_on.isoformat() in detail


def test_a_branch_of_someone_else_cannot_be_chosen(client, w):
    client.force_login(w.secretary)
    response = client.post(
        reverse("mechanisms:decisionrequest_create"),
        {"branch": w.other_branch.pk, "title": "冒名请示", "content": "x", "action": "submit"},
    )
    assert response.status_code == 200 and "冒名请示" in response.content.decode()
    assert not DecisionRequest.objects.exists()


def test_blank_request_rerenders_with_errors(client, w):
    client.force_login(w.secretary)
    response = client.post(
        reverse("mechanisms:decisionrequest_create"),
        {"branch": w.branch.pk, "title": "只写了标题", "content": "", "action": "save"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "只写了标题" in html and "invalid-feedback" in html


def test_staff_returns_then_secretary_edits_and_resubmits(client, w):
    request = make_request(w, submit=True)
    client.force_login(w.staff)
    detail = client.get(reverse("mechanisms:decisionrequest_detail", args=[request.pk])).content.decode()
    assert 'data-testid="reply-card"' in detail
    client.post(
        reverse("mechanisms:decisionrequest_reply", args=[request.pk]), {"decision": "returned", "reply": "请补充资金来源"}
    )
    request.refresh_from_db()
    assert request.status == R.RETURNED
    assert Notification.objects.filter(recipient=w.secretary, kind="returned").exists()
    client.force_login(w.secretary)
    edit = client.get(reverse("mechanisms:decisionrequest_edit", args=[request.pk])).content.decode()
    assert "请补充资金来源" in edit
    client.post(
        reverse("mechanisms:decisionrequest_edit", args=[request.pk]),
        {"title": request.title, "content": "资金由市财政专项列支。", "action": "submit"},
    )
    request.refresh_from_db()
    assert request.status == R.SUBMITTED and request.content == "资金由市财政专项列支。"


def test_reject_without_reasons_is_refused_with_a_message(client, w):
    request = make_request(w, submit=True)
    client.force_login(w.staff)
    response = client.post(
        reverse("mechanisms:decisionrequest_reply", args=[request.pk]), {"decision": "rejected", "reply": ""}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    request.refresh_from_db()
    assert request.status == R.SUBMITTED


def test_approve_and_the_answer_cannot_be_given_twice(client, w):
    request = make_request(w, submit=True)
    client.force_login(w.staff)
    client.post(reverse("mechanisms:decisionrequest_reply", args=[request.pk]), {"decision": "approved", "reply": "同意"})
    response = client.post(
        reverse("mechanisms:decisionrequest_reply", args=[request.pk]), {"decision": "rejected", "reply": "改主意"}, follow=True
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    request.refresh_from_db()
    assert request.status == R.APPROVED and request.reply == "同意"


def test_editing_a_submitted_request_redirects_to_it(client, w):
    request = make_request(w, submit=True)
    client.force_login(w.secretary)
    response = client.get(reverse("mechanisms:decisionrequest_edit", args=[request.pk]))
    assert response["Location"] == reverse("mechanisms:decisionrequest_detail", args=[request.pk])


def test_delete_a_draft(client, w):
    request = make_request(w)
    client.force_login(w.secretary)
    response = client.post(reverse("mechanisms:decisionrequest_delete", args=[request.pk]))
    assert response["Location"] == reverse("mechanisms:decisionrequest_list")
    assert not DecisionRequest.objects.exists()


def test_request_list_filters_and_export(client, w):
    make_request(w, title="请示甲", submit=True)
    make_request(w, title="请示乙")
    make_request(w, branch=w.other_branch, by=w.other_secretary, title="请示丙", submit=True)
    overdue = make_request(w, title="请示丁", submit=True)
    DecisionRequest.objects.filter(pk=overdue.pk).update(reply_due_on="2020-01-01")
    make_request(w, branch=w.b_branch, by=w.b_secretary, title="外市请示", submit=True)
    client.force_login(w.staff)
    url = reverse("mechanisms:decisionrequest_list")

    def rows(query=""):
        return client.get(url + query).content.decode().count('data-testid="request-row"')

    assert rows() == 4, "city B's request is outside the jurisdiction"
    assert rows("?status=draft") == 1
    assert rows("?overdue=yes") == 1
    assert rows("?batch=2") == 1
    assert rows("?q=请示甲") == 1
    sheet = load_workbook(io.BytesIO(client.get(reverse("mechanisms:decisionrequest_export") + "?status=submitted").content)).active
    titles = sorted(r[0] for r in sheet.iter_rows(min_row=3, values_only=True))
    assert titles == ["请示丁", "请示丙", "请示甲"]


# ---------------------------------------------------------------- reports
def test_secretary_files_a_completion_report_and_staff_acknowledges(client, w):
    client.force_login(w.secretary)
    response = client.post(
        reverse("mechanisms:report_create"),
        {"branch": w.branch.pk, "kind": "completion", "title": "征迁任务完成报告", "content": "225户全部签约。", "action": "submit"},
    )
    report = Report.objects.get()
    assert response["Location"] == reverse("mechanisms:report_detail", args=[report.pk])
    assert report.status == ReportStatus.SUBMITTED
    client.force_login(w.staff)
    client.post(reverse("mechanisms:report_acknowledge", args=[report.pk]), {"comment": "已阅"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by == w.staff
    detail = client.get(reverse("mechanisms:report_detail", args=[report.pk])).content.decode()
    assert "已阅" in detail and 'data-testid="acknowledged"' in detail


def test_report_draft_edit_and_submit(client, w):
    report = make_report(w)
    client.force_login(w.secretary)
    client.post(
        reverse("mechanisms:report_edit", args=[report.pk]),
        {"kind": "special", "title": "专项报告", "content": "补充后的内容", "action": "save"},
    )
    report.refresh_from_db()
    assert report.title == "专项报告" and report.status == ReportStatus.DRAFT
    client.post(reverse("mechanisms:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    response = client.get(reverse("mechanisms:report_edit", args=[report.pk]))
    assert response["Location"] == reverse("mechanisms:report_detail", args=[report.pk])


def test_acknowledging_a_draft_is_refused(client, w):
    report = make_report(w)
    client.force_login(w.staff)
    response = client.post(reverse("mechanisms:report_acknowledge", args=[report.pk]), {}, follow=True)
    assert "alert-danger" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_report_list_filters_and_export(client, w):
    make_report(w, title="专项甲", kind="special", submit=True)
    make_report(w, title="重大乙", kind="major_matter")
    make_report(w, branch=w.b_branch, by=w.b_secretary, title="外市报告", submit=True)
    client.force_login(w.staff)
    url = reverse("mechanisms:report_list")
    assert client.get(url).content.decode().count('data-testid="report-row"') == 2
    assert client.get(url + "?kind=special").content.decode().count('data-testid="report-row"') == 1
    assert client.get(url + "?status=draft").content.decode().count('data-testid="report-row"') == 1
    sheet = load_workbook(io.BytesIO(client.get(reverse("mechanisms:report_export")).content)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=3, values_only=True)) == ["专项甲", "重大乙"]
