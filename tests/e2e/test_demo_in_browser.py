"""The Jingjiang demo in Chromium: the session's demo, committed for this module
(tests/committed_demo.py), so that the live server's own connection sees it.

First, read-only, the demo as each role sees it (issue 11): logged in through the login form,
from the landing page along the navigation's links and the links of the pages they reach
(breadth first, a bounded number of pages a role), with DEBUG off. Every page Chromium renders
is Chinese (``<html lang="zh-hans">``, no common English UI word in its text or in its
aria-label, placeholder, title or alt), no debug page, no response of 400 or more, no console
error; an address out of the role's reach (a branch of another city, or another branch)
answers the Chinese 404. One screenshot of each role's landing page is saved under
tests/artifacts/.

Last, because it writes: the work briefing. The staff member (zuzhibu) drafts this month's
briefing from the records, writes its text, issues it under the next number after the demo's
issued weeklies (confirming the number the page announces), and the leader (lingdao) opens it
among the issued ones. Screenshots of both pages are saved under tests/artifacts/.
"""

import re
from collections import deque
from html import unescape

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from branches.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from branches.models import Branch, User
from branches.selectors import visible_branches
from evaluation.briefings.models import Briefing, BriefingStatus
from tests.committed_demo import committed
from tests.conftest import DESKTOP, PHONE

# The session's demo committed for the module's tests: they run last of the demo's tests, in
# the demo's process under pytest-xdist (tests/demo_data.py, tests/parallel.py).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES_PER_ROLE = 25
# Links not to follow: leaving, changing the language, files, the admin, the live timeline
# fragments (htmx partials, not pages).
SKIP = re.compile(
    r"^/(accounts/logout|i18n|static|media|admin|healthz)|download|export|\.(?:pdf|xlsx|docx|csv|zip)\b|/timeline/|/status/"
)
LABELS = re.compile(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"')
# Words an English page (or an untranslated piece of one) shows; a proper name like "Excel" or
# "PDF" is not among them.
ENGLISH = re.compile(
    r"\b(?:the|and|of|Save|Cancel|Search|Submit|Delete|Edit|Add|Back|Next|Previous|Status|Name|Date|Page|"
    r"Error|Not Found|Forbidden|Login|Log out|Branch|Project|Report|Problem|Dispatch|Member|Filter|Yes|No|All|Any)\b"
)
DEBUG_MARKERS = ("Traceback", "Request Method", "Django Version", "You're seeing this error", "URLconf")


@pytest.fixture(scope="module")
def committed_demo(demo_full, _demo_transaction, django_db_blocker):
    with committed(django_db_blocker, _demo_transaction) as state:
        yield state


@pytest.fixture
def demo(committed_demo, transactional_db, frozen_clock, settings):
    """Each test runs from the moment the seeding ended, as if it had seeded the demo itself;
    with DEBUG off (the live server runs on these settings, in this process)."""
    frozen_clock.move_to(committed_demo.seeded_at)
    settings.DEBUG = False
    return committed_demo


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
    _check_chinese(page, "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert not page.url.startswith(f"{base}/accounts/login/"), f"{username} could not log in"


# ---------------------------------------------------------------- each role, crawled
def _rendered_text(html: str) -> str:
    """The text of the rendered page (scripts and styles aside) and its labels."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    labels = " ".join(LABELS.findall(body))
    text = re.sub(r"(?s)<[^>]+>", " ", body)
    return unescape(f"{text} {labels}")


def _check_chinese(page, where: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "zh-hans", where
    html = page.content()
    for marker in DEBUG_MARKERS:
        assert marker not in html, f"{where}: {marker}"
    english = sorted(set(ENGLISH.findall(_rendered_text(html))))
    assert not english, f"{where}: English words {english}"


# The parts a page loads after itself (htmx, hx-trigger="load": the mechanisms' timeline) are
# part of what the role sees: their placeholders are marked as the page is parsed, and the page
# is read once none is left.
MARK_PLACEHOLDERS = """
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll('[hx-trigger="load"]'))
    for (const child of el.children) child.setAttribute("data-crawl-placeholder", "");
});
"""


def _settle(page, where: str, errors: list) -> None:
    try:
        page.wait_for_function("() => !document.querySelector('[data-crawl-placeholder]')", timeout=15_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"{where}: a part of the page did not load; {errors}")


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return [href[len(base):] for href in hrefs if href.startswith(base + "/")]


def _crawl(page, base: str, errors: list) -> list[str]:
    seen, queue, visited = {"/"}, deque([("/", None)]), []
    while queue and len(visited) < PAGES_PER_ROLE:
        path, linked_from = queue.popleft()
        where = f"{path} (linked from {linked_from})" if linked_from else path
        response = page.goto(base + path)
        visited.append(path)
        assert response is not None and response.status == 200, f"{where}: {response and response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        _settle(page, where, errors)
        _check_chinese(page, where)
        for href in _links(page, base):
            href = href.split("#")[0]
            # One page per kind: a list's filtered and paged variants, and the detail pages of
            # its rows, are one template each (/branches/12/ stands for /branches/<pk>/).
            key = re.sub(r"(?<=/)\d+(?=/)", "<pk>", href.split("?")[0])
            if key not in seen and not SKIP.search(href):
                seen.add(key)
                queue.append((href, path))
    return visited


def _out_of_reach(username: str) -> Branch:
    """A branch the login may not see: another branch of the city for the branch-level logins,
    a branch of the other city (泰兴) for those who see the whole city."""
    user = User.objects.get(username=username)
    theirs = Branch.objects.exclude(pk__in=visible_branches(user).values("pk")).order_by("pk").first()
    assert theirs is not None, f"{username} sees every branch of the demo"
    return theirs


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.username for a in DEMO_ACCOUNTS])
def test_each_role_crawls_the_demo_in_chinese(demo, account, live_server, browser, browser_context_args, screenshot, settings):
    assert settings.DEBUG is False
    base = live_server.url
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    context.add_init_script(MARK_PLACEHOLDERS)
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, account.username)
    _check_chinese(page, "the landing page")
    screenshot(page, "landing", full_page=False)

    visited = _crawl(page, base, errors)
    # The navigation leads somewhere: every role reaches more than its landing page.
    assert len(visited) >= 5, visited
    assert errors == [], errors

    # Out of reach: the Chinese 404, not the debug page.
    theirs = _out_of_reach(account.username)
    response = page.goto(f"{base}/branches/{theirs.pk}/")
    assert response.status == 404
    assert page.locator('[data-testid="error-page"] h1').inner_text().strip() == "页面不存在"
    _check_chinese(page, f"/branches/{theirs.pk}/")
    assert errors == [f"404 {base}/branches/{theirs.pk}/"], errors
    context.close()


# ---------------------------------------------------------------- the briefing journey (writes: last)
def test_staff_draft_edit_and_issue_this_months_briefing_and_the_leader_opens_it(
    demo, live_server, browser, browser_context_args, screenshot
):
    issued = list(Briefing.objects.filter(status=BriefingStatus.ISSUED).order_by("number"))
    # The demo issued one briefing a week before this month, numbered 1, 2, … in order.
    assert issued and [b.number for b in issued] == list(range(1, len(issued) + 1))
    next_number = len(issued) + 1
    base = live_server.url

    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    page = context.new_page()
    errors = _watch(page)
    _login(page, base, "zuzhibu")
    assert page.locator('a.dropdown-item:has-text("工作简报")').count() == 1  # in the menu
    page.goto(f"{base}/evaluation/briefings/")
    assert page.locator('[data-testid="briefing-row"]').count() == len(issued)

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
