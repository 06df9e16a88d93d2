"""Reminders in a real browser: the 调度长 nudges a late secretary from the cockpit; the secretary
finds the nudge under the bell on a phone and sets quiet hours; department staff read the
reminder log, open the nudge and resend it (recorded with their name). Screenshots in
tests/artifacts/."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from branches.roles import Role
from mechanisms.models import Notification, NotificationPreference, Reminder, ReminderKind
from tests.conftest import DESKTOP, PHONE
from tests.mechanisms.reminders_world import seed_calendar
from tests.mechanisms.requests_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # tests/conftest.py make_user


@pytest.fixture
def world(transactional_db, org_tree, make_user):
    seed_calendar()
    w = build_world(org_tree, make_user)
    w.chief.groups.add(Group.objects.get_or_create(name=Role.DISPATCH_CHIEF)[0])
    return w


def _page(browser, browser_context_args, size):
    context = browser.new_context(**browser_context_args, viewport=size)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks first: say yes
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.csp_violations = violations
    return page


def _log_in(page, base_url, username):
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_nudge_notification_preferences_and_the_log(browser, browser_context_args, live_server, world, screenshot):
    base = live_server.url

    # ---- the 调度长 nudges the secretary whose weekly report is late
    chief = _page(browser, browser_context_args, DESKTOP)
    _log_in(chief, base, "chief")
    expect(chief).to_have_url(re.compile(r"/mechanisms/cockpit/$"))
    panel = chief.get_by_test_id("nudge-panel")
    target = panel.locator(f'[data-target="weekly"][data-pk="{world.branch.pk}"]')
    expect(target).to_contain_text(world.branch.name)
    expect(target).to_contain_text("张卫东")
    target.get_by_test_id("nudge").click()
    chief.wait_for_load_state()
    expect(chief.locator(".alert-success")).to_contain_text("张卫东")
    expect(target.get_by_test_id("nudge-wait")).to_be_visible()  # the next one only in four hours
    screenshot(chief, "cockpit-nudged-desktop")
    assert chief.csp_violations == []

    # ---- the secretary, on a phone: the nudge under the bell; quiet hours
    secretary = _page(browser, browser_context_args, PHONE)
    _log_in(secretary, base, "secretary")
    expect(secretary.get_by_test_id("unread-badge")).to_be_visible()
    secretary.get_by_test_id("notification-bell").click()
    secretary.wait_for_load_state()
    expect(secretary.locator("main")).to_contain_text("刘建国")
    screenshot(secretary, "secretary-notifications-phone")
    secretary.goto(f"{base}{reverse('mechanisms:reminder_preferences')}")
    secretary.fill("#id_quiet_start", "21:30")
    secretary.get_by_test_id("save").click()
    # Only one end of the quiet hours: refused, with what was typed kept.
    expect(secretary.get_by_test_id("preferences-form").locator(".alert-danger")).to_be_visible()
    expect(secretary.locator("#id_quiet_start")).to_have_value("21:30")
    assert not NotificationPreference.objects.filter(user=world.secretary).exists()
    secretary.fill("#id_quiet_end", "07:30")
    secretary.get_by_test_id("save").click()
    expect(secretary.locator(".alert-success")).to_be_visible()
    _no_sideways_scroll(secretary)
    screenshot(secretary, "preferences-phone")
    pref = NotificationPreference.objects.get(user=world.secretary)
    assert (pref.quiet_start.strftime("%H:%M"), pref.quiet_end.strftime("%H:%M")) == ("21:30", "07:30")
    assert secretary.csp_violations == []

    # ---- department staff: the log, the nudge's detail, resend
    staff = _page(browser, browser_context_args, DESKTOP)
    _log_in(staff, base, "staff")
    staff.goto(f"{base}{reverse('mechanisms:reminder_log')}")
    rows = staff.get_by_test_id("reminder-row")
    expect(rows.filter(has_text="张卫东")).to_have_count(1)
    staff.select_option("#id_kind", ReminderKind.NUDGE.value)
    staff.locator("#list-filters button[type=submit]").click()
    staff.wait_for_load_state()
    expect(rows).to_have_count(1)
    screenshot(staff, "log-desktop")
    rows.first.locator("a.fw-semibold").click()
    staff.wait_for_load_state()
    expect(staff.get_by_test_id("reminder-title")).to_contain_text(world.branch.name)
    staff.get_by_test_id("resend").first.click()
    staff.wait_for_load_state()
    expect(staff.locator(".alert-success")).to_be_visible()
    expect(staff.get_by_test_id("delivery-history").first).to_contain_text("陈明")
    screenshot(staff, "detail-resent-desktop")
    nudge = Reminder.objects.get(kind=ReminderKind.NUDGE)
    assert Notification.objects.filter(recipient=world.secretary, title=nudge.title).count() == 2
    assert staff.csp_violations == []

    phone = _page(browser, browser_context_args, PHONE)
    _log_in(phone, base, "staff")
    phone.goto(f"{base}{reverse('mechanisms:reminder_log')}")
    expect(phone.get_by_test_id("reminder-row")).to_have_count(1)
    _no_sideways_scroll(phone)
    screenshot(phone, "log-phone")
