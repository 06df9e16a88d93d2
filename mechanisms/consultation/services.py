"""Writes of 对接会商: the lead unit convenes the responsible units of a cross-department
branch; each resolution has an owner unit, the resources it guarantees and a deadline, is signed
off by that unit and followed to verified done; the consultation closes when all are verified.

Who acts: the conveners — department staff over the branch, its secretary, the 调度长 of one of
its projects — plan, hold, add resolutions, verify and return; the owner unit's liaison (or
department staff on its behalf) signs off and reports done. Actor first (``PermissionDenied``),
state second (``TransitionError``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import BranchScope
from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from mechanisms.common.models import NotificationKind
from mechanisms.common.selectors import can_act_for_unit, unit_liaisons
from mechanisms.common.services import tell
from mechanisms.consultation.models import (
    CONSULTATION_TRANSITIONS,
    RESOLUTION_TRANSITIONS,
    Consultation,
    ConsultationStatus,
    Resolution,
    ResolutionStatus,
)
from mechanisms.consultation.selectors import convening_branches
from mechanisms.dispatch.services import ticket_report_done, ticket_return, ticket_verify


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _convenes(user, branch) -> bool:
    return convening_branches(user).filter(pk=branch.pk).exists()


def _consultation_url(consultation) -> str:
    return reverse("mechanisms:consultation_detail", args=[consultation.pk])


def _conveners(consultation):
    people = [consultation.created_by]
    if consultation.project_id and consultation.project.dispatch_chief_id:
        people.append(consultation.project.dispatch_chief)
    return people


@transaction.atomic
def consultation_create(
    *,
    branch,
    by,
    topic: str,
    held_on: datetime.date,
    participating_units,
    project=None,
    lead_unit=None,
    location: str = "",
    participants: str = "",
    minutes: str = "",
    hold: bool = False,
    today: datetime.date | None = None,
) -> Consultation:
    """Plan a consultation of a cross-department ``branch`` (the lead unit defaults to the
    branch's); ``hold`` records it as held at once (minutes required)."""
    _require(_convenes(by, branch))
    if branch.scope != BranchScope.CROSS_DOMAIN:
        raise ValidationError(
            _("Consultations are convened for cross-department branches; this branch works in a single domain."),
            code="single_domain",
        )
    if project is not None and project.branch_id != branch.pk:
        raise ValidationError({"project": _("The project belongs to another branch.")}, code="wrong_branch")
    units = list(participating_units)
    if not units:
        raise ValidationError({"participating_units": _("Name at least one participating unit.")}, code="no_units")
    consultation = Consultation(
        branch=branch,
        project=project,
        lead_unit=lead_unit or branch.lead_unit,
        topic=topic,
        held_on=held_on,
        location=location,
        participants=participants,
        minutes=minutes,
        created_by=by,
    )
    consultation.full_clean()
    stamp_history(consultation, by=by)
    consultation.save()
    consultation.participating_units.set(units)
    if hold:
        consultation = consultation_hold(consultation=consultation, by=by, minutes=minutes, today=today)
    return consultation


@transaction.atomic
def consultation_hold(
    *, consultation: Consultation, by, minutes: str, held_on: datetime.date | None = None, today=None
) -> Consultation:
    """Record a planned consultation as held, with its minutes; resolutions follow."""
    consultation = Consultation.objects.select_for_update().select_related("branch").get(pk=consultation.pk)
    _require(_convenes(by, consultation.branch))
    ensure_transition(CONSULTATION_TRANSITIONS, ConsultationStatus, consultation.status, ConsultationStatus.HELD)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes of the consultation.")}, code="minutes_required")
    held_on = held_on or consultation.held_on
    if held_on > (today or timezone.localdate()):
        raise ValidationError({"held_on": _("A consultation cannot be recorded as held before its date.")})
    consultation.minutes = minutes
    consultation.held_on = held_on
    consultation.status = ConsultationStatus.HELD
    stamp_history(consultation, by=by)
    consultation.save()
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by, automatic: bool = False) -> Consultation:
    """Close a held consultation once every resolution is verified."""
    consultation = Consultation.objects.select_for_update().select_related("branch").get(pk=consultation.pk)
    if not automatic:
        _require(_convenes(by, consultation.branch))
    ensure_transition(CONSULTATION_TRANSITIONS, ConsultationStatus, consultation.status, ConsultationStatus.CLOSED)
    pending = consultation.resolutions.exclude(status=ResolutionStatus.VERIFIED).count()
    if pending:
        raise TransitionError(
            _("%(n)d resolution(s) are not verified yet: the consultation closes when all are.") % {"n": pending},
            code="resolutions_open",
        )
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = timezone.now()
    stamp_history(consultation, by=by, reason=_("All resolutions verified") if automatic else "")
    consultation.save()
    return consultation


# ---------------------------------------------------------------- resolutions
def _locked_resolution(resolution) -> Resolution:
    return (
        Resolution.objects.select_for_update(of=("self",))
        .select_related(
            "consultation", "consultation__branch", "consultation__project__dispatch_chief",
            "consultation__created_by", "owner_unit",
        )
        .get(pk=resolution.pk)
    )


