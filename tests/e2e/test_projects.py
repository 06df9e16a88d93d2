"""The projects journey through the real pages, in Chromium.

Department staff form a cross-department branch, appoint its secretary, attach a project with
a 调度长, an indicator and a milestone; the 调度长 marks the milestone done and the secretary
records a reading on a phone. The burn-up chart is drawn (a canvas, no console or CSP error) and
photographed at desktop and phone size.
"""

import datetime

import pytest

from branches.models import Branch, BranchScope, BranchStatus, Front, Membership, MembershipRole, Person
from branches.roles import Role
from branches.services import branch_create, membership_appoint
from projects.models import Project
from tests.clock import clock_today
from tests.conftest import DESKTOP, PHONE
from tests.e2e.pickers import pick
from tests.projects.factories import work_field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def role_groups(transactional_db):
    # A transactional test empties every table afterwards, the role groups of the data
    # migration included; a reused test database may start without them.
    from django.contrib.auth.models import Group

    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def people(role_groups, org_tree, make_user):
    t = org_tree
    staff = make_user(role=Role.DEPARTMENT_STAFF, organization=t["city_a"], username="zuzhibu", full_name="陈明")
    chief = make_user(organization=t["committee_a"], username="diaoduzhang", full_name="刘建国")
    secretary = make_user(organization=t["town_a"], username="shuji", full_name="张卫东")
    person = Person.objects.create(name="张卫东", gender="male", work_unit=t["town_a"], user=secretary, phone="13900000001")
    return {"t": t, "staff": staff, "chief": chief, "secretary": secretary, "secretary_person": person,
            "field": work_field("动迁", Front.MAJOR_PROJECT)}


def _context(browser, browser_context_args, viewport, **extra):
    return browser.new_context(**{**browser_context_args, "viewport": viewport, **extra})


def _watch(page) -> list:
    """Collect console errors and uncaught exceptions (a CSP violation is a console error)."""
    errors = []
    # Failed loads are checked by URL below (the browser's own /favicon.ico probe is not ours).
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource")
        else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}")
        if r.status >= 400 and not r.url.endswith("/favicon.ico")
        else None,
    )
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks before destructive posts
    return errors


def _login(page, base, username, next_url):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def _iso(days: int) -> str:
    return (clock_today() + datetime.timedelta(days=days)).isoformat()


def _submit(page):
    with page.expect_navigation():
        page.click('[data-testid="submit"]')


def _build_project_through_pages(page, base, people, branch_pk) -> Project:
    """From the branch's "add project" link: the project, an indicator, a milestone, readings."""
    t = people["t"]
    page.goto(f"{base}/projects/new/?branch={branch_pk}")
    assert page.input_value("#id_branch") == str(branch_pk)  # preselected from ?branch=
    page.fill("#id_name", "过江通道征迁")
    page.fill("#id_goal", "28天完成225户搬迁户的征迁工作，确保工程如期开工")
    page.fill("#id_start_on", _iso(-30))
    page.fill("#id_deadline", _iso(30))
    page.select_option("#id_field", str(people["field"].pk))
    page.select_option("#id_front", Front.MAJOR_PROJECT)
    pick(page, "id_lead_unit", t["committee_a"].name)
    pick(page, "id_responsible_units", t["town_a"].name)
    pick(page, "id_responsible_units", t["department_a"].name)
    pick(page, "id_dispatch_chief", people["chief"].full_name)
    page.select_option("#id_dispatch_cadence", "weekly")
    _submit(page)
    project = Project.objects.get(name="过江通道征迁")
    assert page.url == f"{base}/projects/{project.pk}/"
    assert "刘建国" in page.locator('[data-testid="dispatch-chief"]').inner_text()

    page.click('[data-testid="indicator-add"]')
    page.fill("#id_name", "搬迁户数")
    page.fill("#id_unit", "户")
    page.fill("#id_baseline", "0")
    page.fill("#id_target", "225")
    _submit(page)
    page.click('[data-testid="milestone-add"]')
    page.fill("#id_name", "完成入户评估")
    page.fill("#id_due_on", _iso(-2))
    _submit(page)
    assert page.locator('[data-testid="milestone"]').count() == 1

    for days, value, note in [(-20, "40", "首批签约"), (-10, "90", "第二批签约")]:
        page.click('[data-testid="reading-add"]')
        page.fill("#id_value", value)
        page.fill("#id_recorded_on", _iso(days))
        page.fill("#id_note", note)
        _submit(page)
    assert page.locator('[data-testid="reading-row"]').count() == 2
    project.refresh_from_db()
    return project


def _check_chart(page, project):
    indicator = project.indicators.get()
    chart = page.locator(f"#burnup-{indicator.pk}")
    chart.scroll_into_view_if_needed()
    page.wait_for_selector(f"#burnup-{indicator.pk} canvas")
    box = chart.bounding_box()
    assert box["width"] > 250 and box["height"] > 200


def _chief_marks_the_milestone_done(browser, browser_context_args, base, project, screenshot):
    context = _context(browser, browser_context_args, DESKTOP)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "diaoduzhang", f"/projects/{project.pk}/")
    assert page.locator('[data-testid="manage-actions"]').count() == 0  # the chief steers nothing
    with page.expect_navigation():
        page.click('[data-testid="milestone-done"]')
    assert page.locator('[data-testid="milestone-done"]').count() == 0
    assert project.milestones.get().done_on == clock_today()
    assert errors == []
    context.close()


