"""Pages of 请示报告 and the weekly report (周报), and the secretary's home.

Parse → check access (a 404 outside reach: ``selectors_requests`` decides who reads, writes
and answers) → call a service or a selector → render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.roles import Role
from branches.selectors import has_role
from core.exports import ExportData, export_response, list_request, register_export

from . import selectors_requests as sel
from .forms_requests import (
    AcknowledgeForm,
    DecisionRequestForm,
    MissingFilterForm,
    ProblemRaiseForm,
    QuickReportForm,
    ReplyForm,
    ReportFilterForm,
    ReportForm,
    RequestFilterForm,
    ReviewForm,
    WeeklyFilterForm,
    WeeklyReportForm,
)
from .models import (
    DecisionRequest,
    Report,
    ReportStatus,
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportStatus,
)
from .selectors import record_extras
from .services import requests as request_services
from .services import weekly as weekly_services
from .services.weekly import (
    EDITABLE_STATUSES,
    WeeklyReportConflict,
    WeeklyReportExists,
    current_week,
    parse_week,
    report_week,
    week_deadline,
)

PAGE_SIZE = 25


def _require_pages(user):
    if not sel.may_use_pages(user):
        raise Http404


def _apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash_errors(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _dt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# ---------------------------------------------------------------- the secretary's home
def _optional_url(name: str, *args) -> str:
    """The URL of another mechanism's page, or "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@login_required
def secretary_home(request):
    desks = sel.secretary_desk(request.user)
    if not desks and not has_role(request.user, Role.SECRETARY):
        raise Http404
    for desk in desks:
        for problem in desk.problems:
            problem.link = _optional_url("mechanisms:problem_detail", problem.pk)
        for instruction in desk.instructions:
            instruction.link = _optional_url("mechanisms:instruction_detail", instruction.pk)
    return render(
        request,
        "mechanisms/secretary_home.html",
        {
            "desks": desks,
            "week": current_week(),
            "quick_form": QuickReportForm(),
            "problem_create_url": _optional_url("mechanisms:problem_create"),
        },
    )


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
    branch = get_object_or_404(sel.authoring_branches(request.user), pk=branch_pk)
    week = _requested_week(request)
    existing = sel.report_for_week(branch=branch, week=week)
    if request.method != "POST" and existing is not None:
        target = "weeklyreport_edit" if existing.status in EDITABLE_STATUSES else "weeklyreport_detail"
        return redirect(f"mechanisms:{target}", existing.pk)
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
                _apply_errors(form, exc)
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
    indicators = list(weekly_services.branch_open_indicators(report.branch))
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
                _apply_errors(form, exc)
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
    branch = get_object_or_404(sel.authoring_branches(request.user), pk=branch_pk)
    week = _requested_week(request)
    form = QuickReportForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        report = weekly_services.weekly_report_file_no_change(branch=branch, by=request.user, week=week, note=note)
    except WeeklyReportExists as exc:
        messages.info(request, _("This week's report was already filed; here it is."))
        return redirect("mechanisms:weeklyreport_detail", exc.report.pk)
    except ValidationError as exc:
        _flash_errors(request, exc)
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
        _flash_errors(request, exc)
        return redirect("mechanisms:weeklyreport_detail", report.pk)
    return _after_save(request, report)


# ---------------------------------------------------------------- weekly report: reading and answering
@login_required
def weeklyreport_detail(request, pk):
    _require_pages(request.user)
    try:
        report = sel.weekly_report_detail(user=request.user, pk=pk)
    except WeeklyReport.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel.standing_on_branch(request.user, report.branch_id)
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
        _flash_errors(request, exc)
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
            Q(report__branch__in=sel.authoring_branches(user)) | Q(report__branch__in=sel.answering_branches(user))
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
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Raised as problem case “%(title)s”.") % {"title": case.title})
    return redirect("mechanisms:weeklyreport_detail", line.report_id)


