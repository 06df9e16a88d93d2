"""Pages of 推进调度 and 对接会商, the 调度长's cockpit and the unit liaison's home.

Thin: parse → find the record through a visibility selector (outside it: 404) → check the user
may act (not allowed: 404) → call a service → redirect with a message, or re-render the form
with what the user typed and the refusal.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Organization
from branches.roles import Role
from branches.selectors import has_role
from core.exports import ExportData, export_response, register_export
from projects.models import Project
from projects.selectors import visible_projects

from . import selectors_dispatch as sel
from .forms_dispatch import (
    ConsultationFilterForm,
    ConsultationForm,
    DispatchFilterForm,
    DispatchForm,
    HoldForm,
    InstructionFilterForm,
    InstructionForm,
    ResolutionForm,
    ResultForm,
    ReturnForm,
)
from .models import Consultation, ConsultationStatus, Dispatch, DispatchStatus, Instruction, ResolutionStatus
from .models.consultation import RESOLUTION_AWAITING_UNIT
from .selectors import record_extras, visible_consultations, visible_dispatches, visible_instructions
from .services import consultation as consultation_services
from .services import dispatch as dispatch_services

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _apply_form_errors(form, exc: ValidationError):
    """Put a service's refusal on the form: on its field when it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _flash_refusal(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


def _want_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _int_or_404(value) -> int:
    if not str(value).isdigit():
        raise Http404
    return int(value)


def _export_query(request) -> str:
    """The list's current filters with ``export=xlsx`` (the export link of the page)."""
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


# ---------------------------------------------------------------- the 调度长's cockpit
@login_required
def cockpit(request):
    if not has_role(request.user, Role.DISPATCH_CHIEF):
        raise Http404
    data = sel.cockpit(request.user)
    return render(request, "mechanisms/cockpit.html", {"cockpit": data})


# ---------------------------------------------------------------- the unit liaison's home
@login_required
def liaison_home(request):
    if sel.liaison_unit_id(request.user) is None:
        raise Http404
    data = sel.liaison_home(request.user)
    return render(request, "mechanisms/liaison_home.html", {"home": data})


# ---------------------------------------------------------------- dispatch sessions
def _dispatch_rows(user, params):
    visible = visible_dispatches(user)
    choices = sel.filter_choices(user, source=visible)
    form = DispatchFilterForm(params or None, **choices)
    return form, sel.dispatch_list(user=user, filters=form.filters(), search=form.search)


def dispatch_export_data(user, params) -> ExportData:
    _form, rows = _dispatch_rows(user, params)
    return ExportData(
        _("Dispatch sessions"),
        [_("Held on"), _("Project"), _("Branch"), _("Location"), _("Attendees"), _("Status"),
         _("Instructions issued"), _("Notes"), _("Recorded by")],
        (
            [d.held_on, d.project.name, d.branch.name, d.location, d.attendees, d.get_status_display(),
             d.instruction_count, d.notes, d.created_by.get_full_name() if d.created_by else ""]
            for d in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )


register_export("dispatches", dispatch_export_data)


@login_required
def dispatch_list(request):
    if _want_export(request):
        return export_response(request, "dispatches")
    form, rows = _dispatch_rows(request.user, request.GET)
    return render(
        request,
        "mechanisms/dispatch/dispatch_list.html",
        {"form": form, "page": _page(request, rows), "export_query": _export_query(request)},
    )


def _dispatch_project(request, project_pk) -> Project:
    project = get_object_or_404(visible_projects(request.user).select_related("branch"), pk=project_pk)
    if not sel.can_run_dispatch(request.user, project):
        raise Http404
    return project


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
            _apply_form_errors(form, exc)
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
         "dispatch": None},
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
            _apply_form_errors(form, exc)
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
    try:
        dispatch_services.dispatch_record(dispatch=dispatch, by=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_refusal(request, exc)
    else:
        messages.success(request, _("Dispatch session recorded."))
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
    thresholds = sel.TicketThresholds.on(today)
    return render(
        request,
        "mechanisms/dispatch/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "sections": sel.agenda_sections(agenda),
            "agenda_count": len(agenda),
            "instructions": sel.attach_ticket_colours(sel.dispatch_instructions(dispatch), thresholds),
            "can_run": can_run,
            "record": dispatch,
            "label": "dispatch",
            "extras": record_extras(dispatch),
        },
    )


# ---------------------------------------------------------------- instructions
def _instruction_rows(user, params, thresholds):
    visible = visible_instructions(user)
    choices = sel.filter_choices(user, source=visible)
    form = InstructionFilterForm(params or None, units=sel.instruction_unit_choices(visible), **choices)
    return form, sel.instruction_list(user=user, filters=form.filters(), search=form.search, thresholds=thresholds)


