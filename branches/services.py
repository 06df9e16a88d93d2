"""Writes of the "who": branch lifecycle, appointments and the grants that follow them.

Every function is keyword-only, atomic, records who acted (simple-history's history_user and
change reason) and raises ``TransitionError`` / ``ValidationError`` with a translated message
when a rule refuses the change.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from branches.models import (
    BRANCH_CLOSED_STATUSES,
    Activity,
    ActivityAttachment,
    Branch,
    BranchStatus,
    ChainNode,
    IndustrialChain,
    Membership,
    MembershipRole,
    Person,
    WeakLink,
)
from branches.roles import Role
from core.audit import record
from core.exports import normalise_params
from core.history import stamp_history
from core.models import AuditAction
from core.workflow import TransitionError

# The one transition table of the branch lifecycle (DESIGN §3).
BRANCH_TRANSITIONS: dict[str, set[str]] = {
    BranchStatus.PROPOSED: {BranchStatus.ACTIVE, BranchStatus.DISSOLVED},
    BranchStatus.ACTIVE: {BranchStatus.CONCLUDED, BranchStatus.DISSOLVED},
    BranchStatus.CONCLUDED: {BranchStatus.EVALUATED},
    BranchStatus.EVALUATED: set(),
    BranchStatus.DISSOLVED: set(),
}

# Reached only by finalizing the branch's efficacy evaluation (evaluation.services), which
# passes ``by_evaluation=True``: marking a branch evaluated by hand would leave its evaluation
# unable to start or to finalize.
EVALUATION_ONLY_TARGETS = frozenset({BranchStatus.EVALUATED})

SECRETARY_PERMS = ("branches.view_branch", "branches.change_branch")


def _branch_blockers(branch: Branch, target: str) -> list[str]:
    """What stops ``branch`` from moving to ``target`` (empty when it may)."""
    problems = []
    if target == BranchStatus.ACTIVE:
        if not branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True).exists():
            problems.append(_("Appoint a secretary before activating the branch."))
        if not branch.projects.exists():
            problems.append(_("Attach at least one project before activating the branch."))
    return problems


def branch_allowed_transitions(branch: Branch) -> list[str]:
    return [t for t in BRANCH_TRANSITIONS[branch.status] if not _branch_blockers(branch, t)]


# The order the moves are offered in on the branch page.
_TRANSITION_ORDER = [
    BranchStatus.ACTIVE,
    BranchStatus.CONCLUDED,
    BranchStatus.EVALUATED,
    BranchStatus.DISSOLVED,
]


def branch_transition_options(branch: Branch) -> list[tuple[str, list[str]]]:
    """Every move the table offers from the branch's status, with what blocks it (empty when
    the move is allowed now)."""
    targets = BRANCH_TRANSITIONS[branch.status] - EVALUATION_ONLY_TARGETS
    return [(t, _branch_blockers(branch, t)) for t in _TRANSITION_ORDER if t in targets]


@transaction.atomic
def branch_transition(
    *, branch: Branch, to: str, by, reason: str = "", on: datetime.date | None = None, by_evaluation: bool = False
) -> Branch:
    """Move ``branch`` to status ``to`` if the table and the guards allow it."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if to not in BRANCH_TRANSITIONS[branch.status]:
        raise TransitionError(
            _("A branch that is %(current)s cannot become %(target)s.")
            % {"current": BranchStatus(branch.status).label, "target": BranchStatus(to).label},
            code="illegal_transition",
        )
    if to in EVALUATION_ONLY_TARGETS and not by_evaluation:
        raise TransitionError(
            _("A branch becomes evaluated when its efficacy evaluation is finalized."), code="evaluation_only"
        )
    problems = _branch_blockers(branch, to)
    if problems:
        raise TransitionError(problems, code="guard")
    if to == BranchStatus.DISSOLVED and not reason.strip():
        raise TransitionError(_("Give a reason for dissolving the branch."), code="reason_required")
    today = on or timezone.localdate()
    if to == BranchStatus.ACTIVE and branch.formed_on is None:
        branch.formed_on = today
    if to == BranchStatus.CONCLUDED:
        branch.concluded_on = today
    branch.status = to
    # A move recorded for an earlier day (``on``: the demo, a late entry) changed the status on
    # that day: the dashboard reads a dissolution's date from here (it has no date field of its own).
    now = timezone.now()
    if on is not None and on < timezone.localdate(now):
        now = datetime.datetime.combine(on, datetime.time.min, tzinfo=timezone.get_current_timezone())
    branch.status_changed_at = now
    stamp_history(branch, by=by, reason=reason or str(BranchStatus(to).label))
    branch.save()
    return branch


