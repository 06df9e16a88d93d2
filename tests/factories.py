"""factory-boy factories: the one place where the tests make a row of a core model.

The builder modules (tests/utils.py's ``build_org_tree`` and ``UserMaker``, tests/branches/
factories.py, tests/projects/factories.py, tests/mechanisms/*_world.py, tests/evaluation/world.py
and dashboard_world.py) call these with the values their worlds need; a test that only needs
*a* branch or *a* problem may call a factory with nothing but what matters to it.

Defaults fill only what the model requires (a name, a unit, dates around today), so that a row
made with explicit values is exactly the row that ``objects.create`` with those values made.
What a page makes through a service keeps being made through it: memberships (grants follow
the appointment) and indicators go through ``membership_appoint`` and ``indicator_create``.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from branches.models import (
    Branch,
    BranchScope,
    BranchStatus,
    Front,
    Gender,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    User,
    WorkField,
)
from branches.roles import Role
from branches.services import membership_appoint
from mechanisms.models import (
    Consultation,
    Instruction,
    InstructionStatus,
    ProblemCase,
    ProblemCategory,
    Resolution,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import current_week, week_deadline
from projects.models import Project
from projects.services import indicator_create
from tests.clock import clock_now, clock_today


def _days(n: int) -> datetime.date:
    return clock_today() + datetime.timedelta(days=n)


# ---------------------------------------------------------------- who
class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrganizationKind.DEPARTMENT
    parent = None


class UserFactory(DjangoModelFactory):
    """``UserFactory(roles=[Role.X])``: the user is in those role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"u{n}")
    password = "pw-for-tests-1"
    organization = None
    full_name = factory.LazyAttribute(lambda user: user.username)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        roles = extracted if isinstance(extracted, (list, tuple, set)) else ([extracted] if extracted else [])
        for role in roles:
            # get_or_create: the flush after a transactional test empties the groups that the
            # role migration made, and a later transactional test would find none.
            user.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    work_unit = factory.SubFactory(OrganizationFactory)
    user = None


class WorkFieldFactory(DjangoModelFactory):
    class Meta:
        model = WorkField
        django_get_or_create = ("name",)

    name = "动迁"
    front = Front.MAJOR_PROJECT


class BranchFactory(DjangoModelFactory):
    """A branch straight into the table, in any status (the services are tested on their own)."""

    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"攻坚支部{n}")
    batch = 1
    field = factory.SubFactory(WorkFieldFactory)
    front = factory.LazyAttribute(lambda branch: branch.field.front)
    scope = BranchScope.CROSS_DOMAIN
    supervising_committee = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.PARTY_COMMITTEE)
    lead_unit = factory.LazyAttribute(lambda branch: branch.supervising_committee)
    goal = "28天完成225户征迁"
    status = BranchStatus.PROPOSED


class MembershipFactory(factory.Factory):
    """An appointment through ``membership_appoint``, as the page makes it (grants and the
    secretary's role follow)."""

    class Meta:
        model = dict  # made by the service, see _create

    branch = factory.SubFactory(BranchFactory)
    person = factory.SubFactory(PersonFactory)
    role = MembershipRole.MEMBER
    by = None
    joined_on = None  # the service's: today

    @classmethod
    def _create(cls, model_class, **kwargs):
        return membership_appoint(**kwargs)

    _build = _create


# ---------------------------------------------------------------- what
class ProjectFactory(DjangoModelFactory):
    """A project straight into the table (``project_create`` is what the pages use)."""

    class Meta:
        model = Project

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"攻坚项目{n}")
    front = factory.LazyAttribute(lambda project: project.branch.front)
    field = factory.LazyAttribute(lambda project: project.branch.field)
    goal = "按期完成"
    start_on = factory.LazyFunction(lambda: _days(-10))
    deadline = factory.LazyFunction(lambda: _days(60))
    lead_unit = factory.LazyAttribute(lambda project: project.branch.lead_unit)


class IndicatorFactory(factory.Factory):
    """An indicator through ``indicator_create`` (the project's light follows)."""

    class Meta:
        model = dict  # made by the service, see _create

    project = factory.SubFactory(ProjectFactory)
    by = None
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "户"
    baseline = Decimal("0")
    target = Decimal("100")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return indicator_create(**kwargs)

    _build = _create


# ---------------------------------------------------------------- how
class WeeklyReportFactory(DjangoModelFactory):
    """``WeeklyReportFactory(branch=…, week=a Week)``; this week by default."""

    class Meta:
        model = WeeklyReport
        exclude = ("week",)

    branch = factory.SubFactory(BranchFactory, status=BranchStatus.ACTIVE)
    week = factory.LazyFunction(current_week)
    iso_year = factory.LazyAttribute(lambda report: report.week.iso_year)
    iso_week = factory.LazyAttribute(lambda report: report.week.iso_week)
    week_start = factory.LazyAttribute(lambda report: report.week.start)
    deadline = factory.LazyAttribute(lambda report: week_deadline(report.week))
    work_done = "本周完成征迁12户"
    status = WeeklyReportStatus.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda report: None if report.status == WeeklyReportStatus.DRAFT else clock_now()
    )


class ProblemCaseFactory(DjangoModelFactory):
    class Meta:
        model = ProblemCase

    branch = factory.SubFactory(BranchFactory, status=BranchStatus.ACTIVE)
    title = factory.Sequence(lambda n: f"问题{n}")
    description = "征迁过程中的堵点"
    category = ProblemCategory.BLOCKAGE


class InstructionFactory(DjangoModelFactory):
    """An instruction straight into the table, for the reads; the transitions are tested
    through the services."""

    class Meta:
        model = Instruction

    project = factory.SubFactory(ProjectFactory)
    branch = factory.LazyAttribute(lambda instruction: instruction.project.branch)
    title = factory.Sequence(lambda n: f"督办事项{n}")
    issued_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: _days(7))
    status = InstructionStatus.ISSUED


class ConsultationFactory(DjangoModelFactory):
    """``ConsultationFactory(branch=…, participating_units=[…])``."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory, status=BranchStatus.ACTIVE)
    lead_unit = factory.LazyAttribute(lambda consultation: consultation.branch.lead_unit)
    topic = factory.Sequence(lambda n: f"会商{n}")
    held_on = factory.LazyFunction(timezone.localdate)
    status = "held"

    @factory.post_generation
    def participating_units(consultation, create, extracted, **kwargs):
        if extracted:
            consultation.participating_units.set(extracted)


class ResolutionFactory(DjangoModelFactory):
    class Meta:
        model = Resolution

    consultation = factory.SubFactory(ConsultationFactory)
    content = factory.Sequence(lambda n: f"议定事项{n}")
    owner_unit = factory.LazyAttribute(lambda resolution: resolution.consultation.lead_unit)
    deadline = factory.LazyFunction(lambda: _days(10))
