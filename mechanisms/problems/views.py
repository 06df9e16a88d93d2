"""Pages of the problem-analysis mechanism (问题研判): list, export, raise (also as an enterprise
whistle), detail with the actions the user may take.

Thin views: parse, check access through the selectors, call one service, render. A problem the
user may not see is a 404; an action the user holds no role for is a 404 too (write pages do
not confirm what exists); a move the state machine refuses is shown as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import export_response
from core.paging import capped_page
from mechanisms.common.selectors import record_extras
from mechanisms.common.workdays import calendar, time_limits
from mechanisms.problems import selectors as sel
from mechanisms.problems import services
from mechanisms.problems.filters import ProblemFilterSet
from mechanisms.problems.forms import (
    AnalyseForm,
    AssignmentAnswerForm,
    BranchPickForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    ObjectForm,
    ProblemReportForm,
    ResolveForm,
    VerifyForm,
    WhistleForm,
)
from mechanisms.problems.models import DeadlineExtension, ProblemAssignment, ProblemCase

PAGE_SIZE = 25


def _apply_errors(form, exc: ValidationError):
    """Show a service's refusal on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def problem_list(request):
    today = timezone.localdate()
    filterset = ProblemFilterSet(request.GET, user=request.user)
    return render(
        request,
        "mechanisms/problems/list.html",
        {
            "form": filterset.form,
            "page": capped_page(filterset.qs, PAGE_SIZE, request.GET.get("page")),
            "query": _query_without_page(request),
            "filtered": filterset.filtered,
            "can_report": sel.reporting_branches(request.user).exists(),
            "today": today,
        },
    )


@login_required
@require_GET
def problem_export(request):
    return export_response(request, "problems")


# ---------------------------------------------------------------- raise a problem
def _reporting_branch(request):
    """The branch a new problem is for: ?branch=, or the only one the user may raise for.
    Returns (branch or None, pick form or None); 404 when the user may raise for none."""
    branches = sel.reporting_branches(request.user).order_by("batch", "name")
    wanted = request.GET.get("branch") or request.POST.get("branch")
    if wanted:
        if not str(wanted).isdecimal():
            raise Http404
        return get_object_or_404(branches, pk=wanted), None
    only = list(branches[:2])
    if not only:
        raise Http404
    if len(only) == 1:
        return only[0], None
    return None, BranchPickForm(branches=branches)


