"""The dashboard's figures against the hand-counted world of dashboard_world.py."""

import datetime
from decimal import Decimal

from django.db import connection

from evaluation import dashboard as reads
from mechanisms.models import ProblemCase
from tests.shared_world import shared_world

from .dashboard_world import at, build, day


def parts(url: str):
    """(path, {key: value}) of a link, whatever the order of its query string."""
    from urllib.parse import parse_qsl, urlsplit

    split = urlsplit(url)
    return split.path, dict(parse_qsl(split.query))


w_once, w = shared_world(build, name="w", language="en")  # built once per module: tests/shared_world.py


def scope_of(user, **filters):
    filters.setdefault("period", "all")
    return reads.make_scope(user, **filters)


# ---------------------------------------------------------------- branches
def test_active_branches_by_batch_front_and_field(w):
    figures = reads.branch_figures(scope_of(w.leader))

    assert figures.active == 3
    assert figures.by_batch == [(1, 2), (2, 1)]
    assert [(code, n) for code, _label, n in figures.by_front] == [("major_project", 2), ("important_reform", 1)]
    assert {name: n for _pk, name, _front, n in figures.by_field} == {"动迁": 2, "营商环境": 1}


def test_a_proposed_or_concluded_branch_is_in_scope_but_not_active(w):
    from branches.models import BranchStatus

    from .dashboard_world import branch

    branch(committee=w.o["committee_a"], name="拟组建支部", field=w.business, status=BranchStatus.PROPOSED, formed=None)

    figures = reads.branch_figures(scope_of(w.leader))

    assert (figures.active, figures.total) == (3, 4)


# ---------------------------------------------------------------- projects and instructions
def test_projects_in_progress_by_light_leave_completed_ones_out(w):
    lights = reads.light_figures(scope_of(w.leader))

    assert (lights.red, lights.yellow, lights.green) == (2, 1, 1)


def test_two_instructions_are_overdue_of_three_open(w):
    figures = reads.instruction_figures(scope_of(w.leader))

    assert (figures.overdue, figures.open) == (2, 3)


# ---------------------------------------------------------------- weekly reports
def test_report_rate_this_week_is_two_of_three_and_the_trend_has_twelve_weeks(w):
    reports = reads.report_figures(scope_of(w.leader))

    assert len(reports.weeks) == 12
    assert reports.this_week.week == w.this_week
    assert (reports.this_week.filed, reports.this_week.active, reports.this_week.percent) == (2, 3, 67)
    last = reports.weeks[-2]
    assert (last.week, last.filed, last.active, last.percent) == (w.last_week, 1, 3, 33)
    assert [r.percent for r in reports.weeks[:-2]] == [0] * 10


def test_a_week_before_a_branch_was_formed_does_not_count_it(w):
    from branches.models import Branch

    Branch.objects.filter(pk=w.b3.pk).update(formed_on=day(0) - datetime.timedelta(days=day(0).weekday()))

    reports = reads.report_figures(scope_of(w.leader))

    assert (reports.this_week.filed, reports.this_week.active) == (2, 3)
    assert (reports.weeks[-2].filed, reports.weeks[-2].active) == (1, 2)


def test_a_branch_concluded_before_a_week_began_is_not_expected_to_file_it(w):
    from branches.models import Branch, BranchStatus

    Branch.objects.filter(pk=w.b3.pk).update(status=BranchStatus.CONCLUDED, concluded_on=day(-30))

    reports = reads.report_figures(scope_of(w.leader))

    assert reports.this_week.active == 2
    assert reports.weeks[0].active == 3  # eleven weeks ago it was still at work


def test_a_branch_that_ended_this_week_is_neither_active_nor_due_this_weeks_report(w):
    # Issue 9: the "Active branches" card, the report card's "of N" and the breakdown's Active
    # column count the same branches this week.
    from branches.models import Branch, BranchStatus

    monday = w.this_week.start
    Branch.objects.filter(pk=w.b3.pk).update(status=BranchStatus.CONCLUDED, concluded_on=monday)
    scope = scope_of(w.leader)

    reports = reads.report_figures(scope)
    rows = reads.breakdown(scope).rows

    assert reads.branch_figures(scope).active == reports.this_week.active == 2
    assert sum(r.active for r in rows) == sum(r.due for r in rows) == 2
    assert reports.weeks[-2].active == 3  # last week it was still at work


# ---------------------------------------------------------------- problems and whistles
def test_problems_opened_resolved_and_the_exact_median(w):
    figures = reads.problem_figures(scope_of(w.leader))

    assert (figures.opened, figures.resolved, figures.open_now, figures.overdue_now) == (6, 4, 2, 1)
    # Resolution times 2, 4, 6 and 11 days: percentile_cont interpolates between 4 and 6.
    assert figures.median_days == Decimal("5.0")


def test_the_median_counts_hours_not_just_days(w):
    ProblemCase.objects.filter(pk=w.P2.pk).update(resolved_at=at(-16, hour=22))  # 4 days 12 hours

    assert reads.problem_figures(scope_of(w.leader)).median_days == Decimal("5.3")


