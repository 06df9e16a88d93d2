"""Reminders through a real Celery worker and Redis: a missing weekly report reaches the secretary
in-app, by e-mail (the worker's file backend) and by the unit's robot (a signed webhook to a
server on 127.0.0.1); a worker killed mid-send; Redis stopped while secretaries file their
reports through the web."""

import datetime
import os
import signal
import time
from email import message_from_bytes

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mechanisms.models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    WeeklyReport,
)
from mechanisms.reminders.rules import make_context, secretary_reminder_day
from mechanisms.reminders.services import reminder_sweep
from tests.clock import clock_now
from tests.mechanisms.reminders_world import (
    RobotServer,
    ThrowawayRedis,
    at,
    seed_calendar,
    start_worker,
    stop_process,
    use_broker,
)
from tests.mechanisms.requests_world import build_world

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FRIDAY = at(2026, 11, 20, 9, 30)  # deadline day of week 47, after 09:00


@pytest.fixture(autouse=True)
def on_friday(frozen_clock):
    """The sweeps below run at FRIDAY and "11 minutes later": the test process and the workers
    it starts (tests/clocked.py) live on that Friday, so "later" is later than FRIDAY."""
    with time_machine.travel(FRIDAY, tick=True):
        yield


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker_env(mail_dir):
    # The worker writes e-mails as files the test reads.
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}


@pytest.fixture
def only_weekly(settings):
    settings.REMINDERS = {"disabled": [k for k in ReminderKind.values if k != ReminderKind.WEEKLY_REPORT_DUE]}


@pytest.fixture
def world(org_tree, make_user):
    seed_calendar()
    w = build_world(org_tree, make_user)
    w.secretary.email = "zhangwd@jingjiang.example"
    w.secretary.save()
    return w


def robot_for_unit(world, robot: RobotServer):
    """The secretary's unit (孤山镇) has a group robot; the secretary switched the robot on."""
    world.town_a.webhook_url = robot.url
    world.town_a.webhook_secret = robot.secret
    world.town_a.save()
    NotificationPreference.objects.create(user=world.secretary, email=True, webhook=True)


