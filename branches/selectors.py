"""Reads of the "who": what each user may see (DESIGN §2, jurisdiction) and list queries.

Every list, detail, export and admin page goes through the ``visible_*`` functions here: an
object outside them is a 404. Department staff and leaders see the subtree of the node they
sit at; secretaries see the branches granted to them; dispatch chiefs the branches of the
projects granted to them; members the branches they serve in.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from branches.models import (
    Activity,
    ActivityAttachment,
    Branch,
    BranchUserObjectPermission,
    ChainMember,
    ChainNode,
    IndustrialChain,
    Membership,
    MembershipRole,
    Organization,
    Person,
    User,
    WeakLink,
)
from branches.roles import JURISDICTION_ROLES, Role
from core.context_processors import user_role_codes
from core.masking import mask
from core.models import AuditEvent
from core.queries import union_of_ids


def has_role(user, *roles) -> bool:
    if not user.is_authenticated:
        return False
    codes = user_role_codes(user)
    return any(Role(r).value in codes for r in roles)


def jurisdiction_path(user) -> str | None:
    """The tree path of the subtree ``user`` oversees, or None when they oversee none.

    Superusers oversee everything (the empty prefix)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ""
    if user_role_codes(user) & JURISDICTION_ROLES and user.organization_id:
        return user.organization.path
    return None


def is_office_user(user) -> bool:
    """Department staff, leaders (and superusers): they see a subtree."""
    return jurisdiction_path(user) is not None


def can_write_jurisdiction(user) -> bool:
    """Department staff may change what is in their jurisdiction; leaders only read."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.DEPARTMENT_STAFF))


def visible_organizations(user) -> QuerySet[Organization]:
    path = jurisdiction_path(user)
    if path is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=path)


def _granted_branch_ids(user, codename: str):
    return BranchUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=OuterRef("pk")
    )


# What a user may hold besides a jurisdiction: key → the rows, for a user, whose existence
# decides whether a rule is joined into their visibility. Apps above register theirs
# (``register_holding``) so that one query answers them all.
_HOLDINGS: dict = {}


def register_holding(key: str, rows) -> None:
    """``rows(user)`` is a queryset of what ``user`` holds under ``key``."""
    _HOLDINGS[key] = rows


def holds_any(user, key: str) -> bool:
    """Whether ``user`` holds any row registered under ``key`` (grants, memberships…).

    An office user's visibility is a prefix of the organization tree, which PostgreSQL reads
    through the path index; OR-ing a grant or membership EXISTS into it turns every list into a
    full scan with a hashed subplan (issue 14). So those rules are joined only for the users who
    hold such rows. Every registered key is answered by the first call, in one query, and kept
    on the user object, which lives for one request."""
    holdings = user.__dict__.setdefault("_holdings", {})
    if key not in holdings:
        pending = [k for k in _HOLDINGS if k not in holdings]
        aliases = {f"holds_{i}": Exists(_HOLDINGS[k](user)) for i, k in enumerate(pending)}
        row = User.objects.filter(pk=user.pk).annotate(**aliases).values_list(*aliases).first() or ()
        holdings.update(zip(pending, row or [False] * len(pending), strict=True))
    return holdings[key]


def visibility_key(user) -> str:
    """A key shared by the users who see exactly the same records: "all" for superusers,
    "path:…" for office users whose visibility is their subtree alone, "user:<pk>" for anyone
    who sees by grants, memberships or a unit (what caches of figures are keyed by)."""
    path = jurisdiction_path(user)
    if path == "":
        return "all"
    if path is not None and not has_role(user, Role.UNIT_LIAISON) and not any(holds_any(user, k) for k in _HOLDINGS):
        return f"path:{path}"
    return f"user:{user.pk}"


def _memberships_of(user):
    return Membership.objects.filter(person__user=user, left_on__isnull=True)


def _grants_of(codename: str):
    return lambda user: BranchUserObjectPermission.objects.filter(user=user, permission__codename=codename)


register_holding("view_branch", _grants_of("view_branch"))
register_holding("change_branch", _grants_of("change_branch"))
register_holding("membership", _memberships_of)


def in_jurisdiction_q(path: str, prefix: str = "") -> Q:
    """Rows whose supervising committee lies under ``path``: one indexed prefix match on
    organization.path (``varchar_pattern_ops``), whatever the depth."""
    return Q(**{f"{prefix}supervising_committee__path__startswith": path})


def visible_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` may see. One query, no DISTINCT.

    Dispatch chiefs are granted ``view_branch`` on the branches of their projects when they
    are appointed (projects.services), so a grant covers them as it covers secretaries. An
    office user's subtree is a plain indexed prefix match. Whoever sees by grants or
    memberships (``holds_any``) sees the UNION of small id sets (their subtree's, their grants',
    their memberships'), which PostgreSQL joins by index: as an OR of EXISTS tests it could not
    tell how few rows pass, and walked a million weekly reports in list order to find a
    secretary's hundred (issue 14)."""
    if not user.is_authenticated:
        return Branch.objects.none()
    path = jurisdiction_path(user)
    if path == "":
        return Branch.objects.all()
    if path is not None and not holds_any(user, "view_branch") and not holds_any(user, "membership"):
        return Branch.objects.filter(in_jurisdiction_q(path))
    ids = [
        BranchUserObjectPermission.objects.filter(user=user, permission__codename="view_branch").values("content_object_id"),
        _memberships_of(user).values("branch_id"),
    ]
    if path is not None:
        ids.append(Branch.objects.filter(in_jurisdiction_q(path)).values("pk"))
    return Branch.objects.filter(pk__in=union_of_ids(ids))