def _secretary_records_on_a_phone(browser, browser_context_args, base, project, screenshot):
    context = _context(browser, browser_context_args, PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "shuji", f"/projects/{project.pk}/")
    page.click('[data-testid="reading-add"]')
    page.fill("#id_value", "130")
    page.fill("#id_note", "本周腾空40户")
    _submit(page)
    assert page.locator('[data-testid="indicator-current"]').inner_text().strip() == "130"
    assert page.locator('[data-testid="light"]').first.get_attribute("data-light") == "green"
    _check_chart(page, project)
    # Nothing overflows sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.scrollTo(0, 0)")  # the sticky navbar is drawn where the viewport is
    page.wait_for_timeout(300)
    screenshot(page, "detail-phone")
    # The list on a phone: the filters fold away behind one button.
    page.goto(f"{base}/projects/")
    assert not page.locator('[data-testid="project-filters"]').is_visible()
    assert page.locator('[data-testid="project-row"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "list-phone")
    assert errors == []
    context.close()


def test_project_journey_on_a_branch_made_in_setup(people, live_server, browser, browser_context_args, screenshot):
    """The project part alone, on a branch made by the service (independent of the branch pages)."""
    t, staff = people["t"], people["staff"]
    branch = branch_create(
        by=staff, name="澄靖第二过江通道征迁攻坚支部", front=Front.MAJOR_PROJECT, field=people["field"],
        scope=BranchScope.CROSS_DOMAIN, supervising_committee=t["committee_a"], lead_unit=t["committee_a"],
        responsible_units=[t["town_a"], t["department_a"]], goal="28天完成225户征迁",
    )
    membership_appoint(branch=branch, person=people["secretary_person"], role=MembershipRole.SECRETARY, by=staff)
    base = live_server.url
    context = _context(browser, browser_context_args, DESKTOP)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "zuzhibu", "/projects/")
    project = _build_project_through_pages(page, base, people, branch.pk)
    _check_chart(page, project)
    assert page.locator('[data-testid="history"] li').count() >= 4
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    screenshot(page, "detail-desktop")
    # The list finds it by the 调度长 filter, and the export link keeps the filter.
    page.goto(f"{base}/projects/?dispatch_chief={people['chief'].pk}")
    assert page.locator('[data-testid="project-row"]').count() == 1
    assert f"dispatch_chief={people['chief'].pk}" in page.get_attribute('[data-testid="project-export"]', "href")
    screenshot(page, "list-desktop")
    assert errors == []
    context.close()

    _chief_marks_the_milestone_done(browser, browser_context_args, base, project, screenshot)
    _secretary_records_on_a_phone(browser, browser_context_args, base, project, screenshot)


def test_staff_form_a_cross_department_branch_with_a_project_through_the_pages(
    people, live_server, browser, browser_context_args, screenshot
):
    """The whole journey: the branch and its secretary through the branch pages too."""
    t = people["t"]
    base = live_server.url
    context = _context(browser, browser_context_args, DESKTOP)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "zuzhibu", "/branches/new/")

    page.fill("#id_name", "澄靖第二过江通道征迁攻坚支部")
    page.fill("#id_batch", "2")
    page.select_option("#id_front", Front.MAJOR_PROJECT)
    page.select_option("#id_field", str(people["field"].pk))
    page.select_option("#id_scope", BranchScope.CROSS_DOMAIN)
    pick(page, "id_supervising_committee", t["committee_a"].name)
    pick(page, "id_lead_unit", t["committee_a"].name)
    pick(page, "id_responsible_units", t["town_a"].name)
    pick(page, "id_responsible_units", t["department_a"].name)
    page.fill("#id_goal", "联合属地党委、工程建设方、供电等部门，28天完成225户搬迁户的征迁工作")
    page.fill("#id_formed_on", _iso(-30))
    page.fill("#id_planned_end_on", _iso(60))
    with page.expect_navigation():
        page.click('[data-testid="branch-form"] button[type=submit]')
    branch = Branch.objects.get(name="澄靖第二过江通道征迁攻坚支部")
    assert page.url == f"{base}/branches/{branch.pk}/"
    assert branch.scope == BranchScope.CROSS_DOMAIN and branch.responsible_units.count() == 2

    # Appoint the secretary: find them in the registry, then appoint.
    page.goto(f"{base}/branches/{branch.pk}/members/add/?q=张卫东")
    page.select_option("#id_person", str(people["secretary_person"].pk))
    page.select_option("#id_role", MembershipRole.SECRETARY)
    with page.expect_navigation():
        page.click('[data-testid="membership-form"] button[type=submit]')
    assert Membership.objects.filter(
        branch=branch, person=people["secretary_person"], role=MembershipRole.SECRETARY, left_on__isnull=True
    ).exists()

    # The branch page leads to a new project for this branch.
    page.goto(f"{base}/branches/{branch.pk}/")
    add = page.locator('[data-testid="project-add"]')
    assert f"branch={branch.pk}" in add.get_attribute("href")
    project = _build_project_through_pages(page, base, people, branch.pk)
    _check_chart(page, project)
    assert errors == []

    # The branch now has what it needs to start.
    branch.refresh_from_db()
    assert branch.status == BranchStatus.PROPOSED
    assert branch.projects.count() == 1
    context.close()

    _chief_marks_the_milestone_done(browser, browser_context_args, base, project, screenshot)
    _secretary_records_on_a_phone(browser, browser_context_args, base, project, screenshot)
