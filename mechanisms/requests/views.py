"""Pages of 请示报告: requests for decision (draft, submit, reply) and reports (draft, submit,
acknowledge). Parse → check access (a 404 outside reach) → call a service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import export_response
from mechanisms.common import selectors as sel_common
from mechanisms.common.selectors import record_extras
from mechanisms.common.web import apply_form_errors, filters_query, flash_refusal, perform, require_pages
from mechanisms.requests import selectors as sel
from mechanisms.requests import services as request_services
from mechanisms.requests.filters import DecisionRequestFilterSet, ReportFilterSet
from mechanisms.requests.forms import (
    AcknowledgeForm,
    DecisionRequestForm,
    ReplyForm,
    ReportForm,
)
from mechanisms.requests.models import DecisionRequest, Report, ReportStatus

PAGE_SIZE = 25


@login_required
def decisionrequest_list(request):
    require_pages(request.user)
    filterset = DecisionRequestFilterSet(request.GET, user=request.user)
    form, rows = filterset.form, filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/requests/request_list.html",
        {
            "form": form,
            "page": page,
            "export_query": filters_query(request),
            "can_create": sel_common.authoring_branches(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
def decisionrequest_export(request):
    require_pages(request.user)
    return export_response(request, "decision_requests")


def _branch_initial(request) -> dict:
    """Pre-select the branch a link came from (the form still limits the choice)."""
    branch = request.GET.get("branch", "")
    return {"branch": int(branch)} if branch.isdecimal() else {}


def _save_action(request) -> bool:
    return request.POST.get("action") == "submit"


@login_required
def decisionrequest_create(request):
    branches = sel_common.authoring_branches(request.user).order_by("batch", "name")
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
            apply_form_errors(form, exc)
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
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("Request submitted.") if _save_action(request) else _("Draft saved."))
            return redirect("mechanisms:decisionrequest_detail", obj.pk)
    return render(request, "mechanisms/requests/request_form.html", {"form": form, "object": obj})


@login_required
def decisionrequest_detail(request, pk):
    require_pages(request.user)
    try:
        obj = sel.decision_request_detail(user=request.user, pk=pk)
    except DecisionRequest.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel_common.standing_on_branch(request.user, obj.branch_id)
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
    perform(request, request_services.decision_request_submit, _("Request submitted."), request=obj)
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
        flash_refusal(request, exc)
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
        flash_refusal(request, exc)
        return redirect("mechanisms:decisionrequest_detail", obj.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("mechanisms:decisionrequest_list")


@login_required
def report_list(request):
    require_pages(request.user)
    filterset = ReportFilterSet(request.GET, user=request.user)
    form, rows = filterset.form, filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/requests/report_list.html",
        {
            "form": form,
            "page": page,
            "export_query": filters_query(request),
            "can_create": sel_common.authoring_branches(request.user).exists(),
        },
    )


@login_required
def report_export(request):
    require_pages(request.user)
    return export_response(request, "reports")


@login_required
def report_create(request):
    branches = sel_common.authoring_branches(request.user).order_by("batch", "name")
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
            apply_form_errors(form, exc)
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
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("Report submitted.") if _save_action(request) else _("Draft saved."))
            return redirect("mechanisms:report_detail", obj.pk)
    return render(request, "mechanisms/requests/report_form.html", {"form": form, "object": obj})


@login_required
def report_detail(request, pk):
    require_pages(request.user)
    try:
        obj = sel.report_detail(user=request.user, pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    authoring, answering = sel_common.standing_on_branch(request.user, obj.branch_id)
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
    perform(request, request_services.report_submit, _("Report submitted."), report=obj)
    return redirect("mechanisms:report_detail", obj.pk)


@login_required
@require_POST
def report_acknowledge(request, pk):
    obj = get_object_or_404(sel.acknowledgeable_reports(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    perform(request, request_services.report_acknowledge, _("Report acknowledged."), report=obj, comment=comment)
    return redirect("mechanisms:report_detail", obj.pk)


@login_required
@require_POST
def report_delete(request, pk):
    obj = get_object_or_404(sel.editable_reports(request.user), pk=pk)
    try:
        request_services.report_delete(report=obj, by=request.user)
    except ValidationError as exc:
        flash_refusal(request, exc)
        return redirect("mechanisms:report_detail", obj.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("mechanisms:report_list")
