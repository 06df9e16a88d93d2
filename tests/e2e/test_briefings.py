"""The work briefing in Chromium, on the Jingjiang demo: the staff member (zuzhibu) drafts this
month's briefing from the records, writes its text, issues it under the next number after the
demo's issued weeklies (confirming the number the page announces), and the leader (lingdao) opens
it among the issued ones. Screenshots of both pages are saved under tests/artifacts/."""

import pytest
from django.core.management import call_command

from branches.demo_accounts import DEMO_PASSWORD
from evaluation.briefings.models import Briefing, BriefingStatus
from tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    issued = Briefing.objects.filter(status=BriefingStatus.ISSUED).order_by("number")
    return list(issued)


def _watch(page) -> list:
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource")  # told by "response"
        else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return errors


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_staff_draft_edit_and_issue_this_months_briefing_and_the_leader_opens_it(
    demo, live_server, browser, browser_context_args, screenshot
):
    # The demo issued one briefing a week before this month, numbered 1, 2, … in order.
    assert demo and [b.number for b in demo] == list(range(1, len(demo) + 1))
    next_number = len(demo) + 1
    base = live_server.url

    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "zuzhibu")
    assert page.locator('a.dropdown-item:has-text("工作简报")').count() == 1  # in the menu
    page.goto(f"{base}/evaluation/briefings/")
    assert page.locator('[data-testid="briefing-row"]').count() == len(demo)

    # Draft this month's briefing (the form offers the month holding today).
    with page.expect_navigation():
        page.click('[data-testid="briefing-new"]')
    with page.expect_navigation():
        page.click('[data-testid="briefing-draft"]')
    assert page.locator('[data-testid="briefing-status"]').inner_text().strip() == "草稿"
    assert page.locator('[data-testid="briefing-number"]').inner_text().strip() == "尚未编号"
    red = page.locator('[data-testid="fig-red"]')
    assert red.inner_text().startswith("红灯")

    # Write the text around the figures.
    with page.expect_navigation():
        page.click('[data-testid="briefing-edit"]')
    page.fill("#id_text_overview", "本月各攻坚支部对照目标挂图作战，红灯项目逐一明确专班攻坚。")
    page.fill("#id_text_next_steps", "紧盯红灯项目和逾期事项，确保按期销号。")
    with page.expect_navigation():
        page.click('[data-testid="briefing-save"]')
    assert "红灯项目逐一明确专班攻坚" in page.locator('[data-testid="text-overview"]').inner_text()

    # Issue: the confirmation names the number it will take.
    issue = page.locator('[data-testid="briefing-issue"]')
    assert issue.inner_text().strip() == f"印发为2026年第{next_number}期"
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        issue.click()
    assert questions == [f"确定将本简报印发为2026年第{next_number}期吗？印发后不能再修改。"]
    assert page.locator('[data-testid="briefing-number"]').inner_text().strip() == f"2026年第{next_number}期"
    assert page.locator('[data-testid="briefing-actions"]').count() == 0  # locked
    screenshot(page, "staff-issued")
    briefing = Briefing.objects.get(number=next_number)
    assert briefing.period == "month" and briefing.issued_by.username == "zuzhibu"
    assert errors == []
    context.close()

    # The leader finds it at the top of the issued briefings and opens it.
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "lingdao")
    page.goto(f"{base}/evaluation/briefings/")
    rows = page.locator('[data-testid="briefing-row"]')
    assert rows.count() == next_number
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    assert page.url == f"{base}/evaluation/briefings/{briefing.pk}/"
    assert page.locator('[data-testid="briefing-number"]').inner_text().strip() == f"2026年第{next_number}期"
    assert "红灯项目逐一明确专班攻坚" in page.locator('[data-testid="text-overview"]').inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    screenshot(page, "leader-opens")
    with page.expect_download() as download:
        page.click('[data-testid="briefing-docx"]')
    assert download.value.suggested_filename == f"攻坚支部工作简报（2026年第{next_number}期）.docx"
    assert errors == []
    context.close()