def wait_for(condition, timeout=30, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def mails(mail_dir) -> list:
    """Every message the file backend wrote (one file per connection, messages separated)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(message_from_bytes(chunk.strip()))
    return messages


def secretary_deliveries(world):
    return ReminderDelivery.objects.filter(reminder__recipient=world.secretary, reminder__kind=ReminderKind.WEEKLY_REPORT_DUE)


def test_a_missing_weekly_report_reaches_the_secretary_in_app_by_email_and_by_the_units_robot(
    world, only_weekly, celery_worker_process, mail_dir
):
    with RobotServer(secret="SEC-gushan") as robot:
        robot_for_unit(world, robot)
        reminder_sweep(now=FRIDAY)
        # In-app at once, in the sweep's own transaction.
        reminder = Reminder.objects.get(recipient=world.secretary, kind=ReminderKind.WEEKLY_REPORT_DUE)
        assert Notification.objects.filter(recipient=world.secretary, title=reminder.title).count() == 1
        assert world.branch.name in reminder.title
        wait_for(lambda: secretary_deliveries(world).filter(status=DeliveryStatus.SENT).count() == 3, message="deliveries")
    [message] = mails(mail_dir)
    assert message["To"] == "zhangwd@jingjiang.example"
    assert message["Message-ID"] == f"<reminder-{reminder.pk}-email@localhost>"
    [request] = robot.requests
    content = request["json"]["text"]["content"]
    assert request["json"]["msgtype"] == "text"
    assert content.startswith("【张卫东】") and world.branch.name in content and "17:00" in content
    assert request["headers"]["x-idempotency-key"] == f"reminder-{reminder.pk}-webhook"
    assert robot.signature_ok(request)
    # The other secretaries have no e-mail address and no robot: in-app only.
    assert Notification.objects.filter(recipient=world.other_secretary, kind="reminder").count() == 1
    assert not ReminderDelivery.objects.filter(reminder__recipient=world.other_secretary).exclude(channel=Channel.IN_APP).exists()


# On Friday itself, ticking (the workers start on the test's clock): the later sweeps below run
# at "now + 11 minutes" and "now + 30 minutes", which must come after the first sweep's FRIDAY
# for the lost delivery to be stale. On the suite's Wednesday they came before it, nothing was
# queued again, and the test waited out its timeout.
@time_machine.travel(FRIDAY, tick=True)
def test_a_worker_killed_mid_send_delivers_once_after_restart(world, only_weekly, settings, tmp_path, mail_dir, worker_env):
    from config.celery import app

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    assert broker and broker.startswith("redis"), "needs Redis (REDIS_URL)"
    env = _worker_env(broker, worker_env)
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    log = tmp_path / "workers.log"
    first = start_worker(env=env, log_path=log)
    second = None
    try:
        with RobotServer(secret="SEC-gushan", stall_first=True) as robot:
            robot_for_unit(world, robot)
            reminder_sweep(now=FRIDAY)
            assert robot.stalled.wait(30), "the worker never reached the robot"
            # The e-mail went first and is committed; the webhook is mid-send: kill the worker.
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            robot.release.set()
            webhook = secretary_deliveries(world).get(channel=Channel.WEBHOOK)
            wait_for(lambda: ReminderDelivery.objects.get(pk=webhook.pk).attempts == 0, message="the dead send rolled back")
            webhook.refresh_from_db()
            assert webhook.status == DeliveryStatus.PENDING and webhook.sent_at is None
            # A new worker; a later sweep finds the delivery stale and queues it again.
            second = start_worker(env=env, log_path=log)
            settings.REMINDERS = {"disabled": ReminderKind.values}
            reminder_sweep(now=clock_now() + datetime.timedelta(minutes=11))
            wait_for(lambda: ReminderDelivery.objects.get(pk=webhook.pk).status == DeliveryStatus.SENT, message="resend")
            # And more sweeps later: nothing more goes out.
            reminder_sweep(now=clock_now() + datetime.timedelta(minutes=30))
            time.sleep(1)
    finally:
        stop_process(first)
        if second is not None:
            stop_process(second)
        app.conf.task_always_eager = True
    webhook.refresh_from_db()
    key = f"reminder-{webhook.reminder_id}-webhook"
    assert (webhook.status, webhook.attempts) == (DeliveryStatus.SENT, 1)
    assert [r["headers"]["x-idempotency-key"] for r in robot.requests] == [key, key]  # at least once, with the key
    assert robot.acknowledged == {key: 1}  # the receiver deduplicated: acknowledged once
    assert len(mails(mail_dir)) == 1  # the e-mail was not sent again
    assert secretary_deliveries(world).count() == 3
    assert Notification.objects.filter(recipient=world.secretary, kind="reminder").count() == 1  # in-app: exactly once


def _worker_env(broker, extra):
    from django.db import connection

    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db["PASSWORD"]:
        credentials += ":" + db["PASSWORD"]
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": broker,
        "CELERY_RESULT_BACKEND": "",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **extra,
    }


def test_with_redis_down_reports_are_filed_fast_and_reminders_go_out_when_it_returns(
    world, only_weekly, settings, tmp_path, mail_dir, worker_env
):
    from config.celery import app

    redis = ThrowawayRedis(tmp_path).start()
    settings.CELERY_BROKER_URL = redis.url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url}}
    old_broker = use_broker(redis.url)
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = start_worker(env=_worker_env(redis.url, worker_env), log_path=tmp_path / "worker.log")
    # The reminder of this week for those who have not filed: on its reminder day, after 09:00.
    ctx = make_context()
    from mechanisms.reminders.rules import report_week

    week = report_week(ctx, ctx.today - datetime.timedelta(days=ctx.today.weekday()))
    day = secretary_reminder_day(ctx.cal, week)
    if day is None:
        pytest.skip("this week has no working day before its report deadline")
    sweep_at = at(day.year, day.month, day.day, 9, 30)
    try:
        with RobotServer(secret="SEC-gushan") as robot:
            robot_for_unit(world, robot)
            world.other_secretary.email = "sunli@jingjiang.example"
            world.other_secretary.save()
            redis.stop()
            # Secretaries file through the web while the broker is down: fast, and filed.
            timings = []
            for user, branch in ((world.other_secretary, world.other_branch), (world.b_secretary, world.b_branch)):
                client = Client()
                client.force_login(user)
                started = time.monotonic()
                response = client.post(reverse("mechanisms:weeklyreport_quick", args=[branch.pk]), {"note": "本周征迁签约按计划推进"})
                timings.append(time.monotonic() - started)
                assert response.status_code == 302, response.status_code
                assert WeeklyReport.objects.filter(branch=branch, status="submitted").exists()
                page = client.get(reverse("mechanisms:secretary_home"))
                assert page.status_code == 200
            assert max(timings) < 2.0, timings
            # The sweep runs meanwhile (as in a worker whose broker went away): in-app goes out at
            # once; the e-mail and robot deliveries cannot be queued and wait, marked not queued.
            started = time.monotonic()
            result = reminder_sweep(now=sweep_at)
            assert time.monotonic() - started < 10
            assert result.queued == 0
            assert Notification.objects.filter(recipient=world.secretary, kind="reminder").count() == 1
            deliveries = secretary_deliveries(world).exclude(channel=Channel.IN_APP)
            assert deliveries.count() == 2 and set(deliveries.values_list("enqueued_at", flat=True)) == {None}
            # Those who filed get nothing.
            assert not Reminder.objects.filter(recipient__in=[world.other_secretary, world.b_secretary]).exists()
            lost = list(Notification.objects.exclude(kind__in=["reminder", "nudge"]).filter(emailed_at__isnull=True, recipient__email__gt=""))
            # Redis returns; the next sweep queues what waited; the worker reconnects and sends.
            redis.start()
            settings.REMINDERS = {"disabled": ReminderKind.values}
            wait_for(lambda: reminder_sweep(now=clock_now() + datetime.timedelta(minutes=11)).queued >= 2, 60, "queued")
            wait_for(lambda: deliveries.filter(status=DeliveryStatus.SENT).count() == 2, 60, "delivered")
            wait_for(lambda: not Notification.objects.filter(pk__in=[n.pk for n in lost], emailed_at__isnull=True).exists(), 60, "e-mails")
        assert len(robot.requests) == 1 and robot.signature_ok(robot.requests[0])
        sent_to = sorted(m["To"] for m in mails(mail_dir))
        assert sent_to.count("zhangwd@jingjiang.example") == 1
        assert len(sent_to) == 1 + len(lost)
    finally:
        stop_process(worker)
        redis.stop()
        app.conf.task_always_eager = True
        use_broker(old_broker)
