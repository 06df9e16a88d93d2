"""请示报告 rules without HTTP: every transition and refusal of requests for decision and
reports, the reply deadline in working days, and who is told."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from branches.models import BranchStatus
from branches.services import branch_transition
from core.workflow import TransitionError
from mechanisms.models import (
    CalendarDay,
    CalendarDayKind,
    Comment,
    DecisionRequest,
    DecisionRequestStatus,
    Notification,
    NotificationKind,
    Report,
    ReportKind,
    ReportStatus,
)
from mechanisms.requests.services import (
    decision_request_create,
    decision_request_delete,
    decision_request_reply,
    decision_request_submit,
    decision_request_update,
    is_reply_overdue,
    report_acknowledge,
    report_create,
    report_delete,
    report_submit,
    report_update,
)
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
R = DecisionRequestStatus


w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def draft(w, **fields) -> DecisionRequest:
    fields.setdefault("title", "关于调整临时安置补助标准的请示")
    fields.setdefault("content", "拟将临时安置补助由每月1200元调整为1500元，妥否，请批示。")
    return decision_request_create(branch=w.branch, by=w.secretary, **fields)


# ---------------------------------------------------------------- requests: the happy paths
def test_draft_submit_approve(w):
    request = draft(w)
    assert request.status == R.DRAFT and request.submitted_at is None and request.reply_due_on is None
    request = decision_request_submit(request=request, by=w.secretary)
    assert request.status == R.SUBMITTED and request.submitted_at is not None
    request = decision_request_reply(request=request, by=w.staff, decision=R.APPROVED, reply="同意。")
    assert request.status == R.APPROVED and request.reply == "同意。" and request.replied_by == w.staff


def test_approval_needs_no_text_but_return_and_reject_need_reasons(w):
    request = draft(w, submit=True)
    for decision in (R.RETURNED, R.REJECTED):
        with pytest.raises(ValidationError) as exc:
            decision_request_reply(request=request, by=w.staff, decision=decision, reply=" ")
        assert "reply" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == R.SUBMITTED
    request = decision_request_reply(request=request, by=w.staff, decision=R.APPROVED)
    assert request.status == R.APPROVED


def test_returned_request_is_edited_and_resubmitted_with_a_new_clock(w):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        request = draft(w, submit=True)
        first_due = request.reply_due_on
        request = decision_request_reply(request=request, by=w.staff, decision=R.RETURNED, reply="请补充资金来源。")
    assert request.status == R.RETURNED
    with time_machine.travel(datetime.datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        request = decision_request_update(
            request=request, by=w.secretary, title=request.title, content="资金由市财政专项列支。", submit=True
        )
    assert request.status == R.SUBMITTED and request.content == "资金由市财政专项列支。"
    assert request.reply_due_on > first_due
    assert request.reply == "请补充资金来源。", "the earlier reasons stay readable until the next reply"


def test_reject_is_final(w):
    request = draft(w, submit=True)
    request = decision_request_reply(request=request, by=w.staff, decision=R.REJECTED, reply="不符合政策。")
    assert request.status == R.REJECTED
    with pytest.raises(TransitionError):
        decision_request_submit(request=request, by=w.secretary)
    with pytest.raises(TransitionError):
        decision_request_update(request=request, by=w.secretary, title="x", content="y")


# ---------------------------------------------------------------- requests: refusals
@pytest.mark.parametrize(
    ("status", "action"),
    [
        (R.DRAFT, R.APPROVED),
        (R.DRAFT, R.RETURNED),
        (R.DRAFT, R.REJECTED),
        (R.RETURNED, R.APPROVED),
        (R.APPROVED, R.REJECTED),
        (R.APPROVED, "submit"),
        (R.SUBMITTED, "submit"),
        (R.REJECTED, R.APPROVED),
    ],
)
def test_illegal_request_moves(w, status, action):
    request = draft(w)
    DecisionRequest.objects.filter(pk=request.pk).update(status=status)
    request.refresh_from_db()
    with pytest.raises(TransitionError):
        if action == "submit":
            decision_request_submit(request=request, by=w.secretary)
        else:
            decision_request_reply(request=request, by=w.staff, decision=action, reply="理由")
    request.refresh_from_db()
    assert request.status == status


@pytest.mark.parametrize("status", [R.SUBMITTED, R.APPROVED, R.REJECTED])
def test_only_drafts_and_returned_requests_are_editable(w, status):
    request = draft(w)
    DecisionRequest.objects.filter(pk=request.pk).update(status=status)
    with pytest.raises(TransitionError):
        decision_request_update(request=request, by=w.secretary, title="改", content="改")
    assert DecisionRequest.objects.get(pk=request.pk).title == "关于调整临时安置补助标准的请示"


def test_unknown_decision_and_blank_text_are_refused(w):
    request = draft(w, submit=True)
    with pytest.raises(ValidationError):
        decision_request_reply(request=request, by=w.staff, decision="maybe", reply="?")
    with pytest.raises(ValidationError) as exc:
        decision_request_create(branch=w.branch, by=w.secretary, title=" ", content="")
    assert set(exc.value.message_dict) == {"title", "content"}


def test_only_drafts_are_deleted(w):
    request = draft(w)
    decision_request_delete(request=request, by=w.secretary)
    assert not DecisionRequest.objects.filter(pk=request.pk).exists()
    submitted = draft(w, submit=True)
    with pytest.raises(TransitionError):
        decision_request_delete(request=submitted, by=w.secretary)
    assert DecisionRequest.objects.filter(pk=submitted.pk).exists()


def test_an_ended_branch_files_no_more_requests(w):
    branch_transition(branch=w.branch, to=BranchStatus.DISSOLVED, by=w.staff, reason="任务调整")
    w.branch.refresh_from_db()
    with pytest.raises(ValidationError):
        draft(w)


# ---------------------------------------------------------------- the reply deadline
def test_reply_is_due_five_working_days_after_submission_skipping_holidays(w, settings):
    # Submitted on Thursday 2025-04-03; Friday 04-04 is 清明 (a holiday): 5 working days → 04-11.
    CalendarDay.objects.create(date=datetime.date(2025, 4, 4), kind=CalendarDayKind.HOLIDAY, name="清明节")
    with time_machine.travel(datetime.datetime(2025, 4, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        request = draft(w, submit=True)
    assert request.reply_due_on == datetime.date(2025, 4, 11)
    assert not is_reply_overdue(request, today=datetime.date(2025, 4, 11))
    assert is_reply_overdue(request, today=datetime.date(2025, 4, 12))
    settings.DECISION_REQUEST_REPLY_WORKDAYS = 2
    with time_machine.travel(datetime.datetime(2025, 4, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        other = draft(w, title="另一份请示", submit=True)
    assert other.reply_due_on == datetime.date(2025, 4, 8)


# ---------------------------------------------------------------- notifications
@pytest.mark.parametrize(
    ("decision", "kind"),
    [(R.APPROVED, NotificationKind.ANSWERED), (R.RETURNED, NotificationKind.RETURNED), (R.REJECTED, NotificationKind.ANSWERED)],
)
def test_an_answer_notifies_the_branch_once(w, decision, kind):
    request = draft(w, submit=True)
    decision_request_reply(request=request, by=w.staff, decision=decision, reply="意见如下")
    notes = list(Notification.objects.all())
    assert len(notes) == 1, "the author is the secretary: one notification, not two"
    assert notes[0].recipient == w.secretary and notes[0].kind == kind
    assert request.title in notes[0].title and notes[0].url == f"/mechanisms/requests/{request.pk}/"


# ---------------------------------------------------------------- reports
def report_draft(w, **fields) -> Report:
    fields.setdefault("kind", ReportKind.MAJOR_MATTER)
    fields.setdefault("title", "关于3户拒不签约情况的报告")
    fields.setdefault("content", "截至本周，尚有3户未签约，主要原因如下……")
    return report_create(branch=w.branch, by=w.secretary, **fields)


def test_report_draft_submit_acknowledge(w):
    report = report_draft(w)
    assert report.status == ReportStatus.DRAFT
    report = report_update(report=report, by=w.secretary, kind=ReportKind.SPECIAL, title="专项报告", content="内容")
    assert report.kind == ReportKind.SPECIAL
    report = report_submit(report=report, by=w.secretary)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    report = report_acknowledge(report=report, by=w.staff, comment="已阅，请持续跟进。")
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by == w.staff
    assert Comment.objects.get().body == "已阅，请持续跟进。"
    note = Notification.objects.get()
    assert note.recipient == w.secretary and note.url == f"/mechanisms/reports/{report.pk}/"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (ReportStatus.DRAFT, "acknowledge"),
        (ReportStatus.SUBMITTED, "submit"),
        (ReportStatus.ACKNOWLEDGED, "submit"),
        (ReportStatus.ACKNOWLEDGED, "acknowledge"),
        (ReportStatus.SUBMITTED, "edit"),
        (ReportStatus.ACKNOWLEDGED, "edit"),
        (ReportStatus.SUBMITTED, "delete"),
    ],
)
def test_illegal_report_moves(w, status, action):
    report = report_draft(w)
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    with pytest.raises(TransitionError):
        if action == "acknowledge":
            report_acknowledge(report=report, by=w.staff)
        elif action == "submit":
            report_submit(report=report, by=w.secretary)
        elif action == "edit":
            report_update(report=report, by=w.secretary, kind=report.kind, title="改", content="改")
        else:
            report_delete(report=report, by=w.secretary)
    report.refresh_from_db()
    assert report.status == status and report.title == "关于3户拒不签约情况的报告"


def test_report_kind_must_be_known(w):
    with pytest.raises(ValidationError):
        report_draft(w, kind="gossip")


def test_completion_report_of_a_concluded_branch_is_accepted(w):
    branch_transition(branch=w.branch, to=BranchStatus.CONCLUDED, by=w.staff)
    w.branch.refresh_from_db()
    report = report_draft(w, kind=ReportKind.COMPLETION, title="完成报告", submit=True)
    assert report.status == ReportStatus.SUBMITTED


def test_draft_report_is_deleted(w):
    report = report_draft(w)
    report_delete(report=report, by=w.secretary)
    assert not Report.objects.exists()
