"""The record types of the mechanisms that carry comments and attachments, and the one access
rule the comment, upload and download views share.

Per record type the registry names who may **see** a record: its ``visible_*`` selector, and the
check its own detail page makes beyond it (weekly reports, requests and reports are pages only
for the roles of ``may_use_pages``: a member or a liaison of the branch gets 404 there, so here
too). Who may **add** comments and attachments is whoever sees it, except read-only leaders
(``may_add_to_records``). Outside either: a 404, as on the record's page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from mechanisms.common.selectors import may_add_to_records, may_use_pages
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


def _anyone(user) -> bool:
    return True


@dataclass(frozen=True)
class RecordType:
    visible: Callable[[object], QuerySet]  # the records of the type the user may see
    opens_pages: Callable[[object], bool] = _anyone  # the detail page's own check beyond it

    def seen_by(self, user) -> QuerySet:
        queryset = self.visible(user)
        return queryset if self.opens_pages(user) else queryset.none()


RECORD_TYPES: dict[type, RecordType] = {
    ProblemCase: RecordType(selectors_problems.visible_problems),
    Dispatch: RecordType(selectors.visible_dispatches),
    Instruction: RecordType(selectors.visible_instructions),
    Consultation: RecordType(selectors_consultation.visible_consultations),
    Resolution: RecordType(selectors_consultation.visible_resolutions),
    DecisionRequest: RecordType(selectors_requests.visible_decision_requests, may_use_pages),
    Report: RecordType(selectors_requests.visible_reports, may_use_pages),
    WeeklyReport: RecordType(selectors_weekly.visible_weekly_reports, may_use_pages),
}


_BY_LABEL = {model._meta.model_name: model for model in RECORD_TYPES}


def seen_records(user, model) -> QuerySet:
    """The records of ``model`` that ``user`` may see (none for a type not in the registry)."""
    record_type = RECORD_TYPES.get(model)
    return record_type.seen_by(user) if record_type else model.objects.none()


def get_visible_record(user, label: str, pk):
    """The record ``label``/``pk`` if ``user`` may see it; Http404 otherwise."""
    model = _BY_LABEL.get(label)
    if model is None:
        raise Http404
    try:
        return seen_records(user, model).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def get_record_to_add_to(user, label: str, pk):
    """The record ``label``/``pk`` if ``user`` may comment on it and attach files; Http404
    otherwise (a leader sees it but may not add: the same 404 as any refusal here)."""
    if not may_add_to_records(user):
        raise Http404
    return get_visible_record(user, label, pk)