# ---------------------------------------------------------------- weekly report: lists
def _weekly_filtered(request):
    form = WeeklyFilterForm(request.GET or None, batches=sel.weekly_filter_batches(request.user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    branch = request.GET.get("branch")
    if branch and branch.isdigit():
        filters["branch"] = int(branch)
    return form, sel.weekly_report_list(user=request.user, filters=filters, search=search)


@login_required
def weeklyreport_list(request):
    _require_pages(request.user)
    form, reports = _weekly_filtered(request)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/weekly/list.html",
        {
            "form": form,
            "page": page,
            "export_query": _export_query(request),
            "week": current_week(),
            "is_office": sel.answering_branches(request.user).exists() or has_role(request.user, Role.LEADER),
        },
    )


def weeklyreport_export_data(user, params) -> ExportData:
    _form, reports = _weekly_filtered(list_request(user, params))
    headers = [
        _("Week"), _("Branch"), _("Batch"), _("Secretary"), _("Status"), _("Submitted at"), _("Late"),
        _("No significant change"), _("Work done"), _("Problems met"), _("Next week's plan"),
        _("Support needed"), _("Reviewed by"), _("Review comment"),
    ]
    rows = (
        [
            f"{r.iso_year}-W{r.iso_week:02d}", r.branch.name, r.branch.batch, r.secretary_name or "",
            r.get_status_display(), r.submitted_at, _("Yes") if r.is_late else _("No"),
            _("Yes") if r.no_significant_change else _("No"), r.work_done, r.problems_met, r.next_week_plan,
            r.support_needed, r.reviewed_by.get_full_name() if r.reviewed_by_id else "", r.review_comment,
        ]
        for r in reports.iterator(chunk_size=2000)
    )
    title = _("Weekly reports")
    return ExportData(title, headers, rows, reports.count, {2: 30, 9: 50, 10: 40, 11: 40, 12: 30})


register_export("weekly_reports", weeklyreport_export_data)


@login_required
def weeklyreport_export(request):
    _require_pages(request.user)
    return export_response(request, "weekly_reports")


def _missing_filtered(request):
    form = MissingFilterForm(request.GET or None, batches=sel.weekly_filter_batches(request.user))
    week, filters, search = current_week(), {}, ""
    if form.is_bound and form.is_valid():
        week = form.cleaned_data["week"] or week
        filters = {"batch": form.cleaned_data["batch"]}
        search = form.cleaned_data["q"] or ""
    return form, week, sel.weekly_missing(user=request.user, week=week, filters=filters, search=search)


@login_required
def weeklyreport_missing(request):
    _require_pages(request.user)
    form, week, branches = _missing_filtered(request)
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
            "export_query": _export_query(request),
        },
    )


def weeklyreport_missing_export_data(user, params) -> ExportData:
    _form, week, branches = _missing_filtered(list_request(user, params))
    headers = [_("Week"), _("Branch"), _("Batch"), _("Supervising Party committee"), _("Secretary"), _("Phone"), _("Draft started")]
    rows = (
        [
            week.code, b.name, b.batch, str(b.supervising_committee), b.secretary_name or "",
            b.secretary_phone or "", _("Yes") if b.has_draft else _("No"),
        ]
        for b in branches.iterator(chunk_size=2000)
    )
    title = _("Weekly reports missing %(week)s") % {"week": week.code}
    return ExportData(title, headers, rows, branches.count, {2: 34, 4: 30})


register_export("weekly_missing", weeklyreport_missing_export_data)


@login_required
def weeklyreport_missing_export(request):
    _require_pages(request.user)
    return export_response(request, "weekly_missing")


