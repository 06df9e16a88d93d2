"""The "who" of the product: organizations, users, people, branches, memberships, Party life
and industrial chains (DESIGN §3)."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.history import HistoricalRecords
from core.models import OwnedModel, TimeStampedModel
from core.uploads import AttachmentBase
from core.webhooks import WebhookURLField

# Each level of the materialized path is the zero-padded id followed by a slash, so that
# "everything under node X" is one indexed prefix match whatever the depth.
PATH_STEP = 10


class OrganizationKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    PARTY_GROUP = "party_group", _("Leading Party group")
    DEPARTMENT = "department", _("Government department")
    TOWN = "town", _("Town or street")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    ENTERPRISE = "enterprise", _("Enterprise")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")


class Organization(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    webhook_url = WebhookURLField(_("group robot webhook URL"), blank=True)
    webhook_secret = models.CharField(_("group robot signing secret"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organization_unique_name_under_parent"),
        ]
        indexes = [
            models.Index(fields=["path"], name="organization_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1)

    def _computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_STEP}d}/"

    def save(self, *args, **kwargs):
        # The path is derived data kept here (not in a service) so that every way of saving —
        # services, admin, fixtures — keeps the tree's prefix index true.
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValueError("An organization cannot be its own parent.")
        super().save(*args, **kwargs)
        old_path = self.path
        new_path = self._computed_path()
        if new_path != old_path:
            if old_path and Organization.objects.filter(pk=self.parent_id, path__startswith=old_path).exists():
                raise ValueError("An organization cannot move under its own descendant.")
            Organization.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                # Moving a node moves its whole subtree.
                from django.db.models import Value
                from django.db.models.functions import Concat, Substr

                Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )

    def subtree(self):
        """This node and everything under it."""
        return Organization.objects.filter(path__startswith=self.path)


def full_name_of(full_name: str, first_name: str, last_name: str, username: str) -> str:
    """What ``User.get_full_name()`` answers, from the columns themselves (an export that reads
    tuples, not users)."""
    return full_name or f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A login. ``organization`` is the node of the tree the user works at (their jurisdiction)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return full_name_of(self.full_name, self.first_name, self.last_name, self.username)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(TimeStampedModel):
    """A Party member in the registry. Serving in a task-force branch does not move their
    regular Party relationship: ``work_unit`` stays their home unit."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    joined_party_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    is_probationary = models.BooleanField(
        _("probationary member"), default=False, help_text=_("Probationary members are appraised but not graded.")
    )
    work_unit = models.ForeignKey(
        Organization, verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="people"
    )
    post = models.CharField(_("post"), max_length=80, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        User, verbose_name=_("login"), null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_unit", "name", "phone"],
                name="person_unique_name_phone_per_unit",
                violation_error_message=_("This person is already registered in this unit."),
            ),
        ]

    def __str__(self):
        return self.name


class Front(models.TextChoices):
    """The "三重" front line a branch or project stands on."""

    KEY_WORK = "key_work", _("Key work")
    MAJOR_PROJECT = "major_project", _("Major project")
    IMPORTANT_REFORM = "important_reform", _("Important reform")


