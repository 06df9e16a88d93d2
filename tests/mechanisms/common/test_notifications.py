"""In-app notifications: created (once per person, after commit for e-mail), listed, the unread
badge, opening marks read, someone else's notification is a 404."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mechanisms.common.selectors import unread_count
from mechanisms.common.services import notifications_send_emails, notify
from mechanisms.models import Notification, NotificationKind, NotificationPreference
from tests.utils import assert_status_matrix, get_query_count


@pytest.fixture
def people(make_user, org_tree):
    alice = make_user(organization=org_tree["town_a"], username="alice", full_name="张卫东", email="alice@example.cn")
    bob = make_user(organization=org_tree["town_a"], username="bob", full_name="孙丽", email="bob@example.cn")
    return alice, bob


def test_notify_creates_one_per_active_person_and_emails_after_commit(people, make_user, django_capture_on_commit_callbacks):
    alice, bob = people
    gone = make_user(username="gone", is_active=False, email="gone@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            recipients=[alice, alice, None, gone, bob], kind=NotificationKind.RETURNED, title="周报被退回", url="/x/"
        )
    assert sorted(n.recipient.username for n in created) == ["alice", "bob"]
    assert len(callbacks) == 1, "e-mail is sent only once the transaction commits"
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.cn", "bob@example.cn"]
    assert all(n.emailed_at for n in Notification.objects.all())


def test_nothing_is_emailed_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    alice, _ = people
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[alice], title="不会发送")
    assert mail.outbox == [] and len(callbacks) == 1


def test_list_shows_only_my_notifications_and_the_unread_filter(client, people):
    alice, bob = people
    notify(recipients=[alice], title="周报已审阅", email=False)
    read = notify(recipients=[alice], title="请示已答复", email=False)[0]
    notify(recipients=[bob], title="别人的通知", email=False)
    Notification.objects.filter(pk=read.pk).update(read_at="2025-03-03T10:00:00+08:00")
    client.force_login(alice)
    html = client.get(reverse("mechanisms:notification_list")).content.decode()
    assert "周报已审阅" in html and "请示已答复" in html and "别人的通知" not in html
    unread = client.get(reverse("mechanisms:notification_list") + "?unread=1").content.decode()
    assert "周报已审阅" in unread and "请示已答复" not in unread


def test_unread_badge_counts_unread(client, people):
    alice, _ = people
    client.force_login(alice)
    page = client.get(reverse("mechanisms:notification_list")).content.decode()
    assert 'data-testid="notification-bell"' in page and 'data-testid="unread-badge"' not in page
    notify(recipients=[alice], title="一", email=False)
    notify(recipients=[alice], title="二", email=False)
    page = client.get(reverse("mechanisms:notification_list")).content.decode()
    assert 'data-testid="unread-badge">2<' in page
    assert unread_count(alice) == 2


def test_open_marks_read_and_follows_the_link(client, people):
    alice, _ = people
    note = notify(recipients=[alice], title="周报被退回", url="/mechanisms/weekly/", email=False)[0]
    client.force_login(alice)
    response = client.get(reverse("mechanisms:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/mechanisms/weekly/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert unread_count(alice) == 0


def test_an_outside_link_is_not_followed(client, people):
    alice, _ = people
    note = notify(recipients=[alice], title="可疑链接", url="https://evil.example/", email=False)[0]
    client.force_login(alice)
    response = client.get(reverse("mechanisms:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("mechanisms:notification_list")


def test_someone_elses_notification_is_404_and_stays_unread(people):
    alice, bob = people
    note = notify(recipients=[bob], title="孙丽的通知", email=False)[0]
    url = reverse("mechanisms:notification_open", args=[note.pk])
    assert_status_matrix(Client, url, {None: 302, alice: 404})
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all(client, people):
    alice, bob = people
    notify(recipients=[alice, bob], title="一", email=False)
    notify(recipients=[alice], title="二", email=False)
    client.force_login(alice)
    client.post(reverse("mechanisms:notifications_read_all"))
    assert unread_count(alice) == 0 and unread_count(bob) == 1


def test_list_requires_login(people):
    alice, _ = people
    assert_status_matrix(Client, reverse("mechanisms:notification_list"), {None: 302, alice: 200})


def test_list_query_count_is_constant(client, people):
    alice, _ = people
    client.force_login(alice)
    url = reverse("mechanisms:notification_list")
    for i in range(10):
        notify(recipients=[alice], title=f"通知{i}", email=False)
    small = get_query_count(client, url)
    Notification.objects.bulk_create(Notification(recipient=alice, title=f"更多{i}", kind="info") for i in range(190))
    large = get_query_count(client, url)
    assert small == large
    # session, user, roles, the page's count and rows, the unread badge: nothing per row. A new
    # query here needs a reason.
    assert large == 6, large


# ---------------------------------------------------------------- the e-mail outbox
def test_a_person_who_switched_email_off_gets_the_notification_in_app_only(people, django_capture_on_commit_callbacks):
    alice, bob = people
    NotificationPreference.objects.create(user=bob, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, bob], title="请示已答复")
    assert [m.to for m in mail.outbox] == [["alice@example.cn"]]
    assert Notification.objects.filter(recipient=bob, emailed_at__isnull=True).count() == 1


def test_the_email_carries_a_stable_idempotency_key(people, django_capture_on_commit_callbacks):
    alice, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[alice], title="周报已审阅", url="/mechanisms/weekly/1/")
    headers = mail.outbox[0].extra_headers
    assert headers["X-Idempotency-Key"] == f"notification-{created[0].pk}"
    assert headers["Message-ID"].startswith(f"<notification-{created[0].pk}@")


def test_a_failed_send_stays_unsent_and_goes_out_when_retried(people, settings):
    alice, _ = people
    row = notify(recipients=[alice], title="指令已退回", email=False)[0]
    settings.EMAIL_BACKEND = "tests.mechanisms.common.failing_mail.Backend"
    outcome = notifications_send_emails(notification_ids=[row.pk])
    assert (outcome.sent, outcome.failed) == (0, [row.pk])
    row.refresh_from_db()
    assert row.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = notifications_send_emails(notification_ids=[row.pk, row.pk])
    assert (again.sent, again.failed) == (1, [])  # once, even when asked twice
    assert len(mail.outbox) == 1