def editable_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` may change: staff in their jurisdiction, secretaries their own."""
    if not user.is_authenticated:
        return Branch.objects.none()
    if user.is_superuser:
        return Branch.objects.all()
    granted = Q(Exists(_granted_branch_ids(user, "change_branch")))
    if not (has_role(user, Role.DEPARTMENT_STAFF) and user.organization_id):
        return Branch.objects.filter(granted)
    rules = in_jurisdiction_q(user.organization.path)
    if holds_any(user, "change_branch"):
        rules |= granted
    return Branch.objects.filter(rules)


def _secretary_subquery(column: str):
    return Subquery(
        Membership.objects.filter(branch=OuterRef("pk"), role=MembershipRole.SECRETARY, left_on__isnull=True)
        .order_by()
        .values(column)[:1]
    )


def branch_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Branch]:
    """The branch list page and its export: visible branches, filtered, with what a row shows.

    Each row carries its secretary's name and its project count as annotations, so a page of
    25 or an export of 10,000 rows costs one query."""
    qs = visible_branches(user)
    filters = filters or {}
    for key in ("batch", "front", "field", "scope", "status", "kind", "lead_unit", "light"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(goal__icontains=search) | Q(lead_unit__name__icontains=search))
    return (
        qs.select_related("field", "lead_unit", "supervising_committee")
        .annotate(
            secretary_name=_secretary_subquery("person__name"),
            # A correlated subquery rather than a GROUP BY over the whole list, so that the
            # paginator's COUNT can drop it. "projects" is the reverse relation from
            # projects.Project: no import of the projects app needed.
            project_count=Subquery(
                Branch.objects.filter(pk=OuterRef("pk")).annotate(n=Count("projects")).values("n")[:1],
                output_field=IntegerField(),
            ),
        )
        .order_by("batch", "name", "pk")
    )


def branch_batches(user) -> list[int]:
    """The batches of the branches ``user`` sees (one query over the branch table): the batch
    filter of every list offers these."""
    return sorted(set(visible_branches(user).order_by().values_list("batch", flat=True).distinct()))


def branch_filter_choices(user) -> dict:
    """Choices of the branch list's filters that depend on the data (batches read, lead units lazy)."""
    visible = visible_branches(user)
    batches = branch_batches(user)
    lead_units = Organization.objects.filter(pk__in=visible.order_by().values("lead_unit")).order_by("path")
    return {"batches": batches, "lead_units": lead_units}


def visible_people(user) -> QuerySet[Person]:
    path = jurisdiction_path(user)
    if path is None:
        return Person.objects.none()
    return Person.objects.filter(work_unit__path__startswith=path)


def visible_activities(user) -> QuerySet[Activity]:
    return Activity.objects.filter(branch__in=visible_branches(user))


def visible_chains(user) -> QuerySet[IndustrialChain]:
    path = jurisdiction_path(user)
    if path is None:
        return IndustrialChain.objects.none()
    return IndustrialChain.objects.filter(organization__path__startswith=path)


def active_secretary(branch) -> Membership | None:
    return (
        branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True)
        .select_related("person", "person__user")
        .first()
    )


def branches_of_secretary(user) -> QuerySet[Branch]:
    return Branch.objects.filter(
        memberships__person__user=user, memberships__role=MembershipRole.SECRETARY, memberships__left_on__isnull=True
    )


# ---------------------------------------------------------------- more visibility
def visible_users(user) -> QuerySet[User]:
    """Logins in ``user``'s jurisdiction (to link a registry entry to a login)."""
    path = jurisdiction_path(user)
    if path is None:
        return User.objects.none()
    if path == "":
        return User.objects.all()
    return User.objects.filter(organization__path__startswith=path)


def visible_memberships(user) -> QuerySet[Membership]:
    return Membership.objects.filter(branch__in=visible_branches(user))


def managed_branches(user) -> QuerySet[Branch]:
    """Branches whose lifecycle and staffing ``user`` runs: department staff in their
    jurisdiction. Secretaries edit their branch but do not appoint their own successor."""
    if not can_write_jurisdiction(user):
        return Branch.objects.none()
    return editable_branches(user)


def can_manage_branch(user, branch) -> bool:
    return managed_branches(user).filter(pk=branch.pk).exists()


def editable_memberships(user) -> QuerySet[Membership]:
    return Membership.objects.filter(branch__in=managed_branches(user))


def visible_attachments(user) -> QuerySet[ActivityAttachment]:
    return ActivityAttachment.objects.filter(activity__branch__in=visible_branches(user))


def editable_activities(user) -> QuerySet[Activity]:
    return Activity.objects.filter(branch__in=editable_branches(user))


def editable_people(user) -> QuerySet[Person]:
    if not can_write_jurisdiction(user):
        return Person.objects.none()
    return visible_people(user)


def editable_chains(user) -> QuerySet[IndustrialChain]:
    if not can_write_jurisdiction(user):
        return IndustrialChain.objects.none()
    return visible_chains(user)


# ---------------------------------------------------------------- branch detail
def branch_detail(*, user, pk) -> Branch:
    """The branch with what its page shows; raises Branch.DoesNotExist outside reach."""
    return (
        visible_branches(user)
        .select_related("field", "lead_unit", "supervising_committee", "chain", "created_by")
        .prefetch_related("responsible_units")
        .get(pk=pk)
    )


def branch_members(branch) -> list[Membership]:
    """Everyone who served in ``branch``: serving members first (secretary on top), then those
    who left, newest departure first."""
    rows = list(branch.memberships.select_related("person", "person__work_unit"))
    role_order = {role: i for i, role in enumerate(MembershipRole.values)}
    rows.sort(
        key=lambda m: (
            m.left_on is not None,
            role_order.get(m.role, 99) if m.left_on is None else -m.left_on.toordinal(),
            m.person.name,
        )
    )
    return rows


def branch_projects(branch):
    """The projects of ``branch`` (through the reverse relation: branches imports no project code)."""
    return branch.projects.select_related("dispatch_chief").order_by("deadline", "name")


def branch_activities(branch) -> QuerySet[Activity]:
    return branch.activities.annotate(
        attachment_count=Count("attachments", distinct=True), participant_count=Count("participants", distinct=True)
    ).order_by("-held_on", "-id")


def activity_detail(*, user, pk) -> Activity:
    return (
        visible_activities(user)
        .select_related("branch", "created_by")
        .prefetch_related(
            Prefetch("participants", queryset=Person.objects.select_related("work_unit")),
            Prefetch("attachments", queryset=ActivityAttachment.objects.select_related("uploaded_by")),
        )
        .get(pk=pk)
    )


# ---------------------------------------------------------------- history timeline
# Bookkeeping columns a reader does not care about in "what changed".
_HISTORY_SKIP = {"id", "created_at", "updated_at", "status_changed_at", "created_by", "light"}
HISTORY_LIMIT = 100


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "created", "changed" or "deleted"
    subject: str
    reason: str = ""
    changes: list[HistoryChange] = field(default_factory=list)


def _tracked_fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in _HISTORY_SKIP]


def _display(model_field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return Truncator(str(value)).chars(60)


def _history_rows(model, rows, subject_of):
    """Turn the history rows of one table into entries, diffing each row against the previous
    row of the same object. Returns (entries, diffs still holding raw values, FK ids to name)."""
    fields = _tracked_fields(model)
    rows = sorted(rows, key=lambda r: (r.history_date, r.history_id))
    previous: dict[int, object] = {}
    pending = []
    wanted = defaultdict(set)
    for row in rows:
        before = previous.get(row.id)
        raw_changes = []
        if row.history_type == "~" and before is not None:
            for f in fields:
                old, new = getattr(before, f.attname), getattr(row, f.attname)
                if old != new:
                    raw_changes.append((f, old, new))
                    if f.is_relation:
                        wanted[f.related_model].update(v for v in (old, new) if v is not None)
        previous[row.id] = row
        if row.history_type == "~" and before is not None and not raw_changes and not row.history_change_reason:
            continue  # a save that changed nothing a reader would see
        pending.append((row, raw_changes, subject_of(row)))
    return pending, wanted


def branch_history(branch, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Who changed what in ``branch``, its memberships and its activities, newest first.

    One query per history table (plus one per kind of related record named in a change), never
    one per row."""
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    tables = [
        (
            Branch,
            Branch.history.filter(id=branch.pk).select_related("history_user"),
            lambda r: _("Branch"),
        ),
        (
            Membership,
            Membership.history.filter(branch_id=branch.pk).select_related("history_user", "person"),
            lambda r: f"{Membership._meta.verbose_name} · {r.person.name if r.person else '#%s' % r.person_id} · "
            f"{MembershipRole(r.role).label if r.role in MembershipRole.values else r.role}",
        ),
        (
            Activity,
            Activity.history.filter(branch_id=branch.pk).select_related("history_user"),
            lambda r: f"{Activity._meta.verbose_name} · {r.title}",
        ),
    ]
    pending = []
    wanted = defaultdict(set)
    for model, qs, subject_of in tables:
        rows = list(qs.order_by("-history_date", "-history_id")[:limit])
        table_pending, table_wanted = _history_rows(model, rows, subject_of)
        pending.extend(table_pending)
        for related_model, ids in table_wanted.items():
            wanted[related_model] |= ids
    names = {}
    for related_model, ids in wanted.items():
        for pk, obj in related_model._default_manager.in_bulk(list(ids)).items():
            names[(related_model, pk)] = str(obj)
    entries = []
    for row, raw_changes, subject in pending:
        who = row.history_user.get_full_name() if row.history_user else _("system")
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=who,
                action=actions.get(row.history_type, row.history_type),
                subject=subject,
                reason=row.history_change_reason or "",
                changes=[
                    HistoryChange(str(f.verbose_name), _display(f, old, names), _display(f, new, names))
                    for f, old, new in raw_changes
                ],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# ---------------------------------------------------------------- people
def _active_branch_count():
    return Coalesce(
        Subquery(
            Membership.objects.filter(person=OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("person")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def person_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Person]:
    """The Party-member registry: people whose work unit is in ``user``'s jurisdiction."""
    qs = visible_people(user)
    filters = filters or {}
    unit = filters.get("work_unit")
    if unit not in (None, ""):
        # A unit means the unit and everything under it.
        path = Organization.objects.filter(pk=unit).values("path")[:1]
        qs = qs.filter(work_unit__path__startswith=Subquery(path))
    for key in ("gender", "is_probationary"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    serving = filters.get("serving")
    if serving in ("yes", "no"):
        active = Membership.objects.filter(person=OuterRef("pk"), left_on__isnull=True)
        qs = qs.filter(Exists(active)) if serving == "yes" else qs.exclude(Exists(active))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(phone__icontains=search) | Q(post__icontains=search))
    return qs.select_related("work_unit", "user").annotate(active_branch_count=_active_branch_count()).order_by(
        "name", "pk"
    )


def person_detail(*, user, pk) -> Person:
    return visible_people(user).select_related("work_unit", "user").get(pk=pk)


def person_memberships(*, user, person) -> QuerySet[Membership]:
    """The posts of ``person`` in branches ``user`` may see."""
    return (
        person.memberships.filter(branch__in=visible_branches(user))
        .select_related("branch")
        .order_by("left_on", "-joined_on")
    )


def person_search(*, user, search: str = "", limit: int = 50) -> list[Person]:
    """A short pick list for appointing a member (the registry is too large for one <select>)."""
    qs = visible_people(user).select_related("work_unit")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(phone__icontains=search) | Q(work_unit__name__icontains=search))
    return list(qs.order_by("name", "pk")[:limit])


def linkable_users(*, user, person=None) -> QuerySet[User]:
    """Logins in jurisdiction not yet linked to another registry entry."""
    qs = visible_users(user).filter(is_active=True)
    taken = Person.objects.filter(user__isnull=False)
    if person is not None and person.pk:
        taken = taken.exclude(pk=person.pk)
    return qs.exclude(pk__in=taken.values("user")).order_by("username")


def my_memberships(user) -> QuerySet[Membership]:
    """The posts of the registry entry linked to ``user``: serving ones first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(person__user=user)
        .select_related("branch", "branch__lead_unit", "person")
        .order_by("left_on", "-joined_on", "pk")
    )


# ---------------------------------------------------------------- industrial chains
def _count_of(model, fk: str, **extra):
    return Coalesce(
        Subquery(
            model.objects.filter(**{fk: OuterRef("pk")}, **extra)
            .order_by()
            .values(fk)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def chain_list(*, user) -> QuerySet[IndustrialChain]:
    return (
        visible_chains(user)
        .select_related("organization")
        .annotate(
            node_count=_count_of(ChainNode, "chain"),
            member_count=_count_of(ChainMember, "chain"),
            open_weak_link_count=_count_of(WeakLink, "chain", is_resolved=False),
        )
        .order_by("category", "name", "pk")
    )


def chain_detail(*, user, pk) -> IndustrialChain:
    """The chain with its nodes in order (upstream → downstream), each with its member
    organizations and weak links."""
    return (
        visible_chains(user)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "nodes",
                queryset=ChainNode.objects.order_by("position").prefetch_related(
                    Prefetch("members", queryset=ChainMember.objects.select_related("organization")),
                    Prefetch("weak_links", queryset=WeakLink.objects.order_by("is_resolved", "-created_at")),
                ),
            ),
            Prefetch("members", queryset=ChainMember.objects.select_related("organization", "node")),
        )
        .get(pk=pk)
    )


def chain_branches(*, user, chain) -> QuerySet[Branch]:
    return visible_branches(user).filter(chain=chain).order_by("batch", "name")


# ---------------------------------------------------------------- the audit trail (审计员)
def may_read_audit(user) -> bool:
    """Only the auditor reads the audit trail: not a superuser, not the other administrators."""
    return has_role(user, Role.AUDITOR)


def audit_events(*, user, filters: dict | None = None, search: str = "") -> QuerySet[AuditEvent]:
    """The audit events ``user`` may read with the list's filters (none for anyone but the auditor)."""
    if not may_read_audit(user):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.all()
    filters = filters or {}
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    if search:
        qs = qs.filter(
            Q(actor_username__icontains=search) | Q(target_repr__icontains=search) | Q(ip_address__startswith=search)
            if _looks_like_address(search)
            else Q(actor_username__icontains=search) | Q(target_repr__icontains=search)
        )
    return qs.order_by("-created_at", "-id")


def _looks_like_address(text: str) -> bool:
    return bool(text) and all(ch in "0123456789abcdefABCDEF.:" for ch in text)


def keeps_accounts(user) -> bool:
    """The system or the security administrator: they see every account in the admin (and
    nothing of the Party work on the site)."""
    return has_role(user, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


# ---------------------------------------------------------------- personal data (个人信息保护)
def may_see_personal_data(user) -> bool:
    """Who manages people (department staff, and superusers) sees ID and phone numbers whole;
    anyone else sees them masked (``core.masking.mask``) in lists, pages and exports."""
    return can_write_jurisdiction(user)


def personal_value(user, value) -> str:
    if value in (None, ""):
        return ""
    return str(value) if may_see_personal_data(user) else mask(value)
