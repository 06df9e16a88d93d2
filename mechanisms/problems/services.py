"""问题研判 — writes of the problem-analysis mechanism.

A problem is raised (by the branch, a member, a dispatch session or an enterprise blowing the
whistle), analysed and assigned to a responsible unit with co-operating units and a deadline,
accepted or objected to by the unit within its time limit, resolved with evidence, and verified
and closed by the branch's secretary or the 调度长. Time limits count working days
(``mechanisms.common.workdays``). One function per transition of ``PROBLEM_TRANSITIONS``; each checks
who acts (``selectors_problems.problem_roles``) and the move, saves with its history (who and
why), and tells the people concerned after the commit (``notify``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from mechanisms.common.models import NotificationKind
from mechanisms.common.services import attachment_add, notify
from mechanisms.common.workdays import calendar, time_limits
from mechanisms.problems.models import (
    ASSIGNMENT_TRANSITIONS,
    EXTENSION_TRANSITIONS,
    PROBLEM_OPEN_STATUSES,
    PROBLEM_TRANSITIONS,
    AssignmentStatus,
    DeadlineExtension,
    ExtensionStatus,
    ProblemAssignment,
    ProblemCase,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
)
from mechanisms.problems.selectors import (
    ANALYST,
    CO_UNIT,
    DECIDER,
    ENDED_BRANCH_STATUSES,
    LIAISON,
    VERIFIER,
    branch_secretary_user,
    problem_dispatch_chiefs,
    problem_roles,
    reporting_branches,
    unit_choices_for_branch,
    unit_liaisons,
)


def _require(roles, role, message):
    if role not in roles:
        raise TransitionError(message, code="not_allowed")


def _locked(problem: ProblemCase) -> ProblemCase:
    return ProblemCase.objects.select_for_update().get(pk=problem.pk)


def _required_text(value, field, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _tell(recipients, *, kind, problem, title, body="", exclude=None, **params):
    """Notify ``recipients`` about ``problem``. The text is rendered in the product's default
    language: a notification is a record of what was said, read later by anyone."""
    recipients = [u for u in recipients if u is not None and (exclude is None or u.pk != exclude.pk)]
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        params = {"title": problem.title, **{k: str(v) for k, v in params.items()}}
        return notify(
            recipients=recipients,
            kind=kind,
            title=str(title) % params,
            body=str(body) % params if body else "",
            url=reverse("mechanisms:problem_detail", args=[problem.pk]),
        )


def _deciders(problem: ProblemCase):
    return [branch_secretary_user(problem.branch_id), *problem_dispatch_chiefs(problem)]


# ---------------------------------------------------------------- report
@transaction.atomic
def problem_report(
    *,
    by,
    branch,
    title: str,
    description: str,
    category: str,
    severity: str = ProblemSeverity.ORDINARY,
    source: str = ProblemSource.BRANCH,
    project=None,
    raised_by_person=None,
    dispatch=None,
    enterprise_name: str = "",
    enterprise_contact: str = "",
    enterprise_phone: str = "",
) -> ProblemCase:
    """Raise a problem for ``branch``. An enterprise whistle (source ``enterprise``) is filed
    by the secretary or staff on the enterprise's behalf and must name the enterprise."""
    if branch.status in ENDED_BRANCH_STATUSES:
        raise ValidationError(_("Problems cannot be raised for a branch that has ended."), code="ended")
    if not reporting_branches(by).filter(pk=branch.pk).exists():
        raise TransitionError(_("You may not raise problems for this branch."), code="not_allowed")
    errors = {}
    if project is not None and project.branch_id != branch.pk:
        errors["project"] = _("The project belongs to another branch.")
    if dispatch is not None and dispatch.branch_id != branch.pk:
        errors["dispatch"] = _("The dispatch session belongs to another branch.")
    if source == ProblemSource.MEMBER:
        if raised_by_person is None:
            errors["raised_by_person"] = _("Name the member who raised the problem.")
        elif not branch.memberships.filter(person=raised_by_person, left_on__isnull=True).exists():
            errors["raised_by_person"] = _("This person is not a serving member of the branch.")
    if source == ProblemSource.ENTERPRISE and not (enterprise_name or "").strip():
        errors["enterprise_name"] = _("Name the enterprise that blew the whistle.")
    if errors:
        raise ValidationError(errors)
    whistle = source == ProblemSource.ENTERPRISE
    problem = ProblemCase(
        branch=branch,
        project=project,
        title=(title or "").strip(),
        description=(description or "").strip(),
        category=category,
        severity=severity,
        source=source,
        raised_by_person=raised_by_person if source == ProblemSource.MEMBER else None,
        dispatch=dispatch if source == ProblemSource.DISPATCH else None,
        # Enterprise details belong to whistle cases only.
        enterprise_name=(enterprise_name or "").strip() if whistle else "",
        enterprise_contact=(enterprise_contact or "").strip() if whistle else "",
        enterprise_phone=(enterprise_phone or "").strip() if whistle else "",
        status=ProblemStatus.REPORTED,
        created_by=by,
    )
    problem.full_clean()
    stamp_history(problem, by=by)
    problem.save()
    # The secretary hears of problems others raise for the branch (staff, 调度长).
    _tell(
        [branch_secretary_user(branch.pk)],
        exclude=by,
        kind=NotificationKind.INFO,
        problem=problem,
        title=gettext_lazy("New problem raised for your branch: %(title)s"),
        body=gettext_lazy("Raised by %(who)s. Analyse it and assign a responsible unit."),
        who=by.get_full_name(),
    )
    return problem