class WorkField(models.Model):
    """A field of work (城建交通, 动迁, 营商环境 …): an editable list."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    front = models.CharField(_("front"), max_length=30, choices=Front.choices)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work field")
        verbose_name_plural = _("work fields")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Light(models.TextChoices):
    """The traffic light of a project (computed in projects.services) and of a branch (its
    worst project's)."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class BranchKind(models.TextChoices):
    TASK_FORCE = "task_force", _("Task-force branch")
    INDUSTRIAL_CHAIN = "industrial_chain", _("Industrial-chain joint Party organization")


class BranchScope(models.TextChoices):
    SINGLE_DOMAIN = "single_domain", _("Single domain or system")
    CROSS_DOMAIN = "cross_domain", _("Cross-domain, cross-department")


class BranchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    CONCLUDED = "concluded", _("Concluded")
    EVALUATED = "evaluated", _("Evaluated")
    DISSOLVED = "dissolved", _("Dissolved")


# The branch lifecycle's status sets, written once (issue 9: "one rule, one place"). Every count,
# list filter and guard that asks "is the branch at work / over / closed" names one of these or
# the ``BranchQuerySet`` methods built on them; a tuple of statuses written out elsewhere is a copy
# that will drift.
#: The branch is at work: an "active branch" on every page and dashboard, files weekly reports.
BRANCH_ACTIVE_STATUSES = frozenset({BranchStatus.ACTIVE})
#: The branch's work is over (concluded, evaluated or dissolved): it is no longer active and takes
#: no new projects.
BRANCH_ENDED_STATUSES = frozenset({BranchStatus.CONCLUDED, BranchStatus.EVALUATED, BranchStatus.DISSOLVED})
#: The branch finished its task (concluded, then evaluated; not dissolved): ``concluded_on`` says
#: when it ended; it is evaluated and its members appraised.
BRANCH_COMPLETED_STATUSES = frozenset({BranchStatus.CONCLUDED, BranchStatus.EVALUATED})
#: The branch's record is closed (evaluated or dissolved): nothing more is added to it. A concluded
#: branch has ended but is not closed: it still reports, raises problems and is evaluated.
BRANCH_CLOSED_STATUSES = frozenset({BranchStatus.EVALUATED, BranchStatus.DISSOLVED})


def branch_active_q(prefix: str = "") -> Q:
    """The branch (at ``prefix``, e.g. ``"branch__"``) is active now."""
    return Q(**{f"{prefix}status__in": BRANCH_ACTIVE_STATUSES})


def branch_active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """The branch (at ``prefix``) was at work on ``day``: formed by then and not yet ended.

    A branch ends on its ``concluded_on`` (concluded or evaluated) or on the day it was dissolved
    (``status_changed_at``); an active branch with no formation date counts from any day. For
    today or a later day this is exactly "active now and formed by ``day``": nothing has ended
    after today, so the figures of the current week and the "active" figures agree."""
    p = prefix
    next_day = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    formed = Q(**{f"{p}formed_on__lte": day})
    active_now = branch_active_q(p) & (Q(**{f"{p}formed_on__isnull": True}) | formed)
    concluded_later = Q(**{f"{p}status__in": BRANCH_COMPLETED_STATUSES, f"{p}concluded_on__gt": day})
    dissolved_later = Q(**{f"{p}status": BranchStatus.DISSOLVED, f"{p}status_changed_at__gte": next_day})
    return active_now | (formed & (concluded_later | dissolved_later))


class BranchQuerySet(models.QuerySet):
    """Branches by where they stand in their lifecycle (the status sets above)."""

    def active(self):
        return self.filter(branch_active_q())

    def ended(self):
        return self.filter(status__in=BRANCH_ENDED_STATUSES)

    def not_ended(self):
        """Proposed or active: the branches that still take new projects."""
        return self.exclude(status__in=BRANCH_ENDED_STATUSES)

    def active_on(self, day: datetime.date):
        return self.filter(branch_active_on_q(day))


class ChainCategory(models.TextChoices):
    LEADING = "leading", _("Leading industry")
    EMERGING = "emerging", _("Emerging industry")


class IndustrialChain(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=ChainCategory.choices)
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("owning organization"),
        on_delete=models.PROTECT,
        related_name="industrial_chains",
        help_text=_("The Party committee whose jurisdiction the chain belongs to."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="chain_unique_name_per_organization"),
        ]

    def __str__(self):
        return self.name


class ChainStage(models.TextChoices):
    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


class ChainNode(models.Model):
    chain = models.ForeignKey(
        IndustrialChain, verbose_name=_("industrial chain"), on_delete=models.CASCADE, related_name="nodes"
    )
    name = models.CharField(_("name"), max_length=60)
    stage = models.CharField(_("stage"), max_length=20, choices=ChainStage.choices)
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("Order from upstream to downstream."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="chain_node_unique_position"),
        ]

    def __str__(self):
        return self.name


