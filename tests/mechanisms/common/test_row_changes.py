"""Notifications and reminders keep a history written by the database (mechanisms.RowChange,
triggers of migration 0013_row_changes): every insert, update and delete, by the ORM, by a
queryset and by the reminder sweep's own SQL — and the reminder's page shows it to who may read
the reminder. PostgreSQL only: SQLite keeps no row changes (docs/security.md)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from mechanisms.common import services as common_services
from mechanisms.models import Notification, Reminder, RowChange
from mechanisms.reminders.services import reminder_sweep
from tests.evaluation.dashboard_world import build

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the history triggers are PostgreSQL's"),
]
NOTIFICATION, REMINDER = Notification._meta.db_table, Reminder._meta.db_table


def changes(table, pk) -> list[tuple[str, list]]:
    return [(c.operation, c.fields) for c in RowChange.objects.filter(table=table, row_id=pk).order_by("id")]


def test_every_write_of_a_notification_is_in_its_history(make_user):
    user = make_user(username="secretary")
    note = common_services.notify(recipients=[user], title="请及时报送周报", email=False)[0]
    common_services.notification_mark_read(notification=note)
    Notification.objects.filter(pk=note.pk).update(title="请今日报送周报")
    with connection.cursor() as cursor:  # set-based SQL, as the sweep writes
        cursor.execute(f"UPDATE {NOTIFICATION} SET emailed_at = now() WHERE id = %s", [note.pk])
    Notification.objects.filter(pk=note.pk).update(title="请今日报送周报")  # no change: no row
    Notification.objects.filter(pk=note.pk).delete()

    got = changes(NOTIFICATION, note.pk)
    assert got[0] == ("insert", [])
    assert ("update", ["read_at"]) in got and ("update", ["title"]) in got and ("update", ["emailed_at"]) in got
    assert len(got) == 5  # the update that changed nothing left no row
    assert got[-1] == ("delete", [])
    assert RowChange.objects.filter(table=NOTIFICATION, row_id=note.pk, operation="delete").get().row["title"] == "请今日报送周报"


def test_the_sweep_records_every_reminder_it_makes_and_sends(org_tree, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    build(org_tree, make_user)

    reminder_sweep()

    reminders = list(Reminder.objects.all())
    assert reminders, "the world has something overdue: the sweep must remind of it"
    for reminder in reminders:
        got = changes(REMINDER, reminder.pk)
        assert got and got[0] == ("insert", []), reminder
        if reminder.sent_at:
            assert any(op == "update" and "sent_at" in fields for op, fields in got), (reminder, got)
    made = Notification.objects.values_list("pk", flat=True)
    recorded = set(RowChange.objects.filter(table=NOTIFICATION, operation="insert").values_list("row_id", flat=True))
    assert set(made) <= recorded


def test_the_reminder_page_shows_its_changes_to_staff_only(org_tree, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = build(org_tree, make_user)
    reminder_sweep()
    reminder = Reminder.objects.filter(recipient__organization__in=[w.o["department_a"], w.o["town_a"]]).first()
    url = reverse("mechanisms:reminder_detail", args=[reminder.pk])
    staff, other = Client(headers={"accept-language": "en"}), Client(headers={"accept-language": "en"})
    staff.force_login(w.staff)
    other.force_login(w.leader_b)

    page = staff.get(url).content.decode()

    assert 'data-testid="reminder-changes"' in page and "insert" in page
    assert other.get(url).status_code == 404


def test_the_admin_history_of_a_notification_shows_its_changes_to_its_recipient_only(make_user):
    view = Permission.objects.get(codename="view_notification")
    owner, other = (make_user(username=name, is_staff=True) for name in ("staff_a", "staff_b"))
    for user in (owner, other):
        user.user_permissions.add(view)
    note = common_services.notify(recipients=[owner], title="请及时报送周报", email=False)[0]
    common_services.notification_mark_read(notification=note)
    url = reverse("admin:mechanisms_notification_history", args=[note.pk])
    clients = {}
    for user in (owner, other):
        clients[user] = Client(headers={"accept-language": "en"})
        clients[user].force_login(user)

    page = clients[owner].get(url)

    assert page.status_code == 200
    assert [(c.operation, c.fields) for c in page.context["row_changes"]] == [("insert", []), ("update", ["read_at"])]
    assert clients[other].get(url).status_code == 404
    assert clients[owner].get(reverse("admin:mechanisms_notification_history", args=["x"])).status_code == 404