# ---------------------------------------------------------------- requests for decision
def _request_filtered(request):
    form = RequestFilterForm(request.GET or None, batches=sel.weekly_filter_batches(request.user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, sel.decision_request_list(user=request.user, filters=filters, search=search)


@login_required
def decisionrequest_list(request):
    _require_pages(request.user)
    form, rows = _request_filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/requests/request_list.html",
        {
            "form": form,
            "page": page,
            "export_query": _export_query(request),
            "can_create": sel.authoring_branches(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


def decisionrequest_export_data(user, params) -> ExportData:
    _form, rows = _request_filtered(list_request(user, params))
    headers = [
        _("Title"), _("Branch"), _("Batch"), _("Status"), _("Submitted at"), _("Reply due"), _("Replied at"),
        _("Replied by"), _("Reply"), _("Content"),
    ]
    data = (
        [
            r.title, r.branch.name, r.branch.batch, r.get_status_display(), r.submitted_at, r.reply_due_on,
            r.replied_at, r.replied_by.get_full_name() if r.replied_by_id else "", r.reply, r.content,
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    title = _("Requests for decision")
    return ExportData(title, headers, data, rows.count, {1: 36, 2: 30, 9: 40, 10: 50})


register_export("decision_requests", decisionrequest_export_data)


@login_required
def decisionrequest_export(request):
    _require_pages(request.user)
    return export_response(request, "decision_requests")


def _branch_initial(request) -> dict:
    """Pre-select the branch a link came from (the form still limits the choice)."""
    branch = request.GET.get("branch", "")
    return {"branch": int(branch)} if branch.isdigit() else {}


def _save_action(request) -> bool:
    return request.POST.get("action") == "submit"


@login_required
def decisionrequest_create(request):
    branches = sel.authoring_branches(request.user).order_by("batch", "name")
    if not branches.exists():
        raise Http404
    form = DecisionRequestForm(request.POST or None, branches=branches, initial=_branch_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            obj = request_services.decision_request_create(
                branch=form.cleaned_data["branch"], by=request.user, title=form.cleaned_data["title"],
                content=form.cleaned_data["content"], submit=_save_action(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Request submitted.") if obj.submitted_at else _("Draft saved."))
            return redirect("mechanisms:decisionrequest_detail", obj.pk)
    return render(request, "mechanisms/requests/request_form.html", {"form": form, "object": None})


@login_required
def decisionrequest_edit(request, pk):
    obj = get_object_or_404(sel.editable_decision_requests(request.user).select_related("branch"), pk=pk)
    if obj.status not in request_services.EDITABLE_REQUEST_STATUSES:
        messages.info(request, _("This request is with the committee and can no longer be edited."))
        return redirect("mechanisms:decisionrequest_detail", obj.pk)
    form = DecisionRequestForm(request.POST or None, instance=obj, with_branch=False)
    if request.method == "POST" and form.is_valid():
        try:
            obj = request_services.decision_request_update(
                request=obj, by=request.user, title=form.cleaned_data["title"],
                content=form.cleaned_data["content"], submit=_save_action(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Request submitted.") if _save_action(request) else _("Draft saved."))
            return redirect("mechanisms:decisionrequest_detail", obj.pk)
    return render(request, "mechanisms/requests/request_form.html", {"form": form, "object": obj})


@login_required
def decisionrequest_detail(request, pk):
    _require_pages(request.user)
    try:
        obj = sel.decision_request_detail(user=request.user, pk=pk)
    except DecisionRequest.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel.standing_on_branch(request.user, obj.branch_id)
    return render(
        request,
        "mechanisms/requests/request_detail.html",
        {
            "object": obj,
            "can_edit": authoring and obj.status in request_services.EDITABLE_REQUEST_STATUSES,
            "can_delete": authoring and obj.status == "draft",
            "can_reply": answering and obj.status == "submitted",
            "overdue": request_services.is_reply_overdue(obj),
            "reply_form": ReplyForm(),
            "extras": record_extras(obj),
        },
    )


@login_required
@require_POST
def decisionrequest_submit(request, pk):
    obj = get_object_or_404(sel.editable_decision_requests(request.user), pk=pk)
    try:
        request_services.decision_request_submit(request=obj, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Request submitted."))
    return redirect("mechanisms:decisionrequest_detail", obj.pk)


@login_required
@require_POST
def decisionrequest_reply(request, pk):
    obj = get_object_or_404(sel.answerable_decision_requests(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve, return or reject the request."))
        return redirect("mechanisms:decisionrequest_detail", obj.pk)
    try:
        obj = request_services.decision_request_reply(
            request=obj, by=request.user, decision=form.cleaned_data["decision"], reply=form.cleaned_data["reply"]
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Reply sent: %(decision)s.") % {"decision": obj.get_status_display()})
    return redirect("mechanisms:decisionrequest_detail", obj.pk)


@login_required
@require_POST
def decisionrequest_delete(request, pk):
    obj = get_object_or_404(sel.editable_decision_requests(request.user), pk=pk)
    try:
        request_services.decision_request_delete(request=obj, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("mechanisms:decisionrequest_detail", obj.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("mechanisms:decisionrequest_list")


# ---------------------------------------------------------------- reports
def _report_filtered(request):
    form = ReportFilterForm(request.GET or None, batches=sel.weekly_filter_batches(request.user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, sel.report_list(user=request.user, filters=filters, search=search)


@login_required
def report_list(request):
    _require_pages(request.user)
    form, rows = _report_filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/requests/report_list.html",
        {
            "form": form,
            "page": page,
            "export_query": _export_query(request),
            "can_create": sel.authoring_branches(request.user).exists(),
        },
    )


def report_export_data(user, params) -> ExportData:
    _form, rows = _report_filtered(list_request(user, params))
    headers = [
        _("Title"), _("Kind"), _("Branch"), _("Batch"), _("Status"), _("Submitted at"), _("Acknowledged at"),
        _("Acknowledged by"), _("Content"),
    ]
    data = (
        [
            r.title, r.get_kind_display(), r.branch.name, r.branch.batch, r.get_status_display(), r.submitted_at,
            r.acknowledged_at, r.acknowledged_by.get_full_name() if r.acknowledged_by_id else "", r.content,
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    title = _("Reports")
    return ExportData(title, headers, data, rows.count, {1: 36, 3: 30, 9: 60})


register_export("reports", report_export_data)


@login_required
def report_export(request):
    _require_pages(request.user)
    return export_response(request, "reports")


@login_required
def report_create(request):
    branches = sel.authoring_branches(request.user).order_by("batch", "name")
    if not branches.exists():
        raise Http404
    initial = _branch_initial(request)
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    form = ReportForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obj = request_services.report_create(
                branch=form.cleaned_data["branch"], by=request.user, kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"], content=form.cleaned_data["content"], submit=_save_action(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Report submitted.") if obj.submitted_at else _("Draft saved."))
            return redirect("mechanisms:report_detail", obj.pk)
    return render(request, "mechanisms/requests/report_form.html", {"form": form, "object": None})


@login_required
def report_edit(request, pk):
    obj = get_object_or_404(sel.editable_reports(request.user).select_related("branch"), pk=pk)
    if obj.status != ReportStatus.DRAFT:
        messages.info(request, _("This report has been submitted and can no longer be edited."))
        return redirect("mechanisms:report_detail", obj.pk)
    form = ReportForm(request.POST or None, instance=obj, with_branch=False)
    if request.method == "POST" and form.is_valid():
        try:
            obj = request_services.report_update(
                report=obj, by=request.user, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                content=form.cleaned_data["content"], submit=_save_action(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Report submitted.") if _save_action(request) else _("Draft saved."))
            return redirect("mechanisms:report_detail", obj.pk)
    return render(request, "mechanisms/requests/report_form.html", {"form": form, "object": obj})


@login_required
def report_detail(request, pk):
    _require_pages(request.user)
    try:
        obj = sel.report_detail(user=request.user, pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel.standing_on_branch(request.user, obj.branch_id)
    return render(
        request,
        "mechanisms/requests/report_detail.html",
        {
            "object": obj,
            "can_edit": authoring and obj.status == ReportStatus.DRAFT,
            "can_acknowledge": answering and obj.status == ReportStatus.SUBMITTED,
            "acknowledge_form": AcknowledgeForm(),
            "extras": record_extras(obj),
        },
    )


@login_required
@require_POST
def report_submit(request, pk):
    obj = get_object_or_404(sel.editable_reports(request.user), pk=pk)
    try:
        request_services.report_submit(report=obj, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Report submitted."))
    return redirect("mechanisms:report_detail", obj.pk)


@login_required
@require_POST
def report_acknowledge(request, pk):
    obj = get_object_or_404(sel.acknowledgeable_reports(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        request_services.report_acknowledge(report=obj, by=request.user, comment=comment)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Report acknowledged."))
    return redirect("mechanisms:report_detail", obj.pk)


@login_required
@require_POST
def report_delete(request, pk):
    obj = get_object_or_404(sel.editable_reports(request.user), pk=pk)
    try:
        request_services.report_delete(report=obj, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("mechanisms:report_detail", obj.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("mechanisms:report_list")