def test_the_python_median_agrees_with_postgres(w, monkeypatch):
    assert connection.vendor == "postgresql"
    expected = reads.problem_figures(scope_of(w.leader)).median_days
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert reads.problem_figures(scope_of(w.leader)).median_days == expected == Decimal("5.0")


def test_whistles_and_their_satisfaction(w):
    figures = reads.problem_figures(scope_of(w.leader))

    assert figures.whistles == 4
    assert (figures.satisfied, figures.basically, figures.dissatisfied) == (1, 1, 1)
    assert figures.satisfaction_percent == 67


def test_the_period_narrows_problems_to_those_opened_and_resolved_in_it(w):
    scope = reads.make_scope(w.leader, period="custom", date_from=day(-25), date_to=day(-6))

    figures = reads.problem_figures(scope)

    # Opened: P1 (-10), P2 (-20). Resolved: P1 (-8, 2 days), P2 (-16, 4 days), P3 (-24, 6 days).
    # Closed with a verdict: P1 (-7, basically), P3 (-23, satisfied).
    assert (figures.opened, figures.resolved) == (2, 3)
    assert figures.median_days == Decimal("4.0")
    assert (figures.whistles, figures.satisfied, figures.basically, figures.dissatisfied) == (1, 1, 1, 0)


def test_an_empty_scope_has_no_median_and_no_rate(org_tree, make_user):
    from branches.roles import Role

    leader = make_user(role=Role.LEADER, organization=org_tree["city_a"])

    board = reads.dashboard(scope_of(leader))

    assert board.problems.median_days is None
    assert board.problems.satisfaction is None
    assert board.reports.this_week.percent is None
    assert board.league == []


# ---------------------------------------------------------------- the league table
def test_league_table_ranks_units_by_answers_on_time(w):
    league = reads.unit_league(scope_of(w.leader))

    assert [(r.name, r.total_on_time, r.total_due, r.percent) for r in league] == [
        ("市行政审批局", 3, 5, 60),
        ("孤山镇", 2, 5, 40),
        ("市交通运输局党委", 0, 1, 0),
    ]
    dep, town, committee = league
    assert (dep.problem_share, dep.instruction_share, dep.resolution_share) == ("2/3", "1/2", "—")
    assert (town.problem_share, town.instruction_share, town.resolution_share) == ("1/3", "0/1", "1/1")
    assert [r.rank for r in league] == [1, 2, 3]


def test_league_counts_an_item_from_its_due_date_on(w):
    from mechanisms.models import Instruction, InstructionStatus

    from .dashboard_world import instruction

    # Done early, due in five days: not counted yet (it has not fallen due).
    Instruction.objects.filter(pk=w.i4.pk).update(status=InstructionStatus.DONE, done_at=at(0))
    # Due today: counted once answered, not while the day is still running.
    instruction(project=w.p2, title="今日到期已完成", unit=w.o["town_a"], issued=-3, deadline=0,
                status=InstructionStatus.DONE, done=0)
    instruction(project=w.p2, title="今日到期未完成", unit=w.o["town_a"], issued=-3, deadline=0)

    town = next(r for r in reads.unit_league(scope_of(w.leader)) if r.name == "孤山镇")

    assert town.instruction_share == "1/2"


def test_league_in_a_period_counts_what_fell_due_in_it(w):
    scope = reads.make_scope(w.leader, period="custom", date_from=day(-12), date_to=day(-1))

    league = {r.name: (r.total_on_time, r.total_due) for r in reads.unit_league(scope)}

    # Due from -12 to -1: P5 accept (-2) ✗, i1 (-5) ✗, i3 (-3) ✓ for 市行政审批局; P1's co-operation
    # (-8) ✗, i2 (-1) ✗, r1 (-10) ✓ for 孤山镇; r2 (-2) ✗ for the committee. P1's acceptance was due -9.
    assert league == {"市行政审批局": (2, 4), "孤山镇": (1, 3), "市交通运输局党委": (0, 1)}


# ---------------------------------------------------------------- filters and isolation
def test_city_b_is_never_counted_in_city_a(w):
    board = reads.dashboard(scope_of(w.leader))

    assert board.branches.total == 3
    assert board.lights.red == 2
    assert board.instructions.overdue == 2
    assert board.problems.whistles == 4
    assert "泰兴市发改委党组" not in {r.name for r in board.league}
    assert "泰兴市项目服务攻坚支部" not in {r.label for r in board.breakdown.rows}


def test_city_b_sees_only_its_own(w):
    board = reads.dashboard(scope_of(w.leader_b))

    assert (board.branches.active, board.lights.red, board.instructions.overdue) == (1, 1, 1)
    assert (board.problems.whistles, board.problems.dissatisfied) == (1, 1)
    assert (board.reports.this_week.filed, board.reports.this_week.active) == (1, 1)
    assert [r.name for r in board.league] == ["泰兴市发改委党组"]


