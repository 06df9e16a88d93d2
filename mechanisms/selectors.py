"""Reads of the mechanisms: what each user may see.

A record is visible to whoever sees its branch (branches.selectors.visible_branches), and
additionally to the people it is assigned to: a unit liaison sees the problems, instructions
and resolutions assigned to their unit (``user.organization``), a person sees the
instructions assigned to them. Outside these → 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from branches.roles import Role
from branches.selectors import has_role, visible_branches

from .models import (
    Consultation,
    DecisionRequest,
    Dispatch,
    Instruction,
    Notification,
    ProblemAssignment,
    ProblemCase,
    Report,
    Resolution,
    WeeklyReport,
)


def liaison_unit_id(user) -> int | None:
    """The unit a liaison answers for (their organization), or None."""
    if user.is_authenticated and has_role(user, Role.UNIT_LIAISON) and user.organization_id:
        return user.organization_id
    return None


def visible_problems(user) -> QuerySet[ProblemCase]:
    if not user.is_authenticated:
        return ProblemCase.objects.none()
    rules = Q(branch__in=visible_branches(user))
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(responsible_unit_id=unit)
        rules |= Q(Exists(ProblemAssignment.objects.filter(problem=OuterRef("pk"), unit_id=unit)))
    return ProblemCase.objects.filter(rules)


def visible_dispatches(user) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(branch__in=visible_branches(user))


def visible_instructions(user) -> QuerySet[Instruction]:
    if not user.is_authenticated:
        return Instruction.objects.none()
    rules = Q(branch__in=visible_branches(user)) | Q(assignee_user=user)
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(assignee_unit_id=unit)
    return Instruction.objects.filter(rules)


def visible_consultations(user) -> QuerySet[Consultation]:
    if not user.is_authenticated:
        return Consultation.objects.none()
    rules = Q(branch__in=visible_branches(user))
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(Exists(Resolution.objects.filter(consultation=OuterRef("pk"), owner_unit_id=unit)))
    return Consultation.objects.filter(rules)


def visible_resolutions(user) -> QuerySet[Resolution]:
    if not user.is_authenticated:
        return Resolution.objects.none()
    rules = Q(consultation__branch__in=visible_branches(user))
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(owner_unit_id=unit)
    return Resolution.objects.filter(rules)


def visible_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=visible_branches(user))


def visible_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=visible_branches(user))


def visible_weekly_reports(user) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.filter(branch__in=visible_branches(user))


def user_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def record_extras(obj) -> dict:
    """Comments, attachments and history of one record, for its detail page (4 queries)."""
    from .models import Attachment, Comment
    from .records import content_type_of

    ct = content_type_of(obj)
    return {
        "comments": list(Comment.objects.filter(content_type=ct, object_id=obj.pk).select_related("author")),
        "attachments": list(
            Attachment.objects.filter(record_type=ct, record_id=obj.pk).select_related("uploaded_by")
        ),
        "history": list(obj.history.select_related("history_user").order_by("-history_date")[:50]),
    }
