"""The dashboard page: who may open it, what it shows, and a query count that does not grow."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from branches.models import Branch, BranchScope, BranchStatus, Light, WorkField
from branches.roles import Role
from mechanisms.models import (
    Instruction,
    ProblemCase,
    ProblemCategory,
    ProblemStatus,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import week_deadline, week_of
from projects.models import Project, ProjectStatus
from tests.clock import clock_today
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix, get_query_count

from .dashboard_world import at, build, day

URL = "/evaluation/dashboard/"


w_once, w = shared_world(build, name="w", language="en")  # built once per module: tests/shared_world.py


def english_client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def chart_json(response) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "the chart data is missing"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- access
def test_the_url_name_the_navigation_uses():
    assert reverse("evaluation:dashboard") == URL


def test_leaders_and_staff_see_it_other_roles_get_a_404_anonymous_the_login(w):
    assert_status_matrix(
        english_client,
        URL,
        {
            None: 302,
            w.leader: 200,
            w.staff: 200,
            w.leader_b: 200,
            w.secretary: 404,
            w.chief: 404,
            w.member: 404,
            w.liaison: 404,
            w.nobody: 404,
        },
    )


def test_a_leader_without_an_organization_is_told_why_there_is_nothing_to_see(make_user):
    floating = make_user(role=Role.LEADER, organization=None)

    response = english_client(floating).get(URL)

    # No jurisdiction, so no figures; but a bare 404 would leave them wondering what is broken.
    assert response.status_code == 200
    assert "core/no_organization.html" in [t.name for t in response.templates]
    assert "Your account has no organization" in response.content.decode()
    assert english_client(floating).get("/").content.decode().count('data-testid="no-organization"') == 1


def test_it_is_the_landing_page_of_leaders_and_staff(w):
    for user in (w.leader, w.staff):
        response = english_client(user).get("/")
        assert response.status_code == 302 and response["Location"] == URL


def test_the_page_only_reads(w):
    response = english_client(w.leader).post(URL, {})

    assert response.status_code == 405


# ---------------------------------------------------------------- content
def test_the_page_shows_the_hand_counted_figures(w):
    response = english_client(w.leader).get(URL + "?period=all")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'data-testid="kpi-active-value">3<' in html
    assert 'data-testid="kpi-red-value">2<' in html
    assert 'data-testid="kpi-overdue-instructions-value">2<' in html
    assert 'data-testid="kpi-reports-value">67%<' in html
    assert 'data-testid="kpi-problems-opened">6<' in html
    assert 'data-testid="kpi-problems-median">5.0 days<' in html
    assert 'data-testid="kpi-satisfaction">67%<' in html
    assert html.count('data-testid="league-row"') == 3
    assert "泰兴" not in html  # city B is nowhere on city A's page


def test_leaders_are_told_their_view_is_read_only(w):
    leader_page = english_client(w.leader).get(URL).content.decode()
    staff_page = english_client(w.staff).get(URL).content.decode()

    assert 'data-testid="read-only"' in leader_page and "Read-only view" in leader_page
    assert 'data-testid="read-only"' not in staff_page


def test_overdue_problems_link_to_them_but_a_zero_is_no_link(w, org_tree, make_user):
    html = english_client(w.leader).get(URL).content.decode()
    assert re.search(r'<a href="[^"]+" data-testid="problems-overdue" data-count="1">1 problem past its deadline</a>', html)
    # Chinese punctuation between the pieces of the line, in Chinese.
    chinese = Client()
    chinese.force_login(w.leader)
    line = re.search(r'data-testid="problems-now">(.*?)</p>', chinese.get(URL).content.decode(), re.S).group(1)
    assert "当前：" in line and "，" in line and line.strip().endswith("。")

    quiet_town = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["town_a"])
    html = english_client(quiet_town).get(URL).content.decode()
    assert '<span data-testid="problems-overdue" data-count="0">0 problems past their deadline</span>' in html
    assert not re.search(r'<a [^>]*data-testid="problems-overdue"', html)


def test_the_red_count_links_to_the_red_projects_in_progress(w):
    html = english_client(w.leader).get(URL).content.decode()

    link = re.search(r'<a class="kpi-light kpi-light-red" href="([^"]+)"', html).group(1)
    assert link.replace("&amp;", "&") == "/projects/?light=red&status=in_progress"
    listing = english_client(w.leader).get(link.replace("&amp;", "&")).content.decode()
    assert "过江通道征迁" in listing and "循环产业园用地" in listing
    assert "安置房建设" not in listing  # yellow


def test_the_chart_data_carries_the_links_behind_bars_and_slices(w):
    data = chart_json(english_client(w.leader).get(URL + "?period=all"))

    red = next(s for s in data["lights"] if s["light"] == "red")
    assert red["value"] == 2 and "light=red" in red["url"]
    assert data["trend"]["percent"][-2:] == [33, 67]
    assert len(data["trend"]["weeks"]) == 12
    assert {f["name"]: f["value"] for f in data["fields"]} == {"动迁": 2, "营商环境": 1}
    assert all("/evaluation/dashboard/?" in f["url"] for f in data["fronts"] + data["fields"] + data["batches"])
    assert [s["value"] for s in data["satisfaction"]] == [1, 1, 1]


def test_drilling_down_front_then_field_then_branch(w):
    client = english_client(w.leader)

    top = client.get(URL).content.decode()
    assert 'data-level="front"' in top
    front = client.get(URL + "?front=major_project").content.decode()
    assert 'data-level="field"' in front
    assert f"field={w.relocation.pk}" in front
    field = client.get(URL + f"?front=major_project&field={w.relocation.pk}").content.decode()
    assert 'data-level="branch"' in field
    assert f'href="/branches/{w.b1.pk}/"' in field
    assert "放管服改革攻坚支部" not in field  # another field
    assert 'data-testid="kpi-active-value">2<' in field


def test_stale_or_foreign_filters_are_ignored_not_an_error(w):
    client = english_client(w.leader)
    foreign_unit = w.o["city_b"].pk

    response = client.get(URL + f"?unit={foreign_unit}&batch=abc&front=nonsense&field=999999&period=decade")

    assert response.status_code == 200
    assert 'data-testid="kpi-active-value">3<' in response.content.decode()


def test_a_custom_period_from_the_dates(w):
    start, end = day(-25).isoformat(), day(-6).isoformat()

    html = english_client(w.leader).get(URL + f"?period=custom&date_from={start}&date_to={end}").content.decode()

    assert 'data-testid="kpi-problems-opened">2<' in html
    assert 'data-testid="kpi-problems-median">4.0 days<' in html


def test_a_unit_filter_of_city_b_for_a_province_leader(w, make_user):
    governor = make_user(role=Role.LEADER, organization=w.o["province"])
    client = english_client(governor)

    province = client.get(URL).content.decode()
    assert 'data-level="city"' in province
    assert f"unit={w.o['city_b'].pk}" in province
    city_b = client.get(URL + f"?unit={w.o['city_b'].pk}").content.decode()
    assert 'data-testid="kpi-active-value">1<' in city_b
    assert 'data-level="front"' in city_b


def test_no_inline_script_or_style(w):
    html = english_client(w.leader).get(URL).content.decode()

    assert "style=" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, _body in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert re.search(r"\son[a-z]+=", html) is None


# ---------------------------------------------------------------- query count
def _grow(committee, field, *, n: int, first: int = 0):
    """``n`` active branches, each with two projects, an overdue instruction, a problem and this
    week's report: every widget has rows to count."""
    today = clock_today()
    week = week_of(today)
    branches = Branch.objects.bulk_create(
        [
            Branch(
                name=f"批量支部{first + i:04d}", batch=1 + i % 3, front=field.front, field=field,
                scope=BranchScope.SINGLE_DOMAIN, supervising_committee=committee, lead_unit=committee,
                goal="目标", status=BranchStatus.ACTIVE, formed_on=today - datetime.timedelta(days=90),
            )
            for i in range(n)
        ]
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                branch=b, name=f"项目{b.pk}-{k}", front=b.front, field=field, goal="目标",
                start_on=today - datetime.timedelta(days=30), deadline=today + datetime.timedelta(days=30),
                lead_unit=committee, status=ProjectStatus.IN_PROGRESS, light=[Light.RED, Light.GREEN][k],
            )
            for b in branches
            for k in range(2)
        ]
    )
    Instruction.objects.bulk_create(
        [
            Instruction(project=p, branch=p.branch, title="督办", assignee_unit=committee,
                        issued_on=today - datetime.timedelta(days=9), deadline=today - datetime.timedelta(days=2))
            for p in projects[::2]
        ]
    )
    ProblemCase.objects.bulk_create(
        [
            ProblemCase(branch=b, title="问题", description="…", category=ProblemCategory.BLOCKAGE,
                        status=ProblemStatus.RESOLVED, responsible_unit=committee,
                        accept_due_on=today - datetime.timedelta(days=5), accepted_at=at(-5), resolved_at=at(-1))
            for b in branches
        ]
    )
    WeeklyReport.objects.bulk_create(
        [
            WeeklyReport(branch=b, iso_year=week.iso_year, iso_week=week.iso_week, week_start=week.start,
                         deadline=week_deadline(week), status=WeeklyReportStatus.SUBMITTED, submitted_at=at(0))
            for b in branches[::2]
        ]
    )


