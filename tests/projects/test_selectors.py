"""Reads: the access querysets, and the query counts of the list and the detail page, pinned and
equal at two data sizes. A count that grows asks you to justify the new query (or to move it
into a select_related / prefetch / annotation)."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from branches.services import branch_transition
from projects import selectors, services
from projects.models import IndicatorReading, Project

from ..utils import count_queries, get_query_count
from .factories import days, make_indicator, make_milestone, make_project, today

pytestmark = pytest.mark.django_db

# Every page: session, user, role codes, the user's organization (jurisdiction), the unread
# notification badge (the session is saved at most once a minute: not on this request).
# The list adds the filter choices that are not typeahead pickers (batches, fields), the count and
# the page of rows; and for an office user, whether they hold grants, memberships or assigned
# instructions (branches.selectors.holds_any, one query a request: without them their
# visibility is a plain indexed subtree). The branch, lead-unit and 调度长 filters are typeaheads:
# no query until a value is chosen.
LIST_QUERIES = 9
# The detail adds the project with its relations, its responsible units, indicators and
# milestones (prefetches), the two "may write" checks, the readings, four history tables and the
# users named in the history's changes (and the office user's holdings, as on the list).
DETAIL_QUERIES = 18


def _bulk_projects(world, n: int):
    """``n`` more projects in the project's branch (bulk: the list only reads them)."""
    base = world.project
    Project.objects.bulk_create(
        Project(
            branch=world.branch if i % 2 else world.other_branch, name=f"批量项目{i:03d}", front=base.front,
            field=base.field, goal="x", start_on=base.start_on, deadline=base.deadline + datetime.timedelta(days=i),
            lead_unit=base.lead_unit, dispatch_chief=world.chief if i % 3 == 0 else None,
        )
        for i in range(n)
    )


def _list_queries(user, params=None) -> int:
    client = Client()
    client.force_login(user)
    url = reverse("projects:project_list")
    if params:
        url += "?" + urlencode(params)
    return get_query_count(client, url)


@pytest.mark.parametrize("params", [None, {"light": "green", "q": "批量"}])
def test_list_query_count_is_pinned_and_flat(world, params):
    _bulk_projects(world, 8)  # 10 projects in city A
    small = _list_queries(world.staff, params)
    _bulk_projects(world, 190)  # 200
    large = _list_queries(world.staff, params)
    assert small == large == LIST_QUERIES, (small, large)


def test_list_query_count_for_a_dispatch_chief_is_flat(world):
    _bulk_projects(world, 8)
    small = _list_queries(world.chief)
    _bulk_projects(world, 190)
    large = _list_queries(world.chief)
    assert small == large


def test_export_query_count_is_flat(world):
    client = Client()
    client.force_login(world.staff)
    _bulk_projects(world, 8)
    small = get_query_count(client, reverse("projects:project_export"))
    _bulk_projects(world, 190)
    large = get_query_count(client, reverse("projects:project_export"))
    assert small == large


def _fill(world, project, n: int):
    """``n`` indicators with ``n`` readings each (bulk, with their history rows) and ``n``
    milestones; one reading through the service so the light and history are real."""
    for i in range(n):
        indicator = make_indicator(project=project, by=world.staff, name=f"指标{i}", target="100")
        bulk_create_with_history(
            [
                IndicatorReading(
                    indicator=indicator, value=Decimal(k + 1), recorded_by=world.secretary,
                    recorded_on=today() - datetime.timedelta(days=n - k),
                )
                for k in range(n - 1)
            ],
            IndicatorReading,
            default_user=world.secretary,
        )
        services.indicator_record_reading(indicator=indicator, value=Decimal(n), by=world.secretary)
        make_milestone(project=project, by=world.staff, name=f"节点{i}", due=i - 3)


def test_detail_query_count_is_pinned_and_flat(world):
    client = Client()
    client.force_login(world.staff)
    small_project = make_project(branch=world.branch, by=world.staff, name="小项目", dispatch_chief=world.chief)
    big_project = make_project(branch=world.branch, by=world.staff, name="大项目", dispatch_chief=world.chief)
    _fill(world, small_project, 2)
    _fill(world, big_project, 20)
    small = get_query_count(client, reverse("projects:project_detail", args=[small_project.pk]))
    big = get_query_count(client, reverse("projects:project_detail", args=[big_project.pk]))
    assert small == big == DETAIL_QUERIES, (small, big)
    # The page really shows all of it.
    html = client.get(reverse("projects:project_detail", args=[big_project.pk])).content.decode()
    assert html.count('data-testid="indicator"') == 20
    assert html.count('data-testid="reading-row"') == 400


def test_project_list_selector_is_one_query_per_page(world):
    _bulk_projects(world, 30)
    n, rows = count_queries(lambda: list(selectors.project_list(user=world.staff)[:25]))
    # One for the rows; the user's organization and holdings (branches.selectors.holds_any) are
    # read once and kept on the user object.
    assert n <= 3
    n_again, _ = count_queries(lambda: [(p.branch.name, p.field.name, str(p.lead_unit), p.dispatch_chief) for p in rows])
    assert n_again == 0


def test_manageable_and_editable_projects(world):
    assert set(selectors.manageable_projects(world.staff)) == {world.project, world.other_project}
    assert not selectors.manageable_projects(world.leader).exists()
    assert not selectors.manageable_projects(world.secretary).exists()
    assert set(selectors.editable_projects(world.secretary)) == {world.project}
    assert set(selectors.editable_projects(world.chief)) == {world.project}
    assert not selectors.editable_projects(world.leader).exists()
    assert set(selectors.visible_projects(world.leader)) == {world.project, world.other_project}


def test_dispatch_chief_candidates_are_active_users_of_the_jurisdiction(world):
    candidates = set(selectors.dispatch_chief_candidates(world.staff))
    assert {world.chief, world.other_chief, world.secretary, world.staff} <= candidates
    assert world.staff_b not in candidates
    world.other_chief.is_active = False
    world.other_chief.save()
    assert world.other_chief not in selectors.dispatch_chief_candidates(world.staff)
    assert not selectors.dispatch_chief_candidates(world.leader).exists()


def test_project_branch_choices_leave_out_ended_branches(world):
    assert set(selectors.project_branch_choices(world.staff)) == {world.branch, world.other_branch}
    branch_transition(branch=world.other_branch, to="dissolved", by=world.staff, reason="合并")
    assert set(selectors.project_branch_choices(world.staff)) == {world.branch}
    assert not selectors.project_branch_choices(world.secretary).exists()


def test_project_page_history_names_who_and_what(world):
    services.project_update(project=world.project, by=world.staff, deadline=days(60))
    with translation.override("en"):
        page = selectors.project_page(selectors.project_detail(user=world.staff, pk=world.project.pk))
    changed = [e for e in page.history if e.changes]
    assert changed[0].who == "陈明"
    assert ("deadline", days(50).isoformat(), days(60).isoformat()) in changed[0].changes
    # Refreshing the light alone is not a change a reader sees.
    assert not any(label == "traffic light" for e in page.history for label, _, _ in e.changes)