def instruction_export_data(user, params) -> ExportData:
    today = timezone.localdate()
    thresholds = sel.TicketThresholds.on(today)
    _form, rows = _instruction_rows(user, params, thresholds)
    colour_names = {sel.TICKET_RED: _("Red"), sel.TICKET_YELLOW: _("Yellow"), sel.TICKET_BLUE: _("Blue")}
    return ExportData(
        _("Instructions"),
        [_("Title"), _("Project"), _("Branch"), _("Assigned unit"), _("Assigned person"),
         _("Issued on"), _("Deadline"), _("Status"), _("Ticket colour"), _("Days overdue"),
         _("Result"), _("Reason for return")],
        (
            [i.title, i.project.name, i.branch.name, str(i.assignee_unit or ""),
             i.assignee_user.get_full_name() if i.assignee_user else "", i.issued_on, i.deadline,
             i.get_status_display(), colour_names.get(sel.ticket_colour(i, thresholds), ""),
             sel.overdue_days(i.deadline, today) if i.awaiting_assignee else 0, i.result, i.return_reason]
            for i in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )


register_export("instructions", instruction_export_data)


@login_required
def instruction_list(request):
    if _want_export(request):
        return export_response(request, "instructions")
    today = timezone.localdate()
    thresholds = sel.TicketThresholds.on(today)
    form, rows = _instruction_rows(request.user, request.GET, thresholds)
    page = _page(request, rows)
    page.object_list = sel.attach_ticket_colours(page.object_list, thresholds)
    for row in page.object_list:
        row.days_overdue = sel.overdue_days(row.deadline, today) if row.awaiting_assignee else 0
    return render(
        request,
        "mechanisms/dispatch/instruction_list.html",
        {"form": form, "page": page, "export_query": _export_query(request)},
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
    form = InstructionForm(request.POST or None, units=units, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instruction = dispatch_services.instruction_issue(
                project=project, dispatch=dispatch, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
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
    instruction.ticket = sel.ticket_colour(instruction, sel.TicketThresholds.on(today))
    instruction.days_overdue = sel.overdue_days(instruction.deadline, today) if instruction.awaiting_assignee else 0
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
    try:
        service(instruction=instruction, by=request.user, **kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_refusal(request, exc)
    else:
        messages.success(request, success)
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


# ---------------------------------------------------------------- consultations
def _consultation_rows(user, params, today):
    visible = visible_consultations(user)
    choices = sel.filter_choices(user, source=visible)
    form = ConsultationFilterForm(params or None, units=sel.consultation_unit_choices(visible), **choices)
    return form, sel.consultation_list(user=user, filters=form.filters(), search=form.search, today=today)


def consultation_export_data(user, params) -> ExportData:
    _form, rows = _consultation_rows(user, params, timezone.localdate())
    return ExportData(
        _("Consultations"),
        [_("Date"), _("Topic"), _("Branch"), _("Project"), _("Lead unit"), _("Status"),
         _("Resolutions"), _("Verified"), _("Overdue"), _("Minutes")],
        (
            [c.held_on, c.topic, c.branch.name, c.project.name if c.project else "", str(c.lead_unit),
             c.get_status_display(), c.resolution_count, c.verified_count, c.overdue_count, c.minutes]
            for c in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )


register_export("consultations", consultation_export_data)


@login_required
def consultation_list(request):
    if _want_export(request):
        return export_response(request, "consultations")
    form, rows = _consultation_rows(request.user, request.GET, timezone.localdate())
    return render(
        request,
        "mechanisms/consultation/consultation_list.html",
        {
            "form": form,
            "page": _page(request, rows),
            "export_query": _export_query(request),
            "can_convene": sel.consultation_branch_choices(request.user).exists(),
        },
    )


@login_required
def consultation_create(request):
    """Convene a consultation. The branch is chosen first (the units and projects offered
    depend on it): ``?branch=`` or ``?project=`` preselects it."""
    branches = sel.consultation_branch_choices(request.user)
    branch = project = None
    branch_pk = request.POST.get("branch") or request.GET.get("branch") or ""
    project_pk = request.POST.get("project") or request.GET.get("project") or ""
    # A branch or project named in the address that the user may not convene is a 404, like
    # any record outside their reach.
    if project_pk:
        project = get_object_or_404(
            Project.objects.filter(branch__in=branches).select_related("branch"), pk=_int_or_404(project_pk)
        )
    if branch_pk:
        branch = get_object_or_404(branches, pk=_int_or_404(branch_pk))
    elif project is not None:
        branch = project.branch
    branch = branch or branches.first()
    if branch is None:
        raise Http404
    if project is not None and project.branch_id != branch.pk:
        project = None
    form = ConsultationForm(
        request.POST or None,
        branches=branches,
        projects=Project.objects.filter(branch=branch).order_by("name", "pk"),
        units=sel.consultation_unit_candidates(branch, project),
        initial={"branch": branch.pk, "project": project.pk if project else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultation_services.consultation_create(
                by=request.user, hold="hold" in request.POST, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect("mechanisms:consultation_detail", consultation.pk)
    return render(
        request,
        "mechanisms/consultation/consultation_form.html",
        {"form": form, "branch": branch, "branches": branches},
    )


@login_required
def consultation_detail(request, pk):
    try:
        consultation = sel.consultation_detail(user=request.user, pk=pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    manage = sel.can_manage_consultation(request.user, consultation)
    rights = sel.unit_rights(request.user, consultation)
    resolutions = sel.consultation_resolutions(consultation, user=request.user)
    for resolution in resolutions:
        resolution.actions = sel.resolution_actions(resolution, rights=rights, manage=manage)
        resolution.days_overdue = (
            sel.overdue_days(resolution.deadline, today) if resolution.status in RESOLUTION_AWAITING_UNIT else 0
        )
    return render(
        request,
        "mechanisms/consultation/consultation_detail.html",
        {
            "consultation": consultation,
            "resolutions": resolutions,
            "manage": manage,
            "hold_form": HoldForm(initial={"held_on": consultation.held_on, "minutes": consultation.minutes}),
            "can_close": manage
            and consultation.status == ConsultationStatus.HELD
            and all(r.status == ResolutionStatus.VERIFIED for r in resolutions),
            "record": consultation,
            "label": "consultation",
            "extras": record_extras(consultation),
        },
    )


def _units_queryset(units):
    return Organization.objects.filter(pk__in=[u.pk for u in units]).order_by("path")


def _managed_consultation(request, pk) -> Consultation:
    consultation = get_object_or_404(visible_consultations(request.user).select_related("branch"), pk=pk)
    if not sel.can_manage_consultation(request.user, consultation):
        raise Http404
    return consultation


@login_required
@require_POST
def consultation_hold(request, pk):
    consultation = _managed_consultation(request, pk)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            consultation_services.consultation_hold(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash_refusal(request, exc)
        else:
            messages.success(request, _("Consultation recorded as held. Add its resolutions."))
    else:
        messages.error(request, _("Write the minutes and the date of the consultation."))
    return redirect("mechanisms:consultation_detail", pk)


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = _managed_consultation(request, pk)
    try:
        consultation_services.consultation_close(consultation=consultation, by=request.user)
    except ValidationError as exc:
        _flash_refusal(request, exc)
    else:
        messages.success(request, _("Consultation closed."))
    return redirect("mechanisms:consultation_detail", pk)


@login_required
def resolution_create(request, pk):
    consultation = _managed_consultation(request, pk)
    units = consultation.participating_units.all()
    owner_choices = _units_queryset([consultation.lead_unit] + list(units))
    form = ResolutionForm(request.POST or None, units=owner_choices)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_services.resolution_create(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, _("Resolution added: the owner unit has been notified to sign off."))
            return redirect("mechanisms:consultation_detail", pk)
    return render(
        request, "mechanisms/consultation/resolution_form.html", {"form": form, "consultation": consultation}
    )


def _resolution_action(request, pk, service, success, **kwargs):
    resolution = get_object_or_404(
        sel.visible_resolutions(request.user).select_related("consultation"), pk=pk
    )
    try:
        service(resolution=resolution, by=request.user, **kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        _flash_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect(f"{reverse('mechanisms:consultation_detail', args=[resolution.consultation_id])}#resolution-{resolution.pk}")


@login_required
@require_POST
def resolution_sign_off(request, pk):
    return _resolution_action(request, pk, consultation_services.resolution_sign_off, _("Resolution signed off."))


@login_required
@require_POST
def resolution_done(request, pk):
    return _resolution_action(
        request, pk, consultation_services.resolution_report_done, _("Reported done: awaiting verification."),
        result=request.POST.get("result", ""),
    )


@login_required
@require_POST
def resolution_verify(request, pk):
    return _resolution_action(request, pk, consultation_services.resolution_verify, _("Resolution verified."))


@login_required
@require_POST
def resolution_return(request, pk):
    return _resolution_action(
        request, pk, consultation_services.resolution_return, _("Resolution returned for rework."),
        reason=request.POST.get("reason", ""),
    )

