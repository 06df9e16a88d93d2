"""The objective figures against a hand-built history with known numbers.

The branch lived from Monday 3 March to Monday 31 March 2025: it owed the reports of the four
weeks it was at work in whole (ISO weeks 10 to 13, Monday 3 to Sunday 30 March; deadlines on the
Fridays 7, 14, 21 and 28 March at 17:00), not that of week 14 (it concluded on its Monday)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from branches.models import Activity, ActivityKind
from evaluation.figures import branch_figures
from evaluation.models import Figure
from mechanisms.models import (
    Consultation,
    Instruction,
    InstructionStatus,
    ProblemCase,
    ProblemCategory,
    ProblemStatus,
    Resolution,
    ResolutionStatus,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import reporting_weeks
from projects.models import Indicator, Project, ProjectStatus
from tests.utils import count_queries

from . import world as w

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def history(org_tree, settings):
    settings.WEEKLY_REPORT_DEADLINE = {"weekday": 4, "time": "17:00"}
    settings.EVALUATION = {"ACTIVITIES_PER_MONTH": 4}
    o = org_tree
    branch = w.concluded_branch(committee=o["committee_a"], name="手工历史支部")
    branch.formed_on, branch.concluded_on = D(2025, 3, 3), D(2025, 3, 31)
    branch.save()

    def project(name, status=ProjectStatus.COMPLETED):
        return Project.objects.create(
            branch=branch, name=name, front=branch.front, field=branch.field, goal="x",
            start_on=D(2025, 3, 3), deadline=D(2025, 3, 28), lead_unit=o["committee_a"], status=status,
        )

    p1, p2 = project("征迁"), project("管线迁改")
    cancelled = project("取消的项目", ProjectStatus.CANCELLED)
    Indicator.objects.create(project=p1, name="搬迁户数", unit="户", baseline=0, target=225, current_value=225, weight=2)
    Indicator.objects.create(project=p1, name="签约率", unit="%", baseline=0, target=100, current_value=50, weight=1)
    # A falling target: from 100 open cases to 0, 25 left → 75 % of the way.
    Indicator.objects.create(project=p2, name="未结诉求", unit="件", baseline=100, target=0, current_value=25, weight=1)
    Indicator.objects.create(project=cancelled, name="不计", unit="个", baseline=0, target=10, current_value=0, weight=5)

    def report(week, status, submitted_at=None, is_late=False):
        start = D.fromisocalendar(2025, week, 1)
        WeeklyReport.objects.create(
            branch=branch, iso_year=2025, iso_week=week, week_start=start,
            deadline=at(start + datetime.timedelta(days=4), 17), status=status, submitted_at=submitted_at, is_late=is_late,
        )

    report(10, WeeklyReportStatus.REVIEWED, at(D(2025, 3, 7), 16))  # on time
    report(11, WeeklyReportStatus.REVIEWED, at(D(2025, 3, 14), 18), is_late=True)  # late
    report(12, WeeklyReportStatus.RETURNED, at(D(2025, 3, 20), 10))  # on time, returned later: still on time
    report(13, WeeklyReportStatus.DRAFT)  # never submitted
    report(14, WeeklyReportStatus.SUBMITTED, at(D(2025, 4, 4), 9))  # a week not due: counted apart

    def instruction(title, status, deadline, done_at=None):
        Instruction.objects.create(
            project=p1, branch=branch, title=title, assignee_unit=o["town_a"], issued_on=D(2025, 3, 3),
            deadline=deadline, status=status, done_at=done_at,
        )

    instruction("提前办结", InstructionStatus.VERIFIED, D(2025, 3, 20), at(D(2025, 3, 18)))
    instruction("逾期办结", InstructionStatus.DONE, D(2025, 3, 20), at(D(2025, 3, 21)))
    instruction("未办", InstructionStatus.ACKNOWLEDGED, D(2025, 3, 20))
    instruction("截止当天深夜办结", InstructionStatus.DONE, D(2025, 3, 25), at(D(2025, 3, 25), 23, 30))

    def problem(title, status, created, resolved=None):
        case = ProblemCase.objects.create(
            branch=branch, title=title, description="x", category=ProblemCategory.BLOCKAGE, status=status,
            resolved_at=resolved,
        )
        ProblemCase.objects.filter(pk=case.pk).update(created_at=created)

    problem("两天解决", ProblemStatus.CLOSED, at(D(2025, 3, 3)), at(D(2025, 3, 5)))
    problem("六天解决", ProblemStatus.RESOLVED, at(D(2025, 3, 4)), at(D(2025, 3, 10)))
    problem("三天半解决", ProblemStatus.CLOSED, at(D(2025, 3, 10), 8), at(D(2025, 3, 13), 20))
    problem("仍在办理", ProblemStatus.ANALYSED, at(D(2025, 3, 12)))

    c1 = Consultation.objects.create(branch=branch, lead_unit=o["committee_a"], topic="管线迁改会商", held_on=D(2025, 3, 10))
    c2 = Consultation.objects.create(branch=branch, lead_unit=o["committee_a"], topic="资金保障会商", held_on=D(2025, 3, 17))
    for consultation, status in (
        (c1, ResolutionStatus.VERIFIED), (c1, ResolutionStatus.DONE), (c1, ResolutionStatus.SIGNED_OFF),
        (c2, ResolutionStatus.AWAITING_SIGNOFF),
    ):
        Resolution.objects.create(
            consultation=consultation, content="决议", owner_unit=o["town_a"], deadline=D(2025, 3, 28), status=status
        )
    for day in (4, 12, 26):
        Activity.objects.create(branch=branch, kind=ActivityKind.THREE_SHOWS, title=f"活动{day}", held_on=D(2025, 3, day))
    return branch


def test_the_weeks_due_are_the_weekly_duty_rules(history):
    """The figure counts the weeks mechanisms.weekly.rules.reporting_weeks says were owed."""
    assert [w.iso_week for w in reporting_weeks(D(2025, 3, 3), D(2025, 3, 31))] == [10, 11, 12, 13]
    # Concluded on a Sunday: not at work on the last day of that week, so it is not owed.
    assert [w.iso_week for w in reporting_weeks(D(2025, 3, 3), D(2025, 3, 30))] == [10, 11, 12]
    # Formed on a Saturday: the duty starts with the next full week.
    assert [w.iso_week for w in reporting_weeks(D(2025, 3, 8), D(2025, 3, 24))] == [11, 12]
    # Formed and concluded within one week: nothing was due.
    assert reporting_weeks(D(2025, 3, 4), D(2025, 3, 6)) == []


def test_every_figure_against_the_hand_built_history(history):
    figures = branch_figures(history)
    v = figures.values

    assert (figures.period_start, figures.period_end) == (D(2025, 3, 3), D(2025, 3, 31))
    # (2×1 + 1×0.5 + 1×0.75) / 4; the cancelled project's indicator does not count.
    ia = v[Figure.INDICATOR_ATTAINMENT]
    assert (ia.share, ia.numerator, ia.denominator) == (Decimal("0.8125"), 1, 3)
    wk = v[Figure.WEEKLY_ON_TIME]
    # Weeks 10 and 12 on time, 11 late, 13 only a draft (missing); week 14's report was not due.
    assert (wk.share, wk.numerator, wk.denominator) == (Decimal("0.5000"), 2, 4)
    assert wk.extra == {"late": 1, "missing": 1, "not_due": 1}
    ins = v[Figure.INSTRUCTIONS_ON_TIME]
    assert (ins.share, ins.numerator, ins.denominator) == (Decimal("0.5000"), 2, 4)
    pr = v[Figure.PROBLEMS_RESOLVED]
    assert (pr.share, pr.numerator, pr.denominator) == (Decimal("0.7500"), 3, 4)
    assert pr.extra["median_days"] == "3.5"  # durations 2, 6 and 3.5 days
    rs = v[Figure.RESOLUTIONS_DONE]
    assert (rs.share, rs.numerator, rs.denominator, rs.extra["consultations"]) == (Decimal("0.5000"), 2, 4, 2)
    # 29 days at work × 4 a month / 30 = 3.87, to the nearest: 4 due; 3 held.
    act = v[Figure.ACTIVITIES_HELD]
    assert (act.share, act.numerator, act.denominator, act.extra["days"]) == (Decimal("0.7500"), 3, 4, 29)
    # Mean of 0.5, 0.5, 0.75 and 0.5.
    assert v[Figure.MECHANISMS].share == Decimal("0.5625")


def test_suggested_score_is_weight_times_figure(history):
    figures = branch_figures(history)

    assert figures.get(Figure.INDICATOR_ATTAINMENT).suggested_score(30) == Decimal("24.4")  # 24.375
    assert figures.get(Figure.MECHANISMS).suggested_score(25) == Decimal("14.1")  # 14.0625
    assert figures.get(Figure.ACTIVITIES_HELD).suggested_score(15) == Decimal("11.3")  # 11.25


def test_figures_survive_the_round_trip_through_json(history):
    figures = branch_figures(history)

    again = type(figures).from_json(figures.as_json())

    assert again == figures


def test_a_branch_with_no_records_has_nothing_to_measure(org_tree):
    branch = w.concluded_branch(committee=org_tree["committee_a"])

    v = branch_figures(branch).values

    assert v[Figure.INDICATOR_ATTAINMENT].share is None
    assert v[Figure.INSTRUCTIONS_ON_TIME].share is None
    assert v[Figure.MECHANISMS].share == Decimal("0.0000")  # only the weeks were measurable: none on time
    assert v[Figure.WEEKLY_ON_TIME].denominator > 0


def test_a_branch_that_lived_one_day_owed_nothing(org_tree):
    """Neither a report week nor an activity was due: nothing to measure, not 0 %."""
    branch = w.concluded_branch(committee=org_tree["committee_a"])
    branch.formed_on = branch.concluded_on = D(2025, 3, 5)
    branch.save()
    WeeklyReport.objects.create(
        branch=branch, iso_year=2025, iso_week=10, week_start=D(2025, 3, 3), deadline=at(D(2025, 3, 7), 17),
        status=WeeklyReportStatus.SUBMITTED, submitted_at=at(D(2025, 3, 5), 16),
    )

    v = branch_figures(branch).values

    weekly, activities = v[Figure.WEEKLY_ON_TIME], v[Figure.ACTIVITIES_HELD]
    assert (weekly.share, weekly.numerator, weekly.denominator, weekly.extra["not_due"]) == (None, 0, 0, 1)
    assert (activities.share, activities.numerator, activities.denominator, activities.extra["days"]) == (None, 0, 0, 1)
    assert v[Figure.MECHANISMS].share is None


def test_figures_cost_six_queries_whatever_the_history(history, org_tree):
    empty = w.concluded_branch(committee=org_tree["committee_a"])

    small, _ = count_queries(branch_figures, empty)
    large, _ = count_queries(branch_figures, history)

    assert small == large == 6
