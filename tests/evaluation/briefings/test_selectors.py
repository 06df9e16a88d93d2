"""A briefing's figures against the hand-counted world of tests/evaluation/dashboard_world.py
(the suite's moment: Wednesday 2026-11-18), and the list's query count."""

import datetime

from branches.models import Activity, ActivityKind
from evaluation.briefings import selectors, services
from evaluation.briefings.models import Briefing, BriefingPeriod
from tests.evaluation.dashboard_world import branch, build, day
from tests.shared_world import shared_world
from tests.utils import get_query_count

w_once, w = shared_world(build, name="w", language="en")

NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def figures(w, period=BriefingPeriod.MONTH, start=NOV[0], end=NOV[1], user=None):
    return selectors.draft_figures(user or w.staff, w.o["city_a"], period, start, end)


def test_the_world_sits_in_november_2026(w):
    assert day(0) == datetime.date(2026, 11, 18)


def test_branches_active_and_formed_in_the_period(w):
    branch(committee=w.o["committee_a"], name="十一月新组建攻坚支部", field=w.business, formed=-3)

    f = figures(w)["branches"]

    assert f["active"] == 4
    assert f["new"] == 1 and [b["name"] for b in f["new_list"]] == ["十一月新组建攻坚支部"]
    assert f["active_url"] == "/branches/?status=active"


def test_projects_by_light_with_the_reds_named_and_city_b_left_out(w):
    f = figures(w)["lights"]

    assert (f["red"], f["yellow"], f["green"]) == (2, 1, 1)
    assert sorted(p["name"] for p in f["reds"]) == ["循环产业园用地", "过江通道征迁"]
    assert f["urls"]["red"].startswith("/projects/?") and "light=red" in f["urls"]["red"]


def test_the_monthly_report_rate_and_its_trend(w):
    # November's weeks whose deadline has passed by Wednesday 11-18 (W45, W46): 0/3 and 1/3; this
    # week (W47, due Friday) is still open and left out. October's four weeks: 0/12.
    f = figures(w)["reports"]

    assert (f["filed"], f["due"], f["percent"]) == (1, 6, 17)
    assert [x["week"] for x in f["weeks"]] == ["2026-W45", "2026-W46"]
    assert (f["previous"]["filed"], f["previous"]["due"], f["previous"]["percent"]) == (0, 12, 0)
    assert f["change"] == 17


def test_the_weekly_report_rate_of_a_week_against_the_week_before(w):
    start, end = selectors.period_bounds(BriefingPeriod.WEEK, day(-7))

    f = figures(w, BriefingPeriod.WEEK, start, end)["reports"]

    assert (f["filed"], f["due"], f["percent"]) == (1, 3, 33)
    assert f["previous"]["percent"] == 0 and f["change"] == 33


def test_a_week_still_open_has_no_rate_yet(w):
    start, end = selectors.period_bounds(BriefingPeriod.WEEK, day(0))

    f = figures(w, BriefingPeriod.WEEK, start, end)["reports"]

    assert (f["due"], f["percent"], f["change"]) == (0, None, None)
    assert f["previous"]["percent"] == 33


def test_problems_raised_and_resolved_and_whistle_satisfaction_in_the_period(w):
    # Created in November: P1 (11-08), P5, P6; resolved in November: P1 (2 days), P2 (4 days).
    # Whistles created: P1, P5; closed with a verdict in November: P1 (basically satisfied).
    f = figures(w)["problems"]

    assert (f["opened"], f["resolved"], f["median_days"]) == (3, 2, "3.0")
    assert (f["whistles"], f["whistles_closed"], f["satisfaction_percent"]) == (2, 1, 100)
    assert (f["open_now"], f["overdue_now"]) == (2, 1)


def test_instructions_overdue_are_named_with_their_unit(w):
    f = figures(w)["instructions"]

    assert (f["overdue"], f["open"]) == (2, 3)
    assert [(i["title"], i["unit"], i["days_overdue"]) for i in f["overdue_list"]] == [
        ("三日内完成剩余12户评估", "市行政审批局", 5),
        ("协调供电迁改", "孤山镇", 1),
    ]
    assert f["url"] == "/mechanisms/instructions/?overdue=on"


def test_the_league_best_and_slowest_in_the_period(w):
    # Due in November: 市行政审批局 P1 ✓ P5 ✗ i1 ✗ i3 ✓ = 2/4; 孤山镇 co-operation on P1 ✗, i2 ✗,
    # r1 ✓ = 1/3; 市交通运输局党委 r2 ✗ = 0/1.
    f = figures(w)["league"]

    assert f["units"] == 3
    assert [(u["name"], u["on_time"], u["due"], u["percent"]) for u in f["best"]] == [
        ("市行政审批局", 2, 4, 50), ("孤山镇", 1, 3, 33),
    ]
    assert [(u["name"], u["percent"]) for u in f["slowest"]] == [("市交通运输局党委", 0)]


def test_highlights_quote_the_periods_reports_one_per_branch_and_its_activities(w):
    Activity.objects.create(branch=w.b2, kind=ActivityKind.THREE_SHOWS, title="“三亮”主题党日", held_on=day(-2),
                            description="全体党员亮身份、亮承诺。现场签订承诺书。")
    Activity.objects.create(branch=w.bb, kind=ActivityKind.OTHER, title="泰兴活动", held_on=day(-2))

    f = figures(w)["highlights"]

    assert sorted(q["branch"] for q in f["reports"]) == sorted([w.b1.name, w.b2.name])
    assert f["reports"][0]["quote"] == "本周完成征迁12户"
    assert [(a["title"], a["quote"]) for a in f["activities"]] == [("“三亮”主题党日", "全体党员亮身份、亮承诺。")]


def test_a_leader_of_another_city_counts_nothing_of_city_a(w):
    f = selectors.draft_figures(w.leader_b, w.o["city_b"], BriefingPeriod.MONTH, *NOV)

    assert f["lights"]["red"] == 1 and f["branches"]["active"] == 1
    assert [p["name"] for p in f["lights"]["reds"]] == ["泰兴港区项目"]


def test_period_bounds():
    assert selectors.period_bounds(BriefingPeriod.WEEK, datetime.date(2026, 11, 18)) == (
        datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    assert selectors.period_bounds(BriefingPeriod.MONTH, datetime.date(2026, 2, 10)) == (
        datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert selectors.previous_period(BriefingPeriod.MONTH, datetime.date(2026, 1, 1)) == (
        datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))


def _issued(w, n):
    for i in range(n):
        b = services.briefing_draft(organization=w.o["city_a"], period=BriefingPeriod.WEEK, day=day(-7 * i), by=w.staff)
        services.briefing_issue(briefing=b, by=w.staff)


def test_the_list_costs_the_same_queries_at_two_sizes(w, client_for):
    from django.urls import reverse

    client = client_for(w.leader)
    url = reverse("evaluation:briefing_list")
    _issued(w, 2)
    small = get_query_count(client, url)
    _issued(w, 4)
    large = get_query_count(client, url)

    assert Briefing.objects.count() == 6
    assert client.get(url).content.decode().count('data-testid="briefing-row"') == 6
    assert small == large == EXPECTED_LIST_QUERIES


# Session, user, roles, jurisdiction, the navigation, the rows, their count, the years: a new query
# here needs a reason.
EXPECTED_LIST_QUERIES = 8
