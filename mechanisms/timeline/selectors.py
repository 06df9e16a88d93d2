"""The mechanisms' timeline of a branch or a project: what was raised, issued, asked, reported
and how each record moved, newest first.

Events come from the history tables (django-simple-history): a record's creation and every
save that changed its status. The "previous status" of each history row is a window function
(LAG over the record's rows), so each record type costs one query whatever the number of
records or events: the timeline runs in a constant number of queries (one per record type).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import F, Q, Value, Window
from django.db.models.functions import Lag
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from mechanisms.common.selectors import may_use_pages
from mechanisms.consultation import selectors as selectors_consultation
from mechanisms.consultation.models import Consultation, ConsultationStatus
from mechanisms.dispatch import selectors as selectors
from mechanisms.dispatch.models import Dispatch, DispatchStatus, Instruction, InstructionStatus
from mechanisms.problems import selectors as selectors_problems
from mechanisms.problems.models import ProblemCase, ProblemStatus
from mechanisms.requests import selectors as selectors_requests
from mechanisms.requests.models import DecisionRequest, DecisionRequestStatus, Report, ReportStatus
from mechanisms.weekly import selectors as selectors_weekly
from mechanisms.weekly.models import WeeklyReport, WeeklyReportStatus

DEFAULT_LIMIT = 30


@dataclass(frozen=True)
class RecordKind:
    model: type
    statuses: type
    visible: object  # the selector of the records of this kind a user may see
    icon: str
    url_names: tuple[str, ...]  # the detail page, first one that exists in this checkout
    title: object  # history row → text
    on_project: bool  # has a project of its own (else it belongs to the branch only)
    related: tuple[str, ...] = ()
    # The detail page's own check beyond ``visible`` (as in mechanisms.records.registry):
    # requests, reports and weekly reports are pages of ``may_use_pages`` only, a member or a
    # liaison of the branch gets 404 there, so their events are not theirs to see either.
    opens_pages: Callable[[object], bool] = lambda user: True


KINDS = [
    RecordKind(
        ProblemCase, ProblemStatus, selectors_problems.visible_problems, "bi-exclamation-triangle",
        ("problem_detail",), lambda r: r.title, True,
    ),
    RecordKind(
        Dispatch, DispatchStatus, selectors.visible_dispatches, "bi-broadcast",
        ("dispatch_detail",), lambda r: f"{r.project.name if r.project else ''} · {r.held_on:%Y-%m-%d}", True,
        related=("project",),
    ),
    RecordKind(
        Instruction, InstructionStatus, selectors.visible_instructions, "bi-clipboard-check",
        ("instruction_detail",), lambda r: r.title, True,
    ),
    RecordKind(
        Consultation, ConsultationStatus, selectors_consultation.visible_consultations, "bi-people",
        ("consultation_detail",), lambda r: r.topic, True,
    ),
    RecordKind(
        DecisionRequest, DecisionRequestStatus, selectors_requests.visible_decision_requests, "bi-envelope-paper",
        ("decisionrequest_detail", "decision_request_detail", "request_detail"), lambda r: r.title, False,
        opens_pages=may_use_pages,
    ),
    RecordKind(
        Report, ReportStatus, selectors_requests.visible_reports, "bi-file-earmark-text",
        ("report_detail",), lambda r: r.title, False, opens_pages=may_use_pages,
    ),
    RecordKind(
        WeeklyReport, WeeklyReportStatus, selectors_weekly.visible_weekly_reports, "bi-journal-text",
        ("weeklyreport_detail", "weekly_report_detail"), lambda r: f"{r.iso_year}-W{r.iso_week:02d}", False,
        opens_pages=may_use_pages,
    ),
]


@dataclass
class TimelineEvent:
    when: datetime.datetime
    who: str
    kind_label: str  # 问题, 调度指令 … (the record type's verbose name)
    icon: str
    title: str
    created: bool  # True: the record was created; False: its status changed
    status: str
    status_label: str
    url: str | None
    reason: str = ""

    @property
    def verb(self) -> str:
        return str(_("created")) if self.created else str(_("moved to"))


@cache
def _detail_url_name(kind: RecordKind) -> str | None:
    for name in kind.url_names:
        try:
            reverse(f"mechanisms:{name}", args=[1])
        except NoReverseMatch:
            continue
        return f"mechanisms:{name}"
    return None


def _events(kind: RecordKind, scope: Q, user, limit: int) -> list[TimelineEvent]:
    if not kind.opens_pages(user):
        return []
    model = kind.model
    visible_ids = kind.visible(user).filter(scope).values("pk")
    rows = (
        model.history.filter(scope, id__in=visible_ids)
        .exclude(history_type="-")
        .annotate(
            previous_status=Window(
                Lag("status", default=Value("")),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .exclude(previous_status=F("status"))
        .select_related("history_user", *kind.related)
        .order_by("-history_date", "-history_id")[:limit]
    )
    url_name = _detail_url_name(kind)
    events = []
    for row in rows:
        try:
            status_label = str(kind.statuses(row.status).label)
        except ValueError:
            status_label = row.status
        events.append(
            TimelineEvent(
                when=row.history_date,
                who=row.history_user.get_full_name() if row.history_user else str(_("system")),
                kind_label=str(model._meta.verbose_name),
                icon=kind.icon,
                title=kind.title(row),
                created=row.history_type == "+",
                status=row.status,
                status_label=status_label,
                url=reverse(url_name, args=[row.id]) if url_name else None,
                reason=row.history_change_reason or "",
            )
        )
    return events


def _merge(lists, limit):
    events = [e for sub in lists for e in sub]
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]


def branch_timeline(branch, user, *, limit: int = DEFAULT_LIMIT) -> list[TimelineEvent]:
    """Recent events of every mechanism record of ``branch`` that ``user`` may see (one query
    per record type)."""
    scope = Q(branch_id=branch.pk)
    return _merge([_events(kind, scope, user, limit) for kind in KINDS], limit)


def project_timeline(project, user, *, limit: int = DEFAULT_LIMIT) -> list[TimelineEvent]:
    """Recent events of the mechanism records of ``project``: its problems, dispatch sessions,
    instructions and consultations, and the requests, reports and weekly reports of its branch
    (they speak for the whole branch, whose work the project is)."""
    events = []
    for kind in KINDS:
        scope = Q(project_id=project.pk) if kind.on_project else Q(branch_id=project.branch_id)
        events.append(_events(kind, scope, user, limit))
    return _merge(events, limit)
