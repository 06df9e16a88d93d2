"""The security audit trail (安全审计): each audited event is written once, with the actor and
the client's address; the trail is append-only and kept at least 180 days."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.models import HistoricalRecords

from branches.roles import Role
from core.audit import audit_purge
from core.documents import attachment
from core.exports import export_job_run, export_start
from core.models import AppendOnlyError, AuditAction, AuditEvent, ExportJobStatus
from tests.clock import clock_now

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"
ADDRESS = "203.0.113.9"


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def _one(action):
    events = _events(action)
    assert len(events) == 1, [str(e) for e in AuditEvent.objects.all()]
    return events[0]


def test_sign_in_and_sign_out_are_written_once_with_actor_and_address(client, make_user):
    user = make_user(username="chenming")

    client.post(LOGIN, {"username": "chenming", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    client.post("/accounts/logout/", REMOTE_ADDR=ADDRESS)

    login = _one(AuditAction.LOGIN)
    assert (login.actor_id, login.actor_username, login.ip_address) == (user.pk, "chenming", ADDRESS)
    assert login.target_type == "branches.user" and login.target_id == str(user.pk)
    assert abs(login.created_at - clock_now()) < datetime.timedelta(minutes=1)
    logout = _one(AuditAction.LOGOUT)
    assert (logout.actor_id, logout.ip_address) == (user.pk, ADDRESS)


def test_the_address_is_the_one_the_trusted_proxy_saw(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(username="chenming")

    client.post(
        LOGIN, {"username": "chenming", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ADDRESS}",
    )

    assert _one(AuditAction.LOGIN).ip_address == ADDRESS


def test_failed_sign_in_lockout_and_unlock(client, make_user, settings):
    user = make_user(username="chenming")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "chenming", "password": "wrong"}, REMOTE_ADDR=ADDRESS)

    failed = _events(AuditAction.LOGIN_FAILED)
    assert len(failed) == settings.AXES_FAILURE_LIMIT
    assert {(e.actor_id, e.ip_address, e.detail["username"]) for e in failed} == {(user.pk, ADDRESS, "chenming")}
    lockout = _one(AuditAction.LOCKOUT)
    assert (lockout.actor_id, lockout.ip_address) == (user.pk, ADDRESS)

    call_command("axes_reset", stdout=io.StringIO())

    assert not AccessAttempt.objects.exists()
    unlock = _one(AuditAction.UNLOCK)
    assert unlock.detail["username"] == "chenming"


def test_a_failed_sign_in_of_an_unknown_name_is_written_without_an_actor(client):
    client.post(LOGIN, {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=ADDRESS)

    event = _one(AuditAction.LOGIN_FAILED)
    assert (event.actor_id, event.actor_username, event.target_repr, event.ip_address) == (None, "", "nobody", ADDRESS)


def test_password_change_is_written(client, make_user):
    user = make_user(username="chenming")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"},
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302
    event = _one(AuditAction.PASSWORD_CHANGE)
    assert (event.actor_id, event.target_id, event.ip_address) == (user.pk, str(user.pk), ADDRESS)


def test_role_changes_either_way_round_are_written(make_user):
    user = make_user(username="chenming")
    staff = Group.objects.get(name=Role.DEPARTMENT_STAFF)

    user.groups.add(staff)
    staff.user_set.remove(user)
    user.groups.add(staff)
    user.groups.clear()

    added = _events(AuditAction.ROLE_ADD)
    removed = _events(AuditAction.ROLE_REMOVE)
    assert [(e.target_id, e.detail["role"]) for e in added] == [(str(user.pk), "department_staff")] * 2
    assert [(e.target_id, e.detail["role"]) for e in removed] == [(str(user.pk), "department_staff")] * 2


def test_grants_and_their_removal_are_written(make_user, org_tree):
    from tests.core.test_roles import _branch

    branch = _branch(org_tree, "过江通道项目动迁攻坚支部")
    user = make_user(username="chenming")

    assign_perm("branches.view_branch", user, branch)
    remove_perm("branches.view_branch", user, branch)

    granted = _one(AuditAction.GRANT_ADD)
    revoked = _one(AuditAction.GRANT_REMOVE)
    for event in (granted, revoked):
        assert event.target_id == str(user.pk)
        assert event.detail["permission"] == "view_branch"
        assert event.detail["object"] == branch.name


def test_account_creation_deactivation_and_reactivation(make_user):
    user = make_user(username="chenming")
    assert _one(AuditAction.ACCOUNT_CREATE).target_id == str(user.pk)

    user.is_active = False
    user.save()
    user.full_name = "陈明"
    user.save()
    user.is_active = True
    user.save(update_fields=["is_active"])

    assert _one(AuditAction.ACCOUNT_DEACTIVATE).target_id == str(user.pk)
    assert _one(AuditAction.ACCOUNT_REACTIVATE).target_id == str(user.pk)


def test_admin_changes_are_written_with_the_admin_and_address(client, make_user):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    target = make_user(username="chenming", full_name="陈明")
    client.force_login(admin)
    AuditEvent.objects.filter(action=AuditAction.ROLE_ADD)  # noqa: B018 - nothing yet

    response = client.post(
        f"/admin/branches/user/{target.pk}/change/",
        {
            "username": "chenming", "full_name": "陈明明", "is_active": "on", "date_joined_0": "2026-11-01",
            "date_joined_1": "08:00:00", "groups": [Group.objects.get(name=Role.MEMBER).pk],
        },
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get(action_flag=CHANGE)
    event = _one(AuditAction.ADMIN_CHANGE)
    assert (event.actor_id, event.ip_address, event.target_id) == (admin.pk, ADDRESS, entry.object_id)
    role = _one(AuditAction.ROLE_ADD)
    assert (role.actor_id, role.ip_address, role.detail["role"]) == (admin.pk, ADDRESS, "member")


def test_an_export_in_the_request_and_one_by_the_worker_are_written_with_their_rows(make_user, org_tree, settings):
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])

    export_start(user=staff, name="branches", params={}, ip_address=ADDRESS)
    first = _one(AuditAction.EXPORT)
    assert (first.actor_id, first.ip_address, first.rows, first.detail["export"]) == (staff.pk, ADDRESS, 0, "branches")

    settings.EXPORT_SYNC_MAX_ROWS = -1
    with transaction.atomic():
        outcome = export_start(user=staff, name="branches", params={"q": "x"}, ip_address=ADDRESS)
    assert len(_events(AuditAction.EXPORT)) == 1  # nothing written until the file is
    job = export_job_run(job_id=outcome.job.pk)
    assert job.status == ExportJobStatus.DONE
    exports = _events(AuditAction.EXPORT)
    assert len(exports) == 2
    worker = exports[0]
    assert (worker.actor_id, worker.ip_address, worker.rows, worker.detail["job"]) == (staff.pk, ADDRESS, 0, job.pk)
    assert worker.detail["filters"] == {"q": ["x"]}


def test_the_download_of_an_export_job_is_written(client, make_user, org_tree, settings):
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])
    settings.EXPORT_SYNC_MAX_ROWS = -1
    outcome = export_start(user=staff, name="branches", params={})
    export_job_run(job_id=outcome.job.pk)
    client.force_login(staff)

    response = client.get(f"/exports/{outcome.job.pk}/download/", REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    event = _one(AuditAction.DOWNLOAD)
    assert (event.actor_id, event.ip_address, event.target_type, event.target_id) == (
        staff.pk, ADDRESS, "core.exportjob", str(outcome.job.pk),
    )


# ---------------------------------------------------------------- append-only and retention
def test_an_event_cannot_be_changed_or_deleted_through_the_orm(make_user):
    make_user(username="chenming")
    event = AuditEvent.objects.get()

    event.target_repr = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_an_event_or_delete_a_recent_one(make_user):
    make_user(username="chenming")
    event = AuditEvent.objects.get()
    table = AuditEvent._meta.db_table

    for sql in (f"UPDATE {table} SET target_repr = 'forged'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only|at least 180 days"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.get().target_repr == event.target_repr


@pytest.fixture
def on_the_database_clock(frozen_clock):
    """The purge (the application's clock) and the trail's trigger (PostgreSQL's own ``now()``,
    which no test can freeze) must agree on what is 180 days old: the test's clock moves to the
    database's. At TEST_NOW=New Year's Eve, 26 days ahead of the database, the trigger refused
    to delete an event the purge rightly took for 190 days old."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            frozen_clock.move_to(cursor.fetchone()[0])


def _old_event(days):
    # Written as it would have been that many days ago (an INSERT is all the trail allows).
    AuditEvent(action=AuditAction.LOGIN, actor_username="old", created_at=clock_now() - datetime.timedelta(days=days)).save()


def test_the_purge_drops_only_events_past_the_retention(settings, on_the_database_clock):
    settings.AUDIT_RETENTION_DAYS = 365
    _old_event(400)
    _old_event(300)

    assert audit_purge() == 1

    assert sorted(AuditEvent.objects.filter(action=AuditAction.LOGIN).values_list("actor_username", flat=True)) == ["old"]
    purge = _one(AuditAction.AUDIT_PURGE)
    assert purge.rows == 1


def test_the_retention_is_never_under_180_days(settings, on_the_database_clock):
    settings.AUDIT_RETENTION_DAYS = 30
    _old_event(190)
    _old_event(100)

    assert audit_purge() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == 1


def test_the_purge_runs_every_night():
    from django.conf import settings as live

    entry = live.CELERY_BEAT_SCHEDULE["audit-purge"]
    assert entry["task"] == "core.audit_purge"
    assert live.AUDIT_RETENTION_DAYS >= 180


def test_a_content_type_is_kept_for_a_log_entry_of_any_model():
    assert ContentType.objects.get_for_model(AuditEvent).model == "auditevent"


def test_a_document_download_is_written_with_the_requests_user_and_address(rf, make_user):
    user = make_user(username="chenming")
    request = rf.get("/", REMOTE_ADDR=ADDRESS)
    request.user = user
    HistoricalRecords.context.request = request
    try:
        attachment(b"PK", "调度会纪要.docx", "application/octet-stream")
    finally:
        del HistoricalRecords.context.request

    event = _one(AuditAction.DOWNLOAD)
    assert (event.actor_id, event.ip_address, event.target_repr) == (user.pk, ADDRESS, "调度会纪要.docx")
