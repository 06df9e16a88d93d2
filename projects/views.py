"""Pages of the projects app: parse → check access (a 404 outside reach) → call a service or a
selector → render. Access comes from three selectors: visible (read), editable (record
readings, mark milestones done) and manageable (set up and steer: department staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import export_response
from core.paging import capped_page
from projects import lights, selectors, services
from projects.filters import ProjectFilterSet
from projects.forms import (
    DispatchChiefForm,
    IndicatorForm,
    MilestoneForm,
    ProjectForm,
    ProjectTransitionForm,
    ReadingForm,
    apply_service_errors,
)
from projects.models import Indicator, Milestone, Project

PAGE_SIZE = 25


@login_required
def project_list(request):
    filterset = ProjectFilterSet(request.GET, user=request.user)
    form, projects = filterset.form, filterset.qs
    page = capped_page(projects, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "export_query": query.urlencode(),
            # Phones fold the filters away unless some are in use.
            "filtering": bool(query),
            "can_create": selectors.can_create_projects(request.user),
        },
    )


@login_required
def project_export(request):
    return export_response(request, "projects")


@login_required
def project_detail(request, pk):
    try:
        project = selectors.project_detail(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    can_manage = selectors.manageable_projects(request.user).filter(pk=pk).exists()
    can_record = selectors.editable_projects(request.user).filter(pk=pk).exists()
    page = selectors.project_page(project)
    result = page.result
    context = {
        "page": page,
        "figures": {
            "progress": _points(result.progress),
            "elapsed": _points(result.elapsed),
            "gap": _points(result.gap),
            "gap_abs": abs(_points(result.gap)),
            "days_off": abs(result.days_late or 0),
            "planned": None if result.planned is None else _points(result.planned),
            "projected": None if result.projected is None else _points(result.projected),
            "yellow_gap": int(lights.YELLOW_GAP * 100),
            "red_gap": int(lights.RED_GAP * 100),
            "red_days": lights.RED_MILESTONE_DAYS,
            "fresh_days": lights.FRESH_DAYS,
            "no_progress_days": lights.NO_PROGRESS_RED_DAYS,
            "min_span": lights.MIN_SPAN_DAYS,
            "horizon_years": lights.FORECAST_HORIZON_DAYS // 365,
        },
        "chart_labels": {
            "actual": _("Actual"),
            "planned": _("Planned"),
            "target": _("Target"),
            "forecast": _("At this pace"),
            "today": _("Today"),
        },
        "project": project,
        "can_manage": can_manage,
        "can_record": can_record and project.status not in services.CLOSED_STATUSES,
        "transitions": selectors.project_status_choices(project) if can_manage else [],
        "reasons_required": services.REASON_REQUIRED,
    }
    return render(request, "projects/project_detail.html", context)


def _points(share) -> int | float:
    """A 0…1 share as points of 100: a whole number when it is one, else one decimal."""
    value = round(float(share) * 100, 1)
    return int(value) if value == int(value) else value


def _manageable(request, pk):
    return get_object_or_404(selectors.manageable_projects(request.user).select_related("branch"), pk=pk)


@login_required
def project_create(request):
    user = request.user
    if not selectors.can_create_projects(user):
        raise Http404
    if request.method == "POST":
        form = ProjectForm(request.POST, user=user, creating=True)
        if form.is_valid():
            try:
                project = services.project_create(by=user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Project “%(name)s” created.") % {"name": project.name})
                return redirect("projects:project_detail", pk=project.pk)
    else:
        initial = {}
        branch = selectors.project_branch_choices(user).filter(pk=_int(request.GET.get("branch"))).first()
        if branch is not None:
            # Start from what the branch already says; the staff member changes what differs.
            initial = {
                "branch": branch,
                "front": branch.front,
                "field": branch.field_id,
                "lead_unit": branch.lead_unit_id,
                "responsible_units": list(branch.responsible_units.values_list("pk", flat=True)),
                "start_on": branch.formed_on,
                "deadline": branch.planned_end_on,
            }
        form = ProjectForm(user=user, creating=True, initial=initial)
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def project_edit(request, pk):
    project = _manageable(request, pk)
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, user=request.user, creating=False)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.project_update(
                    project=project, by=request.user, responsible_units=data.pop("responsible_units"), **data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Project saved."))
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = ProjectForm(instance=project, user=request.user, creating=False)
    return render(request, "projects/project_form.html", {"form": form, "creating": False, "project": project})


@login_required
@require_POST
def project_transition(request, pk):
    project = _manageable(request, pk)
    form = ProjectTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            services.project_transition(
                project=project, to=form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            project.refresh_from_db(fields=["status"])
            messages.success(
                request, _("The project is now %(status)s.") % {"status": project.get_status_display()}
            )
    return redirect("projects:project_detail", pk=project.pk)


@login_required
def dispatch_chief_assign(request, pk):
    project = _manageable(request, pk)
    if request.method == "POST":
        form = DispatchChiefForm(request.POST, user=request.user)
        if form.is_valid():
            chief = form.cleaned_data["dispatch_chief"]
            try:
                services.project_assign_dispatch_chief(project=project, user=chief, by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if chief is None:
                    messages.success(request, _("The project has no dispatch chief now."))
                else:
                    messages.success(
                        request, _("%(name)s is now the dispatch chief.") % {"name": chief.get_full_name()}
                    )
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = DispatchChiefForm(user=request.user, initial={"dispatch_chief": project.dispatch_chief_id})
    return _small_form(
        request, form, project=project, title=_("Appoint the dispatch chief"), submit=_("Appoint"), testid="chief-form"
    )


def _small_form(request, form, *, project, title, submit, testid, subtitle=""):
    return render(
        request,
        "projects/small_form.html",
        {"form": form, "project": project, "title": title, "subtitle": subtitle, "submit": submit, "testid": testid},
    )


@login_required
def indicator_create(request, pk):
    project = _manageable(request, pk)
    if request.method == "POST":
        form = IndicatorForm(request.POST, instance=Indicator(project=project))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in IndicatorForm.Meta.fields}
            try:
                indicator = services.indicator_create(project=project, by=request.user, **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Indicator “%(name)s” added.") % {"name": indicator.name})
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = IndicatorForm(initial={"baseline": 0, "weight": 1})
    return _small_form(request, form, project=project, title=_("Add an indicator"), submit=_("Add"), testid="indicator-form")


@login_required
def reading_create(request, pk):
    indicator = get_object_or_404(
        Indicator.objects.filter(project__in=selectors.editable_projects(request.user)).select_related("project"),
        pk=pk,
    )
    project = indicator.project
    if request.method == "POST":
        form = ReadingForm(request.POST)
        if form.is_valid():
            try:
                services.indicator_record_reading(indicator=indicator, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Reading recorded for “%(name)s”.") % {"name": indicator.name})
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = ReadingForm()
    subtitle = _("%(name)s — now %(value)s of %(target)s %(unit)s") % {
        "name": indicator.name,
        "value": selectors.number_text(indicator.current_value),
        "target": selectors.number_text(indicator.target),
        "unit": indicator.unit,
    }
    return _small_form(
        request, form, project=project, title=_("Record a reading"), subtitle=subtitle, submit=_("Record"),
        testid="reading-form",
    )


@login_required
def milestone_create(request, pk):
    project = _manageable(request, pk)
    if request.method == "POST":
        form = MilestoneForm(request.POST, instance=Milestone(project=project))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in MilestoneForm.Meta.fields}
            try:
                milestone = services.milestone_create(project=project, by=request.user, **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Milestone “%(name)s” added.") % {"name": milestone.name})
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = MilestoneForm()
    return _small_form(request, form, project=project, title=_("Add a milestone"), submit=_("Add"), testid="milestone-form")


@login_required
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(
        Milestone.objects.filter(project__in=selectors.editable_projects(request.user)), pk=pk
    )
    try:
        services.milestone_mark_done(milestone=milestone, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Milestone “%(name)s” marked done.") % {"name": milestone.name})
    return redirect("projects:project_detail", pk=milestone.project_id)
