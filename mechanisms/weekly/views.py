"""Pages of the weekly report (周报): filing (full form or "no significant change"), editing
with a stale-edit check, review and return, the list, the missing view and their exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.roles import Role
from branches.selectors import has_role
from core.exports import export_response
from core.paging import capped_page
from mechanisms.common import selectors as sel_common
from mechanisms.common.selectors import record_extras
from mechanisms.common.web import apply_form_errors, filters_query, flash_refusal, require_pages
from mechanisms.weekly import selectors as sel
from mechanisms.weekly import selectors as weekly_services_weekly
from mechanisms.weekly import services as weekly_services
from mechanisms.weekly.filters import MissingReportFilterSet, WeeklyReportFilterSet
from mechanisms.weekly.forms import (
    ProblemRaiseForm,
    QuickReportForm,
    ReviewForm,
    WeeklyReportForm,
)
from mechanisms.weekly.models import WeeklyReport, WeeklyReportProblem, WeeklyReportStatus
from mechanisms.weekly.rules import (
    EDITABLE_STATUSES,
    current_week,
    filing_refusal,
    parse_week,
    report_week,
    week_deadline,
)
from mechanisms.weekly.services import WeeklyReportConflict, WeeklyReportExists

PAGE_SIZE = 25


# ---------------------------------------------------------------- weekly report: filing
def _requested_week(request):
    """The week a secretary files: this week by default, or last week (a late report)."""
    this_week = current_week()
    code = request.POST.get("week") or request.GET.get("week")
    if not code:
        return this_week
    week = parse_week(code)
    if week not in (this_week, this_week.previous()):
        raise Http404
    return week


_CONFLICT_FIELDS = ("status", "work_done", "checklist", "problems_met", "next_week_plan", "support_needed")


def _checklist_text(value) -> str:
    return "\n".join(f"{'☑' if row.get('done') else '☐'} {row.get('item', '')}" for row in value or [])


def _conflict(report: WeeklyReport, *, based_on: int | None) -> dict:
    """Who saved ``report`` last and what differs from the version the user had loaded
    (``based_on``; None when the user started a new report and another one was created)."""
    rows = list(report.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    latest = rows[0] if rows else None
    loaded = next((r for r in rows if r.version == based_on), None) if based_on else None
    changes = []
    for name in _CONFLICT_FIELDS:
        label = str(WeeklyReport._meta.get_field(name).verbose_name)
        before = getattr(loaded, name, "") if loaded is not None else ""
        now = getattr(report, name)
        if name == "checklist":
            before, now = _checklist_text(before), _checklist_text(now)
        elif name == "status":
            before = WeeklyReportStatus(before).label if before else ""
            now = report.get_status_display()
        if (before or "") != (now or ""):
            changes.append({"field": label, "before": before, "now": now})
    return {
        "who": latest.history_user.get_full_name() if latest and latest.history_user else _("system"),
        "when": latest.history_date if latest else report.updated_at,
        "changes": changes,
        "report": report,
    }


def _render_weekly_form(request, *, branch, week, form, report=None, conflict=None, previous=None, status=200):
    return render(
        request,
        "mechanisms/weekly/form.html",
        {
            "branch": branch,
            "week": week,
            "deadline": week_deadline(week),
            "form": form,
            "report": report,
            "previous": previous,
            "conflict": conflict,
            "form_action": reverse("mechanisms:weeklyreport_edit", args=[report.pk])
            if report
            else reverse("mechanisms:weeklyreport_create", args=[branch.pk]) + f"?week={week.code}",
        },
        status=status,
    )


def _conflict_form(request, report, *, indicators):
    """The user's posted form, re-bound on the report's current version: their text stays in
    the boxes and saving again is a deliberate overwrite after seeing what changed."""
    data = request.POST.copy()
    data["version"] = str(report.version)
    form = WeeklyReportForm(data, indicators=indicators)
    form.is_valid()
    return form


@login_required
def weeklyreport_create(request, branch_pk):
    branch = get_object_or_404(sel_common.authoring_branches(request.user), pk=branch_pk)
    week = _requested_week(request)
    existing = sel.report_for_week(branch=branch, week=week)
    if request.method != "POST" and existing is not None:
        target = "weeklyreport_edit" if existing.status in EDITABLE_STATUSES else "weeklyreport_detail"
        return redirect(f"mechanisms:{target}", existing.pk)
    refusal = filing_refusal(branch, week)
    if request.method != "POST" and refusal:
        # Say so before the secretary types a whole report (the service refuses on save too).
        messages.warning(request, refusal)
        return redirect("mechanisms:secretary_home")
    prefill = sel.weekly_prefill(branch=branch, week=week)
    if request.method == "POST":
        form = WeeklyReportForm(request.POST, indicators=prefill.indicators)
        if form.is_valid():
            content = form.content()
            try:
                report = weekly_services.weekly_report_create(
                    branch=branch, by=request.user, week=week, content=content,
                    submit=request.POST.get("action") == "submit",
                )
            except WeeklyReportExists as exc:
                existing = exc.report
                if content.same_text_as(existing):
                    # A double-click or a retried request: the report the user meant exists.
                    messages.info(request, _("This week's report was already filed; here it is."))
                    return redirect("mechanisms:weeklyreport_detail", existing.pk)
                form = _conflict_form(request, existing, indicators=prefill.indicators)
                form.add_error(None, _("A report for this week was saved meanwhile. Your text is kept below."))
                return _render_weekly_form(
                    request, branch=branch, week=week, form=form, report=existing,
                    conflict=_conflict(existing, based_on=None), previous=prefill.previous, status=409,
                )
            except ValidationError as exc:
                apply_form_errors(form, exc)
            else:
                return _after_save(request, report)
    else:
        form = WeeklyReportForm(checklist=prefill.checklist, indicators=prefill.indicators)
    return _render_weekly_form(request, branch=branch, week=week, form=form, previous=prefill.previous)


def _after_save(request, report):
    if report.status == WeeklyReportStatus.SUBMITTED:
        if report.is_late:
            messages.warning(request, _("Weekly report submitted (after the deadline: it is marked late)."))
        else:
            messages.success(request, _("Weekly report submitted. Thank you."))
        return redirect("mechanisms:weeklyreport_detail", report.pk)
    messages.success(request, _("Draft saved. Submit it when it is complete."))
    return redirect("mechanisms:weeklyreport_edit", report.pk)


@login_required
def weeklyreport_edit(request, pk):
    report = get_object_or_404(sel.editable_weekly_reports(request.user).select_related("branch"), pk=pk)
    week = report_week(report)
    if report.status not in EDITABLE_STATUSES and request.method != "POST":
        messages.info(request, _("This report has been submitted and can no longer be edited."))
        return redirect("mechanisms:weeklyreport_detail", report.pk)
    indicators = list(weekly_services_weekly.branch_open_indicators(report.branch))
    previous = sel.previous_report(branch=report.branch, week=week)
    if request.method == "POST":
        form = WeeklyReportForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                report = weekly_services.weekly_report_update(
                    report=report, by=request.user, version=form.cleaned_data.get("version") or 0,
                    content=form.content(), submit=request.POST.get("action") == "submit",
                )
            except WeeklyReportConflict as exc:
                form = _conflict_form(request, exc.report, indicators=indicators)
                form.add_error(None, exc.messages[0])
                return _render_weekly_form(
                    request, branch=report.branch, week=week, form=form, report=exc.report,
                    conflict=_conflict(exc.report, based_on=exc.based_on), previous=previous, status=409,
                )
            except ValidationError as exc:
                apply_form_errors(form, exc)
            else:
                return _after_save(request, report)
    else:
        form = WeeklyReportForm(
            initial={
                "version": report.version,
                "work_done": report.work_done,
                "problems_met": report.problems_met,
                "next_week_plan": report.next_week_plan,
                "support_needed": report.support_needed,
            },
            checklist=report.checklist,
            indicators=indicators,
            reading_values={r.indicator_id: r.value for r in report.readings.all()},
        )
    return _render_weekly_form(request, branch=report.branch, week=week, form=form, report=report, previous=previous)


@login_required
@require_POST
def weeklyreport_quick(request, branch_pk):
    """No significant change: one tap files an honest short report."""
    branch = get_object_or_404(sel_common.authoring_branches(request.user), pk=branch_pk)
    week = _requested_week(request)
    form = QuickReportForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        report = weekly_services.weekly_report_file_no_change(branch=branch, by=request.user, week=week, note=note)
    except WeeklyReportExists as exc:
        messages.info(request, _("This week's report was already filed; here it is."))
        return redirect("mechanisms:weeklyreport_detail", exc.report.pk)
    except ValidationError as exc:
        flash_refusal(request, exc)
        return redirect("mechanisms:secretary_home")
    return _after_save(request, report)


@login_required
@require_POST
def weeklyreport_submit(request, pk):
    report = get_object_or_404(sel.editable_weekly_reports(request.user), pk=pk)
    try:
        version = int(request.POST.get("version") or 0) or None
    except ValueError:
        version = None
    try:
        report = weekly_services.weekly_report_submit(report=report, by=request.user, version=version)
    except ValidationError as exc:
        flash_refusal(request, exc)
        return redirect("mechanisms:weeklyreport_detail", report.pk)
    return _after_save(request, report)


# ---------------------------------------------------------------- weekly report: reading and answering
@login_required
def weeklyreport_detail(request, pk):
    require_pages(request.user)
    try:
        report = sel.weekly_report_detail(user=request.user, pk=pk)
    except WeeklyReport.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel_common.standing_on_branch(request.user, report.branch_id)
    return render(
        request,
        "mechanisms/weekly/detail.html",
        {
            "report": report,
            "week": report_week(report),
            "can_edit": authoring and report.status in EDITABLE_STATUSES,
            "can_review": answering and report.status == WeeklyReportStatus.SUBMITTED,
            "can_raise": authoring or answering,
            "review_form": ReviewForm(),
            "raise_form": ProblemRaiseForm(),
            "extras": record_extras(report),
        },
    )


def _answer(request, pk, service, success):
    report = get_object_or_404(sel.reviewable_weekly_reports(request.user), pk=pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(report=report, by=request.user, comment=comment)
    except ValidationError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect("mechanisms:weeklyreport_detail", report.pk)


@login_required
@require_POST
def weeklyreport_review(request, pk):
    return _answer(request, pk, weekly_services.weekly_report_review, _("Report marked as reviewed."))


@login_required
@require_POST
def weeklyreport_return(request, pk):
    return _answer(
        request, pk, weekly_services.weekly_report_return, _("Report returned to the branch for revision.")
    )


@login_required
@require_POST
def weeklyreport_problem_raise(request, pk):
    user = request.user
    line = get_object_or_404(
        WeeklyReportProblem.objects.filter(
            Q(report__branch__in=sel_common.authoring_branches(user)) | Q(report__branch__in=sel_common.answering_branches(user))
        ),
        pk=pk,
    )
    form = ProblemRaiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the category and severity of the problem."))
        return redirect("mechanisms:weeklyreport_detail", line.report_id)
    try:
        case = weekly_services.weekly_report_problem_raise(line=line, by=user, **form.cleaned_data)
    except ValidationError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Raised as problem case “%(title)s”.") % {"title": case.title})
    return redirect("mechanisms:weeklyreport_detail", line.report_id)


@login_required
def weeklyreport_list(request):
    require_pages(request.user)
    filterset = WeeklyReportFilterSet(request.GET, user=request.user)
    form, reports = filterset.form, filterset.qs
    page = capped_page(reports, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "mechanisms/weekly/list.html",
        {
            "form": form,
            "page": page,
            "export_query": filters_query(request),
            "week": current_week(),
            "is_office": sel_common.answering_branches(request.user).exists() or has_role(request.user, Role.LEADER),
        },
    )


@login_required
def weeklyreport_export(request):
    require_pages(request.user)
    return export_response(request, "weekly_reports")


@login_required
def weeklyreport_missing(request):
    require_pages(request.user)
    filterset = MissingReportFilterSet(request.GET, user=request.user)
    form, week, branches = filterset.form, filterset.chosen_week, filterset.qs
    page = Paginator(branches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/weekly/missing.html",
        {
            "form": form,
            "page": page,
            "week": week,
            "deadline": week_deadline(week),
            "past_deadline": timezone.now() > week_deadline(week),
            "export_query": filters_query(request),
        },
    )


@login_required
def weeklyreport_missing_export(request):
    require_pages(request.user)
    return export_response(request, "weekly_missing")


