"""Reads of 请示报告: which requests and reports a user may see (those of the branches they
see), which they may edit or answer, the lists and the detail."""


from django.db.models import Q, QuerySet
from django.utils import timezone

from branches.selectors import (
    visible_branches,
)
from mechanisms.common.selectors import answering_branches, authoring_branches
from mechanisms.requests.models import DecisionRequest, DecisionRequestStatus, Report


def visible_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=visible_branches(user))


def visible_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=visible_branches(user))


# ---------------------------------------------------------------- requests and reports
def editable_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=authoring_branches(user))


def answerable_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=answering_branches(user))


def decision_request_list(*, user, filters: dict | None = None, search: str = "", today=None) -> QuerySet[DecisionRequest]:
    filters = filters or {}
    today = today or timezone.localdate()
    qs = visible_decision_requests(user)
    status = filters.get("status")
    if status not in (None, ""):
        qs = qs.filter(status=status)
    if filters.get("overdue") == "yes":
        qs = qs.filter(status=DecisionRequestStatus.SUBMITTED, reply_due_on__lt=today)
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(branch__name__icontains=search) | Q(content__icontains=search))
    return qs.select_related("branch", "created_by", "replied_by").order_by("-created_at", "-pk")


def decision_request_detail(*, user, pk) -> DecisionRequest:
    return visible_decision_requests(user).select_related("branch", "created_by", "replied_by").get(pk=pk)


def editable_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=authoring_branches(user))


def acknowledgeable_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=answering_branches(user))


def report_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Report]:
    filters = filters or {}
    qs = visible_reports(user)
    for key in ("status", "kind"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(branch__name__icontains=search) | Q(content__icontains=search))
    return qs.select_related("branch", "created_by", "acknowledged_by").order_by("-created_at", "-pk")


def report_detail(*, user, pk) -> Report:
    return visible_reports(user).select_related("branch", "created_by", "acknowledged_by").get(pk=pk)
