"""Dates on a phone (issue 11): at 375 px a date never breaks inside itself ("2026-11-/26").
Every date a template prints sits in <span class="date"> (white-space: nowrap); an inline
element broken across lines has more than one client rectangle. Screenshots under
tests/artifacts/ (look at them)."""

import pytest
from django.urls import reverse

from tests.mechanisms.problems_world import analysed, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"
NARROW_PHONE = {"width": 375, "height": 812}


@pytest.fixture
def world(org_tree, make_user):
    w = build_world(org_tree, make_user)
    # A long title and a long branch name crowd the line that carries the deadline.
    for n in range(3):
        analysed(w, title=f"征迁安置房交付延期导致第{n}批搬迁户过渡费超期支付问题")
    return w


BROKEN_DATES = """() => Array.from(document.querySelectorAll('.date'))
  .filter(el => el.offsetParent !== null && el.getClientRects().length > 1)
  .map(el => el.textContent)"""


def test_dates_stay_whole_at_375_px(page, live_server, world, screenshot):
    page.set_viewport_size(NARROW_PHONE)
    base = live_server.url
    page.goto(f"{base}{reverse('login')}?next={reverse('mechanisms:problem_list')}")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    shown = page.evaluate("() => Array.from(document.querySelectorAll('.date')).filter(el => el.offsetParent !== null).length")
    assert shown >= 3
    screenshot(page, "problem-list", full_page=True)
    assert page.evaluate(BROKEN_DATES) == []

    problem = world.branch.problems.order_by("pk").first()
    page.goto(f"{base}{reverse('mechanisms:problem_detail', args=[problem.pk])}")
    screenshot(page, "problem-detail", full_page=True)
    assert page.evaluate(BROKEN_DATES) == []
