"""The weekly report's rules, called without HTTP: transitions and refusals, the one-per-week
constraint, optimistic locking, readings flowing to the project light, late marking, the
pre-fill, the quiet-week path, problems raised in one step and the notifications."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches.models import BranchStatus, Light
from branches.services import branch_transition
from core.workflow import TransitionError
from mechanisms.models import (
    Notification,
    NotificationKind,
    ProblemCase,
    ProblemSource,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import Week, current_week, parse_week, plan_items, week_deadline
from mechanisms.weekly.selectors import weekly_prefill
from mechanisms.weekly.services import (
    WeeklyContent,
    WeeklyReportConflict,
    WeeklyReportExists,
    weekly_report_create,
    weekly_report_file_no_change,
    weekly_report_problem_raise,
    weekly_report_return,
    weekly_report_review,
    weekly_report_submit,
    weekly_report_update,
)
from projects.models import IndicatorReading, ReadingSource
from tests.mechanisms.requests_world import build_world, make_active_branch, make_indicator
from tests.shared_world import shared_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = WeeklyReportStatus


w_once, w = shared_world(build_world, name="w")  # built once per module: tests/shared_world.py


def content(**fields) -> WeeklyContent:
    fields.setdefault("work_done", "完成入户评估32户，签约18户。")
    return WeeklyContent(**fields)


def file(w, *, week=None, submit=False, **fields) -> WeeklyReport:
    return weekly_report_create(
        branch=w.branch, by=w.secretary, week=week or current_week(), content=content(**fields), submit=submit
    )


# ---------------------------------------------------------------- weeks and deadlines
def test_week_arithmetic_follows_shanghai_not_utc():
    # Monday 00:30 in Shanghai is still Sunday in UTC: the report belongs to the new week.
    monday = datetime.datetime(2025, 3, 10, 0, 30, tzinfo=SHANGHAI)
    assert current_week(monday) == Week(2025, 11)
    assert Week(2025, 11).start == datetime.date(2025, 3, 10)
    assert Week(2025, 1).previous() == Week(2024, 52)
    assert Week(2020, 53).next() == Week(2021, 1)
    assert parse_week("2025-W07") == Week(2025, 7)
    assert parse_week("2025-W54") is None
    assert parse_week("yesterday") is None


def test_deadline_defaults_to_friday_1700_shanghai_and_is_configurable(settings):
    deadline = week_deadline(Week(2025, 10))
    assert deadline == datetime.datetime(2025, 3, 7, 17, 0, tzinfo=SHANGHAI)
    settings.WEEKLY_REPORT_DEADLINE = {"weekday": 0, "time": "09:30"}
    assert week_deadline(Week(2025, 10)) == datetime.datetime(2025, 3, 3, 9, 30, tzinfo=SHANGHAI)


def test_plan_items_strip_bullets_and_numbers():
    text = "1. 完成入户评估\n2、召开动迁户座谈会\n\n- 协调资金拨付\n（4）推进签约\n一、 清表"
    assert plan_items(text) == ["完成入户评估", "召开动迁户座谈会", "协调资金拨付", "推进签约", "清表"]


# ---------------------------------------------------------------- transitions and refusals
def test_create_draft_then_submit_review(w):
    report = file(w)
    assert report.status == S.DRAFT and report.version == 1 and report.submitted_at is None
    report = weekly_report_submit(report=report, by=w.secretary, version=1)
    assert report.status == S.SUBMITTED and report.submitted_by == w.secretary and report.version == 2
    report = weekly_report_review(report=report, by=w.staff, comment="进度扎实，继续保持。")
    assert report.status == S.REVIEWED and report.reviewed_by == w.staff
    latest = report.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == w.staff and latest.status == S.REVIEWED


def test_return_needs_a_comment_then_resubmit(w):
    report = file(w, submit=True)
    with pytest.raises(ValidationError):
        weekly_report_return(report=report, by=w.staff, comment="  ")
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    report = weekly_report_return(report=report, by=w.staff, comment="请补充签约户数。")
    assert report.status == S.RETURNED and report.review_comment == "请补充签约户数。"
    report = weekly_report_update(
        report=report, by=w.secretary, version=report.version, content=content(work_done="签约18户，补充完整。"), submit=True
    )
    assert report.status == S.SUBMITTED and report.work_done == "签约18户，补充完整。"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, "review"),
        (S.DRAFT, "return"),
        (S.RETURNED, "review"),
        (S.RETURNED, "return"),
        (S.REVIEWED, "review"),
        (S.REVIEWED, "return"),
        (S.REVIEWED, "submit"),
        (S.SUBMITTED, "submit"),
    ],
)
def test_illegal_moves_are_refused(w, status, action):
    report = file(w)
    WeeklyReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    with pytest.raises(TransitionError):
        if action == "review":
            weekly_report_review(report=report, by=w.staff)
        elif action == "return":
            weekly_report_return(report=report, by=w.staff, comment="x")
        else:
            weekly_report_submit(report=report, by=w.secretary)
    report.refresh_from_db()
    assert report.status == status


@pytest.mark.parametrize("status", [S.SUBMITTED, S.REVIEWED])
def test_a_filed_report_cannot_be_edited(w, status):
    report = file(w)
    WeeklyReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    with pytest.raises(TransitionError):
        weekly_report_update(report=report, by=w.secretary, version=report.version, content=content(work_done="改"))
    report.refresh_from_db()
    assert report.work_done == "完成入户评估32户，签约18户。"


def test_submit_refuses_an_empty_report_and_keeps_nothing(w):
    with pytest.raises(TransitionError) as exc:
        file(w, work_done="", submit=True)
    assert "work done" in str(exc.value) or "工作" in str(exc.value)
    assert not WeeklyReport.objects.exists()


def test_future_week_and_inactive_branch_are_refused(w):
    with pytest.raises(ValidationError):
        file(w, week=current_week().next())
    branch_transition(branch=w.branch, to=BranchStatus.CONCLUDED, by=w.staff)
    w.branch.refresh_from_db()
    with pytest.raises(ValidationError):
        file(w)
    assert not WeeklyReport.objects.exists()


# ---------------------------------------------------------------- one per branch per week
def test_second_report_of_the_week_raises_exists_with_the_first(w):
    first = file(w)
    with pytest.raises(WeeklyReportExists) as exc:
        file(w, work_done="另一份")
    assert exc.value.report == first
    assert WeeklyReport.objects.count() == 1


def test_database_constraint_refuses_a_duplicate_row(w):
    report = file(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyReport.objects.create(
            branch=w.branch, iso_year=report.iso_year, iso_week=report.iso_week, week_start=report.week_start,
            deadline=report.deadline,
        )


def test_last_week_may_still_be_filed(w):
    report = file(w, week=current_week().previous())
    assert report.week_start == current_week().previous().start


# ---------------------------------------------------------------- optimistic locking
def test_stale_edit_is_refused_and_changes_nothing(w):
    report = file(w)
    loaded_version = report.version
    weekly_report_update(report=report, by=w.secretary, version=loaded_version, content=content(work_done="手机上写的"))
    with pytest.raises(WeeklyReportConflict) as exc:
        weekly_report_update(report=report, by=w.staff, version=loaded_version, content=content(work_done="电脑上写的"))
    assert exc.value.report.work_done == "手机上写的"
    assert exc.value.based_on == loaded_version
    report.refresh_from_db()
    assert report.work_done == "手机上写的" and report.version == loaded_version + 1


def test_stale_submit_is_refused(w):
    report = file(w)
    weekly_report_update(report=report, by=w.secretary, version=report.version, content=content(work_done="新版本"))
    with pytest.raises(WeeklyReportConflict):
        weekly_report_submit(report=report, by=w.secretary, version=1)
    report.refresh_from_db()
    assert report.status == S.DRAFT


# ---------------------------------------------------------------- readings → the project light
def test_reading_that_closes_the_gap_turns_the_project_from_red_to_green(w):
    # Half the project's time is gone and nothing is done: a 50-point gap, red.
    assert w.project.light == Light.RED
    report = file(w, readings={w.indicator.pk: Decimal("150")})
    w.project.refresh_from_db()
    assert w.project.light == Light.RED, "a draft records nothing"
    weekly_report_submit(report=report, by=w.secretary)
    w.project.refresh_from_db()
    w.indicator.refresh_from_db()
    w.branch.refresh_from_db()
    assert w.indicator.current_value == Decimal("150")
    assert w.project.light == Light.GREEN
    assert w.branch.light == Light.GREEN
    reading = IndicatorReading.objects.get(indicator=w.indicator)
    assert reading.source == ReadingSource.WEEKLY_REPORT and reading.recorded_by == w.secretary
    assert report.readings.get().indicator_reading == reading


def test_unchanged_values_record_nothing(w):
    report = file(w, readings={w.indicator.pk: w.indicator.current_value}, submit=True)
    assert not report.readings.exists()
    assert not IndicatorReading.objects.filter(indicator=w.indicator).exists()


def test_resubmission_records_only_what_changed(w):
    other = make_indicator(project=w.project, by=w.staff, name="签约户数")
    report = file(w, readings={w.indicator.pk: Decimal("100"), other.pk: Decimal("40")}, submit=True)
    assert IndicatorReading.objects.filter(indicator__project=w.project).count() == 2
    report = weekly_report_return(report=report, by=w.staff, comment="搬迁户数有误")
    report = weekly_report_update(
        report=report, by=w.secretary, version=report.version,
        content=content(readings={w.indicator.pk: Decimal("90"), other.pk: Decimal("40")}), submit=True,
    )
    assert IndicatorReading.objects.filter(indicator=w.indicator).count() == 2
    assert IndicatorReading.objects.filter(indicator=other).count() == 1
    w.indicator.refresh_from_db()
    assert w.indicator.current_value == Decimal("90")


def test_an_indicator_of_another_branch_is_refused(w):
    foreign = make_indicator(project=w.b_branch.projects.get(), by=w.staff_b, name="外市指标")
    with pytest.raises(ValidationError):
        file(w, readings={foreign.pk: Decimal("5")})
    assert not WeeklyReport.objects.exists()


# ---------------------------------------------------------------- late marking
@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (datetime.datetime(2025, 3, 7, 16, 59, 59, tzinfo=SHANGHAI), False),
        (datetime.datetime(2025, 3, 7, 17, 0, 0, tzinfo=SHANGHAI), False),
        (datetime.datetime(2025, 3, 7, 17, 0, 1, tzinfo=SHANGHAI), True),
        (datetime.datetime(2025, 3, 9, 23, 59, 0, tzinfo=SHANGHAI), True),
    ],
)
def test_late_marking_at_the_deadline_boundary(org_tree, make_user, moment, late):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        w = build_world(org_tree, make_user)
        report = file(w)
    assert report.deadline == datetime.datetime(2025, 3, 7, 17, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        report = weekly_report_submit(report=report, by=w.secretary)
    assert report.is_late is late


def test_lateness_is_judged_by_the_first_submission(org_tree, make_user):
    with time_machine.travel(datetime.datetime(2025, 3, 7, 10, 0, tzinfo=SHANGHAI), tick=False):
        w = build_world(org_tree, make_user)
        report = file(w, submit=True)
        report = weekly_report_return(report=report, by=w.staff, comment="补充")
    with time_machine.travel(datetime.datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        report = weekly_report_submit(report=report, by=w.secretary)
    assert report.is_late is False
    assert report.submitted_at == datetime.datetime(2025, 3, 7, 10, 0, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- pre-fill and the quiet week
def test_prefill_turns_last_weeks_plan_into_the_checklist_and_shows_current_values(w):
    last_week = current_week().previous()
    file(w, week=last_week, next_week_plan="1. 完成剩余32户评估\n2. 召开座谈会", submit=True)
    w.indicator.refresh_from_db()
    prefill = weekly_prefill(branch=w.branch, week=current_week())
    assert prefill.checklist == [
        {"item": "完成剩余32户评估", "done": False},
        {"item": "召开座谈会", "done": False},
    ]
    assert [(i.pk, i.current_value) for i in prefill.indicators] == [(w.indicator.pk, w.indicator.current_value)]


def test_prefill_skips_a_missed_week_and_is_empty_for_a_first_report(w):
    assert weekly_prefill(branch=w.branch, week=current_week()).checklist == []
    two_weeks_ago = current_week().previous().previous()
    with time_machine.travel(datetime.datetime.combine(two_weeks_ago.start, datetime.time(10), SHANGHAI)):
        file(w, week=two_weeks_ago, next_week_plan="协调资金拨付")
    assert weekly_prefill(branch=w.branch, week=current_week()).checklist == [{"item": "协调资金拨付", "done": False}]


def test_no_significant_change_files_a_short_honest_report(w):
    file(w, week=current_week().previous(), next_week_plan="推进签约", submit=True)
    report = weekly_report_file_no_change(branch=w.branch, by=w.secretary, week=current_week(), note="")
    assert report.status == S.SUBMITTED and report.no_significant_change
    assert report.work_done  # a default note, never empty
    assert report.checklist == [{"item": "推进签约", "done": False}]
    assert report.next_week_plan == "推进签约"
    assert not report.readings.exists()
    with pytest.raises(WeeklyReportExists):
        weekly_report_file_no_change(branch=w.branch, by=w.secretary, week=current_week())


# ---------------------------------------------------------------- problems met → problem cases
def test_each_problem_line_becomes_a_problem_case_once(w):
    report = file(w, problems_met="1. 3户对补偿标准有异议\n2. 临时安置房源不足")
    lines = list(report.problem_lines.order_by("id"))
    assert [line.description for line in lines] == ["3户对补偿标准有异议", "临时安置房源不足"]
    case = weekly_report_problem_raise(line=lines[0], by=w.secretary, category="blockage")
    assert isinstance(case, ProblemCase)
    assert case.branch == w.branch and case.source == ProblemSource.WEEKLY_REPORT
    assert case.description == "3户对补偿标准有异议"
    with pytest.raises(ValidationError):
        weekly_report_problem_raise(line=lines[0], by=w.secretary, category="blockage")
    assert ProblemCase.objects.count() == 1


def test_editing_problems_keeps_lines_already_raised(w):
    report = file(w, problems_met="征地补偿争议\n房源不足")
    raised = report.problem_lines.get(description="征地补偿争议")
    weekly_report_problem_raise(line=raised, by=w.secretary, category="difficulty")
    report = weekly_report_update(
        report=report, by=w.secretary, version=report.version, content=content(problems_met="资金拨付慢")
    )
    assert sorted(report.problem_lines.values_list("description", flat=True)) == ["征地补偿争议", "资金拨付慢"]


# ---------------------------------------------------------------- notifications
def test_review_and_return_notify_the_secretary(w):
    report = file(w, submit=True)
    weekly_report_return(report=report, by=w.staff, comment="请补充照片")
    note = Notification.objects.get(recipient=w.secretary)
    assert note.kind == NotificationKind.RETURNED
    assert note.body == "请补充照片"
    assert note.url == f"/mechanisms/weekly/{report.pk}/"
    report.refresh_from_db()
    weekly_report_submit(report=report, by=w.secretary)
    weekly_report_review(report=report, by=w.staff, comment="好")
    kinds = list(Notification.objects.filter(recipient=w.secretary).order_by("id").values_list("kind", flat=True))
    assert kinds == [NotificationKind.RETURNED, NotificationKind.ANSWERED]
    assert not Notification.objects.filter(recipient=w.staff).exists()


def test_a_second_branch_files_its_own_week(w, org_tree):
    report_a = file(w)
    report_b = weekly_report_create(
        branch=w.other_branch, by=w.other_secretary, week=current_week(), content=content()
    )
    assert report_a.iso_week == report_b.iso_week and report_a.pk != report_b.pk


def test_branch_without_projects_files_without_indicators(w, org_tree):
    branch, _ = make_active_branch(
        committee=org_tree["committee_a"], by=w.staff, secretary=None, unit=org_tree["town_a"], with_project=False
    )
    branch.status = BranchStatus.ACTIVE
    branch.save()
    report = weekly_report_create(branch=branch, by=w.staff, week=current_week(), content=content(), submit=True)
    assert report.status == S.SUBMITTED
