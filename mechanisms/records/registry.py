"""The record types of the mechanisms that carry comments and attachments, and how to find
one a user may see. One registry so the comment, upload and download views work for all."""

from django.http import Http404

from mechanisms.consultation import selectors as selectors_consultation
from mechanisms.consultation.models import Consultation, Resolution
from mechanisms.dispatch import selectors as selectors
from mechanisms.dispatch.models import Dispatch, Instruction
from mechanisms.problems import selectors as selectors_problems
from mechanisms.problems.models import ProblemCase
from mechanisms.requests import selectors as selectors_requests
from mechanisms.requests.models import DecisionRequest, Report
from mechanisms.weekly import selectors as selectors_weekly
from mechanisms.weekly.models import WeeklyReport

# model → the selector of the records of that model a user may see
RECORD_TYPES = {
    ProblemCase: selectors_problems.visible_problems,
    Dispatch: selectors.visible_dispatches,
    Instruction: selectors.visible_instructions,
    Consultation: selectors_consultation.visible_consultations,
    Resolution: selectors_consultation.visible_resolutions,
    DecisionRequest: selectors_requests.visible_decision_requests,
    Report: selectors_requests.visible_reports,
    WeeklyReport: selectors_weekly.visible_weekly_reports,
}


_BY_LABEL = {model._meta.model_name: model for model in RECORD_TYPES}


def get_visible_record(user, label: str, pk: int):
    """The record ``label``/``pk`` if ``user`` may see it; Http404 otherwise."""
    model = _BY_LABEL.get(label)
    if model is None:
        raise Http404
    try:
        return RECORD_TYPES[model](user).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc
