"""The end of a branch in a real browser: department staff score and finalize the efficacy
evaluation, grade and finalize the members' appraisals, print the A4 form and download the
priority list, whose .xlsx holds the right people. Screenshots under tests/artifacts/."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Appraisal, Evaluation, RubricItemKind
from tests.conftest import DESKTOP, PHONE
from tests.evaluation import world as w

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _zh(message: str) -> str:
    """``message`` as the zh-hans catalogue renders it (the source string until it is translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _log_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


@pytest.fixture
def world(org_tree):
    w.ensure_groups()
    return w.build_world(org_tree)


def test_staff_finalize_an_evaluation_and_appraisals_and_download_the_priority_list(page, live_server, world, screenshot):
    violations = _watch_csp(page)
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    ev = world.evaluation
    # Another evaluator has scored already; the members and the secretary have written their parts.
    w.score_all(ev, by=world.staff2, values=[29, 24, 14, 14, 14])  # 95
    appraisals = world.appraisals
    services.appraisal_self_assess(appraisal=appraisals["李娟"], text="包联10户全部签约，冲在一线。", by=world.member)
    for appraisal in appraisals.values():
        services.appraisal_branch_assess(appraisal=appraisal, text="政治坚定，冲锋在前，较好完成攻坚任务。", by=world.secretary)

    page.set_viewport_size(DESKTOP)
    _log_in(page, base, "staff")
    page.goto(base + reverse("evaluation:evaluation_list"))
    row = page.get_by_test_id("evaluation-row").filter(has_text=world.branch.name)
    expect(row.get_by_test_id("state")).to_contain_text(_zh("In progress"))
    row.get_by_role("link", name=world.branch.name).click()

    # The scoring page: the figures beside each criterion, the evaluator's own scores.
    expect(page.get_by_test_id("criterion-row")).to_have_count(5)
    for i, value in enumerate(["28", "23", "14", "14", "13"], start=1):
        page.get_by_test_id(f"score-{i}").fill(value)
    expect(page.get_by_test_id("my-total")).to_have_text("92")
    screenshot(page, "scoring-desktop")
    page.get_by_test_id("save-scores").click()
    expect(page.get_by_test_id("result-total")).to_have_text("93.50")  # mean of 92 and 95

    # A bonus, then finalize (the confirm dialog is accepted).
    form = page.get_by_test_id("adjustment-form")
    bonus = ev.items.get(kind=RubricItemKind.BONUS)
    form.locator("select").select_option(str(bonus.pk))
    form.locator("input[name=points]").fill("2")
    form.locator("textarea").fill("经验做法被省委组织部推广")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("result-total")).to_have_text("95.50")
    page.set_viewport_size(PHONE)
    screenshot(page, "scoring-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("finalize-form").locator("textarea").fill("目标明确、机制健全、成效显著。")
    page.get_by_test_id("finalize").click()
    expect(page.get_by_test_id("evaluation-status")).to_contain_text(_zh("Final"))
    expect(page.get_by_test_id("scorecard-form")).to_have_count(0)
    assert Evaluation.objects.get(pk=ev.pk).grade == "excellent"

    # Appraisals: grade 李娟 Excellent and finalize her; the rest are graded, then finalized in one go.
    page.get_by_test_id("appraisals-link").click()
    expect(page.get_by_test_id("excellent-quota")).to_contain_text("1")
    page.get_by_test_id("appraisal-row").filter(has_text="李娟").get_by_test_id("grade-link").click()
    expect(page.get_by_test_id("self-text")).to_contain_text("包联10户全部签约")
    page.locator("select[name=grade]").select_option("excellent")
    page.locator("textarea[name=conclusion]").fill("李娟同志在征迁一线冲锋在前，包联10户全部签约，表现优异。")
    page.get_by_test_id("grade-finalize").click()
    expect(page).to_have_url(re.compile(r"/appraisals/$"))
    for name in ("张卫东", "王强", "赵刚", "钱多"):
        appraisal = appraisals[name]
        services.appraisal_grade(
            appraisal=appraisal, grade="qualified" if appraisal.is_graded else "", conclusion="合格。", by=world.staff
        )
    page.reload()
    # Nobody has written the others' self-assessments: finalize-all skips them and says why.
    page.get_by_test_id("appraisals-finalize-ready").click()
    expect(page.locator(".alert").filter(has_text="王强")).to_contain_text(
        _zh("The member's self-assessment is missing (or record that they did not fill it in).")
    )
    assert Appraisal.objects.filter(branch=world.branch, status="open").count() == 4
    services.appraisal_self_assess(appraisal=appraisals["张卫东"], text="带头冲锋，兑现承诺。", by=world.secretary)
    for name in ("王强", "赵刚", "钱多"):
        services.appraisal_self_assessment_waive(appraisal=appraisals[name], reason="已调离，无法联系。", by=world.staff)
    page.reload()
    page.get_by_test_id("appraisals-finalize-ready").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Appraisal.objects.filter(branch=world.branch, status="open").count() == 0
    screenshot(page, "appraisals")

    # The A4 appraisal form.
    page.get_by_test_id("appraisal-row").filter(has_text="李娟").get_by_test_id("print-link").click()
    expect(page.get_by_test_id("print-name")).to_have_text("李娟")
    expect(page.get_by_test_id("print-grade")).to_contain_text("☑")
    screenshot(page, "a4-form")
    page.emulate_media(media="print")
    screenshot(page, "a4-form-print")
    page.emulate_media(media="screen")

    # The priority list and its export.
    page.goto(base + reverse("evaluation:priority_list"))
    expect(page.get_by_test_id("priority-row")).to_have_count(2)
    with page.expect_download() as download_info:
        page.get_by_test_id("priority-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(BytesIO(open(download.path(), "rb").read())).active
    names = [r[1] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert names == ["张卫东", "李娟"]
    assert ws["A1"].value and "A3:A4" in {str(r) for r in ws.merged_cells.ranges}
    screenshot(page, "priority")
    assert violations == []


def test_member_writes_the_self_assessment_on_a_phone(page, live_server, world, screenshot):
    violations = _watch_csp(page)
    page.set_viewport_size(PHONE)
    _log_in(page, live_server.url, "member")
    page.goto(live_server.url + reverse("evaluation:my_appraisals"))
    page.get_by_test_id("write-self").click()
    page.locator("textarea[name=self_assessment]").fill("我包联10户，全部按期签约搬迁。")
    screenshot(page, "self-assessment")
    page.get_by_test_id("appraisal-save").click()

    expect(page.get_by_test_id("my-appraisal")).to_contain_text("我包联10户")
    assert Appraisal.objects.get(pk=world.appraisals["李娟"].pk).self_assessment == "我包联10户，全部按期签约搬迁。"
    assert violations == []
