"""Views of the "who": thin — parse, check access through the selectors, call a service or a
selector, render. Anything outside the user's reach is a 404, never a 403 that confirms it
exists; leaders are read-only, so every write view is a 404 for them too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches import selectors, services
from branches.filters import AuditEventFilterSet, BranchFilterSet, PersonFilterSet
from branches.forms import (
    ActivityForm,
    AttachmentForm,
    BranchForm,
    BranchTransitionForm,
    CommitmentForm,
    MembershipForm,
    PersonForm,
    PersonImportForm,
    SecretaryBranchForm,
    WeakLinkForm,
)
from branches.importing import import_people, people_template
from branches.models import (
    BRANCH_CLOSED_STATUSES,
    BRANCH_ENDED_STATUSES,
    Activity,
    Branch,
    BranchStatus,
    IndustrialChain,
    Person,
    WeakLink,
)
from core.exports import export_response
from core.messages import flash_errors
from core.paging import capped_page
from core.views import attachment_response
from core.xlsx import xlsx_response

PAGE_SIZE = 25


# ---------------------------------------------------------------- helpers
def _get(queryset, **lookup):
    """The object if it is in ``queryset`` (already narrowed to what the user may reach)."""
    return get_object_or_404(queryset, **lookup)


def _apply_errors(form, exc: ValidationError):
    """Show a service's refusal on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _optional_url(name: str, *args) -> str | None:
    """A URL of another app that may not exist yet in this checkout."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _page(request, queryset):
    return capped_page(queryset, PAGE_SIZE, request.GET.get("page"))


def _require_office(user):
    if not selectors.is_office_user(user):
        raise Http404


def _require_writer(user):
    if not selectors.can_write_jurisdiction(user):
        raise Http404


@login_required
@require_GET
def branch_list(request):
    filterset = BranchFilterSet(request.GET, user=request.user)
    query = _query_without_page(request)
    return render(
        request,
        "branches/branch_list.html",
        {
            "form": filterset.form,
            "page": _page(request, filterset.qs),
            "query": query,
            "filtered": filterset.filtered,
            "can_create": selectors.can_write_jurisdiction(request.user),
        },
    )


@login_required
@require_GET
def branch_export(request):
    return export_response(request, "branches")


@login_required
@require_GET
def branch_detail(request, pk):
    try:
        branch = selectors.branch_detail(user=request.user, pk=pk)
    except Branch.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    can_manage = selectors.can_manage_branch(user, branch)
    can_edit = can_manage or selectors.editable_branches(user).filter(pk=branch.pk).exists()
    closed = branch.status in BRANCH_CLOSED_STATUSES
    project_create_url = None
    if can_manage and branch.status not in BRANCH_ENDED_STATUSES:
        base = _optional_url("projects:project_create")
        project_create_url = f"{base}?branch={branch.pk}" if base else None
    projects = list(selectors.branch_projects(branch))
    for project in projects:
        project.detail_url = _optional_url("projects:project_detail", project.pk)
    transitions = services.branch_transition_options(branch) if can_manage else []
    return render(
        request,
        "branches/branch_detail.html",
        {
            "branch": branch,
            "members": selectors.branch_members(branch),
            "projects": projects,
            "activities": list(selectors.branch_activities(branch)[:50]),
            "history": selectors.branch_history(branch),
            "can_manage": can_manage,
            "can_edit": can_edit,
            "can_log_activity": can_edit and not closed,
            "transitions": transitions,
            # Dissolving sits apart from the lifecycle moves (the red box at the bottom).
            "can_dissolve": any(target == BranchStatus.DISSOLVED for target, _blockers in transitions),
            "project_create_url": project_create_url,
            "DISSOLVED": BranchStatus.DISSOLVED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request):
    _require_writer(request.user)
    form = BranchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Branch “%(name)s” created.") % {"name": branch.name})
            return redirect("branches:branch_detail", pk=branch.pk)
    return render(request, "branches/branch_form.html", {"form": form, "branch": None})


@login_required
@require_http_methods(["GET", "POST"])
def branch_edit(request, pk):
    user = request.user
    branch = _get(selectors.editable_branches(user), pk=pk)
    form_class = BranchForm if selectors.can_manage_branch(user, branch) else SecretaryBranchForm
    form = form_class(request.POST or None, instance=branch, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(branch=branch, by=user, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Branch saved."))
            return redirect("branches:branch_detail", pk=branch.pk)
    return render(request, "branches/branch_form.html", {"form": form, "branch": branch})


@login_required
@require_POST
def branch_transition(request, pk):
    branch = _get(selectors.managed_branches(request.user), pk=pk)
    form = BranchTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("branches:branch_detail", pk=branch.pk)
    target = form.cleaned_data["to"]
    try:
        services.branch_transition(branch=branch, to=target, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request, _("The branch is now “%(status)s”.") % {"status": BranchStatus(target).label}
        )
    return redirect("branches:branch_detail", pk=branch.pk)


# ---------------------------------------------------------------- memberships
@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request, pk):
    branch = _get(selectors.managed_branches(request.user), pk=pk)
    search = request.GET.get("q", "").strip()[:50]
    form = MembershipForm(request.POST or None, user=request.user, search=search)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_appoint(
                branch=branch, person=data["person"], role=data["role"], joined_on=data["joined_on"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s joined the branch as %(role)s.")
                % {"person": membership.person.name, "role": membership.get_role_display()},
            )
            return redirect("branches:branch_detail", pk=branch.pk)
    return render(request, "branches/membership_form.html", {"form": form, "branch": branch, "search": search})


@login_required
@require_POST
def membership_end(request, pk):
    membership = _get(selectors.editable_memberships(request.user).select_related("person", "branch"), pk=pk)
    raw = request.POST.get("left_on", "") or ""
    try:
        left_on = parse_date(raw) if raw else timezone.localdate()
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        left_on = None
    if left_on is None:
        messages.error(request, _("Enter a valid date."))
        return redirect("branches:branch_detail", pk=membership.branch_id)
    try:
        services.membership_end(membership=membership, by=request.user, left_on=left_on)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(person)s has left the branch.") % {"person": membership.person.name})
    return redirect("branches:branch_detail", pk=membership.branch_id)


@login_required
@require_http_methods(["GET", "POST"])
def my_memberships(request):
    memberships = list(selectors.my_memberships(request.user))
    for membership in memberships:
        membership.form = CommitmentForm(
            initial={"commitment": membership.commitment}, prefix=f"m{membership.pk}"
        )
    return render(request, "branches/my_memberships.html", {"memberships": memberships})


@login_required
@require_POST
def commitment_update(request, pk):
    membership = _get(selectors.my_memberships(request.user).filter(left_on__isnull=True), pk=pk)
    form = CommitmentForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_update_commitment(
                membership=membership, commitment=form.cleaned_data["commitment"], by=request.user
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Your commitment in “%(branch)s” is saved.") % {"branch": membership.branch.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("branches:my_memberships")


# ---------------------------------------------------------------- Party life
@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, pk):
    branch = _get(selectors.editable_branches(request.user), pk=pk)
    if branch.status in BRANCH_CLOSED_STATUSES:
        messages.error(request, _("Activities cannot be recorded for a branch that has ended."))
        return redirect("branches:branch_detail", pk=branch.pk)
    form = ActivityForm(request.POST or None, request.FILES or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = list(data.pop("participants"))
        uploads = data.pop("attachments")
        try:
            activity = services.activity_create(
                branch=branch, by=request.user, participants=participants, uploads=uploads, **data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Activity “%(title)s” recorded.") % {"title": activity.title})
            return redirect("branches:activity_detail", pk=activity.pk)
    return render(request, "branches/activity_form.html", {"form": form, "branch": branch})


@login_required
@require_GET
def activity_detail(request, pk):
    try:
        activity = selectors.activity_detail(user=request.user, pk=pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc
    can_edit = selectors.editable_activities(request.user).filter(pk=activity.pk).exists()
    return render(
        request,
        "branches/activity_detail.html",
        {"activity": activity, "can_edit": can_edit, "attachment_form": AttachmentForm() if can_edit else None},
    )


@login_required
@require_POST
def attachment_add(request, pk):
    activity = _get(selectors.editable_activities(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_attachment_add(activity=activity, uploaded=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Attachment uploaded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("branches:activity_detail", pk=activity.pk)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = _get(selectors.visible_attachments(request.user), pk=pk)
    return attachment_response(request, attachment)


@login_required
@require_GET
def person_list(request):
    _require_office(request.user)
    filterset = PersonFilterSet(request.GET, user=request.user)
    return render(
        request,
        "branches/person_list.html",
        {
            "form": filterset.form,
            "page": _page(request, filterset.qs),
            "query": _query_without_page(request),
            "filtered": filterset.filtered,
            "can_write": selectors.can_write_jurisdiction(request.user),
        },
    )


@login_required
@require_GET
def person_export(request):
    _require_office(request.user)
    return export_response(request, "people")


@login_required
@require_GET
def person_detail(request, pk):
    _require_office(request.user)
    try:
        person = selectors.person_detail(user=request.user, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    if selectors.may_see_personal_data(request.user):
        services.personal_data_viewed(request=request, person=person)
    return render(
        request,
        "branches/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(user=request.user, person=person),
            "can_write": selectors.can_write_jurisdiction(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    _require_writer(request.user)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": person.name})
            return redirect("branches:person_detail", pk=person.pk)
    return render(request, "branches/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _get(selectors.editable_people(request.user), pk=pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.name})
            return redirect("branches:person_detail", pk=person.pk)
    return render(request, "branches/person_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_import(request):
    _require_writer(request.user)
    form = PersonImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_people(user=request.user, uploaded=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("%(count)s Party members imported.") % {"count": result.saved})
            return redirect("branches:person_list")
    return render(request, "branches/person_import.html", {"form": form, "result": result})


@login_required
@require_GET
def person_import_template(request):
    _require_writer(request.user)
    return xlsx_response(people_template(user=request.user), f"{_('Party member import template')}.xlsx")


# ---------------------------------------------------------------- industrial chains
@login_required
@require_GET
def chain_list(request):
    _require_office(request.user)
    return render(request, "branches/chain_list.html", {"chains": selectors.chain_list(user=request.user)})


@login_required
@require_GET
def chain_detail(request, pk):
    _require_office(request.user)
    try:
        chain = selectors.chain_detail(user=request.user, pk=pk)
    except IndustrialChain.DoesNotExist as exc:
        raise Http404 from exc
    can_write = selectors.can_write_jurisdiction(request.user)
    return render(
        request,
        "branches/chain_detail.html",
        {
            "chain": chain,
            "nodes": list(chain.nodes.all()),
            "branches": selectors.chain_branches(user=request.user, chain=chain),
            "can_write": can_write,
            "weak_link_form": WeakLinkForm(chain=chain) if can_write else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def weaklink_add(request, pk):
    chain = _get(selectors.editable_chains(request.user), pk=pk)
    form = WeakLinkForm(request.POST or None, chain=chain)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.weak_link_create(chain=chain, by=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Weak link recorded."))
            return redirect("branches:chain_detail", pk=chain.pk)
    return render(request, "branches/weaklink_form.html", {"form": form, "chain": chain})


@login_required
@require_POST
def weaklink_resolve(request, pk):
    weak_link = _get(
        WeakLink.objects.filter(chain__in=selectors.editable_chains(request.user)), pk=pk
    )
    try:
        services.weak_link_resolve(weak_link=weak_link, by=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("“%(title)s” marked resolved.") % {"title": weak_link.title})
    return redirect("branches:chain_detail", pk=weak_link.chain_id)


# ---------------------------------------------------------------- the audit trail (审计员 only)
AUDIT_PAGE_SIZE = 50


@require_GET
@login_required
def audit_log(request):
    """The security audit trail: the auditor reads and exports it; anyone else gets a 404. The
    auditor's own reading is an event too."""
    if not selectors.may_read_audit(request.user):
        raise Http404
    if request.GET.get("export") == "xlsx":
        return export_response(request, "audit_events")
    filterset = AuditEventFilterSet(request.GET, user=request.user)
    form, events = filterset.form, filterset.qs
    page = capped_page(events, AUDIT_PAGE_SIZE, request.GET.get("page"))
    services.audit_read(request=request, params=request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    return render(request, "branches/audit_log.html", {"form": form, "page": page, "export_query": query.urlencode()})
