"""The record types of the mechanisms that carry comments and attachments, and how to find
one a user may see. One registry so the comment, upload and download views work for all."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from . import selectors
from .models import (
    Consultation,
    DecisionRequest,
    Dispatch,
    Instruction,
    ProblemCase,
    Report,
    Resolution,
    WeeklyReport,
)

# model → the selector of the records of that model a user may see
RECORD_TYPES = {
    ProblemCase: selectors.visible_problems,
    Dispatch: selectors.visible_dispatches,
    Instruction: selectors.visible_instructions,
    Consultation: selectors.visible_consultations,
    Resolution: selectors.visible_resolutions,
    DecisionRequest: selectors.visible_decision_requests,
    Report: selectors.visible_reports,
    WeeklyReport: selectors.visible_weekly_reports,
}
_BY_LABEL = {model._meta.model_name: model for model in RECORD_TYPES}


def record_label(obj) -> str:
    return obj._meta.model_name


def get_visible_record(user, label: str, pk: int):
    """The record ``label``/``pk`` if ``user`` may see it; Http404 otherwise."""
    model = _BY_LABEL.get(label)
    if model is None:
        raise Http404
    try:
        return RECORD_TYPES[model](user).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)
