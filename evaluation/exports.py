"""Excel exports of efficacy evaluations (found by core.exports' autodiscovery of each app's exports module;
large ones run in the worker)."""

from django.http import Http404
from django.utils.translation import gettext as _

from branches.selectors import is_office_user
from core.exports import DocumentBatch, ExportData, register_export
from evaluation.briefings import exports as _briefing_exports  # noqa: F401  (registers "briefings")
from evaluation.documents import appraisal_document, appraisal_filename
from evaluation.filters import EvaluationFilterSet, evaluation_state_label
from evaluation.selectors import appraisal_branches, appraisal_list


@register_export("evaluations")
def evaluation_export_data(user, params) -> ExportData:
    """The evaluation list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    if not is_office_user(user):
        raise Http404  # the worker rebuilds the rows as the owner: the same check as the page
    branches = EvaluationFilterSet(params, user=user).qs
    headers = [
        _("Branch"), _("Batch"), _("Field"), _("Lead unit"), _("Secretary"), _("Concluded on"), _("Evaluation"),
        _("Evaluators"), _("Mean score"), _("Deductions"), _("Bonuses"), _("Veto"), _("Total"), _("Grade"), _("Finalized at"),
    ]

    def rows():
        for b in branches.iterator(chunk_size=2000):
            ev = getattr(b, "evaluation", None)
            yield [
                b.name, b.batch, b.field.name, str(b.lead_unit), b.secretary_name or "", b.concluded_on, evaluation_state_label(b),
                b.scorecard_count,
                # No deduction or bonus is an empty cell, not a noisy 0.00.
                ev.mean_score if ev else None, (ev.deductions or None) if ev else None, (ev.bonuses or None) if ev else None,
                (_("Yes") if ev.vetoed else _("No")) if ev else "", ev.total if ev else None,
                ev.get_grade_display() if ev else "", ev.finalized_at if ev else None,
            ]

    return ExportData(_("Efficacy evaluations"), headers, rows(), branches.count, {1: 36, 4: 24, 15: 20})


@register_export("appraisal_forms")
def appraisal_forms_batch(user, params) -> DocumentBatch:
    """Every appraisal form (党性鉴定表) of one branch as Word documents, for a .zip written by the
    worker; the branch must be one whose appraisal list ``user`` may open (else a 404)."""
    try:
        branch_pk = int(params.get("branch", ""))
    except ValueError:
        raise Http404 from None
    branch = appraisal_branches(user).filter(pk=branch_pk).first()
    if branch is None:
        raise Http404
    appraisals = appraisal_list(branch).select_related("branch")

    def documents():
        for appraisal in appraisals:
            name = f"{appraisal_filename(appraisal)}-{appraisal.pk}.docx"
            yield name, (lambda a=appraisal: appraisal_document(a).to_bytes())

    return DocumentBatch(
        _("Party-spirit appraisal forms") + f"-{branch.name}", documents(), appraisals.count,
    )
