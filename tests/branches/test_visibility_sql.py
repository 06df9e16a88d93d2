"""The shape of the visibility SQL (issue 14): an office user's jurisdiction is one indexed
prefix match on the organization path, with the grant and membership rules joined only for the
users who hold grants or memberships (an EXISTS OR-ed into every list turned a city's lists and
dashboard into full scans of the province's tables), and then as a UNION of id sets that
PostgreSQL joins by index (an OR of EXISTS made it walk a million weekly reports in list order to
find a secretary's hundred)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from branches.models import BranchUserObjectPermission, User
from branches.selectors import holds_any, jurisdiction_path, visibility_key, visible_branches
from evaluation.dashboard import make_scope, scope_branches, scope_projects
from mechanisms.dispatch.selectors import visible_instructions
from mechanisms.problems.selectors import visible_problems
from mechanisms.weekly.selectors import visible_weekly_reports, weekly_report_list
from projects.selectors import visible_projects
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def _sql(qs) -> str:
    sql, params = qs.query.sql_with_params()
    return sql % tuple(f"'{p}'" for p in params)


def _fresh(user) -> User:
    """A new user object, as each request has (holdings are kept on the object)."""
    return User.objects.get(pk=user.pk)


def _lists(user) -> dict:
    scope = make_scope(user)
    return {
        "branches": visible_branches(user),
        "projects": visible_projects(user),
        "problems": visible_problems(user),
        "weekly reports": visible_weekly_reports(user),
        "instructions": visible_instructions(user),
        "dashboard branches": scope_branches(scope),
        "dashboard projects": scope_projects(scope),
    }


def test_an_office_user_without_grants_sees_through_the_path_prefix_alone(world):
    staff = _fresh(world.staff_a)
    path = staff.organization.path

    for name, qs in _lists(staff).items():
        sql = _sql(qs)
        assert "EXISTS" not in sql.upper(), (name, sql)
        assert f"LIKE '{path}%'" in sql, (name, sql)
    assert visibility_key(staff) == f"path:{path}"


def test_the_holdings_are_one_query_per_user_object(world):
    staff = _fresh(world.staff_a)
    jurisdiction_path(staff)  # role codes and organization, kept on the object too

    first, _ = count_queries(lambda: list(visible_projects(staff)))
    again, _ = count_queries(lambda: list(visible_projects(staff)))

    assert first == again + 1  # the holdings, asked once for every registered kind
    assert not holds_any(staff, "view_branch") and not holds_any(staff, "instruction_assignee")


def test_an_office_user_with_a_grant_outside_the_jurisdiction_has_it_joined_and_sees_it(world):
    BranchUserObjectPermission.objects.create(
        user=world.staff_a, content_object=world.branch_b, permission=Permission.objects.get(codename="view_branch")
    )
    staff = _fresh(world.staff_a)

    sql = _sql(visible_branches(staff)).upper()
    assert sql.count(" UNION ") == 2 and "EXISTS" not in sql and " LIKE " in sql
    assert visible_branches(staff).filter(pk=world.branch_b.pk).exists()
    assert visible_branches(staff).filter(pk=world.branch_a.pk).exists()
    assert visibility_key(staff) == f"user:{staff.pk}"


def test_a_secretary_sees_by_grants_and_memberships(world):
    secretary = _fresh(world.secretary_a)

    sql = _sql(visible_branches(secretary)).upper()

    assert sql.count(" UNION ") == 1 and "EXISTS" not in sql and " LIKE " not in sql
    assert list(visible_branches(secretary)) == [world.branch_a]
    assert visibility_key(secretary) == f"user:{secretary.pk}"


def test_the_planner_reads_a_city_s_branches_through_the_committee_index(world):
    """On the small test data PostgreSQL may scan anyway; with sequential scans priced out, the
    plan must still be able to reach the rows through indexes (no hashed-subplan filter)."""
    staff = _fresh(world.staff_a)
    sql, params = visible_projects(staff).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "SubPlan" not in plan, plan
    assert "Index" in plan and "projects_project" in plan, plan


def test_the_planner_reaches_a_secretary_s_weekly_reports_through_their_branch(world):
    """A secretary's weekly reports are found from the ids of their branches (an index join),
    not by testing every report against their grants and memberships (issue 14)."""
    secretary = _fresh(world.secretary_a)
    sql, params = visible_weekly_reports(secretary).order_by("-iso_year", "-iso_week")[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "SubPlan" not in plan, plan
    assert "Append" in plan or "Unique" in plan or "HashAggregate" in plan, plan


def test_the_weekly_list_is_read_in_the_order_of_its_index(world):
    """Newest week first, then by branch: a page comes off index weekly_list_order without a
    sort (sorting a week of the province by batch and branch name cost 100–150 ms a page)."""
    staff = _fresh(world.staff_a)
    sql, params = weekly_report_list(user=staff)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")  # else it may sort within the week
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    main = plan.split("SubPlan")[0]  # the secretary's name, one row per listed report, sorts its own
    assert "weekly_list_order" in main and "Sort" not in main, plan
