"""Writes of the secretary's weekly report (周报): file, edit, submit, review, return, and turn a
problem line into a ProblemCase.

Rules kept here (and tested without HTTP):

* one report per branch per ISO week — the database constraint decides; a second create of
  the same week raises ``WeeklyReportExists`` carrying the report that won;
* an edit names the ``version`` it was based on; a stale edit raises ``WeeklyReportConflict``
  and changes nothing, so the caller can show the user their text and what changed;
* the indicator readings of a report are recorded on the project when it is submitted
  (``projects.services.indicators_record_readings``), so they move the project's light;
* a report is late when its first submission comes after the week's deadline
  (settings ``WEEKLY_REPORT_DEADLINE``: weekday and time, default Friday 17:00, in the
  product's time zone).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.models import Branch
from branches.selectors import active_secretary
from core.history import delete_with_history, stamp_history
from core.workflow import TransitionError, ensure_transition
from mechanisms.common.models import NotificationKind
from mechanisms.common.services import notify
from mechanisms.problems.models import ProblemCase, ProblemCategory, ProblemSeverity, ProblemSource
from mechanisms.problems.services import problem_report
from mechanisms.weekly.models import (
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportReading,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import (
    EDITABLE_STATUSES,
    MAX_CHECKLIST_ITEMS,
    WEEKLY_REPORT_TRANSITIONS,
    Week,
    filing_refusal,
    owes_report,
    plan_items,
    problem_lines,
    report_week,
    week_deadline,
)
from mechanisms.weekly.selectors import branch_open_indicators, previous_report
from projects.models import CLOSED_STATUSES, ReadingSource
from projects.services import indicators_record_readings

S = WeeklyReportStatus


class WeeklyReportExists(ValidationError):
    """The branch already has a report for that week (``report`` is it)."""

    def __init__(self, report: WeeklyReport):
        super().__init__(_("This branch already has a report for this week."), code="exists")
        self.report = report


class WeeklyReportConflict(ValidationError):
    """Someone saved the report after the version this edit was based on (``report`` is the
    report as it is now)."""

    def __init__(self, report: WeeklyReport, based_on: int):
        super().__init__(
            _(
                "Someone else saved this report while you were editing it. Nothing of yours was saved: "
                "your text is kept below. Check what changed, then save again."
            ),
            code="conflict",
        )
        self.report = report
        self.based_on = based_on


# ---------------------------------------------------------------- what the form carries
@dataclass
class WeeklyContent:
    """What a secretary writes in a weekly report (the form's cleaned data)."""

    work_done: str = ""
    checklist: list = field(default_factory=list)  # [{"item": str, "done": bool}]
    problems_met: str = ""
    next_week_plan: str = ""
    support_needed: str = ""
    no_significant_change: bool = False
    # indicator id → value entered (None: left empty)
    readings: dict = field(default_factory=dict)

    TEXT_FIELDS = ("work_done", "problems_met", "next_week_plan", "support_needed")

    def same_text_as(self, report: WeeklyReport) -> bool:
        return all((getattr(self, name) or "").strip() == (getattr(report, name) or "").strip() for name in self.TEXT_FIELDS)


def _clean_checklist(checklist) -> list[dict]:
    rows = []
    for entry in checklist or []:
        item = str(entry.get("item", "")).strip()[:300]
        if item:
            rows.append({"item": item, "done": bool(entry.get("done"))})
    return rows[:MAX_CHECKLIST_ITEMS]


def _default_language():
    """Notifications and notes are stored as text in the product's language, whatever
    language the acting user browses in."""
    return translation.override(settings.LANGUAGE_CODE)


def _check_branch_files(branch: Branch, week: Week, *, now=None):
    refusal = filing_refusal(branch, week, now=now)
    if refusal:
        raise ValidationError(refusal, code="may_not_file")


def _apply_content(report: WeeklyReport, content: WeeklyContent):
    for name in WeeklyContent.TEXT_FIELDS:
        setattr(report, name, (getattr(content, name) or "").strip())
    report.checklist = _clean_checklist(content.checklist)
    report.no_significant_change = bool(content.no_significant_change)


def _sync_readings(report: WeeklyReport, readings: dict, *, by, new: bool = False):
    """Keep one reading row per indicator whose value the report changes.

    A value equal to the indicator's current value is not a change and is not kept, unless the
    row was already recorded on the project by an earlier submission (it is part of the
    report's record then). The rows are written in bulk with their history: a fixed number of
    statements however many indicators the report carries (``new``: the report was just
    created and has no rows yet)."""
    indicators = {i.pk: i for i in branch_open_indicators(report.branch).filter(pk__in=list(readings))}
    unknown = set(readings) - set(indicators)
    if unknown:
        raise ValidationError(_("An indicator in this report does not belong to the branch's open projects."), code="indicator")
    existing = {} if new else {row.indicator_id: row for row in report.readings.all()}
    created, changed, dropped = [], [], []
    for indicator_id, value in readings.items():
        row = existing.get(indicator_id)
        indicator = indicators[indicator_id]
        if value is None or (value == indicator.current_value and (row is None or row.indicator_reading_id is None)):
            if row is not None and row.indicator_reading_id is None:
                dropped.append(row)
            continue
        if row is None:
            row = WeeklyReportReading(report=report, indicator=indicator, value=value)
            created.append(row)
        elif row.value == value:
            continue
        else:
            changed.append(row)
        row.value = value
        row.full_clean(exclude=["report", "indicator", "indicator_reading"])
        stamp_history(row, by=by)
    delete_with_history(dropped, by=by)
    if created:
        bulk_create_with_history(created, WeeklyReportReading, default_user=by)
    if changed:
        bulk_update_with_history(changed, WeeklyReportReading, ["value"], default_user=by)


def _sync_problem_lines(report: WeeklyReport):
    """One WeeklyReportProblem per line of "problems met". Lines already raised as problem
    cases stay even if the text no longer mentions them: the case exists."""
    wanted = problem_lines(report.problems_met)
    rows = list(report.problem_lines.all())
    kept = set()
    for row in rows:
        if row.description in wanted and row.description not in kept:
            kept.add(row.description)
        elif row.problem_case_id is None:
            row.delete()
    for line in wanted:
        if line not in kept:
            kept.add(line)
            WeeklyReportProblem.objects.create(report=report, description=line)


def _submit_blockers(report: WeeklyReport) -> list[str]:
    problems = []
    if not report.work_done.strip():
        problems.append(_("Describe the work done this week before submitting."))
    return problems


def _record_readings(report: WeeklyReport, *, by):
    """Record the report's values on the projects (a resubmission records only what changed),
    all at once: one light refresh per project and one lock of the branch, however many values."""
    with _default_language():
        note = Truncator(_("Weekly report %(week)s") % {"week": report_week(report).code}).chars(200)
    rows = [
        row
        for row in report.readings.select_related("indicator__project", "indicator_reading")
        if not (row.indicator_reading_id and row.indicator_reading.value == row.value)
        # the project closed meanwhile: the value stays in the report only
        and row.indicator.project.status not in CLOSED_STATUSES
    ]
    if not rows:
        return
    readings = indicators_record_readings(
        values=[(row.indicator, row.value) for row in rows], by=by, note=note, source=ReadingSource.WEEKLY_REPORT
    )
    for row, reading in zip(rows, readings, strict=True):
        row.indicator_reading = reading
        stamp_history(row, by=by)
    bulk_update_with_history(rows, WeeklyReportReading, ["indicator_reading"], default_user=by)


def _secretary_recipients(report: WeeklyReport) -> list:
    recipients = [report.submitted_by, report.created_by]
    secretary = active_secretary(report.branch)
    if secretary is not None and secretary.person.user_id:
        recipients.insert(0, secretary.person.user)
    return recipients


def _submit(report: WeeklyReport, *, by, now=None):
    ensure_transition(WEEKLY_REPORT_TRANSITIONS, WeeklyReportStatus, report.status, S.SUBMITTED)
    problems = _submit_blockers(report)
    if problems:
        raise TransitionError(problems, code="incomplete")
    now = now or timezone.now()
    if report.submitted_at is None:
        # Lateness is judged once, by the first submission: a report returned for revision and
        # resubmitted after the deadline was not late.
        report.submitted_at = now
        # Late only when the week was owed (a partial first week filed by choice never is).
        report.is_late = now > report.deadline and owes_report(report.branch, report_week(report))
    resubmission = report.status == S.RETURNED
    report.status = S.SUBMITTED
    report.submitted_by = by
    report.version += 1
    with _default_language():
        stamp_history(report, by=by, reason=_("Resubmitted") if resubmission else _("Submitted"))
    report.save()
    _record_readings(report, by=by)


# ---------------------------------------------------------------- the services
@transaction.atomic
def weekly_report_create(
    *, branch: Branch, by, week: Week, content: WeeklyContent, submit: bool = False
) -> WeeklyReport:
    """File ``branch``'s report of ``week`` (a draft, or submitted at once).

    Raises WeeklyReportExists when the week already has one — also when another request
    created it a moment ago: the constraint, not a prior check, decides."""
    _check_branch_files(branch, week)
    report = WeeklyReport(
        branch=branch,
        iso_year=week.iso_year,
        iso_week=week.iso_week,
        week_start=week.start,
        deadline=week_deadline(week),
        created_by=by,
    )
    _apply_content(report, content)
    stamp_history(report, by=by)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        existing = WeeklyReport.objects.filter(branch=branch, iso_year=week.iso_year, iso_week=week.iso_week).first()
        if existing is None:  # not the week's constraint: a real error
            raise
        raise WeeklyReportExists(existing) from None
    _sync_readings(report, content.readings, by=by, new=True)
    _sync_problem_lines(report)
    if submit:
        _submit(report, by=by)
    return report


@transaction.atomic
def weekly_report_update(
    *, report: WeeklyReport, by, version: int, content: WeeklyContent, submit: bool = False
) -> WeeklyReport:
    """Save the secretary's edit of ``report`` made on ``version``; refuse a stale one."""
    report = WeeklyReport.objects.select_for_update().select_related("branch").get(pk=report.pk)
    if report.version != version:
        raise WeeklyReportConflict(report, based_on=version)
    if report.status not in EDITABLE_STATUSES:
        raise TransitionError(
            _("A report that is “%(status)s” can no longer be edited.") % {"status": report.get_status_display()},
            code="not_editable",
        )
    _apply_content(report, content)
    report.version += 1
    stamp_history(report, by=by)
    report.save()
    _sync_readings(report, content.readings, by=by)
    _sync_problem_lines(report)
    if submit:
        _submit(report, by=by)
    return report


@transaction.atomic
def weekly_report_submit(*, report: WeeklyReport, by, version: int | None = None) -> WeeklyReport:
    report = WeeklyReport.objects.select_for_update().select_related("branch").get(pk=report.pk)
    if version is not None and report.version != version:
        raise WeeklyReportConflict(report, based_on=version)
    _submit(report, by=by)
    return report


@transaction.atomic
def weekly_report_file_no_change(*, branch: Branch, by, week: Week, note: str = "") -> WeeklyReport:
    """The one-tap report of a quiet week: values kept, a short honest note, submitted.

    Last week's plan is carried over (unticked) so that next week's checklist still has it."""

    previous = previous_report(branch=branch, week=week)
    plan = previous.next_week_plan if previous else ""
    with _default_language():
        default_note = _("No significant change this week; work continues as planned.")
    content = WeeklyContent(
        work_done=(note or "").strip()[:500] or default_note,
        checklist=[{"item": item, "done": False} for item in plan_items(plan)],
        next_week_plan=plan,
        no_significant_change=True,
    )
    return weekly_report_create(branch=branch, by=by, week=week, content=content, submit=True)


def _review_notice(report: WeeklyReport, *, kind: str, title: str, body: str):
    notify(
        recipients=_secretary_recipients(report),
        kind=kind,
        title=title,
        body=body,
        url=reverse("mechanisms:weeklyreport_detail", args=[report.pk]),
    )


@transaction.atomic
def weekly_report_review(*, report: WeeklyReport, by, comment: str = "") -> WeeklyReport:
    """The department has read the report (final)."""
    report = WeeklyReport.objects.select_for_update().select_related("branch").get(pk=report.pk)
    ensure_transition(WEEKLY_REPORT_TRANSITIONS, WeeklyReportStatus, report.status, S.REVIEWED)
    report.status = S.REVIEWED
    report.review_comment = (comment or "").strip()
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.version += 1
    with _default_language():
        stamp_history(report, by=by, reason=_("Reviewed"))
        title = _("Weekly report %(week)s of %(branch)s was reviewed") % {
            "week": report_week(report).code,
            "branch": report.branch.name,
        }
    report.save()
    _review_notice(report, kind=NotificationKind.ANSWERED, title=title, body=report.review_comment)
    return report


@transaction.atomic
def weekly_report_return(*, report: WeeklyReport, by, comment: str) -> WeeklyReport:
    """Send the report back for revision; the secretary sees why."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what should be revised before returning the report."), code="reason_required")
    report = WeeklyReport.objects.select_for_update().select_related("branch").get(pk=report.pk)
    ensure_transition(WEEKLY_REPORT_TRANSITIONS, WeeklyReportStatus, report.status, S.RETURNED)
    report.status = S.RETURNED
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.version += 1
    with _default_language():
        stamp_history(report, by=by, reason=_("Returned for revision"))
        title = _("Weekly report %(week)s of %(branch)s was returned for revision") % {
            "week": report_week(report).code,
            "branch": report.branch.name,
        }
    report.save()
    _review_notice(report, kind=NotificationKind.RETURNED, title=title, body=comment)
    return report


# ---------------------------------------------------------------- problems met → problem cases
@transaction.atomic
def weekly_report_problem_raise(
    *,
    line: WeeklyReportProblem,
    by,
    category: str = ProblemCategory.DIFFICULTY,
    severity: str = ProblemSeverity.ORDINARY,
) -> ProblemCase:
    """Turn a problem met this week into a ProblemCase of the branch, once."""
    line = WeeklyReportProblem.objects.select_for_update().select_related("report__branch").get(pk=line.pk)
    if line.problem_case_id is not None:
        raise ValidationError(_("This problem has already been raised as a problem case."), code="already_raised")
    if category not in ProblemCategory.values:
        raise ValidationError(_("Choose whether it is a pain point, a difficulty or a blockage."), code="category")
    if severity not in ProblemSeverity.values:
        raise ValidationError(_("Choose how serious the problem is."), code="severity")
    # Through the problem-analysis service, so its rules (who may raise, notifications) apply.
    case = problem_report(
        branch=line.report.branch,
        by=by,
        title=Truncator(line.description.replace("\n", " ")).chars(120),
        description=line.description,
        category=category,
        severity=severity,
        source=ProblemSource.WEEKLY_REPORT,
    )
    line.problem_case = case
    stamp_history(line, by=by)
    line.save(update_fields=["problem_case"])
    return case
