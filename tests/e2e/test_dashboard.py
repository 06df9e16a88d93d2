"""The leaders' dashboard in Chromium: a leader opens it, drills down from the red count to the
red projects and on to a project showing its red light; the page at desktop and phone size and
its print layout (the briefing paper) are photographed, and printed to an A4 PDF."""

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from branches.roles import Role
from mechanisms.models import WeeklyReportStatus
from projects.models import Project
from tests.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.evaluation.dashboard_world import build, day, weekly

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def world(transactional_db, org_tree, make_user):
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)
    w = build(org_tree, make_user)
    # The detail page computes the light afresh: a deadline that has passed makes it red there too.
    Project.objects.filter(pk=w.p1.pk).update(deadline=day(-1))
    # A few filed weeks so that the trend has a shape.
    week = w.last_week
    for n in range(9):
        week = week.previous()
        weekly(branch=w.b1, week=week, status=WeeklyReportStatus.REVIEWED)
        if n % 3:
            weekly(branch=w.b2, week=week, status=WeeklyReportStatus.REVIEWED)
        if n % 2:
            weekly(branch=w.b3, week=week, status=WeeklyReportStatus.SUBMITTED)
    return w


def _context(browser, browser_context_args, viewport):
    return browser.new_context(**{**browser_context_args, "viewport": viewport})


def _watch(page) -> list:
    """Console errors (a CSP refusal is one), uncaught exceptions and failed loads."""
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource")
        else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None,
    )
    return errors


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # Leaders land on the dashboard.
    page.wait_for_url(f"{base}/evaluation/dashboard/")


def _charts_drawn(page):
    for name in ("lights", "trend", "fronts", "fields", "satisfaction"):
        page.wait_for_selector(f'[data-chart="{name}"] svg')


def test_a_leader_drills_down_from_the_red_count_to_the_red_project(
    world, live_server, browser, browser_context_args, screenshot
):
    base = live_server.url
    context = _context(browser, browser_context_args, DESKTOP)
    page = context.new_page()
    errors = _watch(page)

    _login(page, base, "leader_a")
    _charts_drawn(page)
    assert page.locator('[data-testid="kpi-red-value"]').inner_text() == "2"
    assert page.locator('[data-testid="kpi-reports-value"]').inner_text() == "67%"
    assert "泰兴" not in page.content()
    screenshot(page, "dashboard-desktop")

    with page.expect_navigation():
        page.click('[data-testid="kpi-red"]')
    assert page.url == f"{base}/projects/?light=red&status=in_progress"
    rows = page.locator('[data-testid="project-row"]')
    assert rows.count() == 2
    assert {rows.nth(i).locator('[data-testid="light"]').get_attribute("data-light") for i in range(2)} == {"red"}
    screenshot(page, "red-projects")

    with page.expect_navigation():
        page.click('[data-testid="project-table"] a:text-is("过江通道征迁")')
    assert page.url == f"{base}/projects/{world.p1.pk}/"
    assert page.locator('[data-testid="light"]').first.get_attribute("data-light") == "red"
    screenshot(page, "red-project")

    # The breakdown drills down too: front → field → branch.
    page.goto(f"{base}/evaluation/dashboard/")
    with page.expect_navigation():
        page.click('[data-testid="breakdown-link"]:has-text("重大项目")')
    with page.expect_navigation():
        page.click('[data-testid="breakdown-link"]:has-text("动迁")')
    assert page.locator('[data-testid="breakdown"]').get_attribute("data-level") == "branch"
    assert page.locator('[data-testid="breakdown-row"]').count() == 2
    assert errors == []
    context.close()


def test_the_dashboard_on_a_phone(world, live_server, browser, browser_context_args, screenshot):
    base = live_server.url
    context = _context(browser, browser_context_args, PHONE)
    page = context.new_page()
    errors = _watch(page)

    _login(page, base, "leader_a")
    _charts_drawn(page)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert not page.locator('[data-testid="dashboard-filters"]').is_visible()  # folded away
    screenshot(page, "dashboard-phone")
    assert errors == []
    context.close()


def test_the_print_layout_is_an_a4_briefing_paper(world, live_server, browser, browser_context_args, screenshot):
    base = live_server.url
    context = _context(browser, browser_context_args, DESKTOP)
    page = context.new_page()
    errors = _watch(page)

    _login(page, base, "leader_a")
    _charts_drawn(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")

    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator('[data-testid="dashboard-filters"]').is_visible()
    assert not page.locator('[data-testid="dashboard-print"]').is_visible()
    assert page.locator('[data-chart="lights"] svg').is_visible()
    screenshot(page, "dashboard-print")

    pdf = ARTIFACTS / "dashboard-briefing.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        # The pages as pictures, to look at (tests/artifacts/dashboard-briefing-1.png …).
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "dashboard-briefing")], check=True)
    assert errors == []
    context.close()


def test_the_export_job_page_follows_the_job_until_its_download(
    world, live_server, browser, browser_context_args, screenshot
):
    from core import exports
    from core.models import ExportJob, ExportJobStatus

    job = ExportJob.objects.create(user=world.leader, name="projects", title="攻坚项目", total=4000, progress=1200,
                                   status=ExportJobStatus.RUNNING, filename="攻坚项目-20261127.xlsx")
    base = live_server.url
    context = _context(browser, browser_context_args, PHONE)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "leader_a")

    page.goto(f"{base}/exports/{job.pk}/")
    assert page.locator("progress.export-progress").get_attribute("value") == "30"
    screenshot(page, "export-running-phone")

    # The worker moves on; the page asks again every second (htmx) and shows it without a reload.
    ExportJob.objects.filter(pk=job.pk).update(progress=3000)
    expect(page.locator("progress.export-progress")).to_have_attribute("value", "75", timeout=10_000)
    exports._move(job, ExportJobStatus.DONE, progress=4000)
    page.wait_for_selector('[data-testid="export-download"]', timeout=10_000)
    assert page.locator('[data-testid="export-status"]').get_attribute("data-status") == "done"
    assert page.locator('[data-testid="export-status"]').get_attribute("hx-get") is None  # polling stopped
    screenshot(page, "export-done-phone")
    assert errors == []
    context.close()
