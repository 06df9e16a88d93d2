"""Each reminder rule at its boundaries, in Asia/Shanghai wall time, on the real 2026 calendar:
the 中秋 holiday on Friday 2026-09-25, the National Day week (1–7 October) and the make-up
workdays on Sunday 2026-09-20 and Saturday 2026-10-10."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from branches.models import BranchStatus
from mechanisms.models import (
    Channel,
    DeliveryStatus,
    Instruction,
    Notification,
    NotificationPreference,
    ProblemCase,
    ProblemStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    WeeklyReport,
    WeeklyReportStatus,
)
from mechanisms.reminders.rules import delivery_error_explanation
from mechanisms.reminders.services import deliveries_send, reminder_sweep
from projects.models import Project
from tests.mechanisms.reminders_world import RobotServer, at, free_port, seed_calendar
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world


def build(org_tree, make_user):
    seed_calendar()
    w = build_world(org_tree, make_user)
    # Quiet the rules a test is not about: no session due, not red.
    Project.objects.update(next_dispatch_on=datetime.date(2030, 1, 1), light="green", red_since=None)
    return w


world_once, world = shared_world(build)  # built once per module: tests/shared_world.py


@pytest.fixture
def only(settings):
    """only(kind, ...): switch every other rule off, so a test sees the rules it is about."""

    def switch(*kinds):
        settings.REMINDERS = {"disabled": [k for k in ReminderKind.values if k not in kinds]}

    return switch


def created(result, kind) -> int:
    return result.created.get(kind, 0)


def of_kind(kind, **extra):
    return Reminder.objects.filter(kind=kind, **extra)


# ---------------------------------------------------------------- dispatch sessions
@pytest.mark.django_db
def test_dispatch_due_on_a_holiday_is_announced_the_working_day_before_and_counted_from_the_next(world, only):
    only(ReminderKind.DISPATCH_DUE_SOON, ReminderKind.DISPATCH_DUE, ReminderKind.DISPATCH_OVERDUE)
    Project.objects.filter(pk=world.project.pk).update(next_dispatch_on=datetime.date(2026, 10, 1))  # National Day
    kinds = (ReminderKind.DISPATCH_DUE_SOON, ReminderKind.DISPATCH_DUE, ReminderKind.DISPATCH_OVERDUE)

    def sweep(*args):
        result = reminder_sweep(now=at(*args))
        return [created(result, k) for k in kinds]

    assert sweep(2026, 9, 29, 9, 0) == [0, 0, 0]  # Tuesday: two working days ahead
    assert sweep(2026, 9, 30, 8, 59) == [0, 0, 0]  # the working day before, not yet 09:00
    assert sweep(2026, 9, 30, 9, 0) == [1, 0, 0]
    assert sweep(2026, 9, 30, 15, 0) == [0, 0, 0]  # once
    assert sweep(2026, 10, 1, 9, 0) == [0, 0, 0]  # holidays: nothing
    assert sweep(2026, 10, 5, 9, 0) == [0, 0, 0]
    assert sweep(2026, 10, 8, 9, 0) == [0, 1, 0]  # first working day: due today
    assert sweep(2026, 10, 9, 9, 0) == [0, 0, 1]  # overdue from the next working day
    assert sweep(2026, 10, 10, 9, 0) == [0, 0, 1]  # Saturday make-up workday: told again
    assert sweep(2026, 10, 11, 9, 0) == [0, 0, 0]  # Sunday
    assert sweep(2026, 10, 12, 9, 0) == [0, 0, 1]
    overdue = of_kind(ReminderKind.DISPATCH_OVERDUE)
    assert set(overdue.values_list("recipient__username", flat=True)) == {"chief"}
    assert sorted(overdue.values_list("period", flat=True)) == ["2026-10-09", "2026-10-10", "2026-10-12"]
    assert "2026-10-01" in overdue.first().body
    # Every one of them reached the 调度长's bell, once.
    assert Notification.objects.filter(recipient=world.chief, kind="reminder").count() == 5


@pytest.mark.django_db
def test_recording_a_session_moves_the_next_due_date_and_stops_the_overdue_reminders(world):
    from mechanisms.dispatch.services import dispatch_create

    Project.objects.filter(pk=world.project.pk).update(next_dispatch_on=datetime.date(2026, 10, 8))
    assert created(reminder_sweep(now=at(2026, 10, 9, 9, 0)), ReminderKind.DISPATCH_OVERDUE) == 1
    world.project.refresh_from_db()
    dispatch_create(
        project=world.project, by=world.chief, held_on=datetime.date(2026, 10, 9), record=True, today=datetime.date(2026, 10, 9)
    )
    world.project.refresh_from_db()
    assert world.project.last_dispatch_on == datetime.date(2026, 10, 9)
    assert world.project.next_dispatch_on == datetime.date(2026, 10, 16)  # weekly cadence
    assert created(reminder_sweep(now=at(2026, 10, 10, 9, 0)), ReminderKind.DISPATCH_OVERDUE) == 0
    # The working day before the new date: announced, keyed by that date.
    assert created(reminder_sweep(now=at(2026, 10, 15, 9, 0)), ReminderKind.DISPATCH_DUE_SOON) == 1
    assert of_kind(ReminderKind.DISPATCH_DUE_SOON).get().period == "2026-10-16"


@pytest.mark.django_db
def test_closed_projects_and_projects_without_a_dispatch_chief_are_not_reminded(world):
    Project.objects.update(next_dispatch_on=datetime.date(2026, 11, 2))
    Project.objects.filter(pk=world.project.pk).update(status="completed")
    assert reminder_sweep(now=at(2026, 11, 24, 9, 0)).created.get(ReminderKind.DISPATCH_OVERDUE, 0) == 0


# ---------------------------------------------------------------- instructions
def make_instruction(world, *, deadline, user=None, unit=None, status="issued"):
    return Instruction.objects.create(
        project=world.project,
        branch=world.branch,
        title="完成剩余12户签约",
        assignee_user=user if unit is None else None,
        assignee_unit=unit,
        issued_on=deadline - datetime.timedelta(days=10),
        deadline=deadline,
        status=status,
    )


@pytest.mark.django_db
def test_instruction_due_soon_reaches_a_person_or_the_liaisons_of_the_unit_once_per_deadline(world):
    by_person = make_instruction(world, deadline=datetime.date(2026, 11, 26), user=world.secretary)
    make_instruction(world, deadline=datetime.date(2026, 11, 26), unit=world.department_a)
    assert created(reminder_sweep(now=at(2026, 11, 25, 17, 59)), ReminderKind.INSTRUCTION_DUE_SOON) == 0
    assert created(reminder_sweep(now=at(2026, 11, 25, 18, 0)), ReminderKind.INSTRUCTION_DUE_SOON) == 2
    assert set(of_kind(ReminderKind.INSTRUCTION_DUE_SOON).values_list("recipient__username", flat=True)) == {
        "secretary", "liaison"
    }
    assert created(reminder_sweep(now=at(2026, 11, 26, 9, 0)), ReminderKind.INSTRUCTION_DUE_SOON) == 0
    # The deadline is extended: the new one is announced in its turn.
    Instruction.objects.filter(pk=by_person.pk).update(deadline=datetime.date(2026, 11, 30))
    assert created(reminder_sweep(now=at(2026, 11, 29, 18, 0)), ReminderKind.INSTRUCTION_DUE_SOON) == 1
    assert of_kind(ReminderKind.INSTRUCTION_DUE_SOON, recipient=world.secretary).count() == 2


@pytest.mark.django_db
def test_overdue_instruction_escalates_daily_on_working_days_including_a_make_up_saturday(world):
    make_instruction(world, deadline=datetime.date(2026, 9, 30), unit=world.department_a)
    make_instruction(world, deadline=datetime.date(2026, 9, 30), user=world.secretary, status="done")  # awaits verification
    counts = {
        day: created(reminder_sweep(now=at(2026, 10, day, 9, 0)), ReminderKind.INSTRUCTION_OVERDUE)
        for day in (1, 7, 8, 9, 10, 11)
    }
    assert counts == {1: 0, 7: 0, 8: 2, 9: 2, 10: 2, 11: 0}
    assert set(of_kind(ReminderKind.INSTRUCTION_OVERDUE).values_list("recipient__username", flat=True)) == {
        "liaison", "chief"
    }
    escalated = of_kind(ReminderKind.INSTRUCTION_OVERDUE, recipient=world.chief).first()
    assert escalated.url.endswith(f"/instructions/{Instruction.objects.first().pk}/")


# ---------------------------------------------------------------- weekly reports
def file_report(branch, monday: datetime.date, *, status=WeeklyReportStatus.SUBMITTED):
    year, week, _ = monday.isocalendar()
    return WeeklyReport.objects.create(
        branch=branch, iso_year=year, iso_week=week, week_start=monday,
        deadline=at(monday.year, monday.month, monday.day, 17) + datetime.timedelta(days=4),
        status=status, submitted_at=at(monday.year, monday.month, monday.day, 12),
    )


@pytest.mark.django_db
def test_weekly_report_due_at_nine_on_the_deadline_day_then_a_digest_after_the_deadline(world):
    # The previous week's digest may still be sent on Monday 16th; this test is about week 47.
    monday = datetime.date(2026, 11, 16)
    file_report(world.other_branch, monday)
    assert created(reminder_sweep(now=at(2026, 11, 19, 9, 0)), ReminderKind.WEEKLY_REPORT_DUE) == 0  # Thursday
    assert created(reminder_sweep(now=at(2026, 11, 20, 8, 59)), ReminderKind.WEEKLY_REPORT_DUE) == 0
    result = reminder_sweep(now=at(2026, 11, 20, 9, 0))
    assert created(result, ReminderKind.WEEKLY_REPORT_DUE) == 2  # not the branch that filed
    assert set(of_kind(ReminderKind.WEEKLY_REPORT_DUE).values_list("recipient__username", flat=True)) == {
        "secretary", "secretary_b"
    }
    due = of_kind(ReminderKind.WEEKLY_REPORT_DUE, recipient=world.secretary).get()
    assert due.period == "2026-W47" and "17:00" in due.body
    assert Notification.objects.filter(recipient=world.secretary, title=due.title).count() == 1
    assert created(reminder_sweep(now=at(2026, 11, 20, 16, 59)), ReminderKind.WEEKLY_REPORT_MISSING) == 0
    assert created(reminder_sweep(now=at(2026, 11, 20, 17, 0)), ReminderKind.WEEKLY_REPORT_MISSING) == 1
    digest = of_kind(ReminderKind.WEEKLY_REPORT_MISSING).get()
    assert digest.recipient == world.chief and digest.period == "2026-W47"
    assert digest.created_at == at(2026, 11, 20, 17, 0)
    assert world.branch.name in digest.body and world.other_branch.name not in digest.body
    # After the deadline the secretary is not told "due" again; the digest is sent once a week.
    later = reminder_sweep(now=at(2026, 11, 23, 9, 0))
    assert created(later, ReminderKind.WEEKLY_REPORT_DUE) == 0 and created(later, ReminderKind.WEEKLY_REPORT_MISSING) == 0


@pytest.mark.django_db
def test_weekly_report_deadline_on_a_holiday_moves_the_reminder_earlier_and_the_digest_to_the_next_working_day(world):
    # Friday 2026-09-25 is 中秋: the secretary hears on Thursday, the 调度长 on Monday 28th.
    assert created(reminder_sweep(now=at(2026, 9, 24, 8, 59)), ReminderKind.WEEKLY_REPORT_DUE) == 0
    assert created(reminder_sweep(now=at(2026, 9, 24, 9, 0)), ReminderKind.WEEKLY_REPORT_DUE) == 3
    body = of_kind(ReminderKind.WEEKLY_REPORT_DUE, recipient=world.secretary).get().body
    assert "2026-09-25" in body and "17:00" in body
    assert created(reminder_sweep(now=at(2026, 9, 25, 9, 0)), ReminderKind.WEEKLY_REPORT_DUE) == 0
    assert created(reminder_sweep(now=at(2026, 9, 25, 17, 5)), ReminderKind.WEEKLY_REPORT_MISSING) == 0
    assert created(reminder_sweep(now=at(2026, 9, 27, 10, 0)), ReminderKind.WEEKLY_REPORT_MISSING) == 0
    assert created(reminder_sweep(now=at(2026, 9, 28, 8, 59)), ReminderKind.WEEKLY_REPORT_MISSING) == 0
    assert created(reminder_sweep(now=at(2026, 9, 28, 9, 0)), ReminderKind.WEEKLY_REPORT_MISSING) == 1
    assert of_kind(ReminderKind.WEEKLY_REPORT_MISSING).get().period == "2026-W39"
    # The next week's deadline (Friday 2 October) falls in the National Day holiday: Wednesday.
    assert created(reminder_sweep(now=at(2026, 9, 29, 9, 0)), ReminderKind.WEEKLY_REPORT_DUE) == 0
    assert created(reminder_sweep(now=at(2026, 9, 30, 9, 0)), ReminderKind.WEEKLY_REPORT_DUE) == 3


@pytest.mark.django_db
def test_a_returned_report_counts_as_filed_and_a_draft_does_not(world):
    monday = datetime.date(2026, 11, 16)
    file_report(world.branch, monday, status=WeeklyReportStatus.RETURNED)
    year, week, _ = monday.isocalendar()
    WeeklyReport.objects.create(
        branch=world.other_branch, iso_year=year, iso_week=week, week_start=monday, deadline=at(2026, 11, 20, 17),
        status=WeeklyReportStatus.DRAFT,
    )
    world.b_branch.status = BranchStatus.CONCLUDED
    world.b_branch.save()
    reminder_sweep(now=at(2026, 11, 20, 9, 0))
    assert list(of_kind(ReminderKind.WEEKLY_REPORT_DUE).values_list("recipient__username", flat=True)) == ["secretary2"]


# ---------------------------------------------------------------- red projects, problems, digest
@pytest.mark.django_db
def test_a_project_turning_red_tells_its_dispatch_chief_at_once_even_at_night_once_per_spell(world):
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 28))
    result = reminder_sweep(now=at(2026, 11, 28, 23, 40))  # Saturday night
    assert created(result, ReminderKind.PROJECT_RED) == 1
    assert Notification.objects.filter(recipient=world.chief, title__contains=world.project.name).count() == 1
    assert created(reminder_sweep(now=at(2026, 11, 28, 23, 45)), ReminderKind.PROJECT_RED) == 0
    # Green again, then red again later: a new spell, a new reminder.
    Project.objects.filter(pk=world.project.pk).update(red_since=datetime.date(2026, 12, 3))
    assert created(reminder_sweep(now=at(2026, 12, 3, 10, 0)), ReminderKind.PROJECT_RED) == 1


@pytest.mark.django_db
def test_the_nightly_light_refresh_turns_a_project_red_by_time_alone_and_the_sweep_tells_the_chief(world, settings, only):
    only(ReminderKind.PROJECT_RED)
    from projects.tasks import refresh_all_lights

    assert settings.CELERY_BEAT_SCHEDULE["refresh-project-lights"]["task"] == "projects.tasks.refresh_all_lights"
    Project.objects.filter(pk=world.project.pk).update(light="green", red_since=None)
    # No reading of 0 of 225 households with half the time gone: red once the light is computed again.
    assert refresh_all_lights.apply().get() >= 1
    world.project.refresh_from_db()
    assert world.project.light == "red" and world.project.red_since is not None
    reminder_sweep()
    assert of_kind(ReminderKind.PROJECT_RED, recipient=world.chief).count() == 1


def make_problem(world, *, status, created_on, project=True, accept_due_on=None):
    problem = ProblemCase.objects.create(
        branch=world.branch, project=world.project if project else None, title="征迁补偿标准争议", description="…",
        category="difficulty", status=status, accept_due_on=accept_due_on,
    )
    ProblemCase.objects.filter(pk=problem.pk).update(created_at=at(*created_on))
    return problem


@pytest.mark.django_db
def test_problems_not_analysed_or_not_accepted_within_their_limit_reach_the_dispatch_chief(world):
    # Reported on Wednesday 30 September: one working day to analyse → it lapses with Thursday 8 October.
    make_problem(world, status=ProblemStatus.REPORTED, created_on=(2026, 9, 30, 16, 0), project=False)
    make_problem(world, status=ProblemStatus.ANALYSED, created_on=(2026, 9, 29, 9, 0), accept_due_on=datetime.date(2026, 10, 8))
    assert created(reminder_sweep(now=at(2026, 10, 8, 9, 0)), ReminderKind.PROBLEM_UNATTENDED) == 0
    assert created(reminder_sweep(now=at(2026, 10, 9, 8, 59)), ReminderKind.PROBLEM_UNATTENDED) == 0
    assert created(reminder_sweep(now=at(2026, 10, 9, 9, 0)), ReminderKind.PROBLEM_UNATTENDED) == 2
    assert set(of_kind(ReminderKind.PROBLEM_UNATTENDED).values_list("recipient__username", "period")) == {
        ("chief", "not_analysed"), ("chief", "not_accepted:2026-10-08")
    }
    assert created(reminder_sweep(now=at(2026, 10, 12, 9, 0)), ReminderKind.PROBLEM_UNATTENDED) == 0  # once per lapse


@pytest.mark.django_db
def test_the_monday_digest_goes_out_at_half_past_eight_or_on_the_first_working_day_of_a_holiday_week(world):
    assert created(reminder_sweep(now=at(2026, 11, 23, 8, 29)), ReminderKind.MONDAY_DIGEST) == 0
    assert created(reminder_sweep(now=at(2026, 11, 23, 8, 30)), ReminderKind.MONDAY_DIGEST) == 1
    digest = of_kind(ReminderKind.MONDAY_DIGEST).get()
    assert digest.recipient == world.chief and world.project.name in digest.body and digest.period == "2026-W48"
    assert created(reminder_sweep(now=at(2026, 11, 24, 8, 30)), ReminderKind.MONDAY_DIGEST) == 0
    # National Day week: Monday 5 October is a holiday; Thursday the 8th is the first working day.
    assert created(reminder_sweep(now=at(2026, 10, 5, 8, 30)), ReminderKind.MONDAY_DIGEST) == 0
    assert created(reminder_sweep(now=at(2026, 10, 8, 8, 30)), ReminderKind.MONDAY_DIGEST) == 1


@pytest.mark.django_db
def test_a_rule_can_be_switched_off_in_settings(world, settings):
    settings.REMINDERS = {"disabled": ["monday_digest"], "monday_digest_time": "07:00"}
    assert created(reminder_sweep(now=at(2026, 11, 23, 8, 30)), ReminderKind.MONDAY_DIGEST) == 0


# ---------------------------------------------------------------- quiet hours and channels
@pytest.mark.django_db
def test_quiet_hours_in_the_middle_of_the_day_release_the_reminder_when_they_end(world, only):
    only(ReminderKind.PROJECT_RED)
    NotificationPreference.objects.create(user=world.chief, quiet_start=datetime.time(12, 0), quiet_end=datetime.time(14, 0))
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
    result = reminder_sweep(now=at(2026, 11, 24, 12, 30))
    assert result.postponed == 1
    reminder = of_kind(ReminderKind.PROJECT_RED).get()
    assert reminder.due_at == at(2026, 11, 24, 14, 0) and reminder.status == "pending"
    reminder_sweep(now=at(2026, 11, 24, 13, 55))
    assert Notification.objects.filter(recipient=world.chief, kind="reminder").count() == 0
    reminder_sweep(now=at(2026, 11, 24, 14, 0))
    assert Notification.objects.filter(recipient=world.chief, kind="reminder").count() == 1


@pytest.mark.django_db
def test_channels_follow_the_preferences_and_the_webhook_is_signed(world, only):
    only(ReminderKind.PROJECT_RED)
    world.chief.email = "chief@example.com"
    world.chief.save()
    world.committee_a.webhook_url = "http://127.0.0.1:9/unused"
    world.committee_a.save()
    with RobotServer(secret="SEC-robot") as robot:
        NotificationPreference.objects.create(
            user=world.chief, email=False, webhook=True, webhook_url=robot.url, webhook_secret="SEC-robot"
        )
        Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
        reminder_sweep(now=at(2026, 11, 24, 10, 0))
    reminder = of_kind(ReminderKind.PROJECT_RED).get()
    assert set(reminder.deliveries.values_list("channel", "status")) == {("in_app", "sent"), ("webhook", "sent")}
    assert mail.outbox == []
    [request] = robot.requests
    assert request["json"]["msgtype"] == "text"
    content = request["json"]["text"]["content"]
    assert content.startswith("【刘建国】") and world.project.name in content and f"/projects/{world.project.pk}/" in content
    assert request["headers"]["x-idempotency-key"] == f"reminder-{reminder.pk}-webhook"
    assert robot.signature_ok(request)


@pytest.mark.django_db
def test_a_failing_channel_retries_with_backoff_and_is_marked_failed_after_the_last_try(world, only):
    only(ReminderKind.PROJECT_RED)
    NotificationPreference.objects.create(user=world.chief, email=False, webhook=True, webhook_url=f"http://127.0.0.1:{free_port()}/x")
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
    start = at(2026, 11, 24, 10, 0)
    with time_machine.travel(start, tick=False):
        reminder_sweep()
    delivery = ReminderDelivery.objects.get(channel=Channel.WEBHOOK)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRY, 1)
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=5)
    assert "refused" in delivery.last_error.lower() or "errno" in delivery.last_error.lower()
    # A duplicate task arriving early does not send before the backoff ran out.
    assert deliveries_send(delivery_ids=[delivery.pk], now=start + datetime.timedelta(minutes=1))["skipped"] == 1
    elapsed = datetime.timedelta()
    for wait, attempts in ((4, 1), (1, 2), (15, 3), (60, 4), (240, 5)):
        elapsed += datetime.timedelta(minutes=wait)
        with time_machine.travel(start + elapsed, tick=False):
            reminder_sweep()
        delivery.refresh_from_db()
        assert delivery.attempts == attempts, wait
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    with time_machine.travel(start + elapsed + datetime.timedelta(days=1), tick=False):
        reminder_sweep()
    delivery.refresh_from_db()
    assert delivery.attempts == 5
    # In-app arrived at once and only once, whatever the robot did.
    assert Notification.objects.filter(recipient=world.chief, kind="reminder").count() == 1


@pytest.mark.django_db
def test_a_refused_enqueue_is_retried_by_the_next_sweep(world, monkeypatch, only):
    only(ReminderKind.PROJECT_RED)

    world.chief.email = "chief@example.com"
    world.chief.save()
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
    from mechanisms.reminders.tasks import deliver_reminders

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(deliver_reminders, "apply_async", broker_down)
    reminder_sweep(now=at(2026, 11, 24, 10, 0))
    delivery = ReminderDelivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.PENDING and delivery.enqueued_at is None
    assert Notification.objects.filter(recipient=world.chief).count() == 1  # in-app did not wait
    monkeypatch.undo()
    reminder_sweep(now=at(2026, 11, 24, 10, 5))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<reminder-{delivery.reminder_id}-email@")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["set_based", "portable"])
def test_both_claim_paths_deliver_the_same(world, only, monkeypatch, path):
    """PostgreSQL takes the set-based claim; SQLite (``make run`` with no environment) the ORM one."""
    from django.db import connection

    only(ReminderKind.PROJECT_RED)
    world.chief.email = "chief@example.com"
    world.chief.save()
    world.committee_a.webhook_url = f"http://127.0.0.1:{free_port()}/robot"
    world.committee_a.save()
    NotificationPreference.objects.create(user=world.chief, email=True, webhook=True)
    NotificationPreference.objects.create(user=world.secretary, quiet_start=datetime.time(9, 0), quiet_end=datetime.time(12, 0))
    Project.objects.filter(pk=world.project.pk).update(light="red", red_since=datetime.date(2026, 11, 24))
    from mechanisms.reminders.services import _insert_rows

    _insert_rows([Reminder(recipient=world.secretary, kind=ReminderKind.NUDGE, object_key="branch:1", period="p",
                           title="催办", body="", url="", due_at=at(2026, 11, 24, 9, 0))])
    if path == "portable":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setattr("mechanisms.reminders.services._enqueue_deliveries", lambda cfg, ids: len(ids))
    result = reminder_sweep(now=at(2026, 11, 24, 10, 0))
    assert (result.delivered_in_app, result.postponed, result.queued) == (1, 1, 2)
    red = of_kind(ReminderKind.PROJECT_RED).get()
    assert sorted(red.deliveries.values_list("channel", "status", "target")) == [
        ("email", "pending", "chief@example.com"),
        ("in_app", "sent", ""),
        ("webhook", "pending", world.committee_a.webhook_url),
    ]
    assert of_kind(ReminderKind.NUDGE).get().due_at == at(2026, 11, 24, 12, 0)  # the secretary's quiet hours
    assert Notification.objects.filter(recipient=world.chief, kind="reminder").count() == 1


@pytest.mark.parametrize(
    ("channel", "error", "expected"),
    [
        ("webhook", "HTTP Error 502: Bad Gateway", "The group robot’s server had a fault (HTTP 502)."),
        ("webhook", "HTTP Error 404: Not Found", "The group robot refused the address (HTTP 404)"),
        ("webhook", "HTTP 302", "answered with an error (HTTP 302)"),
        ("webhook", "robot answered errcode 310000: keywords not in content", "error code 310000"),
        ("webhook", "<urlopen error [Errno 111] Connection refused>", "could not be reached"),
        ("webhook", "<urlopen error timed out>", "did not answer in time"),
        ("webhook", "no webhook URL", "No group-robot address"),
        ("email", "SMTP 550 mailbox unavailable", "refused the message (SMTP 550)"),
        ("email", "{'a@b.cn': (450, b'try later')}", "was busy (SMTP 450)"),
        ("email", "no e-mail address", "has no e-mail address"),
        ("email", "the mail backend accepted nothing", "did not take the message"),
        ("email", "something odd", "Sending failed"),
        ("email", "", ""),
    ],
)
def test_a_failed_delivery_is_explained_in_words(channel, error, expected):
    with translation.override("en"):
        explanation = delivery_error_explanation(channel, error)
    assert expected in explanation if expected else explanation == ""