# ---------------------------------------------------------------- analyse and assign
@transaction.atomic
def problem_analyse(
    *,
    problem: ProblemCase,
    by,
    conclusion: str,
    responsible_unit,
    co_units=(),
    deadline: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ProblemCase:
    """Record the analysis and assign the problem: the responsible unit accepts or objects
    within ``time_limits()["accept"]`` working days, co-operating units answer the lead unit
    within ``co_unit_answer``, and for a whistle the lead unit answers the enterprise within
    ``enterprise_answer``. The deadline defaults to that many working days too. Also used to
    assign again after an objection."""
    problem = _locked(problem)
    _require(problem_roles(problem, by), ANALYST, _("Only the branch's secretary or department staff analyse problems."))
    ensure_transition(PROBLEM_TRANSITIONS, ProblemStatus, problem.status, ProblemStatus.ANALYSED)
    conclusion = _required_text(conclusion, "conclusion", _("Write the analysis conclusion."))
    if responsible_unit is None:
        raise ValidationError({"responsible_unit": _("Choose the responsible unit.")}, code="required")
    co_units = list({u.pk: u for u in co_units}.values())
    if any(u.pk == responsible_unit.pk for u in co_units):
        raise ValidationError(
            {"co_units": _("The responsible unit cannot also be a co-operating unit.")}, code="duplicate_unit"
        )
    unit_ids = {responsible_unit.pk, *(u.pk for u in co_units)}
    if unit_choices_for_branch(problem.branch).filter(pk__in=unit_ids).count() != len(unit_ids):
        raise ValidationError(
            {"responsible_unit": _("Choose active units of the branch's own city.")}, code="foreign_unit"
        )
    today = today or timezone.localdate()
    cal, limits = calendar(), time_limits()
    if deadline is None:
        deadline = cal.add_working_days(today, limits["enterprise_answer"])
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")}, code="past_deadline")
    reassigned = problem.status == ProblemStatus.OBJECTED
    now = timezone.now()
    problem.status = ProblemStatus.ANALYSED
    problem.conclusion = conclusion
    problem.responsible_unit = responsible_unit
    problem.deadline = deadline
    problem.analysed_at = now
    problem.analysed_by = by
    problem.accept_due_on = cal.add_working_days(today, limits["accept"])
    problem.answer_due_on = cal.add_working_days(today, limits["enterprise_answer"]) if problem.is_whistle else None
    problem.accepted_at = None
    # A new assignment starts a new clock: escalate again if this one is missed too.
    problem.escalated_at = None
    # The history shows the new status; a reason is added only where it says more.
    stamp_history(problem, by=by, reason=gettext_lazy("Assigned again after an objection") if reassigned else "")
    problem.save()

    co_due = cal.add_working_days(today, limits["co_unit_answer"])
    wanted = {u.pk for u in co_units}
    new_units = []
    for assignment in problem.assignments.all():
        if assignment.unit_id not in wanted:
            stamp_history(assignment, by=by, reason=gettext_lazy("No longer a co-operating unit"))
            assignment.delete()
        elif assignment.status == AssignmentStatus.PENDING:
            assignment.due_on = co_due
            stamp_history(assignment, by=by)
            assignment.save()
        wanted.discard(assignment.unit_id)
    for unit in co_units:
        if unit.pk in wanted:
            assignment = ProblemAssignment(problem=problem, unit=unit, due_on=co_due)
            stamp_history(assignment, by=by, reason=gettext_lazy("Assigned as co-operating unit"))
            assignment.save()
            new_units.append(unit.pk)

    _tell(
        unit_liaisons([responsible_unit.pk]),
        kind=NotificationKind.ASSIGNED,
        problem=problem,
        title=gettext_lazy("Problem assigned to your unit: %(title)s"),
        body=gettext_lazy(
            "Accept it or object by %(accept_due)s (one working day). Deadline for solving it: %(deadline)s."
        ),
        accept_due=problem.accept_due_on,
        deadline=deadline,
    )
    _tell(
        unit_liaisons(new_units),
        kind=NotificationKind.ASSIGNED,
        problem=problem,
        title=gettext_lazy("Your unit co-operates on a problem: %(title)s"),
        body=gettext_lazy("Answer the lead unit %(unit)s by %(due)s."),
        unit=responsible_unit,
        due=co_due,
    )
    return problem


# ---------------------------------------------------------------- the unit answers
@transaction.atomic
def problem_accept(*, problem: ProblemCase, by, today: datetime.date | None = None) -> ProblemCase:
    problem = _locked(problem)
    _require(problem_roles(problem, by), LIAISON, _("Only the responsible unit's liaison accepts a problem."))
    ensure_transition(PROBLEM_TRANSITIONS, ProblemStatus, problem.status, ProblemStatus.ACCEPTED)
    problem.status = ProblemStatus.ACCEPTED
    problem.accepted_at = timezone.now()
    stamp_history(problem, by=by)
    problem.save()
    _tell(
        [problem.analysed_by, branch_secretary_user(problem.branch_id)],
        kind=NotificationKind.ANSWERED,
        problem=problem,
        title=gettext_lazy("%(unit)s accepted the problem: %(title)s"),
        unit=problem.responsible_unit,
    )
    return problem


@transaction.atomic
def problem_object(*, problem: ProblemCase, by, reason: str, today: datetime.date | None = None) -> ProblemCase:
    """The unit objects to the assignment (wrong unit, not its remit) within its time limit; the
    problem goes back to the analysts to be assigned again."""
    problem = _locked(problem)
    _require(problem_roles(problem, by), LIAISON, _("Only the responsible unit's liaison may object."))
    ensure_transition(PROBLEM_TRANSITIONS, ProblemStatus, problem.status, ProblemStatus.OBJECTED)
    today = today or timezone.localdate()
    if problem.accept_due_on is not None and today > problem.accept_due_on:
        raise TransitionError(
            _("The time to object ended on %(date)s; the unit must now handle the problem.")
            % {"date": problem.accept_due_on.isoformat()},
            code="objection_too_late",
        )
    reason = _required_text(reason, "reason", _("Give the reason for the objection."))
    problem.status = ProblemStatus.OBJECTED
    problem.objection = reason
    problem.objected_at = timezone.now()
    stamp_history(problem, by=by, reason=reason)
    problem.save()
    _tell(
        [problem.analysed_by, branch_secretary_user(problem.branch_id)],
        kind=NotificationKind.RETURNED,
        problem=problem,
        title=gettext_lazy("%(unit)s objected to the problem: %(title)s"),
        body=gettext_lazy("Reason: %(reason)s. Assign it again."),
        unit=problem.responsible_unit,
        reason=reason,
    )
    return problem


@transaction.atomic
def problem_resolve(*, problem: ProblemCase, by, resolution: str, evidence=()) -> ProblemCase:
    """The unit reports the problem solved, with what it did and its evidence (files attached
    to the problem in the same transaction: a refused file refuses the whole report)."""
    problem = _locked(problem)
    _require(problem_roles(problem, by), LIAISON, _("Only the responsible unit's liaison reports a problem resolved."))
    ensure_transition(PROBLEM_TRANSITIONS, ProblemStatus, problem.status, ProblemStatus.RESOLVED)
    resolution = _required_text(resolution, "resolution", _("Describe how the problem was resolved."))
    problem.status = ProblemStatus.RESOLVED
    problem.resolution = resolution
    problem.resolved_at = timezone.now()
    stamp_history(problem, by=by)
    problem.save()
    saved = []
    try:
        for uploaded in evidence:
            saved.append(attachment_add(target=problem, uploaded=uploaded, by=by))
    except Exception:
        for attachment in saved:
            attachment.file.storage.delete(attachment.file.name)
        raise
    _tell(
        [branch_secretary_user(problem.branch_id), *problem_dispatch_chiefs(problem)],
        kind=NotificationKind.ANSWERED,
        problem=problem,
        title=gettext_lazy("Problem resolved, please verify: %(title)s"),
        body=gettext_lazy("%(unit)s reports: %(resolution)s"),
        unit=problem.responsible_unit,
        resolution=resolution,
    )
    return problem


# ---------------------------------------------------------------- verify
@transaction.atomic
def problem_verify(
    *, problem: ProblemCase, by, approve: bool = True, satisfaction: str = "", note: str = ""
) -> ProblemCase:
    """Verify the resolution: close the problem (a whistle case records the enterprise's
    satisfaction) or send it back to the unit with the reason."""
    problem = _locked(problem)
    _require(
        problem_roles(problem, by), VERIFIER, _("Only the branch's secretary or the dispatch chief verifies a problem.")
    )
    target = ProblemStatus.CLOSED if approve else ProblemStatus.ACCEPTED
    ensure_transition(PROBLEM_TRANSITIONS, ProblemStatus, problem.status, target)
    note = (note or "").strip()
    liaisons = unit_liaisons([problem.responsible_unit_id])
    if approve:
        # A case with co-operating units closes when every one of them has answered the lead
        # unit; closing earlier is a decision on the record: the remarks say why.
        pending = [a.unit.name for a in problem.assignments.filter(status=AssignmentStatus.PENDING).select_related("unit")]
        if pending and not note:
            raise ValidationError(
                {
                    "note": _(
                        "%(units)s has not answered yet. Wait for the answer, or close the problem anyway "
                        "and say why in the remarks."
                    )
                    % {"units": "、".join(pending)}
                },
                code="co_units_pending",
            )
        if problem.is_whistle:
            if satisfaction not in Satisfaction.values:
                raise ValidationError(
                    {"satisfaction": _("Record how satisfied the enterprise is.")}, code="satisfaction_required"
                )
            problem.satisfaction = satisfaction
        problem.status = ProblemStatus.CLOSED
        problem.verified_at = timezone.now()
        problem.verified_by = by
        problem.verification_note = note
        stamp_history(
            problem, by=by,
            reason=_("Closed with co-operating units unanswered: %(units)s") % {"units": "、".join(pending)} if pending else "",
        )
        problem.save()
        _tell(
            liaisons,
            kind=NotificationKind.INFO,
            problem=problem,
            title=gettext_lazy("Problem verified and closed: %(title)s"),
        )
    else:
        if not note:
            raise ValidationError({"note": _("Say why the resolution is not accepted.")}, code="required")
        problem.status = ProblemStatus.ACCEPTED
        problem.verification_note = note
        problem.resolved_at = None
        stamp_history(problem, by=by, reason=note)
        problem.save()
        _tell(
            liaisons,
            kind=NotificationKind.RETURNED,
            problem=problem,
            title=gettext_lazy("Resolution not accepted: %(title)s"),
            body=gettext_lazy("Reason: %(note)s"),
            note=note,
        )
    return problem


# ---------------------------------------------------------------- co-operating units
@transaction.atomic
def assignment_answer(*, assignment: ProblemAssignment, by, answer: str) -> ProblemAssignment:
    """A co-operating unit answers the lead unit (its part of the work, its view)."""
    assignment = ProblemAssignment.objects.select_for_update().get(pk=assignment.pk)
    problem = ProblemCase.objects.get(pk=assignment.problem_id)
    roles = problem_roles(problem, by)
    if CO_UNIT not in roles or (not by.is_superuser and by.organization_id != assignment.unit_id):
        raise TransitionError(_("Only the co-operating unit's liaison answers for it."), code="not_allowed")
    if problem.status not in (ProblemStatus.ANALYSED, ProblemStatus.ACCEPTED):
        raise TransitionError(
            _("The problem is “%(status)s”: co-operating units no longer answer.")
            % {"status": ProblemStatus(problem.status).label},
            code="illegal_transition",
        )
    ensure_transition(ASSIGNMENT_TRANSITIONS, AssignmentStatus, assignment.status, AssignmentStatus.ANSWERED)
    answer = _required_text(answer, "answer", _("Write the unit's answer."))
    assignment.status = AssignmentStatus.ANSWERED
    assignment.answer = answer
    assignment.answered_at = timezone.now()
    assignment.answered_by = by
    stamp_history(assignment, by=by, reason=gettext_lazy("Answered"))
    assignment.save()
    _tell(
        [*unit_liaisons([problem.responsible_unit_id]), problem.analysed_by],
        exclude=by,
        kind=NotificationKind.ANSWERED,
        problem=problem,
        title=gettext_lazy("%(unit)s answered on the problem: %(title)s"),
        body="%(answer)s",
        unit=assignment.unit,
        answer=answer,
    )
    return assignment


# ---------------------------------------------------------------- deadline extensions
@transaction.atomic
def extension_request(
    *, problem: ProblemCase, by, requested_until: datetime.date, reason: str, today: datetime.date | None = None
) -> DeadlineExtension:
    """The responsible unit asks for a later deadline — before the deadline passes, never after."""
    problem = _locked(problem)
    _require(problem_roles(problem, by), LIAISON, _("Only the responsible unit's liaison asks for more time."))
    if problem.status not in (ProblemStatus.ANALYSED, ProblemStatus.ACCEPTED) or problem.deadline is None:
        raise TransitionError(
            _("A problem that is “%(status)s” has no deadline to extend.") % {"status": ProblemStatus(problem.status).label},
            code="illegal_transition",
        )
    today = today or timezone.localdate()
    if today > problem.deadline:
        raise TransitionError(
            _("The deadline (%(date)s) has passed: an extension must be asked before it.")
            % {"date": problem.deadline.isoformat()},
            code="extension_too_late",
        )
    if requested_until is None or requested_until <= problem.deadline:
        raise ValidationError(
            {"requested_until": _("The new deadline must be after the current one (%(date)s).") % {"date": problem.deadline.isoformat()}},
            code="not_later",
        )
    reason = _required_text(reason, "reason", _("Give the reason for the extension."))
    if problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(_("An extension request for this problem is already pending."), code="pending")
    extension = DeadlineExtension(
        problem=problem, requested_by=by, previous_deadline=problem.deadline, requested_until=requested_until, reason=reason
    )
    stamp_history(extension, by=by, reason=gettext_lazy("Extension requested"))
    extension.save()
    _tell(
        _deciders(problem),
        kind=NotificationKind.ASSIGNED,
        problem=problem,
        title=gettext_lazy("Extension requested for: %(title)s"),
        body=gettext_lazy("%(unit)s asks to move the deadline from %(old)s to %(new)s. Reason: %(reason)s"),
        unit=problem.responsible_unit,
        old=problem.deadline,
        new=requested_until,
        reason=reason,
    )
    return extension


@transaction.atomic
def extension_decide(*, extension: DeadlineExtension, by, approve: bool, note: str = "") -> DeadlineExtension:
    """Approve (the deadline moves, and a missed new deadline escalates again) or refuse."""
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    problem = _locked(extension.problem)
    _require(
        problem_roles(problem, by),
        DECIDER,
        _("Only the branch's secretary, the dispatch chief or department staff decide extensions."),
    )
    target = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ensure_transition(EXTENSION_TRANSITIONS, ExtensionStatus, extension.status, target)
    if approve and problem.status not in PROBLEM_OPEN_STATUSES:
        raise TransitionError(
            _("A problem that is “%(status)s” has no deadline to extend.") % {"status": ProblemStatus(problem.status).label},
            code="illegal_transition",
        )
    extension.status = target
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    stamp_history(extension, by=by)
    extension.save()
    if approve:
        problem.deadline = extension.requested_until
        problem.escalated_at = None
        stamp_history(problem, by=by, reason=gettext_lazy("Deadline extended"))
        problem.save()
    _tell(
        [extension.requested_by],
        kind=NotificationKind.ANSWERED if approve else NotificationKind.RETURNED,
        problem=problem,
        title=gettext_lazy("Extension approved: %(title)s") if approve else gettext_lazy("Extension refused: %(title)s"),
        body=gettext_lazy("New deadline: %(date)s.") if approve else gettext_lazy("The deadline stays %(date)s."),
        date=problem.deadline,
    )
    return extension


# ---------------------------------------------------------------- escalation
def problem_escalate_overdue(*, today: datetime.date | None = None) -> list[int]:
    """Escalate every open problem past its deadline to the 调度长 — once: ``escalated_at`` is
    set in the same transaction as the notification, and rows are claimed with SKIP LOCKED so
    two sweeps running at once never escalate the same problem twice. Returns the ids escalated.
    """
    today = today or timezone.localdate()
    cal = calendar()
    escalated = []
    candidates = ProblemCase.objects.filter(
        status__in=PROBLEM_OPEN_STATUSES, deadline__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            problem = (
                ProblemCase.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status__in=PROBLEM_OPEN_STATUSES, deadline__lt=today, escalated_at__isnull=True)
                .select_related("responsible_unit")
                .first()
            )
            if problem is None:
                continue
            problem.escalated_at = timezone.now()
            stamp_history(problem, by=None, reason=gettext_lazy("Overdue: escalated to the dispatch chief"))
            problem.save()
            days = cal.working_days_between(problem.deadline, today)
            _tell(
                problem_dispatch_chiefs(problem),
                kind=NotificationKind.ESCALATED,
                problem=problem,
                title=gettext_lazy("Overdue problem escalated to you: %(title)s"),
                body=gettext_lazy("Deadline %(deadline)s, %(days)s working days overdue. Responsible unit: %(unit)s."),
                deadline=problem.deadline,
                days=days,
                unit=problem.responsible_unit or "—",
            )
            _tell(
                [branch_secretary_user(problem.branch_id)],
                kind=NotificationKind.ESCALATED,
                problem=problem,
                title=gettext_lazy("Overdue problem escalated to the dispatch chief: %(title)s"),
            )
            escalated.append(problem.pk)
    return escalated