def test_filters_by_batch_front_and_field(w):
    batch2 = reads.dashboard(scope_of(w.leader, batch=2))
    reform = reads.dashboard(scope_of(w.leader, front="important_reform"))
    relocation = reads.dashboard(scope_of(w.leader, field=w.relocation))

    assert (batch2.branches.active, batch2.lights.red, batch2.instructions.overdue) == (1, 1, 1)
    assert (reform.branches.active, reform.lights.green, reform.problems.opened) == (1, 1, 2)
    assert (relocation.branches.active, relocation.lights.red, relocation.lights.yellow) == (2, 2, 1)
    assert (relocation.reports.this_week.filed, relocation.reports.this_week.active) == (1, 2)


def test_a_unit_filter_narrows_to_its_subtree(w):
    from .dashboard_world import branch

    branch(committee=w.o["town_a"], name="孤山镇攻坚支部", field=w.business)

    town = reads.dashboard(scope_of(w.leader, unit=w.o["town_a"]))

    assert (town.branches.active, town.lights.total, town.instructions.overdue) == (1, 0, 0)
    assert town.breakdown.level == "front"
    assert [(r.label, r.active) for r in town.breakdown.rows] == [("Important reform", 1)]


# ---------------------------------------------------------------- the drill-down
def test_breakdown_of_a_city_is_by_front_then_field_then_branch(w):
    by_front = reads.breakdown(scope_of(w.leader))
    assert by_front.level == "front"
    rows = {r.key: r for r in by_front.rows}
    major = rows["major_project"]
    assert (major.active, major.filed, major.red, major.yellow, major.overdue_instructions, major.open_problems) == (
        2, 1, 2, 1, 2, 1,
    )
    reform = rows["important_reform"]
    assert (reform.active, reform.filed, reform.green, reform.open_problems, reform.overdue_problems) == (1, 1, 1, 1, 1)
    assert by_front.rows[0].key == "major_project"  # the most red first
    assert "front=major_project" in major.link

    by_field = reads.breakdown(scope_of(w.leader, front="major_project"))
    assert by_field.level == "field"
    assert [(r.label, r.red) for r in by_field.rows] == [("动迁", 2)]
    assert f"field={w.relocation.pk}" in by_field.rows[0].link

    by_branch = reads.breakdown(scope_of(w.leader, front="major_project", field=w.relocation))
    assert by_branch.level == "branch"
    assert [(r.label, r.red, r.yellow, r.overdue_instructions) for r in by_branch.rows] == [
        ("澄靖第二过江通道征迁攻坚支部", 1, 1, 1),
        ("孤山镇循环产业链项目攻坚支部", 1, 0, 1),
    ]
    first = by_branch.rows[0]
    assert first.link == f"/branches/{w.b1.pk}/"
    assert parts(first.links["red"]) == (
        "/projects/",
        {"front": "major_project", "field": str(w.relocation.pk), "branch": str(w.b1.pk), "light": "red",
         "status": "in_progress"},
    )
    # The instruction and problem lists cannot say "front" or "field", but the branch says it all.
    assert parts(first.links["overdue_instructions"]) == (
        "/mechanisms/instructions/", {"branch": str(w.b1.pk), "overdue": "on"}
    )
    assert parts(first.links["reports"]) == ("/mechanisms/weekly/", {"branch": str(w.b1.pk), "week": w.this_week.code})


def test_breakdown_of_a_province_is_by_city(org_tree, make_user, w):
    from branches.roles import Role

    governor = make_user(role=Role.LEADER, organization=org_tree["province"])

    by_city = reads.breakdown(scope_of(governor))

    assert by_city.level == "city"
    assert {r.label: (r.active, r.red) for r in by_city.rows} == {"靖江市": (3, 2), "泰兴市": (1, 1)}
    city_a = next(r for r in by_city.rows if r.label == "靖江市")
    assert f"unit={org_tree['city_a'].pk}" in city_a.link


def test_figure_links_open_the_lists_with_the_filters(w):
    board = reads.dashboard(scope_of(w.leader, batch=1))

    assert parts(board.links["red"].url) == ("/projects/", {"batch": "1", "light": "red", "status": "in_progress"})
    assert parts(board.links["active"].url) == ("/branches/", {"batch": "1", "status": "active"})
    # The instruction list cannot filter by batch: the figure opens the breakdown instead.
    assert board.links["overdue_instructions"].url == "#breakdown"

    unfiltered = reads.dashboard(scope_of(w.leader))
    assert unfiltered.links["overdue_instructions"].url == "/mechanisms/instructions/?overdue=on"
    assert unfiltered.links["whistles"].url == "/mechanisms/problems/?source=enterprise"


def test_a_period_bound_figure_links_to_the_list_only_without_a_period(w):
    board = reads.dashboard(reads.make_scope(w.leader, period="month"))

    assert board.links["problems"].url == "#breakdown"
    assert parts(board.links["red"].url) == ("/projects/", {"light": "red", "status": "in_progress"})
