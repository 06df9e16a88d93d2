"""Writes of 请示报告: the branch's requests for decision and its reports.

A request goes from the branch to its supervising Party committee: draft → submitted →
approved / returned with reasons / rejected. Department staff in jurisdiction answer for the
committee within a reply deadline counted in working days (settings
``DECISION_REQUEST_REPLY_WORKDAYS``, default 5). A returned request is edited and submitted
again; the clock restarts. Reports (special, major-matter, completion) are submitted and
acknowledged by the department.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import BRANCH_CLOSED_STATUSES, Branch
from branches.selectors import active_secretary
from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from mechanisms.common.models import NotificationKind
from mechanisms.common.services import comment_add, notify
from mechanisms.common.workdays import calendar
from mechanisms.requests.models import (
    DecisionRequest,
    DecisionRequestStatus,
    Report,
    ReportKind,
    ReportStatus,
)

R = DecisionRequestStatus


DECISION_REQUEST_TRANSITIONS: dict[str, set[str]] = {
    R.DRAFT: {R.SUBMITTED},
    R.SUBMITTED: {R.APPROVED, R.RETURNED, R.REJECTED},
    R.RETURNED: {R.SUBMITTED},
    R.APPROVED: set(),
    R.REJECTED: set(),
}


EDITABLE_REQUEST_STATUSES = frozenset({R.DRAFT, R.RETURNED})


REPLY_DECISIONS = (R.APPROVED, R.RETURNED, R.REJECTED)


REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.ACKNOWLEDGED},
    ReportStatus.ACKNOWLEDGED: set(),
}


# Branches that have ended write nothing more.
CLOSED_BRANCH_STATUSES = BRANCH_CLOSED_STATUSES  # branches.models: evaluated or dissolved


def reply_workdays() -> int:
    return int(getattr(settings, "DECISION_REQUEST_REPLY_WORKDAYS", 5))


def _check_branch_writes(branch: Branch):
    if branch.status in CLOSED_BRANCH_STATUSES:
        raise ValidationError(_("This branch has ended: it files no more requests or reports."), code="ended")


def _clean_text(title: str, content: str) -> tuple[str, str]:
    title, content = (title or "").strip(), (content or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the request a title.")
    if not content:
        errors["content"] = _("Write what you are asking or reporting.")
    if errors:
        raise ValidationError(errors)
    return title, content


def _branch_recipients(record) -> list:
    """The people on the branch's side of a record: its author and the serving secretary."""
    recipients = [record.created_by]
    secretary = active_secretary(record.branch)
    if secretary is not None and secretary.person.user_id:
        recipients.append(secretary.person.user)
    return recipients


# ---------------------------------------------------------------- requests for decision
@transaction.atomic
def decision_request_create(*, branch: Branch, by, title: str, content: str, submit: bool = False) -> DecisionRequest:
    _check_branch_writes(branch)
    title, content = _clean_text(title, content)
    request = DecisionRequest(branch=branch, title=title, content=content, created_by=by)
    request.full_clean()
    stamp_history(request, by=by)
    request.save()
    if submit:
        _request_submit(request, by=by)
    return request


@transaction.atomic
def decision_request_update(
    *, request: DecisionRequest, by, title: str, content: str, submit: bool = False
) -> DecisionRequest:
    request = DecisionRequest.objects.select_for_update().select_related("branch").get(pk=request.pk)
    if request.status not in EDITABLE_REQUEST_STATUSES:
        raise TransitionError(
            _("A request that is “%(status)s” can no longer be edited.") % {"status": request.get_status_display()},
            code="not_editable",
        )
    request.title, request.content = _clean_text(title, content)
    request.full_clean()
    stamp_history(request, by=by)
    request.save()
    if submit:
        _request_submit(request, by=by)
    return request


def _request_submit(request: DecisionRequest, *, by):
    ensure_transition(DECISION_REQUEST_TRANSITIONS, DecisionRequestStatus, request.status, R.SUBMITTED)
    _check_branch_writes(request.branch)
    resubmission = request.status == R.RETURNED
    now = timezone.now()
    request.status = R.SUBMITTED
    request.submitted_at = now
    # The committee's clock (re)starts at each submission.
    request.reply_due_on = calendar().add_working_days(timezone.localdate(now), reply_workdays())
    with translation.override(settings.LANGUAGE_CODE):
        stamp_history(request, by=by, reason=_("Resubmitted") if resubmission else _("Submitted"))
    request.save()


@transaction.atomic
def decision_request_submit(*, request: DecisionRequest, by) -> DecisionRequest:
    request = DecisionRequest.objects.select_for_update().select_related("branch").get(pk=request.pk)
    _request_submit(request, by=by)
    return request