@transaction.atomic
def branch_create(*, by, responsible_units=(), **fields) -> Branch:
    branch = Branch(created_by=by, status=BranchStatus.PROPOSED, **fields)
    branch.full_clean()
    stamp_history(branch, by=by)
    branch.save()
    if responsible_units:
        branch.responsible_units.set(responsible_units)
    return branch


@transaction.atomic
def branch_update(*, branch: Branch, by, responsible_units=None, **fields) -> Branch:
    for name, value in fields.items():
        setattr(branch, name, value)
    branch.full_clean()
    stamp_history(branch, by=by)
    branch.save()
    if responsible_units is not None:
        branch.responsible_units.set(responsible_units)
    return branch


def _grant_secretary(user, branch):
    for perm in SECRETARY_PERMS:
        assign_perm(perm, user, branch)
    user.groups.add(Group.objects.get(name=Role.SECRETARY))


def _revoke_secretary(user, branch):
    for perm in SECRETARY_PERMS:
        remove_perm(perm, user, branch)
    still_secretary = Membership.objects.filter(
        person__user=user, role=MembershipRole.SECRETARY, left_on__isnull=True
    ).exists()
    if not still_secretary:
        user.groups.remove(Group.objects.get(name=Role.SECRETARY))


def _sync_member_role(user) -> None:
    """A login holds the member role while it serves in some branch in a role other than
    secretary (the secretary role has its own group and grants)."""
    if user is None:
        return
    group = Group.objects.get(name=Role.MEMBER)
    serving = (
        Membership.objects.filter(person__user=user, left_on__isnull=True)
        .exclude(role=MembershipRole.SECRETARY)
        .exists()
    )
    if serving:
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def membership_appoint(
    *, branch: Branch, person: Person, role: str, by, joined_on: datetime.date | None = None, commitment: str = ""
) -> Membership:
    """Add ``person`` to ``branch`` in ``role``. Appointing a secretary replaces the current one
    (their membership ends today) and moves the branch grant to the new secretary."""
    joined_on = joined_on or timezone.localdate()
    Branch.objects.select_for_update().filter(pk=branch.pk).first()  # serialize appointments
    if branch.status in BRANCH_CLOSED_STATUSES:
        raise ValidationError(_("Members cannot be appointed to a branch that has ended."), code="ended")
    existing = Membership.objects.filter(branch=branch, person=person, left_on__isnull=True).first()
    if existing is not None:
        # Changing the role of someone already serving: end the old membership first.
        membership_end(membership=existing, by=by, left_on=joined_on)
    if role == MembershipRole.SECRETARY:
        current = Membership.objects.filter(branch=branch, role=MembershipRole.SECRETARY, left_on__isnull=True).first()
        if current is not None:
            membership_end(membership=current, by=by, left_on=joined_on)
    membership = Membership(branch=branch, person=person, role=role, joined_on=joined_on, commitment=commitment)
    membership.full_clean(validate_constraints=False)
    stamp_history(membership, by=by)
    membership.save()
    if role == MembershipRole.SECRETARY and person.user_id:
        _grant_secretary(person.user, branch)
    _sync_member_role(person.user)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by, left_on: datetime.date | None = None) -> Membership:
    if membership.left_on is not None:
        raise ValidationError(_("This membership has already ended."), code="already_ended")
    membership.left_on = max(left_on or timezone.localdate(), membership.joined_on)
    stamp_history(membership, by=by)
    membership.save()
    if membership.role == MembershipRole.SECRETARY and membership.person.user_id:
        _revoke_secretary(membership.person.user, membership.branch)
    _sync_member_role(membership.person.user)
    return membership


@transaction.atomic
def person_link_user(*, person: Person, user, by) -> Person:
    """Link a login to a registry entry; grants follow the person's current secretary posts."""
    old_user = person.user
    person.user = user
    stamp_history(person, by=by)
    person.save()
    for membership in person.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True):
        if old_user is not None and old_user != user:
            _revoke_secretary(old_user, membership.branch)
        if user is not None:
            _grant_secretary(user, membership.branch)
    if old_user is not None and old_user != user:
        _sync_member_role(old_user)
    _sync_member_role(user)
    return person


