"""An enterprise blows the whistle (企业吹哨), in a real browser, from report to verified close:
the secretary files it on the enterprise's behalf (on a phone), analyses it and assigns the
responsible unit and a co-operating unit; the co-operating unit answers; the unit's liaison
accepts and resolves it with evidence; the secretary verifies with the enterprise's
satisfaction. Screenshots under tests/artifacts/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mechanisms.models import Notification, NotificationKind, ProblemCase, ProblemStatus, Satisfaction
from tests.conftest import DESKTOP, PHONE
from tests.e2e.pickers import pick
from tests.mechanisms.problems_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # tests/conftest.py make_user
# A PNG: the resolution's evidence (uploads are checked by content).
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 16


@pytest.fixture
def people(org_tree, make_user):
    return build_world(org_tree, make_user)


def _watch(page) -> list[str]:
    """Collect page errors, failed responses and CSP refusals: each is a defect."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None,
    )
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("dialog", lambda dialog: dialog.accept())
    return errors


def _session(browser, browser_context_args, base, username, viewport, next_url):
    context = browser.new_context(**browser_context_args, viewport=viewport)
    page = context.new_page()
    errors = _watch(page)
    page.goto(f"{base}{reverse('login')}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    return context, page, errors


def _submit(page, testid):
    with page.expect_navigation():
        page.click(f'[data-testid="{testid}"]')


def test_enterprise_whistle_from_report_to_verified_close(live_server, browser, browser_context_args, people, screenshot):
    base = live_server.url
    w = people
    problems = reverse("mechanisms:problem_list")

    # ---- 1. The secretary files the whistle on the enterprise's behalf, on a phone.
    ctx, page, errors = _session(browser, browser_context_args, base, "secretary", PHONE, problems)
    page.click('[data-testid="problem-whistle"]')
    expect(page.locator('[data-testid="whistle-form"]')).to_be_visible()
    page.fill("#id_enterprise_name", "江苏恒达精密机械有限公司")
    page.fill("#id_enterprise_contact", "吴经理")
    page.fill("#id_enterprise_phone", "13912345678")
    page.fill("#id_title", "新厂房用电增容审批两周未批复")
    page.fill("#id_description", "新签约入园的恒达公司需增容至2000千伏安，供电方案提交两周未批复，设备无法调试投产。")
    page.check("input[name=category][value=blockage]")
    page.select_option("#id_severity", "major")
    page.select_option("#id_project", str(w.project.pk))
    screenshot(page, "1-whistle-form-phone")
    _submit(page, "whistle-submit")
    problem = ProblemCase.objects.get()
    assert page.url == f"{base}{reverse('mechanisms:problem_detail', args=[problem.pk])}"
    assert problem.is_whistle and problem.enterprise_contact == "吴经理"
    expect(page.locator('[data-testid="enterprise"]')).to_have_text("江苏恒达精密机械有限公司")

    # ---- 2. The secretary analyses it and assigns the responsible and a co-operating unit.
    form = page.locator('[data-testid="analyse-form"]')
    expect(form).to_be_visible()
    page.fill("#id_conclusion", "属供电方案审批环节堵点：由市自然资源和规划局牵头协调用地红线，国网靖江市供电公司配合出具供电方案，限期办结。")
    pick(page, "id_responsible_unit", w.land.name)
    pick(page, "id_co_units", w.power.name)
    screenshot(page, "2-analyse-phone")
    _submit(page, "analyse-submit")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ANALYSED and problem.responsible_unit == w.land
    assert problem.answer_due_on is not None  # the lead unit answers the enterprise within 7 working days
    expect(page.locator('[data-testid="responsible-unit"]')).to_have_text(w.land.name)
    assert errors == [], errors
    ctx.close()
    assert Notification.objects.filter(recipient=w.liaison, kind=NotificationKind.ASSIGNED).exists()

    detail = reverse("mechanisms:problem_detail", args=[problem.pk])

    # ---- 3. The co-operating unit answers the lead unit.
    ctx, page, errors = _session(browser, browser_context_args, base, "co_liaison", PHONE, detail)
    page.locator('[data-testid="answer-form"] textarea').fill("供电方案初稿已出，待规划红线确认后即可批复。")
    _submit(page, "answer-submit")
    expect(page.locator('[data-testid="assignments"]')).to_contain_text("供电方案初稿已出")
    assert errors == [], errors
    ctx.close()

    # ---- 4. The responsible unit's liaison accepts, then reports it resolved with evidence.
    ctx, page, errors = _session(browser, browser_context_args, base, "liaison", DESKTOP, detail)
    expect(page.locator('[data-testid="object-block"]')).to_be_visible()  # still within one working day
    screenshot(page, "3-liaison-accepts-desktop")
    _submit(page, "accept-submit")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ACCEPTED
    page.fill("#id_resolution", "规划红线已确认，供电方案已批复，增容工程11月底前完工送电。")
    page.set_input_files("#id_evidence", files=[{"name": "供电方案批复.png", "mimeType": "image/png", "buffer": PNG}])
    _submit(page, "resolve-submit")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED
    expect(page.locator('[data-testid="attachments"]')).to_contain_text("供电方案批复.png")
    assert errors == [], errors
    ctx.close()

    # ---- 5. The secretary verifies with the enterprise and closes it.
    ctx, page, errors = _session(browser, browser_context_args, base, "secretary", PHONE, detail)
    expect(page.locator('[data-testid="verify-form"]')).to_be_visible()
    page.check("input[name=decision][value=approve]")
    page.select_option("#id_satisfaction", Satisfaction.SATISFIED)
    page.fill("#id_note", "电话回访吴经理，企业对办理速度表示满意。")
    screenshot(page, "4-verify-phone")
    _submit(page, "verify-submit")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.satisfaction == Satisfaction.SATISFIED and problem.verified_by == w.secretary
    expect(page.locator('[data-testid="satisfaction"]')).to_be_visible()
    expect(page.locator('[data-testid="no-actions"]')).to_be_visible()
    screenshot(page, "5-closed-phone")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto(f"{base}{problems}?source=enterprise")
    expect(page.locator('[data-testid="problem-row"]')).to_have_count(1)
    screenshot(page, "6-list-phone")
    assert errors == [], errors
    ctx.close()

    # ---- 6. The branch's timeline tells the story.
    ctx, page, errors = _session(browser, browser_context_args, base, "staff", DESKTOP, problems)
    page.goto(f"{base}{reverse('mechanisms:branch_timeline', args=[w.branch.pk])}")
    expect(page.locator('[data-testid="timeline-event"]')).to_have_count(5)  # reported → … → closed
    page.goto(f"{base}{detail}")
    screenshot(page, "7-closed-desktop")
    assert errors == [], errors
    ctx.close()
