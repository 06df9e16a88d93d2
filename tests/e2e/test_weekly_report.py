"""A secretary files the weekly report on a phone (390×844) — last week's plan ticked off, one
indicator reading — and the department staff reviews it on a desktop; the secretary then sees
the unread badge. Screenshots under tests/artifacts/."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from branches.models import Light
from mechanisms.models import Notification, WeeklyReport, WeeklyReportStatus
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import WeeklyContent, weekly_report_create, weekly_report_review
from tests.conftest import DESKTOP, PHONE
from tests.mechanisms.requests_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # tests/conftest.py make_user


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def _log_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def _fits_the_phone(page):
    """Nothing on a phone page may be wider than the screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def world(org_tree, make_user):
    w = build_world(org_tree, make_user)
    # Last week's report, reviewed, with a plan: it opens as this week's checklist.
    last = weekly_report_create(
        branch=w.branch, by=w.secretary, week=current_week().previous(), submit=True,
        content=WeeklyContent(work_done="完成首批入户评估。", next_week_plan="1. 完成剩余32户入户评估\n2. 召开动迁户座谈会"),
    )
    weekly_report_review(report=last, by=w.staff, comment="已阅")
    Notification.objects.all().delete()
    return w


def test_secretary_files_on_a_phone_and_staff_reviews(page, live_server, world, screenshot):
    w = world
    violations = _watch_csp(page)
    base = live_server.url

    # ------------------------------------------------------------ the secretary, on a phone
    page.set_viewport_size(PHONE)
    _log_in(page, base, "secretary")
    expect(page).to_have_url(f"{base}{reverse('mechanisms:secretary_home')}")
    week_card = page.get_by_test_id("week-card")
    expect(week_card.get_by_test_id("weekly-status")).to_have_attribute("data-status", "missing")
    _fits_the_phone(page)
    screenshot(page, "1-secretary-home-phone")

    page.get_by_test_id("file-weekly").click()
    expect(page.get_by_test_id("weekly-form")).to_be_visible()
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("完成剩余32户入户评估")
    expect(checklist).to_contain_text("召开动迁户座谈会")
    indicator = page.locator(f"#id_indicator_{w.indicator.pk}")
    expect(indicator).to_have_value("0.00")

    page.get_by_text("完成剩余32户入户评估").click()  # the whole row is the tap target
    expect(page.get_by_test_id("checklist-count")).to_have_text("1 / 2")
    page.fill("#id_work_done", "完成剩余32户入户评估，签约18户；召开座谈会推迟到下周。")
    indicator.fill("150")
    expect(indicator).to_have_class(re.compile(r"\bis-changed\b"))  # static/js/weekly.js marks what moved
    page.fill("#id_problems_met", "3户对补偿标准有异议")
    page.fill("#id_next_week_plan", "1. 召开动迁户座谈会\n2. 推进剩余户签约")
    page.fill("#id_support_needed", "请市住建局协调临时安置房源")
    _fits_the_phone(page)
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    screenshot(page, "2a-weekly-form-top-phone", full_page=False)
    # Bootstrap scrolls smoothly: jump, or the screenshot catches the page mid-scroll.
    indicator.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    screenshot(page, "2b-weekly-form-indicators-phone", full_page=False)

    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("weekly-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("work-done")).to_contain_text("签约18户")
    expect(page.get_by_test_id("readings")).to_contain_text("150")
    _fits_the_phone(page)
    screenshot(page, "3-weekly-detail-phone")

    report = WeeklyReport.objects.get(iso_year=current_week().iso_year, iso_week=current_week().iso_week)
    assert report.status == WeeklyReportStatus.SUBMITTED
    assert report.checklist == [
        {"item": "完成剩余32户入户评估", "done": True},
        {"item": "召开动迁户座谈会", "done": False},
    ]
    w.indicator.refresh_from_db()
    w.project.refresh_from_db()
    assert w.indicator.current_value == Decimal("150")
    assert w.project.light == Light.GREEN

    # ------------------------------------------------------------ the department, on a desktop
    page.set_viewport_size(DESKTOP)
    _log_in(page, base, "staff")
    page.goto(f"{base}{reverse('mechanisms:weeklyreport_list')}?status=submitted")
    rows = page.get_by_test_id("weekly-row")
    expect(rows).to_have_count(1)
    screenshot(page, "4-staff-list-desktop")
    rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("review-card")).to_be_visible()
    page.fill("#id_comment", "进展扎实，座谈会请抓紧召开。")
    page.get_by_test_id("review-button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("weekly-status")).to_have_attribute("data-status", "reviewed")
    expect(page.get_by_test_id("review-comment")).to_contain_text("座谈会请抓紧召开")
    screenshot(page, "5-staff-reviewed-desktop")

    # ------------------------------------------------------------ back on the phone: the badge
    page.set_viewport_size(PHONE)
    _log_in(page, base, "secretary")
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")
    expect(page.get_by_test_id("week-card").get_by_test_id("weekly-status")).to_have_attribute("data-status", "reviewed")
    screenshot(page, "6-secretary-badge-phone", full_page=False)
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notifications")).to_contain_text(w.branch.name)

    assert violations == []


def test_quiet_week_is_one_tap_on_a_phone(page, live_server, world, screenshot):
    w = world
    violations = _watch_csp(page)
    page.set_viewport_size(PHONE)
    _log_in(page, live_server.url, "secretary")
    page.get_by_test_id("quick-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("weekly-status")).to_have_attribute("data-status", "submitted")
    _fits_the_phone(page)
    screenshot(page, "quiet-week-phone")
    report = WeeklyReport.objects.get(iso_year=current_week().iso_year, iso_week=current_week().iso_week)
    assert report.no_significant_change and report.work_done
    assert not report.readings.exists()
    w.indicator.refresh_from_db()
    assert w.indicator.current_value == 0
    assert violations == []
