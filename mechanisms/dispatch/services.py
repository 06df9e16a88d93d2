"""Writes of 推进调度: dispatch sessions and the instructions (督办事项) they issue.

Every function is keyword-only and atomic, checks the actor first (``PermissionDenied`` — the
views turn it into a 404) and the state second (``TransitionError``, shown to the user), records
who acted in the history and tells the people concerned after commit.

Who acts (DESIGN §2): the project's 调度长 and department staff over the project record
sessions, issue, verify and return instructions; the assignee — the person named, or a liaison
of the unit named — acknowledges and reports done.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from mechanisms.common.models import NotificationKind
from mechanisms.common.selectors import unit_liaisons
from mechanisms.common.services import tell
from mechanisms.dispatch.models import (
    DISPATCH_TRANSITIONS,
    INSTRUCTION_TRANSITIONS,
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
)
from mechanisms.dispatch.selectors import can_run_dispatch, dispatch_agenda, is_instruction_assignee
from projects.models import CLOSED_STATUSES
from projects.services import project_schedule_dispatch

DISPATCH_FIELDS = ("held_on", "location", "attendees", "notes")


def _refuse_closed_project(project):
    if project.status in CLOSED_STATUSES:
        raise TransitionError(
            _("The project is %(status)s: it takes no new dispatch sessions or instructions.")
            % {"status": project.get_status_display()},
            code="project_closed",
        )


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


# ---------------------------------------------------------------- the ticket lifecycle
# Instructions and resolutions share the steps after they are taken on: reported done with a
# result, verified, or returned with a reason. Each step checks the transition table, changes the
# ticket and records who did it; the callers lock, check the actor and tell the other side.
def ticket_report_done(ticket, *, statuses, transitions, by, result: str) -> str:
    ensure_transition(transitions, statuses, ticket.status, statuses.DONE)
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Say what was done.")}, code="result_required")
    ticket.status = statuses.DONE
    ticket.result = result
    ticket.done_at = timezone.now()
    stamp_history(ticket, by=by)
    ticket.save()
    return result


def ticket_verify(ticket, *, statuses, transitions, by) -> None:
    ensure_transition(transitions, statuses, ticket.status, statuses.VERIFIED)
    ticket.status = statuses.VERIFIED
    ticket.verified_at = timezone.now()
    ticket.verified_by = by
    stamp_history(ticket, by=by)
    ticket.save()


def ticket_return(ticket, *, statuses, transitions, by, reason: str, reason_required) -> str:
    ensure_transition(transitions, statuses, ticket.status, statuses.RETURNED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": reason_required}, code="reason_required")
    ticket.status = statuses.RETURNED
    ticket.return_reason = reason
    stamp_history(ticket, by=by, reason=_("Returned: %(reason)s") % {"reason": reason[:80]})
    ticket.save()
    return reason


# ---------------------------------------------------------------- dispatch sessions
def _check_held_on(held_on: datetime.date, today: datetime.date):
    if held_on > today:
        raise ValidationError({"held_on": _("A session cannot be recorded before it is held: the date is in the future.")})


@transaction.atomic
def dispatch_create(
    *,
    project,
    by,
    held_on: datetime.date,
    location: str = "",
    attendees: str = "",
    notes: str = "",
    record: bool = False,
    today: datetime.date | None = None,
) -> Dispatch:
    """Open a session of ``project`` as a draft (agenda pre-filled as of today); ``record``
    records it at once."""
    _require(can_run_dispatch(by, project))
    _refuse_closed_project(project)
    today = (today or timezone.localdate())
    dispatch = Dispatch(
        project=project,
        branch=project.branch,
        held_on=held_on,
        location=location,
        attendees=attendees,
        notes=notes,
        agenda=dispatch_agenda(project, today),
        created_by=by,
    )
    dispatch.full_clean()
    stamp_history(dispatch, by=by)
    dispatch.save()
    if record:
        dispatch = dispatch_record(dispatch=dispatch, by=by, today=today)
    return dispatch


@transaction.atomic
def dispatch_update(*, dispatch: Dispatch, by, **fields) -> Dispatch:
    """Change a draft's date, place, attendees or notes; a recorded session is the record."""
    dispatch = Dispatch.objects.select_for_update().select_related("project").get(pk=dispatch.pk)
    _require(can_run_dispatch(by, dispatch.project))
    if dispatch.status != DispatchStatus.DRAFT:
        raise TransitionError(_("A recorded dispatch session can no longer be changed."), code="recorded")
    for name, value in fields.items():
        if name not in DISPATCH_FIELDS:
            raise TypeError(name)
        setattr(dispatch, name, value)
    dispatch.full_clean()
    stamp_history(dispatch, by=by)
    dispatch.save()
    return dispatch


@transaction.atomic
def dispatch_record(*, dispatch: Dispatch, by, today: datetime.date | None = None) -> Dispatch:
    """Record a draft session: its agenda is computed again as of today and kept as it stands."""
    dispatch = Dispatch.objects.select_for_update().select_related("project", "project__branch").get(pk=dispatch.pk)
    _require(can_run_dispatch(by, dispatch.project))
    ensure_transition(DISPATCH_TRANSITIONS, DispatchStatus, dispatch.status, DispatchStatus.RECORDED)
    today = (today or timezone.localdate())
    _check_held_on(dispatch.held_on, today)
    dispatch.agenda = dispatch_agenda(dispatch.project, today)
    dispatch.status = DispatchStatus.RECORDED
    dispatch.recorded_at = timezone.now()
    stamp_history(dispatch, by=by)
    dispatch.save()
    # The next session falls due a cadence after this one (the reminder sweep reads it).
    project_schedule_dispatch(project=dispatch.project, held_on=dispatch.held_on)
    return dispatch