def _raise_page(request, *, form_class, template, success_message):
    branch, pick = _reporting_branch(request)
    form = None
    if branch is not None:
        form = form_class(request.POST or None, branch=branch)
        if request.method == "POST" and form.is_valid():
            try:
                problem = services.problem_report(by=request.user, branch=branch, **form.service_kwargs())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, success_message)
                return redirect("mechanisms:problem_detail", pk=problem.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, template, {"branch": branch, "pick": pick, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request):
    return _raise_page(
        request,
        form_class=ProblemReportForm,
        template="mechanisms/problems/form.html",
        success_message=_("Problem raised. Analyse it and assign a responsible unit."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_whistle(request):
    """企业吹哨: the form the secretary or staff fill in on an enterprise's behalf."""
    return _raise_page(
        request,
        form_class=WhistleForm,
        template="mechanisms/problems/whistle.html",
        success_message=_("The enterprise's whistle is recorded."),
    )


# ---------------------------------------------------------------- detail and actions
def _get_problem(request, pk) -> ProblemCase:
    try:
        return sel.problem_detail(user=request.user, pk=pk)
    except ProblemCase.DoesNotExist as exc:
        raise Http404 from exc


def _render_detail(request, problem, *, status=200, **forms):
    today = timezone.localdate()
    actions = sel.problem_actions(problem, request.user, today=today)
    context = {
        "problem": problem,
        "actions": actions,
        "assignments": list(problem.assignments.all()),
        "extensions": list(problem.extensions.all()),
        "extras": record_extras(problem),
        "today": today,
        "is_overdue": problem.is_overdue_on(today),
        "limits": time_limits(),
    }
    if actions.analyse:
        default_deadline = calendar().add_working_days(today, time_limits()["enterprise_answer"])
        context["analyse_form"] = forms.get("analyse_form") or AnalyseForm(
            branch=problem.branch,
            default_deadline=default_deadline,
            initial={
                "conclusion": problem.conclusion,
                "responsible_unit": problem.responsible_unit_id,
                "co_units": [a.unit_id for a in context["assignments"]],
            },
        )
    if actions.object:
        context["object_form"] = forms.get("object_form") or ObjectForm()
    if actions.resolve:
        context["resolve_form"] = forms.get("resolve_form") or ResolveForm()
    if actions.verify:
        context["verify_form"] = forms.get("verify_form") or VerifyForm(whistle=problem.is_whistle)
    if actions.request_extension:
        context["extension_form"] = forms.get("extension_form") or ExtensionRequestForm()
    if actions.decide_extension:
        context["decide_form"] = forms.get("decide_form") or ExtensionDecideForm()
    bound_answer = forms.get("answer_form")
    context["answer_forms"] = [
        (a, bound_answer if bound_answer is not None and bound_answer.assignment_id == a.pk else AssignmentAnswerForm(prefix=f"a{a.pk}"))
        for a in actions.answer
    ]
    return render(request, "mechanisms/problems/detail.html", context, status=status)


@login_required
@require_GET
def problem_detail(request, pk):
    return _render_detail(request, _get_problem(request, pk))


def _act(request, pk, *, role, form_name=None, make_form=None, call):
    """Run one action: 404 without the role, the service's refusal as a message (or on the
    bound form, re-rendering the page with what the user typed)."""
    problem = _get_problem(request, pk)
    if role not in sel.problem_roles(problem, request.user):
        raise Http404
    form = make_form(problem) if make_form is not None else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_detail(request, problem, status=400, **{form_name: form})
    try:
        message = call(problem, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            _apply_errors(form, exc)
            return _render_detail(request, problem, status=400, **{form_name: form})
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("mechanisms:problem_detail", pk=problem.pk)


@login_required
@require_POST
def problem_analyse(request, pk):
    def call(p, data):
        services.problem_analyse(
            problem=p,
            by=request.user,
            conclusion=data["conclusion"],
            responsible_unit=data["responsible_unit"],
            co_units=list(data["co_units"]),
            deadline=data["deadline"],
        )
        return _("The problem is assigned to %(unit)s.") % {"unit": data["responsible_unit"]}

    return _act(
        request, pk, role=sel.ANALYST, form_name="analyse_form",
        make_form=lambda p: AnalyseForm(request.POST, branch=p.branch), call=call,
    )


@login_required
@require_POST
def problem_accept(request, pk):
    def call(p, data):
        services.problem_accept(problem=p, by=request.user)
        return _("Accepted. Resolve the problem by its deadline.")

    return _act(request, pk, role=sel.LIAISON, call=call)


@login_required
@require_POST
def problem_object(request, pk):
    def call(p, data):
        services.problem_object(problem=p, by=request.user, reason=data["reason"])
        return _("Objection sent; the branch will assign the problem again.")

    return _act(request, pk, role=sel.LIAISON, form_name="object_form", make_form=lambda p: ObjectForm(request.POST), call=call)


@login_required
@require_POST
def problem_resolve(request, pk):
    def call(p, data):
        evidence = [data["evidence"]] if data.get("evidence") else []
        services.problem_resolve(problem=p, by=request.user, resolution=data["resolution"], evidence=evidence)
        return _("Reported as resolved; waiting for verification.")

    return _act(
        request, pk, role=sel.LIAISON, form_name="resolve_form",
        make_form=lambda p: ResolveForm(request.POST, request.FILES), call=call,
    )


@login_required
@require_POST
def problem_verify(request, pk):
    def call(p, data):
        approve = data["decision"] == "approve"
        services.problem_verify(
            problem=p, by=request.user, approve=approve, satisfaction=data.get("satisfaction", ""), note=data.get("note", "")
        )
        return _("Verified and closed.") if approve else _("Sent back to the unit.")

    return _act(
        request, pk, role=sel.VERIFIER, form_name="verify_form",
        make_form=lambda p: VerifyForm(request.POST, whistle=p.is_whistle), call=call,
    )


@login_required
@require_POST
def assignment_answer(request, pk):
    assignment = get_object_or_404(ProblemAssignment.objects.only("pk", "problem_id", "unit_id"), pk=pk)
    user = request.user
    if not user.is_superuser and user.organization_id != assignment.unit_id:
        raise Http404

    def make_form(p):
        form = AssignmentAnswerForm(request.POST, prefix=f"a{assignment.pk}")
        form.assignment_id = assignment.pk
        return form

    def call(p, data):
        services.assignment_answer(assignment=assignment, by=user, answer=data["answer"])
        return _("Answer sent to the responsible unit.")

    return _act(request, assignment.problem_id, role=sel.CO_UNIT, form_name="answer_form", make_form=make_form, call=call)


@login_required
@require_POST
def extension_request(request, pk):
    def call(p, data):
        services.extension_request(
            problem=p, by=request.user, requested_until=data["requested_until"], reason=data["reason"]
        )
        return _("Extension requested.")

    return _act(
        request, pk, role=sel.LIAISON, form_name="extension_form", make_form=lambda p: ExtensionRequestForm(request.POST), call=call
    )


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(DeadlineExtension.objects.only("pk", "problem_id"), pk=pk)

    def call(p, data):
        approve = data["decision"] == "approve"
        services.extension_decide(extension=extension, by=request.user, approve=approve, note=data.get("note", ""))
        return _("Extension approved; the deadline has moved.") if approve else _("Extension refused.")

    return _act(
        request, extension.problem_id, role=sel.DECIDER, form_name="decide_form",
        make_form=lambda p: ExtensionDecideForm(request.POST), call=call,
    )
