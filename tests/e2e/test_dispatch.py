"""推进调度 in a real browser: the 调度长 records a dispatch session from the cockpit (its agenda
pre-filled) and issues an instruction; the unit liaison, on a phone, acknowledges it and reports
it done; the 调度长 verifies it. Screenshots at desktop and phone size (tests/artifacts/)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mechanisms.models import Dispatch, DispatchStatus, Instruction, InstructionStatus
from tests.conftest import DESKTOP, PHONE
from tests.e2e.pickers import pick
from tests.mechanisms.dispatch_world import build_world, days, make_indicator, make_instruction, make_problem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # tests/conftest.py make_user


@pytest.fixture
def world(transactional_db, org_tree, make_user):
    w = build_world(org_tree, make_user)
    make_indicator(project=w.project, by=w.staff, name="搬迁户数", target="225", current="40")
    make_problem(project=w.project, by=w.secretary, title="3户对补偿标准有异议")
    make_instruction(project=w.project, by=w.chief, unit=w.town_a, issued=-10, deadline=-2, title="落实过渡安置房源",
                     status="acknowledged")
    return w


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def _new_page(browser, browser_context_args, size):
    context = browser.new_context(**browser_context_args, viewport=size)
    page = context.new_page()
    # Verifying and returning ask first (data-confirm): say yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _log_in(page, base_url, username):
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def _top(page):
    # Pages redirected to an anchor are scrolled; a full-page shot then paints the sticky bar mid-page.
    page.evaluate("window.scrollTo(0, 0)")


def _no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_dispatch_journey(browser, browser_context_args, live_server, world, screenshot):
    base = live_server.url

    # ---- the 调度长, at a desk: cockpit → record a session with its agenda pre-filled
    chief = _new_page(browser, browser_context_args, DESKTOP)
    chief_csp = _watch_csp(chief)
    _log_in(chief, base, "chief")
    expect(chief).to_have_url(re.compile(r"/mechanisms/cockpit/$"))  # the 调度长 lands on the cockpit
    card = chief.get_by_test_id("cockpit-project").filter(has_text="过江通道征迁")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("light")).to_be_visible()
    expect(chief.get_by_test_id("sessions-due")).to_contain_text("过江通道征迁")  # never held: due
    expect(chief.get_by_test_id("cockpit-overdue")).to_contain_text("落实过渡安置房源")
    screenshot(chief, "cockpit-desktop")

    card.get_by_test_id("record-dispatch").click()
    agenda = chief.get_by_test_id("agenda")
    expect(agenda.locator("[data-kind=indicator]")).to_contain_text("搬迁户数")
    expect(agenda.locator("[data-kind=instruction]")).to_contain_text("落实过渡安置房源")
    expect(agenda.locator("[data-kind=problem]")).to_contain_text("3户对补偿标准有异议")
    chief.fill("#id_location", "市交通运输局三楼会议室")
    chief.fill("#id_attendees", "孤山镇、市行政审批局、供电公司")
    chief.fill("#id_notes", "研究剩余40户征迁：孤山镇两周内完成入户评估，审批局开通绿色通道。")
    screenshot(chief, "dispatch-form-desktop")
    chief.get_by_test_id("dispatch-record").click()

    expect(chief.get_by_test_id("dispatch-notes")).to_contain_text("研究剩余40户征迁")
    expect(chief.get_by_test_id("status")).to_have_attribute("data-status", "recorded")
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.RECORDED
    assert {item["kind"] for item in dispatch.agenda} == {"indicator", "instruction", "problem"}

    # ---- an instruction from the session, to 孤山镇
    chief.get_by_test_id("issue-instruction").click()
    chief.fill("#id_title", "完成剩余40户入户评估")
    chief.fill("#id_content", "两周内完成评估并上报评估报告。")
    pick(chief, "id_assignee_unit", "孤山镇")
    chief.fill("#id_deadline", days(14).isoformat())
    screenshot(chief, "instruction-form-desktop")
    chief.get_by_test_id("instruction-issue").click()
    expect(chief.get_by_test_id("instruction-title")).to_have_text("完成剩余40户入户评估")
    expect(chief.get_by_test_id("status")).to_have_attribute("data-status", "issued")
    instruction = Instruction.objects.get(title="完成剩余40户入户评估")
    assert instruction.dispatch == dispatch
    screenshot(chief, "instruction-issued-desktop")

    # ---- the 孤山镇 liaison, on a phone: their unit's tasks → acknowledge → report done
    liaison = _new_page(browser, browser_context_args, PHONE)
    liaison_csp = _watch_csp(liaison)
    _log_in(liaison, base, "liaison")
    expect(liaison).to_have_url(re.compile(r"/mechanisms/my-unit/$"))
    rows = liaison.get_by_test_id("liaison-instruction")
    # What is overdue comes first.
    expect(rows.first).to_contain_text("落实过渡安置房源")
    expect(rows.first).to_have_attribute("data-ticket", "red")
    expect(rows.filter(has_text="完成剩余40户入户评估")).to_be_visible()
    _no_sideways_scroll(liaison)
    screenshot(liaison, "liaison-home-phone")

    rows.filter(has_text="完成剩余40户入户评估").get_by_role("link").click()
    liaison.get_by_test_id("instruction-acknowledge").click()
    expect(liaison.get_by_test_id("status")).to_have_attribute("data-status", "acknowledged")
    liaison.fill("#id_result", "已完成40户入户评估，评估报告已上传。")
    screenshot(liaison, "instruction-acknowledged-phone")
    liaison.get_by_test_id("instruction-done").click()
    expect(liaison.get_by_test_id("status")).to_have_attribute("data-status", "done")
    expect(liaison.get_by_test_id("instruction-result")).to_contain_text("已完成40户入户评估")
    expect(liaison.get_by_test_id("instruction-actions")).to_have_count(0)
    _no_sideways_scroll(liaison)
    screenshot(liaison, "instruction-done-phone")

    # ---- the 调度长 verifies from the cockpit
    chief.goto(base + reverse("mechanisms:cockpit"))
    awaiting = chief.get_by_test_id("cockpit-awaiting")
    expect(awaiting).to_contain_text("完成剩余40户入户评估")
    awaiting.get_by_role("link", name="完成剩余40户入户评估").click()
    chief.get_by_test_id("instruction-verify").click()
    expect(chief.get_by_test_id("status")).to_have_attribute("data-status", "verified")
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.VERIFIED
    assert instruction.verified_by == world.chief
    screenshot(chief, "instruction-verified-desktop")

    # ---- the same pages at the other size
    chief.set_viewport_size(PHONE)
    chief.goto(base + reverse("mechanisms:cockpit"))
    _no_sideways_scroll(chief)
    screenshot(chief, "cockpit-phone")
    chief.goto(base + reverse("mechanisms:dispatch_detail", args=[dispatch.pk]))
    _no_sideways_scroll(chief)
    screenshot(chief, "dispatch-phone")
    chief.goto(base + reverse("mechanisms:instruction_list"))
    _no_sideways_scroll(chief)
    screenshot(chief, "instruction-list-phone")
    liaison.set_viewport_size(DESKTOP)
    liaison.goto(base + reverse("mechanisms:liaison_home"))
    screenshot(liaison, "liaison-home-desktop")

    assert chief_csp == [] and liaison_csp == []


def test_consultation_journey(browser, browser_context_args, live_server, world, screenshot):
    """The branch secretary convenes a consultation of the cross-department branch and records
    a resolution for 孤山镇; its liaison signs it off on a phone and reports it done; the
    secretary verifies it and the consultation closes."""
    base = live_server.url
    secretary = _new_page(browser, browser_context_args, DESKTOP)
    csp = _watch_csp(secretary)
    _log_in(secretary, base, "secretary")
    secretary.goto(base + reverse("mechanisms:consultation_create") + f"?project={world.project.pk}")
    secretary.fill("#id_topic", "过江通道征迁用地与资金保障会商")
    secretary.locator("input[name=participating_units][value='%d']" % world.town_a.pk).check()
    secretary.fill("#id_participants", "孤山镇王镇长、市行政审批局李科长")
    secretary.fill("#id_minutes", "议定：孤山镇负责剩余40户签约；审批局开通绿色通道。")
    screenshot(secretary, "consultation-form-desktop")
    secretary.get_by_test_id("consultation-hold").click()
    expect(secretary.get_by_test_id("consultation-topic")).to_have_text("过江通道征迁用地与资金保障会商")
    expect(secretary.get_by_test_id("status").first).to_have_attribute("data-status", "held")

    secretary.get_by_test_id("resolution-create").click()
    secretary.fill("#id_content", "孤山镇负责剩余40户签约")
    secretary.select_option("#id_owner_unit", label="孤山镇")
    secretary.fill("#id_resources", "抽调10名干部组成突击队；镇财政安排200万元过渡费")
    secretary.fill("#id_deadline", days(10).isoformat())
    secretary.get_by_test_id("resolution-save").click()
    resolution = secretary.get_by_test_id("resolution")
    expect(resolution).to_contain_text("抽调10名干部组成突击队")
    expect(resolution).to_have_attribute("data-status", "awaiting_signoff")
    screenshot(secretary, "consultation-held-desktop")

    liaison = _new_page(browser, browser_context_args, PHONE)
    liaison_csp = _watch_csp(liaison)
    _log_in(liaison, base, "liaison")
    liaison.get_by_test_id("liaison-resolution").get_by_role("link").click()
    liaison.get_by_test_id("resolution-sign-off").click()
    expect(liaison.get_by_test_id("resolution")).to_have_attribute("data-status", "signed_off")
    liaison.locator("textarea[name=result]").fill("已完成40户签约，协议已归档。")
    liaison.get_by_test_id("resolution-done").click()
    expect(liaison.get_by_test_id("resolution")).to_have_attribute("data-status", "done")
    _no_sideways_scroll(liaison)
    _top(liaison)
    screenshot(liaison, "consultation-liaison-phone")

    secretary.reload()
    secretary.get_by_test_id("resolution-verify").click()
    expect(secretary.get_by_test_id("resolution")).to_have_attribute("data-status", "verified")
    expect(secretary.get_by_test_id("status").first).to_have_attribute("data-status", "closed")
    _top(secretary)
    screenshot(secretary, "consultation-closed-desktop")
    secretary.goto(base + reverse("mechanisms:consultation_list"))
    screenshot(secretary, "consultation-list-desktop")
    assert csp == [] and liaison_csp == []