# ---------------------------------------------------------------- instructions
def _instruction_url(instruction) -> str:
    return reverse("mechanisms:instruction_detail", args=[instruction.pk])


def _assignee_side(instruction):
    people = [instruction.assignee_user] if instruction.assignee_user_id else []
    if instruction.assignee_unit_id:
        people += list(unit_liaisons([instruction.assignee_unit_id]))
    return people


def _issuer_side(instruction):
    return [instruction.project.dispatch_chief, instruction.created_by]


def _locked(instruction) -> Instruction:
    return (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("project", "project__dispatch_chief", "assignee_unit", "assignee_user", "created_by")
        .get(pk=instruction.pk)
    )


@transaction.atomic
def instruction_issue(
    *,
    project,
    by,
    title: str,
    deadline: datetime.date,
    content: str = "",
    assignee_unit=None,
    assignee_user=None,
    dispatch: Dispatch | None = None,
    today: datetime.date | None = None,
) -> Instruction:
    """Issue an instruction of ``project`` (from ``dispatch`` when given) to a unit or a person."""
    _require(can_run_dispatch(by, project))
    _refuse_closed_project(project)
    if dispatch is not None and dispatch.project_id != project.pk:
        raise ValidationError(_("The dispatch session belongs to another project."), code="wrong_project")
    today = (today or timezone.localdate())
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")}, code="past_deadline")
    if assignee_user is not None and not assignee_user.is_active:
        raise ValidationError({"assignee_user": _("This login is inactive.")}, code="inactive")
    instruction = Instruction(
        project=project,
        branch=project.branch,
        dispatch=dispatch,
        title=title,
        content=content,
        assignee_unit=assignee_unit,
        assignee_user=assignee_user,
        issued_on=today,
        deadline=deadline,
        created_by=by,
    )
    instruction.full_clean()
    stamp_history(instruction, by=by)
    instruction.save()
    tell(
        _assignee_side(instruction),
        kind=NotificationKind.ASSIGNED,
        title=_("New instruction: %(title)s (due %(deadline)s)")
        % {"title": instruction.title, "deadline": instruction.deadline.isoformat()},
        body=_("%(project)s · issued by %(by)s") % {"project": project, "by": by.get_full_name()},
        url=_instruction_url(instruction),
    )
    return instruction


@transaction.atomic
def instruction_acknowledge(*, instruction: Instruction, by) -> Instruction:
    instruction = _locked(instruction)
    _require(is_instruction_assignee(by, instruction))
    ensure_transition(INSTRUCTION_TRANSITIONS, InstructionStatus, instruction.status, InstructionStatus.ACKNOWLEDGED)
    instruction.status = InstructionStatus.ACKNOWLEDGED
    instruction.acknowledged_at = timezone.now()
    stamp_history(instruction, by=by)
    instruction.save()
    tell(
        _issuer_side(instruction),
        kind=NotificationKind.ANSWERED,
        title=_("Instruction acknowledged: %(title)s") % {"title": instruction.title},
        body=_("Acknowledged by %(by)s.") % {"by": by.get_full_name()},
        url=_instruction_url(instruction),
    )
    return instruction


@transaction.atomic
def instruction_report_done(*, instruction: Instruction, by, result: str) -> Instruction:
    """The assignee reports the instruction done, saying what was done (after a return too)."""
    instruction = _locked(instruction)
    _require(is_instruction_assignee(by, instruction))
    result = ticket_report_done(instruction, statuses=InstructionStatus, transitions=INSTRUCTION_TRANSITIONS, by=by, result=result)
    tell(
        _issuer_side(instruction),
        kind=NotificationKind.ANSWERED,
        title=_("Instruction reported done: %(title)s") % {"title": instruction.title},
        body=result,
        url=_instruction_url(instruction),
    )
    return instruction


@transaction.atomic
def instruction_verify(*, instruction: Instruction, by) -> Instruction:
    instruction = _locked(instruction)
    _require(can_run_dispatch(by, instruction.project))
    ticket_verify(instruction, statuses=InstructionStatus, transitions=INSTRUCTION_TRANSITIONS, by=by)
    tell(
        _assignee_side(instruction),
        kind=NotificationKind.INFO,
        title=_("Instruction verified: %(title)s") % {"title": instruction.title},
        url=_instruction_url(instruction),
    )
    return instruction


@transaction.atomic
def instruction_return(*, instruction: Instruction, by, reason: str) -> Instruction:
    """Send a reported-done instruction back to work, saying why."""
    instruction = _locked(instruction)
    _require(can_run_dispatch(by, instruction.project))
    reason = ticket_return(
        instruction, statuses=InstructionStatus, transitions=INSTRUCTION_TRANSITIONS, by=by, reason=reason,
        reason_required=_("Say why the instruction is returned."),
    )
    tell(
        _assignee_side(instruction),
        kind=NotificationKind.RETURNED,
        title=_("Instruction returned: %(title)s") % {"title": instruction.title},
        body=reason,
        url=_instruction_url(instruction),
    )
    return instruction
