"""Pages of 推进调度: dispatch sessions (plan, edit, record) and instructions (issue, acknowledge,
report done, verify, return).

Thin: parse → find the record through a visibility selector (outside it: 404) → check the user
may act (not allowed: 404) → call a service → redirect with a message, or re-render the form
with what the user typed and the refusal."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.documents import docx_response, pdf_response
from core.exports import export_response
from core.views import referring_page
from mechanisms.common.selectors import record_extras
from mechanisms.common.web import (
    apply_form_errors,
    export_query,
    page_of,
    perform,
    want_export,
)
from mechanisms.dispatch import selectors as sel
from mechanisms.dispatch import services as dispatch_services
from mechanisms.dispatch import tickets
from mechanisms.dispatch.documents import minutes_document, minutes_filename
from mechanisms.dispatch.filters import DispatchFilterSet, InstructionFilterSet
from mechanisms.dispatch.forms import (
    DispatchForm,
    InstructionForm,
    ResultForm,
    ReturnForm,
)
from mechanisms.dispatch.models import Dispatch, DispatchStatus, Instruction
from mechanisms.dispatch.selectors import visible_dispatches, visible_instructions
from projects.models import Project
from projects.selectors import visible_projects


@login_required
def dispatch_list(request):
    if want_export(request):
        return export_response(request, "dispatches")
    filterset = DispatchFilterSet(request.GET, user=request.user)
    form, rows = filterset.form, filterset.qs
    return render(
        request,
        "mechanisms/dispatch/dispatch_list.html",
        {"form": form, "page": page_of(request, rows), "export_query": export_query(request)},
    )


def _dispatch_project(request, project_pk) -> Project:
    project = get_object_or_404(visible_projects(request.user).select_related("branch"), pk=project_pk)
    if not sel.can_run_dispatch(request.user, project):
        raise Http404
    return project


def _cancel_url(request, project) -> str:
    """Where 取消 on a new session leads: back where the user came from (department staff come
    from the project page or the list; the cockpit is the 调度长's own), else the project."""
    fallback = reverse("projects:project_detail", args=[project.pk])
    back = referring_page(request, default=fallback)
    # After a refused POST the form is its own referrer: cancelling must leave it.
    return fallback if urlsplit(back).path == request.path else back


@login_required
def dispatch_create(request, project_pk):
    project = _dispatch_project(request, project_pk)
    today = timezone.localdate()
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = dispatch_services.dispatch_create(
                project=project, by=request.user, record="record" in request.POST, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            if dispatch.status == DispatchStatus.RECORDED:
                messages.success(request, _("Dispatch session recorded. Issue the instructions it decided."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect("mechanisms:dispatch_detail", dispatch.pk)
    agenda = sel.dispatch_agenda(project, today)
    return render(
        request,
        "mechanisms/dispatch/dispatch_form.html",
        {"form": form, "project": project, "sections": sel.agenda_sections(agenda), "agenda_count": len(agenda),
         "dispatch": None, "cancel_url": _cancel_url(request, project)},
    )


@login_required
def dispatch_edit(request, pk):
    dispatch = get_object_or_404(visible_dispatches(request.user).select_related("project", "branch"), pk=pk)
    if not sel.can_run_dispatch(request.user, dispatch.project) or dispatch.status != DispatchStatus.DRAFT:
        raise Http404
    initial = {name: getattr(dispatch, name) for name in dispatch_services.DISPATCH_FIELDS}
    form = DispatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch_services.dispatch_update(dispatch=dispatch, by=request.user, **form.cleaned_data)
            if "record" in request.POST:
                dispatch_services.dispatch_record(dispatch=dispatch, by=request.user)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("Dispatch session recorded.") if "record" in request.POST else _("Draft saved."))
            return redirect("mechanisms:dispatch_detail", dispatch.pk)
    agenda = sel.dispatch_agenda(dispatch.project, timezone.localdate())
    return render(
        request,
        "mechanisms/dispatch/dispatch_form.html",
        {"form": form, "project": dispatch.project, "sections": sel.agenda_sections(agenda),
         "agenda_count": len(agenda), "dispatch": dispatch},
    )


@login_required
@require_POST
def dispatch_record(request, pk):
    dispatch = get_object_or_404(visible_dispatches(request.user).select_related("project"), pk=pk)
    perform(request, dispatch_services.dispatch_record, _("Dispatch session recorded."), dispatch=dispatch)
    return redirect("mechanisms:dispatch_detail", dispatch.pk)


@login_required
def dispatch_detail(request, pk):
    try:
        dispatch = sel.dispatch_detail(user=request.user, pk=pk)
    except Dispatch.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    can_run = sel.can_run_dispatch(request.user, dispatch.project)
    # A draft shows the agenda as it stands today; a recorded session shows what was on the table.
    agenda = dispatch.agenda if dispatch.status == DispatchStatus.RECORDED else sel.dispatch_agenda(dispatch.project, today)
    thresholds = tickets.TicketThresholds.on(today)
    return render(
        request,
        "mechanisms/dispatch/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "sections": sel.agenda_sections(agenda),
            "agenda_count": len(agenda),
            "instructions": tickets.attach_ticket_colours(sel.dispatch_instructions(dispatch), thresholds),
            "can_run": can_run,
            "record": dispatch,
            "label": "dispatch",
            "extras": record_extras(dispatch),
        },
    )


def _recorded_dispatch(request, pk) -> Dispatch:
    """A session the user may see, once recorded (a draft has no minutes: 404)."""
    try:
        dispatch = sel.dispatch_detail(user=request.user, pk=pk)
    except Dispatch.DoesNotExist as exc:
        raise Http404 from exc
    if dispatch.status != DispatchStatus.RECORDED:
        raise Http404
    return dispatch


@login_required
def dispatch_minutes_docx(request, pk):
    """The minutes (调度会议纪要) as a Word document, for whoever may see the session."""
    dispatch = _recorded_dispatch(request, pk)
    content = minutes_document(sel.dispatch_minutes_facts(dispatch)).to_bytes()
    return docx_response(content, minutes_filename(dispatch))


@login_required
def dispatch_minutes_pdf(request, pk):
    dispatch = _recorded_dispatch(request, pk)
    content = minutes_document(sel.dispatch_minutes_facts(dispatch)).to_bytes()
    return pdf_response(request, content, minutes_filename(dispatch),
                        docx_url=reverse("mechanisms:dispatch_minutes_docx", args=[dispatch.pk]))


@login_required
def instruction_list(request):
    if want_export(request):
        return export_response(request, "instructions")
    today = timezone.localdate()
    thresholds = tickets.TicketThresholds.on(today)
    filterset = InstructionFilterSet(request.GET, user=request.user, thresholds=thresholds)
    form, rows = filterset.form, filterset.qs
    page = page_of(request, rows)
    page.object_list = tickets.attach_ticket_colours(page.object_list, thresholds)
    for row in page.object_list:
        row.days_overdue = tickets.overdue_days(row.deadline, today) if row.awaiting_assignee else 0
    return render(
        request,
        "mechanisms/dispatch/instruction_list.html",
        {"form": form, "page": page, "export_query": export_query(request)},
    )


@login_required
def instruction_create(request, dispatch_pk=None, project_pk=None):
    dispatch = None
    if dispatch_pk is not None:
        dispatch = get_object_or_404(visible_dispatches(request.user).select_related("project__branch"), pk=dispatch_pk)
        project = dispatch.project
        if not sel.can_run_dispatch(request.user, project):
            raise Http404
    else:
        project = _dispatch_project(request, project_pk)
    units = sel.instruction_unit_candidates(project)
    people = sel.instruction_person_candidates(project)
    initial = {"title": request.GET.get("title", "")[:120]}
    form = InstructionForm(request.POST or None, units=units, people=people, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instruction = dispatch_services.instruction_issue(
                project=project, dispatch=dispatch, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, _("Instruction issued: the assignee has been notified."))
            if dispatch is not None and "another" in request.POST:
                return redirect("mechanisms:instruction_create", dispatch_pk=dispatch.pk)
            return redirect("mechanisms:instruction_detail", instruction.pk)
    return render(
        request,
        "mechanisms/dispatch/instruction_form.html",
        {"form": form, "project": project, "dispatch": dispatch},
    )


@login_required
def instruction_detail(request, pk):
    try:
        instruction = sel.instruction_detail(user=request.user, pk=pk)
    except Instruction.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    instruction.ticket = tickets.ticket_colour(instruction, tickets.TicketThresholds.on(today))
    instruction.days_overdue = tickets.overdue_days(instruction.deadline, today) if instruction.awaiting_assignee else 0
    return render(
        request,
        "mechanisms/dispatch/instruction_detail.html",
        {
            "instruction": instruction,
            "actions": sel.instruction_actions(instruction, request.user),
            # A liaison sees the instruction through their unit, not the session it came from.
            "dispatch_visible": bool(instruction.dispatch_id)
            and visible_dispatches(request.user).filter(pk=instruction.dispatch_id).exists(),
            "result_form": ResultForm(initial={"result": instruction.result}),
            "return_form": ReturnForm(),
            "record": instruction,
            "label": "instruction",
            "extras": record_extras(instruction),
        },
    )


def _instruction_action(request, pk, service, success, **kwargs):
    instruction = get_object_or_404(visible_instructions(request.user), pk=pk)
    perform(request, service, success, instruction=instruction, **kwargs)
    return redirect("mechanisms:instruction_detail", pk)


@login_required
@require_POST
def instruction_acknowledge(request, pk):
    return _instruction_action(request, pk, dispatch_services.instruction_acknowledge, _("Instruction acknowledged."))


@login_required
@require_POST
def instruction_done(request, pk):
    return _instruction_action(
        request, pk, dispatch_services.instruction_report_done, _("Reported done: awaiting verification."),
        result=request.POST.get("result", ""),
    )


@login_required
@require_POST
def instruction_verify(request, pk):
    return _instruction_action(request, pk, dispatch_services.instruction_verify, _("Instruction verified."))


@login_required
@require_POST
def instruction_return(request, pk):
    return _instruction_action(
        request, pk, dispatch_services.instruction_return, _("Instruction returned for rework."),
        reason=request.POST.get("reason", ""),
    )