class ChainMember(models.Model):
    chain = models.ForeignKey(
        IndustrialChain, verbose_name=_("industrial chain"), on_delete=models.CASCADE, related_name="members"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="chain_memberships"
    )
    node = models.ForeignKey(
        ChainNode, verbose_name=_("node"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.CharField(_("role in the chain"), max_length=80, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain member organization")
        verbose_name_plural = _("chain member organizations")
        constraints = [
            models.UniqueConstraint(fields=["chain", "organization"], name="chain_member_unique"),
        ]

    def __str__(self):
        return str(self.organization)


class WeakLinkKind(models.TextChoices):
    SUPPLY_BREAK = "supply_break", _("Upstream supply break")
    DEMAND_BREAK = "demand_break", _("Downstream demand break")
    TECHNOLOGY = "technology", _("Core technology")
    TALENT = "talent", _("Talent")
    LOGISTICS = "logistics", _("Logistics")
    FINANCE = "finance", _("Finance")
    LABOUR = "labour", _("Labour")
    RAW_MATERIAL = "raw_material", _("Raw materials")


class WeakLink(TimeStampedModel):
    chain = models.ForeignKey(
        IndustrialChain, verbose_name=_("industrial chain"), on_delete=models.CASCADE, related_name="weak_links"
    )
    node = models.ForeignKey(
        ChainNode, verbose_name=_("node"), on_delete=models.PROTECT, related_name="weak_links"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WeakLinkKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_resolved = models.BooleanField(_("resolved"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weak link")
        verbose_name_plural = _("weak links")
        ordering = ["chain", "node__position", "id"]

    def __str__(self):
        return self.title


class Branch(OwnedModel):
    name = models.CharField(_("name"), max_length=120)
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=BranchKind.choices, default=BranchKind.TASK_FORCE)
    front = models.CharField(_("front"), max_length=30, choices=Front.choices)
    field = models.ForeignKey(WorkField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="branches")
    scope = models.CharField(_("scope"), max_length=20, choices=BranchScope.choices)
    supervising_committee = models.ForeignKey(
        Organization,
        verbose_name=_("supervising Party committee"),
        on_delete=models.PROTECT,
        related_name="supervised_branches",
    )
    lead_unit = models.ForeignKey(
        Organization, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_branches"
    )
    responsible_units = models.ManyToManyField(
        Organization, verbose_name=_("responsible units"), blank=True, related_name="responsible_branches"
    )
    chain = models.ForeignKey(
        IndustrialChain,
        verbose_name=_("industrial chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    goal = models.TextField(_("goal"))
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BranchStatus.choices, default=BranchStatus.PROPOSED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # The worst light of the branch's projects, kept by projects.services so lists filter on it.
    light = models.CharField(_("traffic light"), max_length=10, choices=Light.choices, default=Light.GREEN, db_index=True)

    history = HistoricalRecords(m2m_fields=[responsible_units])

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("task-force branch")
        verbose_name_plural = _("task-force branches")
        ordering = ["batch", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervising_committee", "name"],
                name="branch_unique_name_per_committee",
                violation_error_message=_("A branch with this name already exists under this committee."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="industrial_chain", chain__isnull=False) | Q(kind="task_force", chain__isnull=True)),
                name="branch_chain_iff_chain_kind",
                violation_error_message=_("An industrial-chain organization needs its chain; a task-force branch has none."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True)
                | Q(formed_on__isnull=True)
                | Q(planned_end_on__gte=models.F("formed_on")),
                name="branch_end_after_formation",
                violation_error_message=_("The planned end cannot be before the formation date."),
            ),
        ]
        # The branch list's order (batch, name, id): its first pages read in index order.
        indexes = [models.Index(fields=["batch", "name", "id"], name="branch_list_order")]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION_COMMISSIONER = "organization", _("Organization commissioner")
    PUBLICITY_COMMISSIONER = "publicity", _("Publicity commissioner")
    DISCIPLINE_COMMISSIONER = "discipline", _("Discipline commissioner")
    MEMBER = "member", _("Member")
    LIAISON = "liaison", _("Liaison")


class Membership(TimeStampedModel):
    person = models.ForeignKey(Person, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="memberships")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    commitment = models.TextField(_("commitment"), blank=True, help_text=_("The member's public commitment (三亮)."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["branch", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(role="secretary", left_on__isnull=True),
                name="membership_one_active_secretary",
                violation_error_message=_("This branch already has an active secretary."),
            ),
            models.UniqueConstraint(
                fields=["branch", "person"],
                condition=Q(left_on__isnull=True),
                name="membership_one_active_per_person",
                violation_error_message=_("This person is already an active member of this branch."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message=_("The leaving date cannot be before the joining date."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class ActivityKind(models.TextChoices):
    THREE_SHOWS = "three_shows", _("Three shows (identity, commitment, results)")
    FOUR_COMPETITIONS = "four_competitions", _("Four competitions")
    DOUBLE_STUDY = "double_study", _("Double study, double publicity")
    MICRO_SERVICE = "micro_service", _("Micro-theme service")
    COMMANDO = "commando", _("Party-member commando team")
    OTHER = "other", _("Other")


class Activity(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField(
        Person, verbose_name=_("participants"), blank=True, related_name="activities"
    )

    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("Party-life activity")
        verbose_name_plural = _("Party-life activities")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class ActivityAttachment(AttachmentBase):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("activity attachment")
        verbose_name_plural = _("activity attachments")


class BranchUserObjectPermission(UserObjectPermissionBase):
    """Object grants on branches (e.g. to their secretary), with a real foreign key so that
    "branches granted to this user" is an indexed join at province scale."""

    content_object = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="user_grants")

    # Grants given and taken (assign_perm / remove_perm) keep a history, as the audit trail does.
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("branch grant")
        verbose_name_plural = _("branch grants")