@transaction.atomic
def membership_update_commitment(*, membership: Membership, commitment: str, by) -> Membership:
    """A member writes their public commitment (三亮) while they serve."""
    if membership.left_on is not None:
        raise ValidationError(_("This membership has ended; its commitment can no longer change."), code="ended")
    membership.commitment = commitment.strip()
    stamp_history(membership, by=by)
    membership.save(update_fields=["commitment", "updated_at"])
    return membership


# ---------------------------------------------------------------- the Party-member registry
@transaction.atomic
def person_create(*, by, user=None, **fields) -> Person:
    person = Person(**fields)
    person.full_clean(exclude=["user"])
    stamp_history(person, by=by)
    person.save()
    if user is not None:
        person_link_user(person=person, user=user, by=by)
    return person


@transaction.atomic
def person_update(*, person: Person, by, user=None, **fields) -> Person:
    """Change a registry entry; a change of login goes through ``person_link_user`` so grants
    follow it."""
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["user"])
    stamp_history(person, by=by)
    person.save()
    if person.user_id != (user.pk if user else None):
        person_link_user(person=person, user=user, by=by)
    return person


@transaction.atomic
def person_bulk_create(*, people: list[Person], by) -> list[Person]:
    """Save already validated registry entries in one go, with their history rows."""
    return bulk_create_with_history(people, Person, default_user=by, default_change_reason=_("Imported"))


# ---------------------------------------------------------------- Party life
@transaction.atomic
def activity_create(*, branch: Branch, by, participants=(), uploads=(), **fields) -> Activity:
    """Record a Party-life activity with its participants and attachments.

    Uploads are checked by content and size (core.uploads); a refused file refuses the whole
    activity, so nothing half-saved is left behind."""
    if branch.status in BRANCH_CLOSED_STATUSES:
        raise ValidationError(_("Activities cannot be recorded for a branch that has ended."), code="ended")
    activity = Activity(branch=branch, created_by=by, **fields)
    activity.full_clean()
    stamp_history(activity, by=by)
    activity.save()
    if participants:
        activity.participants.set(participants)
    saved = []
    try:
        for uploaded in uploads:
            saved.append(activity_attachment_add(activity=activity, uploaded=uploaded, by=by))
    except Exception:
        # The rollback removes the rows; the files stored so far must go too.
        for attachment in saved:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return activity


@transaction.atomic
def activity_attachment_add(*, activity: Activity, uploaded, by) -> ActivityAttachment:
    attachment = ActivityAttachment.build(uploaded=uploaded, uploaded_by=by, activity=activity)
    try:
        attachment.save()
    except Exception:
        # build() already stored the file: do not leave it behind without its row.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


# ---------------------------------------------------------------- industrial chains
@transaction.atomic
def weak_link_create(*, chain: IndustrialChain, node: ChainNode, by, **fields) -> WeakLink:
    if node.chain_id != chain.pk:
        raise ValidationError(_("The node belongs to another chain."), code="wrong_chain")
    weak_link = WeakLink(chain=chain, node=node, **fields)
    weak_link.full_clean()
    stamp_history(weak_link, by=by)
    weak_link.save()
    return weak_link


@transaction.atomic
def weak_link_resolve(*, weak_link: WeakLink, by) -> WeakLink:
    weak_link = WeakLink.objects.select_for_update().get(pk=weak_link.pk)
    if weak_link.is_resolved:
        raise ValidationError(_("This weak link is already resolved."), code="already_resolved")
    weak_link.is_resolved = True
    stamp_history(weak_link, by=by, reason=_("Resolved"))
    weak_link.save()
    return weak_link


# ---------------------------------------------------------------- the audit trail
def audit_read(*, request, params) -> None:
    """The auditor's reading of the audit trail is itself audited (with the filters used)."""
    record(AuditAction.AUDIT_READ, request=request, target=str(_("Audit trail")), detail={"filters": normalise_params(params)})


def personal_data_viewed(*, request, person) -> None:
    """Somebody who manages people opened a person's page with the numbers whole: audited."""
    record(AuditAction.PERSONAL_DATA_VIEW, request=request, target=person, detail={"fields": ["phone"]})
