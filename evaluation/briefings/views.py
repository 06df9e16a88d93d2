"""Pages of the work briefings: parse → check access (a 404 outside reach or role) → call a
service or a selector → render.

Staff (department staff with a jurisdiction) list, draft, edit and issue; leaders list and read
the issued briefings of their jurisdiction; everyone else gets a 404 on every page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.selectors import is_office_user
from core.documents import docx_response, pdf_response
from core.exports import export_response
from core.messages import flash_errors
from evaluation.briefings import selectors, services
from evaluation.briefings.documents import briefing_docx as build_docx
from evaluation.briefings.documents import file_name
from evaluation.briefings.filters import BriefingFilterSet
from evaluation.briefings.forms import BriefingDraftForm, BriefingEditForm, BriefingIssueForm
from evaluation.briefings.models import SECTION_KEYS
from evaluation.briefings.sections import SECTION_HEADINGS

PAGE_SIZE = 25


def _require_office(user):
    if not is_office_user(user):
        raise Http404


def _require_staff(user):
    if not selectors.can_draft_briefings(user):
        raise Http404


@login_required
def briefing_list(request):
    _require_office(request.user)
    filterset = BriefingFilterSet(request.GET, user=request.user)
    year = filterset.chosen_year
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/briefings/briefing_list.html",
        {
            "page": page,
            "year": year,
            "years": [int(value) for value, _label in filterset.form.fields["year"].choices if value],
            "can_draft": selectors.can_draft_briefings(request.user),
        },
    )


@login_required
def briefing_export(request):
    """Every briefing of the list's year in one workbook (a background export job when large)."""
    _require_office(request.user)
    return export_response(request, "briefings")


@login_required
def briefing_zip(request):
    """Every briefing of the list's year as Word documents in one .zip, written by a worker."""
    _require_office(request.user)
    return export_response(request, "briefing_documents")


@login_required
def briefing_new(request):
    _require_staff(request.user)
    form = BriefingDraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            briefing = services.briefing_draft(
                organization=form.cleaned_data["organization"],
                period=form.cleaned_data["period"],
                day=form.cleaned_data["day"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is ready: its figures were drawn from the records."))
            return redirect("evaluation:briefing_detail", pk=briefing.pk)
    return render(request, "evaluation/briefings/briefing_new.html", {"form": form})


def _sections(briefing):
    return [
        {"key": key, "heading": SECTION_HEADINGS[key], "text": briefing.texts.get(key, "")}
        for key in SECTION_KEYS
    ]


@login_required
def briefing_detail(request, pk):
    _require_office(request.user)
    briefing = get_object_or_404(
        selectors.visible_briefings(request.user).select_related("organization", "issued_by", "created_by"), pk=pk
    )
    can_edit = briefing.is_editable and selectors.can_draft_briefings(request.user)
    context = {
        "briefing": briefing,
        "f": briefing.figures,
        "sections": _sections(briefing),
        "can_edit": can_edit,
        "history": briefing.history.select_related("history_user").order_by("-history_date")[:20],
    }
    if can_edit:
        context["issue_year"] = timezone.localdate().year
        context["next_number"] = selectors.next_number(briefing.organization, context["issue_year"])
    return render(request, "evaluation/briefings/briefing_detail.html", context)


@login_required
def briefing_edit(request, pk):
    _require_staff(request.user)
    briefing = get_object_or_404(selectors.editable_briefings(request.user).select_related("organization"), pk=pk)
    form = BriefingEditForm(request.POST or None, initial=BriefingEditForm.initial_for(briefing))
    if request.method == "POST" and form.is_valid():
        try:
            services.briefing_update(
                briefing=briefing,
                by=request.user,
                title=form.cleaned_data["title"],
                issuing_organ=form.cleaned_data["issuing_organ"],
                texts=form.texts(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The briefing's text was saved."))
            return redirect("evaluation:briefing_detail", pk=briefing.pk)
    return render(
        request,
        "evaluation/briefings/briefing_edit.html",
        {"briefing": briefing, "form": form, "f": briefing.figures},
    )


@login_required
@require_POST
def briefing_refresh(request, pk):
    _require_staff(request.user)
    briefing = get_object_or_404(selectors.editable_briefings(request.user), pk=pk)
    try:
        services.briefing_refresh_figures(briefing=briefing, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The figures were drawn again from the records."))
    return redirect("evaluation:briefing_detail", pk=briefing.pk)


@login_required
@require_POST
def briefing_issue(request, pk):
    _require_staff(request.user)
    briefing = get_object_or_404(selectors.editable_briefings(request.user), pk=pk)
    form = BriefingIssueForm(request.POST)
    expected = form.cleaned_data["expected_number"] if form.is_valid() else None
    try:
        issued = services.briefing_issue(briefing=briefing, by=request.user, expected_number=expected)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Issued as %(year)s No. %(number)s.") % {"year": issued.year, "number": issued.number}
        )
    return redirect("evaluation:briefing_detail", pk=briefing.pk)


def _downloadable(request, pk):
    _require_office(request.user)
    return get_object_or_404(selectors.visible_briefings(request.user).select_related("organization"), pk=pk)


@login_required
def briefing_docx(request, pk):
    briefing = _downloadable(request, pk)
    return docx_response(build_docx(briefing), file_name(briefing))


@login_required
def briefing_pdf(request, pk):
    briefing = _downloadable(request, pk)
    return pdf_response(
        request, build_docx(briefing), file_name(briefing), docx_url=reverse("evaluation:briefing_docx", args=[pk])
    )