def _tell_unit(resolution, *, kind, title, body=""):
    tell(
        unit_liaisons([resolution.owner_unit_id]),
        kind=kind,
        title=title,
        body=body,
        url=_consultation_url(resolution.consultation),
    )


def _tell_conveners(resolution, *, title, body=""):
    tell(
        _conveners(resolution.consultation),
        kind=NotificationKind.ANSWERED,
        title=title,
        body=body,
        url=_consultation_url(resolution.consultation),
    )


@transaction.atomic
def resolution_create(
    *,
    consultation: Consultation,
    by,
    content: str,
    owner_unit,
    deadline: datetime.date,
    resources: str = "",
    today: datetime.date | None = None,
) -> Resolution:
    """Add a resolution of a held consultation for one of its units; the unit is told."""
    consultation = Consultation.objects.select_for_update().select_related("branch").get(pk=consultation.pk)
    _require(_convenes(by, consultation.branch))
    if consultation.status != ConsultationStatus.HELD:
        raise TransitionError(
            _("Resolutions are added to a consultation that has been held and is not closed."), code="not_held"
        )
    unit_ids = set(consultation.participating_units.values_list("pk", flat=True)) | {consultation.lead_unit_id}
    if owner_unit is None or owner_unit.pk not in unit_ids:
        raise ValidationError(
            {"owner_unit": _("The owner unit must be the lead unit or a participating unit.")}, code="not_participant"
        )
    if deadline < (today or timezone.localdate()):
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")}, code="past_deadline")
    resolution = Resolution(
        consultation=consultation, content=content, owner_unit=owner_unit, resources=resources, deadline=deadline
    )
    resolution.full_clean()
    stamp_history(resolution, by=by)
    resolution.save()
    _tell_unit(
        resolution,
        kind=NotificationKind.ASSIGNED,
        title=_("Consultation resolution for your unit: sign off by %(deadline)s")
        % {"deadline": deadline.isoformat()},
        body=_("%(topic)s — %(content)s") % {"topic": consultation.topic, "content": content[:200]},
    )
    return resolution


@transaction.atomic
def resolution_sign_off(*, resolution: Resolution, by) -> Resolution:
    """The owner unit takes the resolution on, with the resources it guarantees."""
    resolution = _locked_resolution(resolution)
    _require(can_act_for_unit(by, resolution))
    ensure_transition(RESOLUTION_TRANSITIONS, ResolutionStatus, resolution.status, ResolutionStatus.SIGNED_OFF)
    resolution.status = ResolutionStatus.SIGNED_OFF
    resolution.signed_off_at = timezone.now()
    resolution.signed_off_by = by
    stamp_history(resolution, by=by)
    resolution.save()
    _tell_conveners(
        resolution,
        title=_("%(unit)s signed off a resolution") % {"unit": resolution.owner_unit},
        body=resolution.content[:200],
    )
    return resolution


@transaction.atomic
def resolution_report_done(*, resolution: Resolution, by, result: str) -> Resolution:
    resolution = _locked_resolution(resolution)
    _require(can_act_for_unit(by, resolution))
    result = ticket_report_done(resolution, statuses=ResolutionStatus, transitions=RESOLUTION_TRANSITIONS, by=by, result=result)
    _tell_conveners(
        resolution,
        title=_("%(unit)s reported a resolution done") % {"unit": resolution.owner_unit},
        body=result,
    )
    return resolution


@transaction.atomic
def resolution_verify(*, resolution: Resolution, by) -> Resolution:
    """Verify a resolution; the last one verified closes the consultation."""
    resolution = _locked_resolution(resolution)
    _require(_convenes(by, resolution.consultation.branch))
    ticket_verify(resolution, statuses=ResolutionStatus, transitions=RESOLUTION_TRANSITIONS, by=by)
    _tell_unit(
        resolution,
        kind=NotificationKind.INFO,
        title=_("Resolution verified: %(content)s") % {"content": resolution.content[:60]},
    )
    consultation = resolution.consultation
    if (
        consultation.status == ConsultationStatus.HELD
        and not consultation.resolutions.exclude(status=ResolutionStatus.VERIFIED).exists()
    ):
        consultation_close(consultation=consultation, by=by, automatic=True)
    return resolution


@transaction.atomic
def resolution_return(*, resolution: Resolution, by, reason: str) -> Resolution:
    resolution = _locked_resolution(resolution)
    _require(_convenes(by, resolution.consultation.branch))
    reason = ticket_return(
        resolution, statuses=ResolutionStatus, transitions=RESOLUTION_TRANSITIONS, by=by, reason=reason,
        reason_required=_("Say why the resolution is returned."),
    )
    _tell_unit(
        resolution,
        kind=NotificationKind.RETURNED,
        title=_("Resolution returned: %(content)s") % {"content": resolution.content[:60]},
        body=reason,
    )
    return resolution
