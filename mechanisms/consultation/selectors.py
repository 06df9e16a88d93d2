"""Reads of 对接会商: which consultations and resolutions a user may see (those of the branches
they see, and a liaison's own unit's), who may convene and act, the list and the detail."""

import datetime

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from branches.models import Branch, BranchScope, Organization
from branches.roles import Role
from branches.selectors import (
    editable_branches,
    has_role,
    visible_branches,
)
from mechanisms.common.selectors import _count, liaison_unit_id
from mechanisms.consultation.models import (
    RESOLUTION_AWAITING_UNIT,
    RESOLUTION_TRANSITIONS,
    Consultation,
    Resolution,
    ResolutionStatus,
)
from projects.models import Project


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


def convening_branches(user) -> QuerySet[Branch]:
    """Branches whose consultations ``user`` convenes and follows up: department staff in
    jurisdiction and the branch's secretary (editable_branches), and the 调度长 of a project of
    the branch."""
    if not user.is_authenticated:
        return Branch.objects.none()
    rules = Q(pk__in=editable_branches(user).values("pk"))
    if has_role(user, Role.DISPATCH_CHIEF):
        rules |= Q(Exists(Project.objects.filter(branch=OuterRef("pk"), dispatch_chief=user)))
    return Branch.objects.filter(rules)


def consultation_branch_choices(user) -> QuerySet[Branch]:
    """Where a new consultation may be convened: cross-department branches ``user`` convenes."""
    return (
        convening_branches(user)
        .filter(scope=BranchScope.CROSS_DOMAIN)
        .select_related("lead_unit")
        .order_by("batch", "name", "pk")
    )


def can_manage_consultation(user, consultation) -> bool:
    return convening_branches(user).filter(pk=consultation.branch_id).exists()


def overdue_resolutions_q(today: datetime.date) -> Q:
    return Q(status__in=RESOLUTION_AWAITING_UNIT, deadline__lt=today)


CONSULTATION_FILTERS = ("project", "branch", "status")


def consultation_list(
    *, user, filters: dict | None = None, search: str = "", today: datetime.date | None = None
) -> QuerySet[Consultation]:
    filters = filters or {}
    today = today or timezone.localdate()
    qs = visible_consultations(user)
    for key in CONSULTATION_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    unit = filters.get("unit")
    if unit not in (None, ""):
        qs = qs.filter(
            Q(lead_unit=unit)
            | Q(Exists(Consultation.participating_units.through.objects.filter(
                consultation_id=OuterRef("pk"), organization_id=unit
            )))
            | Q(Exists(Resolution.objects.filter(consultation=OuterRef("pk"), owner_unit_id=unit)))
        )
    if filters.get("overdue"):
        qs = qs.filter(Exists(Resolution.objects.filter(overdue_resolutions_q(today), consultation=OuterRef("pk"))))
    if search:
        qs = qs.filter(Q(topic__icontains=search) | Q(minutes__icontains=search) | Q(participants__icontains=search))
    return (
        qs.select_related("branch", "project", "lead_unit")
        .annotate(
            resolution_count=_count(Resolution, "consultation", Q()),
            verified_count=_count(Resolution, "consultation", Q(status=ResolutionStatus.VERIFIED)),
            overdue_count=_count(Resolution, "consultation", overdue_resolutions_q(today)),
        )
        .order_by("-held_on", "-id")
    )


def consultation_unit_choices(source: QuerySet) -> QuerySet[Organization]:
    through = Consultation.participating_units.through
    ids = through.objects.filter(consultation__in=source.order_by().values("pk")).values("organization")
    return Organization.objects.filter(Q(pk__in=ids) | Q(pk__in=source.order_by().values("lead_unit"))).order_by("path")


def consultation_detail(*, user, pk) -> Consultation:
    return (
        visible_consultations(user)
        .select_related("branch", "project", "lead_unit", "created_by")
        .prefetch_related("participating_units")
        .get(pk=pk)
    )


def consultation_resolutions(consultation: Consultation, *, user) -> list[Resolution]:
    """The resolutions of ``consultation``; a liaison who sees the consultation only through
    their unit's resolutions sees those alone."""
    qs = consultation.resolutions.select_related("owner_unit", "signed_off_by", "verified_by").order_by(
        "deadline", "id"
    )
    if not visible_branches(user).filter(pk=consultation.branch_id).exists():
        qs = qs.filter(owner_unit_id=liaison_unit_id(user))
    return list(qs)


def consultation_unit_candidates(branch: Branch, project: Project | None = None) -> QuerySet[Organization]:
    through_b = Branch.responsible_units.through
    rules = Q(pk=branch.lead_unit_id) | Q(pk__in=through_b.objects.filter(branch_id=branch.pk).values("organization_id"))
    if project is not None:
        through_p = Project.responsible_units.through
        rules |= Q(pk=project.lead_unit_id) | Q(
            pk__in=through_p.objects.filter(project_id=project.pk).values("organization_id")
        )
    return Organization.objects.filter(rules).order_by("path")


def resolution_actions(resolution, *, rights: tuple[int | None, bool], manage: bool) -> dict[str, bool]:
    """Which actions are open on ``resolution`` to someone with ``rights`` (``unit_rights``) who
    convenes the consultation (``manage``) or not."""

    unit, on_behalf = rights
    acts = on_behalf or (unit is not None and unit == resolution.owner_unit_id)
    allowed = RESOLUTION_TRANSITIONS[resolution.status]
    return {
        "sign_off": acts and ResolutionStatus.SIGNED_OFF in allowed,
        "done": acts and ResolutionStatus.DONE in allowed,
        "verify": manage and ResolutionStatus.VERIFIED in allowed,
        "return": manage and ResolutionStatus.RETURNED in allowed,
    }
