"""The reminder pages: the log (filters, paging, Excel, constant queries), a reminder's
deliveries and their history, resend, preferences and the 调度长's nudge."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches.roles import Role
from mechanisms.models import (
    Channel,
    DeliveryStatus,
    Instruction,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderDelivery,
    ReminderKind,
)
from mechanisms.reminders.services import nudge_send
from tests.clock import clock_now, clock_today
from tests.mechanisms.reminders_world import seed_calendar
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world
from tests.utils import get_query_count

LOG = reverse("mechanisms:reminder_log")


def build(org_tree, make_user):
    seed_calendar()
    return build_world(org_tree, make_user)


world_once, world = shared_world(build)  # built once per module: tests/shared_world.py


def make_reminder(user, *, kind=ReminderKind.PROJECT_RED, title="项目转红：澄靖通道", n=0, channels=(("in_app", "sent"),),
                  created=None, sender=None):
    reminder = Reminder.objects.create(
        recipient=user, kind=kind, object_key=f"project:{n}", period=f"p{n}", title=title, body="进度落后于时间",
        url="/projects/1/", due_at=clock_now(), status="sent", sent_at=clock_now(), sender=sender,
    )
    if created:
        Reminder.objects.filter(pk=reminder.pk).update(created_at=created)
    for channel, status in channels:
        ReminderDelivery.objects.create(
            reminder=reminder, channel=channel, status=status, attempts=1,
            target="chief@example.com" if channel == "email" else "", last_error="SMTP 550" if status == "failed" else "",
        )
    return reminder


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_log_lists_city_a_rows_filters_and_exports_them(world, client):
    make_reminder(world.chief, title="项目转红：澄靖通道", channels=(("in_app", "sent"), ("email", "failed")))
    make_reminder(world.secretary, kind=ReminderKind.WEEKLY_REPORT_DUE, title="周报今日截止：征迁支部", n=1)
    make_reminder(world.b_secretary, kind=ReminderKind.WEEKLY_REPORT_DUE, title="周报今日截止：泰兴支部", n=2)
    client_for(client, world.staff)
    page = client.get(LOG).content.decode()
    assert "项目转红：澄靖通道" in page and "周报今日截止：征迁支部" in page and "泰兴" not in page
    assert page.count('data-testid="reminder-row"') == 3
    only_failed = client.get(LOG, {"status": "failed"}).content.decode()
    assert only_failed.count('data-testid="reminder-row"') == 1 and "SMTP 550" in only_failed
    by_kind = client.get(LOG, {"kind": "weekly_report_due"}).content.decode()
    assert "征迁支部" in by_kind and "澄靖通道" not in by_kind
    by_channel = client.get(LOG, {"channel": "email"}).content.decode()
    assert by_channel.count('data-testid="reminder-row"') == 1
    by_name = client.get(LOG, {"q": "张卫东"}).content.decode()  # the secretary's name
    assert "征迁支部" in by_name and "澄靖通道" not in by_name
    tomorrow = (clock_today() + datetime.timedelta(days=1)).isoformat()
    assert 'data-testid="empty"' in client.get(LOG, {"date_from": tomorrow}).content.decode()
    assert client.get(LOG, {"date_to": tomorrow}).content.decode().count('data-testid="reminder-row"') == 3
    response = client.get(LOG, {"export": "xlsx", "status": "failed"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 1 and rows[0][3] == "项目转红：澄靖通道" and rows[0][9] == "SMTP 550"


@pytest.mark.django_db
def test_the_log_issues_the_same_number_of_queries_for_10_and_200_rows(world, client):
    client_for(client, world.staff)
    for n in range(10):
        make_reminder(world.chief, n=n, channels=(("in_app", "sent"), ("email", "sent")))
    small = get_query_count(client, LOG)
    for n in range(10, 200):
        make_reminder(world.secretary if n % 2 else world.chief, n=n, channels=(("in_app", "sent"), ("email", "sent")))
    assert get_query_count(client, LOG) == small
    assert get_query_count(client, LOG + "?page=4") == small


@pytest.mark.django_db
def test_resend_in_app_and_email_is_recorded_with_who_resent(world, client, django_capture_on_commit_callbacks):
    world.chief.email = "chief@example.com"
    world.chief.save()
    reminder = make_reminder(world.chief, channels=(("in_app", "sent"), ("email", "failed")))
    client_for(client, world.staff)
    in_app = reminder.deliveries.get(channel=Channel.IN_APP)
    email = reminder.deliveries.get(channel=Channel.EMAIL)
    response = client.post(reverse("mechanisms:delivery_resend", args=[in_app.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.chief, title=reminder.title).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mechanisms:delivery_resend", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.resends == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Idempotency-Key"] == f"reminder-{reminder.pk}-email-resend-1"
    history = email.history.order_by("history_id")
    assert any(h.history_user_id == world.staff.pk and "陈明" in (h.history_change_reason or "") for h in history)
    page = client.get(reverse("mechanisms:reminder_detail", args=[reminder.pk])).content.decode()
    assert page.count('data-testid="delivery"') == 2 and "陈明" in page and 'data-confirm=' in page
    # A delivery already queued is not queued twice.
    ReminderDelivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.PENDING)
    response = client.post(reverse("mechanisms:delivery_resend", args=[email.pk]), follow=True)
    assert "already queued" in response.content.decode() or "已" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_delivery_is_explained_in_chinese_and_the_link_is_not_a_bare_path(world, client):
    reminder = make_reminder(world.chief, channels=(("in_app", "sent"), ("email", "failed")))
    ReminderDelivery.objects.create(
        reminder=reminder, channel=Channel.WEBHOOK, status=DeliveryStatus.FAILED, attempts=5,
        target="https://oapi.dingtalk.example/robot/send?access_token=x", last_error="HTTP Error 502: Bad Gateway",
    )
    client_for(client, world.staff)

    log = client.get(LOG).content.decode()
    detail = client.get(reverse("mechanisms:reminder_detail", args=[reminder.pk])).content.decode()

    for page in (log, detail):
        assert "邮件服务器拒收了这封邮件（SMTP 550）" in page
        assert "群机器人服务器出现故障（HTTP 502）" in page
    assert "HTTP Error 502" not in log
    # The raw text stays on the reminder's page, marked as technical, for whoever runs the servers.
    assert "技术信息：<code>HTTP Error 502: Bad Gateway</code>" in detail
    assert '<a href="/projects/1/" data-testid="reminder-link">打开相关页面</a>' in detail
    assert ">/projects/1/<" not in detail


@pytest.mark.django_db
def test_resend_must_be_a_post(world, client):
    reminder = make_reminder(world.chief)
    client_for(client, world.staff)
    assert client.get(reverse("mechanisms:delivery_resend", args=[reminder.deliveries.get().pk])).status_code == 405


@pytest.mark.django_db
def test_preferences_are_saved_and_bad_input_is_shown_with_what_was_typed(world, client):
    url = reverse("mechanisms:reminder_preferences")
    client_for(client, world.secretary)
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "on", "quiet_start": "21:30", "quiet_end": "", "webhook_url": "http://robot.example/x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "21:30" in page and "http://robot.example/x" in page and "is-invalid" in page or "alert" in page
    assert not NotificationPreference.objects.filter(user=world.secretary).exists()
    response = client.post(url, {"webhook": "on", "quiet_start": "", "quiet_end": ""})
    assert response.status_code == 200 and not NotificationPreference.objects.exists()  # no robot anywhere
    response = client.post(url, {"quiet_start": "21:30", "quiet_end": "07:30"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.secretary)
    assert (pref.email, pref.quiet_start, pref.quiet_end) == (False, datetime.time(21, 30), datetime.time(7, 30))
    assert pref.history.first().history_user == world.secretary
    # With a unit robot, switching the robot on needs no URL of one's own.
    world.town_a.webhook_url = "http://127.0.0.1:9/robot"
    world.town_a.save()
    assert client.post(url, {"webhook": "on"}).status_code == 302
    assert NotificationPreference.objects.get(user=world.secretary).webhook


@pytest.mark.django_db
def test_a_dispatch_chief_nudges_a_late_secretary_once_per_four_hours(world, client, make_user):
    from django.contrib.auth.models import Group

    world.chief.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    client_for(client, world.chief)
    url = reverse("mechanisms:nudge")
    response = client.post(url, {"target": "weekly", "pk": world.branch.pk, "next": "/mechanisms/cockpit/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/mechanisms/cockpit/"
    assert "张卫东" in response.content.decode()
    nudge = Reminder.objects.get(kind=ReminderKind.NUDGE)
    assert nudge.recipient == world.secretary and nudge.sender == world.chief and nudge.object_key == f"branch:{world.branch.pk}"
    note = Notification.objects.get(recipient=world.secretary, kind="nudge")
    assert "刘建国" in note.title
    # Pressed again: refused, with when the next one is possible.
    response = client.post(url, {"target": "weekly", "pk": world.branch.pk}, follow=True)
    next_at = timezone.localtime(nudge.created_at + datetime.timedelta(hours=4))
    assert f"{next_at:%H:%M}" in response.content.decode()
    assert Reminder.objects.filter(kind=ReminderKind.NUDGE).count() == 1
    # Four hours later it is possible again.
    nudge_send(sender=world.chief, target="weekly", pk=world.branch.pk, now=clock_now() + datetime.timedelta(hours=4, minutes=1))
    assert Reminder.objects.filter(kind=ReminderKind.NUDGE).count() == 2


@pytest.mark.django_db
def test_a_nudge_about_an_overdue_unit_instruction_reaches_the_units_liaisons(world, client):
    from django.contrib.auth.models import Group

    world.chief.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    today = clock_today()
    instruction = Instruction.objects.create(
        project=world.project, branch=world.branch, title="完成管线迁改", assignee_unit=world.department_a,
        issued_on=today - datetime.timedelta(days=20), deadline=today - datetime.timedelta(days=2),
    )
    client_for(client, world.chief)
    client.post(reverse("mechanisms:nudge"), {"target": "instruction", "pk": instruction.pk})
    assert list(Reminder.objects.filter(kind=ReminderKind.NUDGE).values_list("recipient__username", flat=True)) == ["liaison"]
    assert Notification.objects.filter(recipient=world.liaison, kind="nudge", title__contains="完成管线迁改").exists()
    # Not overdue any more (done, awaiting verification): nothing to nudge about.
    Instruction.objects.filter(pk=instruction.pk).update(status="done")
    assert client.post(reverse("mechanisms:nudge"), {"target": "instruction", "pk": instruction.pk}).status_code == 404


@pytest.mark.django_db
def test_a_secretary_who_filed_cannot_be_nudged(world, client):
    from django.contrib.auth.models import Group

    from mechanisms.models import WeeklyReport
    from mechanisms.reminders.rules import last_report_week, make_context

    world.chief.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    week = last_report_week(make_context())
    year, number, _ = week.monday.isocalendar()
    WeeklyReport.objects.create(
        branch=world.branch, iso_year=year, iso_week=number, week_start=week.monday, deadline=week.deadline,
        status="submitted", submitted_at=week.deadline,
    )
    client_for(client, world.chief)
    assert client.post(reverse("mechanisms:nudge"), {"target": "weekly", "pk": world.branch.pk}).status_code == 404
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_nudge_in_a_transaction_that_rolls_back_sends_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    world.secretary.email = "sec@example.com"
    world.secretary.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            nudge_send(sender=world.chief, target="weekly", pk=world.branch.pk)
            assert Notification.objects.filter(recipient=world.secretary).exists()
            raise RuntimeError("the request failed after the nudge")
    assert callbacks == [] and mail.outbox == []
    assert not Reminder.objects.exists() and not Notification.objects.filter(kind="nudge").exists()
    # The same nudge committed: the e-mail goes out after the commit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        nudge_send(sender=world.chief, target="weekly", pk=world.branch.pk)
    assert len(callbacks) == 1 and len(mail.outbox) == 1 and mail.outbox[0].to == ["sec@example.com"]


@pytest.mark.django_db
def test_the_preferences_link_is_in_every_users_menu_and_the_log_in_the_staff_menu(world, client):
    client_for(client, world.staff)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("mechanisms:reminder_preferences") in page and f'href="{LOG}"' in page
    client.force_login(world.secretary)
    page = client.get(reverse("mechanisms:notification_list")).content.decode()
    assert reverse("mechanisms:reminder_preferences") in page and f'href="{LOG}"' not in page


@pytest.mark.django_db
def test_the_cockpit_lists_what_the_chief_may_nudge_and_when_again(world, client):
    from django.contrib.auth.models import Group

    world.chief.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    today = clock_today()
    instruction = Instruction.objects.create(
        project=world.project, branch=world.branch, title="完成管线迁改", assignee_user=world.secretary,
        issued_on=today - datetime.timedelta(days=20), deadline=today - datetime.timedelta(days=2),
    )
    client_for(client, world.chief)
    cockpit = reverse("mechanisms:cockpit")
    page = client.get(cockpit).content.decode()
    assert 'data-testid="nudge-panel"' in page
    assert f'data-target="weekly" data-pk="{world.branch.pk}"' in page and "张卫东" in page
    assert f'data-target="instruction" data-pk="{instruction.pk}"' in page and "完成管线迁改" in page
    assert world.other_branch.name not in page  # not this 调度长's branch
    assert page.count('data-testid="nudge"') == 2
    client.post(reverse("mechanisms:nudge"), {"target": "instruction", "pk": instruction.pk, "next": cockpit})
    page = client.get(cockpit).content.decode()
    assert page.count('data-testid="nudge"') == 1 and page.count('data-testid="nudge-wait"') == 1
    # Other roles see no panel on their pages, and a 调度长 with nothing late sees none either.
    Instruction.objects.filter(pk=instruction.pk).update(status="verified")
    from mechanisms.models import WeeklyReport
    from mechanisms.reminders.rules import last_report_week, make_context

    week = last_report_week(make_context())
    year, number, _ = week.monday.isocalendar()
    WeeklyReport.objects.create(branch=world.branch, iso_year=year, iso_week=number, week_start=week.monday,
                                deadline=week.deadline, status="submitted", submitted_at=week.deadline)
    assert 'data-testid="nudge-panel"' not in client.get(cockpit).content.decode()
