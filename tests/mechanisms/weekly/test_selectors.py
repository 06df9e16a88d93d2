"""Reads of the weekly report, requests, reports and the secretary's home: query counts pinned
and equal at two data sizes (10 and 200 rows), and the selectors' contents.

When a count here changes, the new query needs a reason: a query per row is never one."""

import datetime

import pytest
from django.urls import reverse

from branches.models import Branch
from mechanisms.common.selectors import answering_branches, authoring_branches
from mechanisms.desks.selectors import secretary_desk
from mechanisms.models import (
    DecisionRequest,
    Instruction,
    ProblemCase,
    Report,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import Week, current_week, week_deadline
from mechanisms.weekly.selectors import weekly_missing, weekly_report_list
from tests.mechanisms.requests_world import build_world, days, make_active_branch
from tests.shared_world import shared_world
from tests.utils import count_queries, get_query_count

SIZES = (10, 200)


w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def add_weekly_reports(w, n, *, start=0):
    """``n`` reports of ``w.branch`` in consecutive past weeks (straight into the table)."""
    week = current_week()
    rows = []
    for i in range(start, start + n):
        day = week.start - datetime.timedelta(days=7 * i)
        wk = Week(*day.isocalendar()[:2])
        rows.append(
            WeeklyReport(
                branch=w.branch, iso_year=wk.iso_year, iso_week=wk.iso_week, week_start=wk.start,
                deadline=week_deadline(wk), work_done="完成入户评估", status=WeeklyReportStatus.SUBMITTED,
                submitted_by=w.secretary, reviewed_by=w.staff, created_by=w.secretary,
                is_late=i % 3 == 0,
            )
        )
    WeeklyReport.objects.bulk_create(rows)


def add_desk_records(w, n, *, branch=None):
    branch = branch or w.branch
    project = branch.projects.first()
    ProblemCase.objects.bulk_create(
        ProblemCase(branch=branch, project=project, title=f"问题{i}", description="拆迁户对补偿标准有异议",
                    category="blockage", responsible_unit=w.town_a, deadline=days(i % 20))
        for i in range(n)
    )
    Instruction.objects.bulk_create(
        Instruction(project=project, branch=branch, title=f"督办{i}", assignee_unit=w.town_a, assignee_user=w.staff,
                    issued_on=days(0), deadline=days(7))
        for i in range(n)
    )
    DecisionRequest.objects.bulk_create(
        DecisionRequest(branch=branch, title=f"请示{i}", content="妥否", created_by=w.secretary) for i in range(n)
    )
    Report.objects.bulk_create(
        Report(branch=branch, kind="special", title=f"报告{i}", content="内容", created_by=w.secretary) for i in range(n)
    )


# ---------------------------------------------------------------- who writes, who answers
def test_authoring_and_answering_branches(w):
    assert list(authoring_branches(w.secretary)) == [w.branch]
    assert list(authoring_branches(w.staff)) == []
    assert set(answering_branches(w.staff)) == {w.branch, w.other_branch}
    assert list(answering_branches(w.leader)) == []
    assert list(answering_branches(w.secretary)) == []
    assert list(answering_branches(w.staff_b)) == [w.b_branch]


# ---------------------------------------------------------------- list pages at two sizes
@pytest.mark.parametrize(
    ("name", "user_attr", "expected"),
    # session, user, roles, batches, the page's count and rows, the unread badge — and for
    # staff their jurisdiction's node, "is office" and their holdings (grants, memberships…:
    # branches.selectors.holds_any): nothing per row. (The session is no longer saved back on
    # every request: at most once a minute, core.middleware.)
    [("weeklyreport_list", "staff", 10), ("weeklyreport_list", "secretary", 7)],
)
def test_weekly_list_query_count_is_constant(client, w, name, user_attr, expected):
    client.force_login(getattr(w, user_attr))
    url = reverse(f"mechanisms:{name}")
    counts = []
    done = 0
    for size in SIZES:
        add_weekly_reports(w, size - done, start=done)
        done = size
        counts.append(get_query_count(client, url))
        assert get_query_count(client, url + "?late=yes&batch=1") == counts[-1]
    assert counts[0] == counts[1], counts
    assert counts[1] == expected, counts


def test_weekly_export_query_count_is_constant(client, w):
    client.force_login(w.staff)
    url = reverse("mechanisms:weeklyreport_export")
    add_weekly_reports(w, 10)
    small = get_query_count(client, url)
    add_weekly_reports(w, 190, start=10)
    assert get_query_count(client, url) == small


def test_missing_list_query_count_is_constant(client, w, org_tree):
    client.force_login(w.staff)
    url = reverse("mechanisms:weeklyreport_missing")
    Branch.objects.bulk_create(
        Branch(name=f"攻坚支部{i}", front=w.branch.front, field=w.branch.field, scope=w.branch.scope,
               supervising_committee=org_tree["committee_a"], lead_unit=org_tree["committee_a"], goal="目标",
               status="active")
        for i in range(10)
    )
    small = get_query_count(client, url)
    Branch.objects.bulk_create(
        Branch(name=f"更多支部{i}", front=w.branch.front, field=w.branch.field, scope=w.branch.scope,
               supervising_committee=org_tree["committee_a"], lead_unit=org_tree["committee_a"], goal="目标",
               status="active")
        for i in range(190)
    )
    large = get_query_count(client, url)
    # session, user, roles, jurisdiction node, holdings, batches, page count and rows, badge
    assert small == large == 9, (small, large)


@pytest.mark.parametrize("name", ["decisionrequest_list", "report_list", "decisionrequest_export", "report_export"])
def test_request_and_report_lists_query_count_is_constant(client, w, name):
    client.force_login(w.staff)
    url = reverse(f"mechanisms:{name}")
    add_desk_records(w, 10)
    small = get_query_count(client, url)
    add_desk_records(w, 190)
    large = get_query_count(client, url)
    assert small == large, (small, large)
    if name.endswith("_list"):
        # session, user, roles, jurisdiction node, holdings, batches, page count and rows, "can
        # create", badge
        assert large == 10, large


# ---------------------------------------------------------------- the secretary's home
def test_secretary_home_query_count_is_constant_in_records_and_branches(client, w):
    second, _ = make_active_branch(committee=w.committee_a, by=w.staff, secretary=w.secretary, unit=w.town_a)
    client.force_login(w.secretary)
    url = reverse("mechanisms:secretary_home")
    add_desk_records(w, 10)
    add_desk_records(w, 10, branch=second)
    small = get_query_count(client, url)
    add_desk_records(w, 190)
    add_desk_records(w, 190, branch=second)
    large = get_query_count(client, url)
    third, _ = make_active_branch(committee=w.committee_a, by=w.staff, secretary=w.secretary, unit=w.town_a)
    more_branches = get_query_count(client, url)
    assert small == large == more_branches, (small, large, more_branches)
    # session, user, branches, this week's reports, problems, instructions, requests, reports,
    # roles, badge (the session is saved at most once a minute, not on every request)
    assert large == 10, large


def test_secretary_desk_groups_by_branch(w):
    second, _ = make_active_branch(committee=w.committee_a, by=w.staff, secretary=w.secretary, unit=w.town_a)
    add_desk_records(w, 3)
    add_desk_records(w, 2, branch=second)
    ProblemCase.objects.filter(title="问题0", branch=w.branch).update(status="closed")
    n, desks = count_queries(secretary_desk, w.secretary)
    assert n == 6  # branches, this week's reports, problems, instructions, requests, reports
    by_branch = {d.branch: d for d in desks}
    assert len(by_branch[w.branch].problems) == 2 and len(by_branch[second].problems) == 2
    assert len(by_branch[w.branch].requests) == 3 and len(by_branch[second].reports) == 2
    assert all(d.report is None for d in desks)


# ---------------------------------------------------------------- contents
def test_weekly_list_filters_in_the_selector(w):
    add_weekly_reports(w, 6)
    assert weekly_report_list(user=w.staff).count() == 6
    assert weekly_report_list(user=w.staff, filters={"late": "yes"}).count() == 2
    assert weekly_report_list(user=w.staff, filters={"week": current_week()}).count() == 1
    assert weekly_report_list(user=w.staff_b).count() == 0
    assert weekly_report_list(user=w.other_secretary).count() == 0
    first = weekly_report_list(user=w.staff).first()
    assert first.secretary_name == "张卫东"


def test_missing_counts_drafts_as_missing(w):
    Branch.objects.update(formed_on=days(-60))
    week = current_week()
    WeeklyReport.objects.create(
        branch=w.branch, iso_year=week.iso_year, iso_week=week.iso_week, week_start=week.start,
        deadline=week_deadline(week), status=WeeklyReportStatus.DRAFT,
    )
    missing = {b.pk: b for b in weekly_missing(user=w.staff, week=week)}
    assert set(missing) == {w.branch.pk, w.other_branch.pk}
    assert missing[w.branch.pk].has_draft and not missing[w.other_branch.pk].has_draft
    WeeklyReport.objects.update(status=WeeklyReportStatus.RETURNED)
    assert {b.pk for b in weekly_missing(user=w.staff, week=week)} == {w.other_branch.pk}
