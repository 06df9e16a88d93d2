"""Who may open the reminder log, a reminder, resend, the preferences page and the nudge:
anonymous → login, wrong role → 404, other city → 404, the holder → 200/302."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from branches.roles import Role
from mechanisms.models import NotificationPreference, Reminder, ReminderKind
from projects.services import project_assign_dispatch_chief
from tests.mechanisms.reminders.test_views import make_reminder
from tests.mechanisms.reminders_world import seed_calendar
from tests.mechanisms.requests_world import build_world
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix


def build(org_tree, make_user):
    seed_calendar()
    w = build_world(org_tree, make_user)
    w.chief.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    # A 调度长 in city B with a project of their own.
    w.chief_b = make_user(role=Role.DISPATCH_CHIEF, organization=org_tree["committee_b"], username="chief_b", full_name="赵泰")
    project_assign_dispatch_chief(project=w.b_branch.projects.get(), user=w.chief_b, by=w.staff_b)
    # Another 调度长 in city A, not of this project.
    w.chief_other = make_user(role=Role.DISPATCH_CHIEF, organization=org_tree["committee_a"], username="chief2", full_name="马调度")
    w.reminder = make_reminder(w.chief, channels=(("in_app", "sent"), ("email", "failed")))
    w.reminder_b = make_reminder(w.b_secretary, n=9, kind=ReminderKind.WEEKLY_REPORT_DUE, title="周报今日截止：泰兴支部")
    return w


world_once, world = shared_world(build)  # built once per module: tests/shared_world.py


@pytest.mark.django_db
def test_the_log_is_for_department_staff_only(world):
    assert_status_matrix(
        Client,
        reverse("mechanisms:reminder_log"),
        {
            None: 302, world.staff: 200, world.staff_b: 200, world.leader: 404, world.chief: 404,
            world.secretary: 404, world.member: 404, world.liaison: 404,
        },
    )


@pytest.mark.django_db
def test_another_citys_staff_see_neither_the_rows_nor_the_reminder(world):
    client = Client()
    client.force_login(world.staff_b)
    page = client.get(reverse("mechanisms:reminder_log")).content.decode()
    assert world.reminder_b.title in page and world.reminder.title not in page
    assert page.count('data-testid="reminder-row"') == 1
    url = reverse("mechanisms:reminder_detail", args=[world.reminder.pk])
    assert_status_matrix(
        Client, url, {None: 302, world.staff: 200, world.staff_b: 404, world.leader: 404, world.chief: 404, world.secretary: 404}
    )
    export = client.get(reverse("mechanisms:reminder_log"), {"export": "xlsx"})
    assert world.reminder.title.encode() not in export.content


@pytest.mark.django_db
def test_resend_is_for_the_staff_of_the_recipients_city(world):
    delivery = world.reminder.deliveries.get(channel="in_app")
    url = reverse("mechanisms:delivery_resend", args=[delivery.pk])
    assert_status_matrix(
        Client, url,
        {None: 302, world.staff_b: 404, world.leader: 404, world.chief: 404, world.secretary: 404, world.staff: 302},
        method="post",
    )
    delivery.refresh_from_db()
    assert delivery.resends == 1  # only the one allowed POST went through


@pytest.mark.django_db
def test_everyone_has_their_own_preferences_page_and_only_their_own(world):
    url = reverse("mechanisms:reminder_preferences")
    assert_status_matrix(
        Client, url, {None: 302, world.staff: 200, world.leader: 200, world.chief: 200, world.secretary: 200, world.liaison: 200}
    )
    client = Client()
    client.force_login(world.member)
    client.post(url, {"email": "on", "quiet_start": "22:00", "quiet_end": "07:00", "user": world.chief.pk})
    assert list(NotificationPreference.objects.values_list("user__username", flat=True)) == ["member"]


@pytest.mark.django_db
def test_only_the_projects_dispatch_chief_may_nudge(world):
    url = reverse("mechanisms:nudge")
    data = {"target": "weekly", "pk": world.branch.pk}
    assert_status_matrix(
        Client, url,
        {
            None: 302, world.staff: 404, world.leader: 404, world.secretary: 404, world.liaison: 404,
            world.chief_other: 404, world.chief_b: 404,
        },
        method="post", data=data,
    )
    assert not Reminder.objects.filter(kind=ReminderKind.NUDGE).exists()
    assert_status_matrix(Client, url, {world.chief: 302}, method="post", data=data)
    assert Reminder.objects.filter(kind=ReminderKind.NUDGE, recipient=world.secretary).count() == 1
    # A city-B branch by a city-A 调度长: 404 (and nothing is said about whether it exists).
    assert_status_matrix(Client, url, {world.chief: 404}, method="post", data={"target": "weekly", "pk": world.b_branch.pk})
    assert_status_matrix(Client, url, {world.chief: 404}, method="post", data={"target": "nonsense", "pk": 1})
    assert_status_matrix(Client, url, {world.chief: 405}, method="get")


@pytest.mark.django_db
def test_the_admin_pages_show_staff_only_their_citys_reminders(world):
    staff = world.staff
    staff.is_staff = True
    staff.save()
    for codename in ("view_reminder", "view_reminderdelivery"):
        from django.contrib.auth.models import Permission

        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:mechanisms_reminder_changelist")).content.decode()
    assert world.reminder.title in page and world.reminder_b.title not in page
    assert client.get(reverse("admin:mechanisms_reminder_change", args=[world.reminder_b.pk])).status_code in (302, 404)
    page = client.get(reverse("admin:mechanisms_reminderdelivery_changelist")).content.decode()
    assert page.count(world.reminder.title) == 2