@transaction.atomic
def decision_request_reply(*, request: DecisionRequest, by, decision: str, reply: str = "") -> DecisionRequest:
    """Answer a submitted request: approve, return with reasons (it can be resubmitted) or
    reject. Returning or rejecting needs the reasons."""
    if decision not in REPLY_DECISIONS:
        raise ValidationError(_("Choose whether to approve, return or reject the request."), code="decision")
    reply = (reply or "").strip()
    if decision != R.APPROVED and not reply:
        raise ValidationError(
            {"reply": _("Give the reasons for returning or rejecting the request.")}, code="reason_required"
        )
    request = DecisionRequest.objects.select_for_update().select_related("branch").get(pk=request.pk)
    ensure_transition(DECISION_REQUEST_TRANSITIONS, DecisionRequestStatus, request.status, decision)
    request.status = decision
    request.reply = reply
    request.replied_at = timezone.now()
    request.replied_by = by
    with translation.override(settings.LANGUAGE_CODE):
        label = str(DecisionRequestStatus(decision).label)
        stamp_history(request, by=by, reason=label)
        title = _("Your request “%(title)s”: %(decision)s") % {"title": request.title, "decision": label}
    request.save()
    notify(
        recipients=_branch_recipients(request),
        kind=NotificationKind.RETURNED if decision == R.RETURNED else NotificationKind.ANSWERED,
        title=title,
        body=reply,
        url=reverse("mechanisms:decisionrequest_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def decision_request_delete(*, request: DecisionRequest, by) -> None:
    """Discard a draft (anything submitted is part of the record and stays)."""
    request = DecisionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != R.DRAFT:
        raise TransitionError(_("Only a draft can be deleted."), code="not_draft")
    stamp_history(request, by=by)
    request.delete()


def is_reply_overdue(request: DecisionRequest, *, today=None) -> bool:
    today = today or timezone.localdate()
    return request.status == R.SUBMITTED and request.reply_due_on is not None and request.reply_due_on < today


# ---------------------------------------------------------------- reports
def _check_kind(kind: str):
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")}, code="kind")


@transaction.atomic
def report_create(*, branch: Branch, by, kind: str, title: str, content: str, submit: bool = False) -> Report:
    _check_branch_writes(branch)
    _check_kind(kind)
    title, content = _clean_text(title, content)
    report = Report(branch=branch, kind=kind, title=title, content=content, created_by=by)
    report.full_clean()
    stamp_history(report, by=by)
    report.save()
    if submit:
        _report_submit(report, by=by)
    return report


@transaction.atomic
def report_update(*, report: Report, by, kind: str, title: str, content: str, submit: bool = False) -> Report:
    report = Report.objects.select_for_update().select_related("branch").get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise TransitionError(
            _("A report that is “%(status)s” can no longer be edited.") % {"status": report.get_status_display()},
            code="not_editable",
        )
    _check_kind(kind)
    report.kind = kind
    report.title, report.content = _clean_text(title, content)
    report.full_clean()
    stamp_history(report, by=by)
    report.save()
    if submit:
        _report_submit(report, by=by)
    return report


def _report_submit(report: Report, *, by):
    ensure_transition(REPORT_TRANSITIONS, ReportStatus, report.status, ReportStatus.SUBMITTED)
    _check_branch_writes(report.branch)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        stamp_history(report, by=by, reason=_("Submitted"))
    report.save()


@transaction.atomic
def report_submit(*, report: Report, by) -> Report:
    report = Report.objects.select_for_update().select_related("branch").get(pk=report.pk)
    _report_submit(report, by=by)
    return report


@transaction.atomic
def report_acknowledge(*, report: Report, by, comment: str = "") -> Report:
    """The department has received and read the report; an optional comment is posted on it."""
    report = Report.objects.select_for_update().select_related("branch").get(pk=report.pk)
    ensure_transition(REPORT_TRANSITIONS, ReportStatus, report.status, ReportStatus.ACKNOWLEDGED)
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_at = timezone.now()
    report.acknowledged_by = by
    with translation.override(settings.LANGUAGE_CODE):
        stamp_history(report, by=by, reason=str(ReportStatus.ACKNOWLEDGED.label))
        title = _("Your report “%(title)s” was acknowledged") % {"title": report.title}
    report.save()
    if (comment or "").strip():
        comment_add(target=report, author=by, body=comment)
    notify(
        recipients=_branch_recipients(report),
        kind=NotificationKind.ANSWERED,
        title=title,
        body=(comment or "").strip(),
        url=reverse("mechanisms:report_detail", args=[report.pk]),
    )
    return report


@transaction.atomic
def report_delete(*, report: Report, by) -> None:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise TransitionError(_("Only a draft can be deleted."), code="not_draft")
    stamp_history(report, by=by)
    report.delete()
