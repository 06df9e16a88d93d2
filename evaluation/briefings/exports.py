"""Every briefing of a year in one workbook (core.exports: small ones at once, large ones by the
background export jobs): one row per briefing with its headline figures and its section texts,
the same rows as the briefing list with its year filter."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches.selectors import is_office_user
from core.exports import DocumentBatch, ExportData, register_export
from evaluation.briefings.documents import briefing_docx, file_name
from evaluation.briefings.filters import BriefingFilterSet
from evaluation.briefings.models import SECTION_KEYS
from evaluation.briefings.sections import SECTION_HEADINGS


@register_export("briefings")
def briefing_export_data(user, params) -> ExportData:
    if not is_office_user(user):
        raise Http404  # the worker rebuilds the rows as the owner: the same check as the page
    rows_qs = BriefingFilterSet(params, user=user).qs
    headers = [
        pgettext("briefing issue number", "Issue"), _("Period"), _("Period from"), _("Period to"), _("Jurisdiction"), _("Status"), _("Issued at"),
        _("Active branches"), _("Formed in the period"), _("Red"), _("Yellow"), _("Green"), _("Weekly reports filed"),
        _("Previous period"), _("Problems raised"), _("Resolved"), _("Enterprise whistles"), _("Satisfaction"),
        _("Instructions overdue"), *[str(SECTION_HEADINGS[key]) for key in SECTION_KEYS],
    ]

    def percent(value):
        return None if value is None else f"{value}%"

    def rows():
        for b in rows_qs.iterator(chunk_size=500):
            f = b.figures or {}
            branches, lights = f.get("branches", {}), f.get("lights", {})
            reports, problems = f.get("reports", {}), f.get("problems", {})
            yield [
                str(b) if b.number else _("No number yet"), b.get_period_display(), b.period_start, b.period_end,
                b.organization.name, b.get_status_display(), b.issued_at,
                branches.get("active"), branches.get("new"), lights.get("red"), lights.get("yellow"), lights.get("green"),
                percent(reports.get("percent")), percent((reports.get("previous") or {}).get("percent")),
                problems.get("opened"), problems.get("resolved"), problems.get("whistles"),
                percent(problems.get("satisfaction_percent")), f.get("instructions", {}).get("overdue"),
                *[(b.texts or {}).get(key, "") for key in SECTION_KEYS],
            ]

    return ExportData(_("Work briefings"), headers, rows(), rows_qs.count, {1: 30, 5: 16})


@register_export("briefing_documents")
def briefing_documents_batch(user, params) -> DocumentBatch:
    """Every briefing of the list's year (the same rows as the page) as Word documents, for a
    .zip written by the worker one document at a time."""
    if not is_office_user(user):
        raise Http404
    briefings = BriefingFilterSet(params, user=user).qs

    def documents():
        for briefing in briefings.iterator(chunk_size=100):
            yield f"{file_name(briefing)}-{briefing.pk}.docx", (lambda b=briefing: briefing_docx(b))

    return DocumentBatch(_("Work briefings"), documents(), briefings.count)