@pytest.mark.parametrize("query", ["", "?period=all", "?front=major_project", "?front=major_project&field={field}"])
def test_query_count_is_the_same_at_10_and_500_branches(w, query):
    field = WorkField.objects.get(name="动迁")
    url = URL + query.format(field=field.pk)
    client = english_client(w.leader)
    _grow(w.o["committee_a"], field, n=10)
    client.get(url)  # warm: sessions, content types, the user's groups
    small = get_query_count(client, url)

    _grow(w.o["committee_a"], field, n=490, first=10)
    # As autovacuum would after such a load: planned on the statistics of nearly empty tables,
    # one run of the dashboard's queries took 91 s instead of 1 (seen once in a full run).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = get_query_count(client, url)

    assert Branch.objects.filter(supervising_committee=w.o["committee_a"]).count() == 503
    assert small == large, f"{small} queries at 10 branches, {large} at 500"
    assert large <= 25, f"{large} queries: justify each new one"


def test_a_link_without_a_period_keeps_the_default_period_selected(w):
    html = english_client(w.leader).get(URL + "?front=major_project").content.decode()

    assert re.search(r'<option value="year" selected>', html)


def test_dates_without_a_period_mean_those_dates(w):
    start, end = day(-25).isoformat(), day(-6).isoformat()

    html = english_client(w.leader).get(URL + f"?date_from={start}&date_to={end}").content.decode()

    assert re.search(r'<option value="custom" selected>', html)
    assert 'data-testid="kpi-problems-opened">2<' in html


def test_a_long_league_shows_the_best_and_the_slowest_units(w, monkeypatch):
    from evaluation import dashboard as reads

    monkeypatch.setattr(reads, "LEAGUE_LIMIT", 2)

    html = english_client(w.leader).get(URL + "?period=all").content.decode()
    full = english_client(w.leader).get(URL + "?period=all&league=all").content.decode()

    assert re.findall(r'data-unit="(\d+)"', html) == [str(w.o["department_a"].pk), str(w.o["committee_a"].pk)]
    assert "1 unit in between" in html
    assert "Show 1 more unit" in html
    assert len(re.findall(r'data-testid="league-row"', full)) == 3
    assert 'data-testid="league-gap"' not in full
