"""Two staff issuing at the same instant get two consecutive numbers: no gap, no duplicate
(PostgreSQL, real commits, one connection per thread)."""

import pytest
from django.db import connection

from branches.roles import Role
from evaluation.briefings import services
from evaluation.briefings.models import Briefing, BriefingCounter, BriefingPeriod
from tests.evaluation.dashboard_world import day
from tests.mechanisms.weekly.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("staff_count", [2, 8])
def test_staff_issuing_at_once_get_consecutive_numbers(org_tree, make_user, staff_count):
    assert connection.vendor == "postgresql"
    city = org_tree["city_a"]
    staff = [make_user(role=Role.DEPARTMENT_STAFF, organization=city, username=f"staff_{i}") for i in range(staff_count)]
    drafts = [
        services.briefing_draft(organization=city, period=BriefingPeriod.WEEK, day=day(-7 * i), by=user)
        for i, user in enumerate(staff)
    ]

    results, errors = run_together(
        lambda i: services.briefing_issue(briefing=drafts[i], by=staff[i]).number, count=staff_count
    )

    assert errors == []
    assert sorted(results) == list(range(1, staff_count + 1))
    assert sorted(Briefing.objects.values_list("number", flat=True)) == list(range(1, staff_count + 1))
    assert BriefingCounter.objects.get(organization=city).last_number == staff_count


def test_the_same_draft_issued_twice_at_once_takes_one_number(org_tree, make_user):
    city = org_tree["city_a"]
    users = [make_user(role=Role.DEPARTMENT_STAFF, organization=city, username=f"twin_{i}") for i in range(2)]
    briefing = services.briefing_draft(organization=city, period=BriefingPeriod.MONTH, day=day(0), by=users[0])

    results, errors = run_together(lambda i: services.briefing_issue(briefing=briefing, by=users[i]).number, count=2)

    assert len(errors) == 1 and [r for r in results if r is not None] == [1]
    assert BriefingCounter.objects.get(organization=city).last_number == 1
