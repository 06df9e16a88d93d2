"""Pages of the evaluation app: parse → check access (a 404 outside reach or role) → call a service
or a selector → render.

Access comes from the selectors: the office (department staff and leaders) sees evaluations,
rubrics, appraisals and the priority list of its jurisdiction; only staff write (every write view
is a 404 for leaders); a branch's secretary writes the branch's assessment of its members; a
member writes their own self-assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Person
from core.audit import record
from core.documents import docx_response, pdf_response
from core.exports import audit_export, export_response
from core.messages import flash_errors
from core.models import AuditAction
from core.security import client_ip
from core.xlsx import xlsx_response
from evaluation import selectors, services
from evaluation.conf import evaluation_config
from evaluation.documents import (
    appraisal_document,
    appraisal_filename,
    evaluation_document,
    evaluation_filename,
)
from evaluation.filters import EvaluationFilterSet, PriorityFilterSet
from evaluation.forms import (
    AdjustmentForm,
    BranchAssessmentForm,
    EvaluationStartForm,
    FinalizeForm,
    GradeForm,
    RubricForm,
    RubricItemFormSet,
    ScorecardForm,
    SelfAssessmentForm,
    SelfAssessmentWaiverForm,
    apply_service_errors,
)
from evaluation.models import Adjustment, Appraisal, AppraisalStatus, RubricItemKind
from evaluation.pdf import appraisal_pdf_bytes
from evaluation.workbooks import priority_workbook

PAGE_SIZE = 25


def _require_office(user):
    if not selectors.is_office_user(user):
        raise Http404


@login_required
def evaluation_list(request):
    _require_office(request.user)
    filterset = EvaluationFilterSet(request.GET, user=request.user)
    form, branches = filterset.form, filterset.qs
    page = Paginator(branches, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/evaluation_list.html",
        {
            "form": form,
            "page": page,
            "export_query": query.urlencode(),
            "can_evaluate": selectors.can_evaluate(request.user),
        },
    )


@login_required
def evaluation_export(request):
    _require_office(request.user)
    return export_response(request, "evaluations")


@login_required
@require_POST
def evaluation_start(request, branch_pk):
    branch = get_object_or_404(selectors.evaluating_branches(request.user).select_related("supervising_committee"), pk=branch_pk)
    if not selectors.can_evaluate(request.user):
        raise Http404
    form = EvaluationStartForm(request.POST, rubrics=selectors.applicable_rubrics(branch))
    if not form.is_valid():
        messages.error(request, _("Choose a rubric that applies to this branch."))
        return redirect("evaluation:evaluation_list")
    try:
        evaluation = services.evaluation_start(branch=branch, rubric=form.cleaned_data["rubric"], by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("evaluation:evaluation_list")
    messages.success(request, _("The evaluation of “%(branch)s” has started.") % {"branch": branch.name})
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@login_required
def evaluation_new(request, branch_pk):
    """Choose the rubric for a concluded branch (staff)."""
    branch = get_object_or_404(
        selectors.evaluating_branches(request.user).select_related("supervising_committee", "lead_unit"), pk=branch_pk
    )
    if not selectors.can_evaluate(request.user):
        raise Http404
    existing = getattr(branch, "evaluation", None)
    if existing is not None:
        return redirect("evaluation:evaluation_detail", pk=existing.pk)
    rubrics = selectors.applicable_rubrics(branch)
    form = EvaluationStartForm(rubrics=rubrics, initial={"rubric": rubrics.first()})
    return render(request, "evaluation/evaluation_new.html", {"branch": branch, "form": form, "has_rubrics": rubrics.exists()})


# ================================================================ one evaluation
def _evaluation(request, pk, *, write=False):
    source = selectors.editable_evaluations(request.user) if write else selectors.visible_evaluations(request.user)
    return get_object_or_404(
        source.select_related("branch", "branch__lead_unit", "branch__field", "branch__supervising_committee", "secretary"),
        pk=pk,
    )


@login_required
def evaluation_detail(request, pk):
    """The scoring page: each criterion with its objective figure beside it; the evaluator's own
    scores (staff), every evaluator's total, deductions, bonuses, vetoes and the result."""
    evaluation = _evaluation(request, pk, write=request.method == "POST")
    can_write = (
        not evaluation.is_final and selectors.editable_evaluations(request.user).filter(pk=evaluation.pk).exists()
    )
    page = selectors.evaluation_page(evaluation, user=request.user)
    if request.method == "POST":
        if evaluation.is_final:
            messages.error(request, _("This evaluation is final and can no longer be changed."))
            return redirect("evaluation:evaluation_detail", pk=evaluation.pk)
        form = ScorecardForm(request.POST, criteria=page.criteria)
        if form.is_valid():
            try:
                services.scorecard_save(
                    evaluation=evaluation, by=request.user, scores=form.scores(), notes=form.notes(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("Your scores are saved."))
                return redirect("evaluation:evaluation_detail", pk=evaluation.pk)
    else:
        form = ScorecardForm(
            criteria=page.criteria, initial={"comment": page.my_scorecard.comment if page.my_scorecard else ""}
        )
    context = {
        "evaluation": evaluation,
        "branch": evaluation.branch,
        "page": page,
        "form": form if can_write else None,
        "adjustment_form": AdjustmentForm(evaluation=evaluation) if can_write else None,
        "finalize_form": FinalizeForm(initial={"remarks": evaluation.remarks}) if can_write else None,
        "can_write": can_write,
        "thresholds": evaluation_config()["GRADE_THRESHOLDS"],
    }
    return render(request, "evaluation/evaluation_detail.html", context)


@login_required
@require_POST
def adjustment_add(request, pk):
    evaluation = _evaluation(request, pk, write=True)
    form = AdjustmentForm(request.POST, evaluation=evaluation)
    if form.is_valid():
        try:
            services.adjustment_add(
                evaluation=evaluation, item=form.cleaned_data["item"], points=form.cleaned_data["points"] or 0,
                reason=form.cleaned_data["reason"], by=request.user,
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@login_required
@require_POST
def adjustment_remove(request, pk):
    adjustment = get_object_or_404(
        Adjustment.objects.filter(evaluation__in=selectors.editable_evaluations(request.user)).select_related("evaluation"),
        pk=pk,
    )
    try:
        services.adjustment_remove(adjustment=adjustment, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Removed."))
    return redirect("evaluation:evaluation_detail", pk=adjustment.evaluation_id)


@login_required
@require_POST
def evaluation_finalize(request, pk):
    evaluation = _evaluation(request, pk, write=True)
    form = FinalizeForm(request.POST)
    form.is_valid()
    try:
        evaluation = services.evaluation_finalize(
            evaluation=evaluation, by=request.user, remarks=form.cleaned_data.get("remarks", "")
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("The evaluation is final: %(total)s points, %(grade)s. The branch is now evaluated.")
            % {"total": evaluation.total, "grade": evaluation.get_grade_display()},
        )
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


# ================================================================ rubrics
@login_required
def rubric_list(request):
    _require_office(request.user)
    rubrics = list(selectors.rubric_list(request.user))
    editable = set(selectors.editable_rubrics(request.user).values_list("pk", flat=True))
    for rubric in rubrics:
        rubric.can_edit = rubric.pk in editable
    return render(
        request,
        "evaluation/rubric_list.html",
        {"rubrics": rubrics, "can_create": selectors.can_evaluate(request.user)},
    )


def _rubric_items_initial(rubric):
    return [
        {"id": i.pk, "kind": i.kind, "name": i.name, "points": i.points, "figure": i.figure, "description": i.description}
        for i in rubric.items.order_by("position", "id")
    ]


@login_required
def rubric_create(request):
    if not selectors.can_evaluate(request.user):
        raise Http404
    organizations = selectors.rubric_organizations(request.user)
    if request.method == "POST":
        form = RubricForm(request.POST, organizations=organizations, creating=True)
        formset = RubricItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                rubric = services.rubric_create(
                    organization=form.cleaned_data["organization"], name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"], items=formset.items(), by=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Rubric “%(name)s” saved.") % {"name": rubric.name})
                return redirect("evaluation:rubric_list")
    else:
        form = RubricForm(
            organizations=organizations, creating=True,
            initial={"organization": request.user.organization_id, "is_active": True},
        )
        formset = RubricItemFormSet(prefix="items", initial=[{"kind": RubricItemKind.CRITERION}])
    return render(request, "evaluation/rubric_form.html", {"form": form, "formset": formset, "creating": True})


@login_required
def rubric_edit(request, pk):
    rubric = get_object_or_404(selectors.editable_rubrics(request.user).select_related("organization"), pk=pk)
    if request.method == "POST":
        form = RubricForm(request.POST, organizations=None, creating=False)
        formset = RubricItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                services.rubric_update(
                    rubric=rubric, name=form.cleaned_data["name"], description=form.cleaned_data["description"],
                    is_active=form.cleaned_data["is_active"], items=formset.items(), by=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Rubric “%(name)s” saved.") % {"name": rubric.name})
                return redirect("evaluation:rubric_list")
    else:
        form = RubricForm(
            organizations=None, creating=False,
            initial={"name": rubric.name, "description": rubric.description, "is_active": rubric.is_active},
        )
        formset = RubricItemFormSet(prefix="items", initial=_rubric_items_initial(rubric))
    return render(
        request, "evaluation/rubric_form.html", {"form": form, "formset": formset, "creating": False, "rubric": rubric}
    )


# ================================================================ appraisals
@login_required
def appraisal_list(request, branch_pk):
    branch = get_object_or_404(
        selectors.appraisal_branches(request.user).select_related("lead_unit", "supervising_committee"), pk=branch_pk
    )
    appraisals = list(selectors.appraisal_list(branch))
    is_secretary = selectors.secretary_appraisals(request.user).filter(branch=branch).exists()
    can_grade = selectors.evaluating_branches(request.user).filter(pk=branch.pk).exists() and selectors.can_evaluate(
        request.user
    )
    return render(
        request,
        "evaluation/appraisal_list.html",
        {
            "branch": branch,
            "appraisals": appraisals,
            "quota": selectors.excellent_quota(appraisals),
            "share": services.excellent_share(),
            "is_secretary": is_secretary,
            "can_grade": can_grade,
            "evaluation": getattr(branch, "evaluation", None),
        },
    )


def _branch_for_grading(request, branch_pk):
    if not selectors.can_evaluate(request.user):
        raise Http404
    return get_object_or_404(selectors.evaluating_branches(request.user), pk=branch_pk)


@login_required
@require_POST
def appraisals_open(request, branch_pk):
    branch = _branch_for_grading(request, branch_pk)
    try:
        created = services.appraisals_open(branch=branch, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("%(n)s appraisals opened.") % {"n": created})
    return redirect("evaluation:appraisal_list", branch_pk=branch.pk)


@login_required
@require_POST
def appraisals_finalize_ready(request, branch_pk):
    branch = _branch_for_grading(request, branch_pk)
    done, skipped = services.appraisals_finalize_ready(branch=branch, by=request.user)
    messages.success(request, _("%(n)s appraisals finalized.") % {"n": len(done)})
    for row in skipped:
        messages.warning(
            request,
            _("Not finalized: %(name)s — %(why)s") % {"name": row.appraisal.person.name, "why": " ".join(row.reasons)},
        )
    return redirect("evaluation:appraisal_list", branch_pk=branch.pk)


def _appraisal(queryset, pk):
    return get_object_or_404(
        queryset.select_related(
            "branch", "person", "person__work_unit", "branch_assessed_by", "graded_by", "self_assessment_waived_by"
        ),
        pk=pk,
    )


def _appraisal_form_page(request, appraisal, form, *, stage):
    waiver_form = None
    if stage == "grade" and not appraisal.is_final and not appraisal.has_self_assessment:
        waiver_form = SelfAssessmentWaiverForm() if not appraisal.self_assessment_waived else None
    return render(
        request,
        "evaluation/appraisal_form.html",
        {
            "appraisal": appraisal, "form": form, "stage": stage, "record": selectors.member_record(appraisal),
            "waiver_form": waiver_form,
        },
    )


@login_required
def appraisal_self(request, pk):
    """The member writes their self-assessment on their own page."""
    appraisal = _appraisal(selectors.own_appraisals(request.user), pk)
    if request.method == "POST" and not appraisal.is_final:
        form = SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.appraisal_self_assess(
                    appraisal=appraisal, text=form.cleaned_data["self_assessment"], by=request.user
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Your self-assessment is saved."))
                return redirect("evaluation:my_appraisals")
    else:
        form = SelfAssessmentForm(initial={"self_assessment": appraisal.self_assessment})
    return _appraisal_form_page(request, appraisal, form, stage="self")


@login_required
def appraisal_branch(request, pk):
    """The branch's assessment of a member, by the branch's secretary."""
    appraisal = _appraisal(selectors.secretary_appraisals(request.user), pk)
    if request.method == "POST" and not appraisal.is_final:
        form = BranchAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.appraisal_branch_assess(
                    appraisal=appraisal, text=form.cleaned_data["branch_assessment"], by=request.user
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The branch's assessment of %(name)s is saved.") % {"name": appraisal.person.name})
                return redirect("evaluation:appraisal_list", branch_pk=appraisal.branch_id)
    else:
        form = BranchAssessmentForm(initial={"branch_assessment": appraisal.branch_assessment})
    return _appraisal_form_page(request, appraisal, form, stage="branch")


@login_required
def appraisal_grade(request, pk):
    """The department's grade and conclusion (pre-drafted from the member's record)."""
    appraisal = _appraisal(selectors.gradable_appraisals(request.user), pk)
    if request.method == "POST" and not appraisal.is_final:
        form = GradeForm(request.POST, graded=appraisal.is_graded)
        if form.is_valid():
            try:
                services.appraisal_grade(
                    appraisal=appraisal, grade=form.cleaned_data.get("grade", ""),
                    conclusion=form.cleaned_data["conclusion"], by=request.user,
                )
                if request.POST.get("finalize"):
                    services.appraisal_finalize(appraisal=appraisal, by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The appraisal of %(name)s is saved.") % {"name": appraisal.person.name})
                return redirect("evaluation:appraisal_list", branch_pk=appraisal.branch_id)
    else:
        conclusion = appraisal.conclusion
        if request.GET.get("redraft") and not appraisal.is_final:
            conclusion = services.draft_conclusion(appraisal)
        form = GradeForm(graded=appraisal.is_graded, initial={"grade": appraisal.grade, "conclusion": conclusion})
    return _appraisal_form_page(request, appraisal, form, stage="grade")


@login_required
@require_POST
def appraisal_self_waive(request, pk):
    """Staff record that the member did not fill in their self-assessment (本人未填写), and why."""
    appraisal = _appraisal(selectors.gradable_appraisals(request.user), pk)
    form = SelfAssessmentWaiverForm(request.POST)
    if form.is_valid():
        try:
            services.appraisal_self_assessment_waive(appraisal=appraisal, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request, _("Recorded: %(name)s did not fill in the self-assessment.") % {"name": appraisal.person.name}
            )
    else:
        messages.error(request, _("Say why the member did not fill it in."))
    return redirect("evaluation:appraisal_grade", pk=appraisal.pk)


@login_required
@require_POST
def appraisal_finalize(request, pk):
    appraisal = _appraisal(selectors.gradable_appraisals(request.user), pk)
    try:
        services.appraisal_finalize(appraisal=appraisal, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The appraisal of %(name)s is final.") % {"name": appraisal.person.name})
    return redirect("evaluation:appraisal_list", branch_pk=appraisal.branch_id)


def _printable(request, pk) -> Appraisal:
    return _appraisal(selectors.visible_appraisals(request.user), pk)


def _print_context(appraisal):
    return {
        "appraisal": appraisal,
        "person": appraisal.person,
        "branch": appraisal.branch,
        "record": selectors.member_record(appraisal),
        "printed_on": timezone.localdate(),
    }


@login_required
def appraisal_print(request, pk):
    """The A4 appraisal form (党性鉴定表) as a page to print."""
    appraisal = _printable(request, pk)
    return render(request, "evaluation/appraisal_print.html", {**_print_context(appraisal), "for_pdf": False})


@login_required
def appraisal_pdf(request, pk):

    appraisal = _printable(request, pk)
    content = appraisal_pdf_bytes(_print_context(appraisal), request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = _("Party-spirit appraisal form") + f"-{appraisal.person.name}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    record(AuditAction.DOWNLOAD, request=request, target=appraisal, detail={"file": filename})
    return response


@login_required
def appraisal_docx(request, pk):
    """The appraisal form as a Word document (GB/T 9704 layout), for whoever may print it."""
    appraisal = _printable(request, pk)
    return docx_response(appraisal_document(appraisal).to_bytes(), appraisal_filename(appraisal))


@login_required
def appraisals_zip(request, branch_pk):
    """Every appraisal form of a branch as Word documents in one .zip, written by a worker."""
    get_object_or_404(selectors.appraisal_branches(request.user), pk=branch_pk)
    return export_response(request, "appraisal_forms", params={"branch": [str(branch_pk)]})


def _report(request, pk):
    evaluation = _evaluation(request, pk)
    page = selectors.evaluation_page(evaluation, user=request.user)
    return evaluation, evaluation_document(page).to_bytes()


@login_required
def evaluation_report_docx(request, pk):
    """The efficacy evaluation report (效能评估报告) of one branch as a Word document."""
    evaluation, content = _report(request, pk)
    return docx_response(content, evaluation_filename(evaluation))


@login_required
def evaluation_report_pdf(request, pk):
    evaluation, content = _report(request, pk)
    return pdf_response(request, content, evaluation_filename(evaluation),
                        docx_url=reverse("evaluation:evaluation_report_docx", args=[evaluation.pk]))


@login_required
def my_appraisals(request):
    """A member's own appraisals, to write the self-assessment and print the form."""
    if not Person.objects.filter(user=request.user).exists():
        raise Http404
    appraisals = list(selectors.my_appraisals(request.user))
    return render(request, "evaluation/my_appraisals.html", {"appraisals": appraisals, "open": AppraisalStatus.OPEN})


# ================================================================ the priority list
def _priority(request):
    filterset = PriorityFilterSet(request.GET, user=request.user)
    return filterset.form, filterset.values()[0], filterset.qs


@login_required
def priority_list(request):
    _require_office(request.user)
    form, _filters, entries = _priority(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "evaluation/priority_list.html", {"form": form, "page": page, "export_query": query.urlencode()}
    )


@login_required
def priority_export(request):
    # Stays in the request: the department's layout (two merged header rows, the selection line,
    # borders, A4 landscape) is more than core.exports' streamed one-header workbook can write.
    _require_office(request.user)
    _form, filters, entries = _priority(request)
    content = priority_workbook(entries, filters=filters, user=request.user)
    audit_export(
        user=request.user, name="priority_list", title=_("Priority list"), params=request.GET,
        rows=len(entries), ip_address=client_ip(request),
    )
    return xlsx_response(content, _("Priority list") + f"-{timezone.localdate():%Y%m%d}.xlsx")

