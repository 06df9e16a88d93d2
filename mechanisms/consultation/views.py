"""Pages of 对接会商: the consultation list, convening, holding and closing a consultation, and
the resolution actions of the lead and owner units.

Thin: parse → find the record through a visibility selector (outside it: 404) → check the user
may act (not allowed: 404) → call a service → redirect with a message, or re-render the form
with what the user typed and the refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Organization
from core.exports import export_response
from mechanisms.common import selectors as sel_common
from mechanisms.common.selectors import record_extras
from mechanisms.common.web import (
    apply_form_errors,
    export_query,
    flash_refusal,
    int_or_404,
    page_of,
    perform,
    want_export,
)
from mechanisms.consultation import selectors as sel
from mechanisms.consultation import services as consultation_services
from mechanisms.consultation.filters import ConsultationFilterSet
from mechanisms.consultation.forms import ConsultationForm, HoldForm, ResolutionForm
from mechanisms.consultation.models import (
    RESOLUTION_AWAITING_UNIT,
    Consultation,
    ConsultationStatus,
    ResolutionStatus,
)
from mechanisms.consultation.selectors import visible_consultations
from mechanisms.dispatch import tickets
from projects.models import Project


@login_required
def consultation_list(request):
    if want_export(request):
        return export_response(request, "consultations")
    filterset = ConsultationFilterSet(request.GET, user=request.user)
    form, rows = filterset.form, filterset.qs
    return render(
        request,
        "mechanisms/consultation/consultation_list.html",
        {
            "form": form,
            "page": page_of(request, rows),
            "export_query": export_query(request),
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
            Project.objects.filter(branch__in=branches).select_related("branch"), pk=int_or_404(project_pk)
        )
    if branch_pk:
        branch = get_object_or_404(branches, pk=int_or_404(branch_pk))
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
            apply_form_errors(form, exc)
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
    rights = sel_common.unit_rights(request.user, consultation)
    resolutions = sel.consultation_resolutions(consultation, user=request.user)
    for resolution in resolutions:
        resolution.actions = sel.resolution_actions(resolution, rights=rights, manage=manage)
        resolution.days_overdue = (
            tickets.overdue_days(resolution.deadline, today) if resolution.status in RESOLUTION_AWAITING_UNIT else 0
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
            flash_refusal(request, exc)
        else:
            messages.success(request, _("Consultation recorded as held. Add its resolutions."))
    else:
        messages.error(request, _("Write the minutes and the date of the consultation."))
    return redirect("mechanisms:consultation_detail", pk)


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = _managed_consultation(request, pk)
    perform(request, consultation_services.consultation_close, _("Consultation closed."), consultation=consultation)
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
            apply_form_errors(form, exc)
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
    perform(request, service, success, resolution=resolution, **kwargs)
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
