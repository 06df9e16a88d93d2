"""Building blocks for the projects tests (also used by tests/e2e/test_projects.py).

Records are made through the services, as the pages make them, so grants and lights are real.
"""

import datetime
import itertools
from decimal import Decimal

from branches.models import BranchScope, Front, Membership, MembershipRole, WorkField
from branches.services import branch_create
from projects.services import milestone_create, project_create
from tests.clock import clock_today
from tests.factories import IndicatorFactory, MembershipFactory, PersonFactory, WorkFieldFactory

_seq = itertools.count(1)


def today() -> datetime.date:
    return clock_today()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def work_field(name="动迁", front=Front.MAJOR_PROJECT) -> WorkField:
    return WorkFieldFactory(name=name, front=front)


def make_branch(*, committee, by, name=None, lead_unit=None, **fields):
    field = fields.pop("field", None) or work_field()
    return branch_create(
        by=by,
        name=name or f"攻坚支部{next(_seq)}",
        front=fields.pop("front", field.front),
        field=field,
        scope=fields.pop("scope", BranchScope.CROSS_DOMAIN),
        supervising_committee=committee,
        lead_unit=lead_unit or committee,
        goal=fields.pop("goal", "28天完成225户征迁"),
        **fields,
    )


def make_project(*, branch, by, name=None, start=-50, deadline=50, **fields):
    """A project from ``start`` to ``deadline`` days around today (by default halfway)."""
    return project_create(
        by=by,
        branch=branch,
        name=name or f"攻坚项目{next(_seq)}",
        front=fields.pop("front", branch.front),
        field=fields.pop("field", branch.field),
        goal=fields.pop("goal", "完成225户搬迁户的征迁工作"),
        start_on=days(start),
        deadline=days(deadline),
        lead_unit=fields.pop("lead_unit", branch.lead_unit),
        **fields,
    )


def make_indicator(*, project, by, name=None, baseline="0", target="100", unit="户", **fields):
    return IndicatorFactory(
        project=project, by=by, name=name or f"指标{next(_seq)}", unit=unit,
        baseline=Decimal(baseline), target=Decimal(target), **fields,
    )


def make_milestone(*, project, by, name=None, due=10):
    return milestone_create(project=project, by=by, name=name or f"节点{next(_seq)}", due_on=days(due))


def appoint_secretary(*, branch, user, by, unit) -> Membership:
    person = PersonFactory(name=user.full_name or user.username, gender="male", work_unit=unit, user=user)
    return MembershipFactory(branch=branch, person=person, role=MembershipRole.SECRETARY, by=by)
