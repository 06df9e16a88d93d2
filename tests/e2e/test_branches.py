"""The secretary on a phone: logs in and finds their own branch, and only that one."""

import pytest

from tests.branches.factories import build_world
from tests.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def role_groups(transactional_db):
    # A transactional test empties every table afterwards, the role groups of the data
    # migration included; a reused test database may therefore start without them.
    from django.contrib.auth.models import Group

    from branches.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def world(role_groups, org_tree, make_user):
    return build_world(org_tree, make_user)


@pytest.fixture
def phone_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    page = context.new_page()
    yield page
    context.close()


def test_the_secretary_sees_only_their_branch_on_a_phone(world, live_server, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/?next=/branches/")
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/branches/")

    rows = page.locator('[data-testid="branch-row"]')
    assert rows.count() == 1
    assert world.branch_a.name in rows.first.inner_text()
    body = page.inner_text("body")
    assert world.branch_a2.name not in body  # same city, another secretary's branch
    assert world.branch_b.name not in body
    # Nothing overflows sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "branch-list")

    rows.first.locator("a").click()
    page.wait_for_url(f"{live_server.url}/branches/{world.branch_a.pk}/")
    assert page.locator('[data-testid="branch-name"]').inner_text().strip() == world.branch_a.name
    assert page.locator('[data-testid="member"]').count() == 2
    assert page.locator('[data-testid="lifecycle"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "branch-detail")

    page.goto(f"{live_server.url}/branches/{world.branch_a2.pk}/")
    assert "404" in page.inner_text("body")


@pytest.fixture
def desktop_page(browser, browser_context_args):
    from tests.conftest import DESKTOP

    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    page = context.new_page()
    yield page
    context.close()


def test_staff_see_why_a_branch_cannot_start_and_dissolve_it_with_a_reason(world, live_server, desktop_page, screenshot):
    from branches.models import Branch, BranchStatus
    from tests.branches.factories import chain

    chain(organization=world.o["city_a"], nodes=("钢材", "船体分段", "总装", "船东"))
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/?next=/branches/{world.branch_a2.pk}/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/branches/{world.branch_a2.pk}/")

    activate = page.locator('[data-testid="transition-active"]')
    assert activate.is_disabled()
    assert page.locator('[data-testid="blockers"]').count() == 1
    screenshot(page, "branch-detail-staff")

    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.fill("#dissolve-reason", "改革任务并入其他支部")
    page.click('[data-testid="transition-dissolved"]')
    page.wait_for_selector(".alert-success")
    assert len(questions) == 1
    assert Branch.objects.get(pk=world.branch_a2.pk).status == BranchStatus.DISSOLVED
    assert "改革任务并入其他支部" in page.inner_text('[data-testid="history"]')

    page.goto(f"{live_server.url}/branches/chains/")
    page.locator('[data-testid="chain"]').first.click()
    nodes = page.locator('[data-testid="chain-node"] h3').all_inner_texts()
    assert nodes == ["钢材", "船体分段", "总装", "船东"]
    screenshot(page, "chain-detail")
