"""The pages with real content: what each shows, what a POST changes, what bad input does."""

import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from branches.models import BranchStatus, Person
from core.models import AuditAction, AuditEvent, ExportJob
from evaluation import services
from evaluation.models import Appraisal, AppraisalGrade, Evaluation, EvaluationStatus, RubricItemKind
from projects.models import Indicator, Project

from . import world as w

pytestmark = pytest.mark.django_db


def criteria(evaluation):
    return list(evaluation.items.filter(kind=RubricItemKind.CRITERION).order_by("position"))


def score_data(evaluation, values):
    return {f"score_{c.pk}": str(v) for c, v in zip(criteria(evaluation), values, strict=True)}


@pytest.fixture
def with_indicators(world):
    project = Project.objects.create(
        branch=world.branch, name="征迁", front=world.branch.front, field=world.branch.field, goal="x",
        start_on=w.days(-120), deadline=w.days(-10), lead_unit=world.committee_a,
    )
    Indicator.objects.create(project=project, name="搬迁户数", unit="户", baseline=0, target=225, current_value=180)
    return project


# ---------------------------------------------------------------- the scoring page
def test_scoring_page_shows_each_criterion_with_its_figure_and_suggested_score(world, with_indicators, client_for):
    page = client_for(world.staff).get(reverse("evaluation:evaluation_detail", args=[world.evaluation.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert "Indicator attainment" in html and "80.0%" in html  # 180 of 225
    # Numerator / denominator, linked to the records behind the figure.
    projects = f'href="{reverse("projects:project_list")}?branch={world.branch.pk}"'
    assert f'{projects} data-testid="figure-link">Targets reached 0/1 indicators</a>' in html
    # Suggested 30 × 0.8 = 24.0, pre-filled into the evaluator's input.
    first = criteria(world.evaluation)[0]
    assert 'data-value="24.0"' in html
    assert f'name="score_{first.pk}" id="id_score_{first.pk}" value="24.0"' in html
    assert "Save my scores" in html


def test_leader_sees_the_scores_but_no_form(world, client_for):
    w.score_all(world.evaluation, by=world.staff, values=[20, 20, 10, 10, 10])

    html = client_for(world.leader).get(reverse("evaluation:evaluation_detail", args=[world.evaluation.pk])).content.decode()

    assert "Save my scores" not in html and "Finalize the evaluation" not in html
    assert "陈明" in html and "70.00" in html


def test_posting_scores_saves_the_evaluators_own_scorecard(world, client_for):
    url = reverse("evaluation:evaluation_detail", args=[world.evaluation.pk])
    data = score_data(world.evaluation, [28, 23, 14, "13.5", 12]) | {"comment": "成效明显"}

    response = client_for(world.staff2).post(url, data)

    assert response.status_code == 302
    card = world.evaluation.scorecards.get()
    assert (card.evaluator, card.total, card.comment) == (world.staff2, Decimal("90.50"), "成效明显")
    world.evaluation.refresh_from_db()
    assert world.evaluation.total == Decimal("90.50")


def test_a_score_above_the_weight_re_renders_with_what_was_typed(world, client_for):
    url = reverse("evaluation:evaluation_detail", args=[world.evaluation.pk])
    data = score_data(world.evaluation, [31, 23, 14, 13, 12]) | {"comment": "我的意见"}

    response = client_for(world.staff).post(url, data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "At most 30 points." in html
    assert 'value="31"' in html and "我的意见" in html
    assert not world.evaluation.scorecards.exists()


def test_adjustments_and_finalize_through_the_pages(world, client_for):
    client = client_for(world.staff)
    ev = world.evaluation
    client.post(reverse("evaluation:evaluation_detail", args=[ev.pk]), score_data(ev, [28, 23, 14, 14, 13]))
    bonus = ev.items.get(kind=RubricItemKind.BONUS)
    client.post(reverse("evaluation:adjustment_add", args=[ev.pk]), {"item": bonus.pk, "points": "2", "reason": "经验推广"})

    response = client.post(reverse("evaluation:evaluation_finalize", args=[ev.pk]), {"remarks": "成效显著"}, follow=True)

    ev.refresh_from_db()
    world.branch.refresh_from_db()
    assert (ev.status, ev.total, ev.grade) == (EvaluationStatus.FINAL, Decimal("94.00"), "excellent")
    assert world.branch.status == BranchStatus.EVALUATED
    html = response.content.decode()
    assert "The evaluation is final: 94.00 points, Excellent." in html
    assert "Save my scores" not in html and "Figures as of finalization" in html
    # A late POST of scores to the final evaluation changes nothing.
    client.post(reverse("evaluation:evaluation_detail", args=[ev.pk]), score_data(ev, [1, 1, 1, 1, 1]))
    assert Evaluation.objects.get(pk=ev.pk).total == Decimal("94.00")


def test_finalize_without_scores_shows_why(world, client_for):
    response = client_for(world.staff).post(
        reverse("evaluation:evaluation_finalize", args=[world.evaluation.pk]), {}, follow=True
    )

    assert "No evaluator has scored this branch yet." in response.content.decode()


def test_start_an_evaluation_from_the_list(world, client_for):
    client = client_for(world.staff)
    html = client.get(reverse("evaluation:evaluation_list")).content.decode()
    assert reverse("evaluation:evaluation_new", args=[world.other_branch.pk]) in html

    response = client.post(reverse("evaluation:evaluation_start", args=[world.other_branch.pk]), {"rubric": world.rubric.pk})

    evaluation = Evaluation.objects.get(branch=world.other_branch)
    assert response["Location"] == reverse("evaluation:evaluation_detail", args=[evaluation.pk])
    assert Appraisal.objects.filter(branch=world.other_branch).count() == 2


# ---------------------------------------------------------------- lists and exports
def test_evaluation_list_filters_and_exports(world, client_for):
    client = client_for(world.staff)

    html = client.get(reverse("evaluation:evaluation_list"), {"state": "awaiting"}).content.decode()
    assert world.other_branch.name in html and world.branch.name not in html

    response = client.get(reverse("evaluation:evaluation_export"), {"state": "in_progress"})
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [world.branch.name]
    assert rows[0][4] == "张卫东"


def test_a_large_evaluation_export_becomes_a_background_job(world, client_for, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0

    response = client_for(world.staff).get(reverse("evaluation:evaluation_export"), {"state": "in_progress"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.user, job.name, job.params, job.total) == (world.staff, "evaluations", {"state": ["in_progress"]}, 1)


def test_priority_export_is_in_the_departments_layout(world, client_for):
    w.score_all(world.evaluation, by=world.staff, values=[29, 24, 14, 14, 14])
    services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff, grade="excellent",
                         conclusion="冲锋在前，表现优异。")

    response = client_for(world.staff).get(reverse("evaluation:priority_export"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value == "Priority list for promotion, rank advancement and awards"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:M1", "A3:A4", "E3:G3", "H3:K3"} <= merged
    assert (ws["E3"].value, ws["E4"].value, ws["H3"].value, ws["K4"].value) == (
        "Task-force branch", "Branch", "Evidence", "Conclusion (excerpt)",
    )
    assert ws.column_dimensions["K"].width == 46
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [(r[1], r[4], r[7], r[9]) for r in rows] == [
        ("张卫东", world.branch.name, "Excellent", None),
        ("李娟", world.branch.name, "Excellent", "Excellent"),
    ]
    assert rows[0][8] == 95.0 and rows[1][10] == "冲锋在前，表现优异。"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor_id, event.rows, event.detail["export"]) == (world.staff.pk, 2, "priority_list")


def test_priority_export_writes_formula_like_text_as_text(world, client_for):
    w.score_all(world.evaluation, by=world.staff, values=[29, 24, 14, 14, 14])
    services.evaluation_finalize(evaluation=world.evaluation, by=world.staff)
    w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff, grade="excellent",
                         conclusion='=HYPERLINK("http://evil.example","详情")')
    Person.objects.filter(name="李娟").update(name="=1+1")

    response = client_for(world.staff).get(reverse("evaluation:priority_export"))

    ws = load_workbook(BytesIO(response.content)).active
    cells = {row[1].value: row for row in ws.iter_rows(min_row=5) if row[0].value}
    assert cells["=1+1"][1].data_type == "s" and cells["=1+1"][1].quotePrefix
    assert cells["=1+1"][10].value == '=HYPERLINK("http://evil.example","详情")' and cells["=1+1"][10].data_type == "s"
    assert cells["=1+1"][0].data_type == "n" and cells["=1+1"][8].data_type == "n"


# ---------------------------------------------------------------- the rubric editor
def _formset(items, prefix="items"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "40"}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_rubric_editor_refuses_weights_that_do_not_sum_to_100(world, client_for):
    items = [
        {"kind": "criterion", "name": "目标完成", "points": "60", "figure": "indicator_attainment"},
        {"kind": "criterion", "name": "机制运行", "points": "35", "figure": "mechanisms"},
        {"kind": "veto", "name": "重大事故", "points": ""},
    ]
    data = {"name": "新标准", "organization": world.city_a.pk, "is_active": "on"} | _formset(items)

    response = client_for(world.staff).post(reverse("evaluation:rubric_create"), data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "add up to 95; they must add up to exactly 100" in html
    assert 'value="新标准"' in html and 'value="机制运行"' in html

    data["items-1-points"] = "40"
    response = client_for(world.staff).post(reverse("evaluation:rubric_create"), data)
    assert response.status_code == 302
    rubric = world.rubric.__class__.objects.get(name="新标准")
    assert list(rubric.items.values_list("name", "points")) == [("目标完成", 60), ("机制运行", 40), ("重大事故", 0)]


def test_rubric_edit_removes_a_criterion_and_rebalances(world, client_for):
    rows = list(world.rubric.items.order_by("position"))
    items = []
    for row in rows:
        item = {"id": str(row.pk), "kind": row.kind, "name": row.name, "points": str(row.points), "figure": row.figure}
        if row.name == "创新示范":
            item["DELETE"] = "on"
        if row.name == "目标完成":
            item["points"] = "45"
        items.append(item)
    # The three empty rows the page offers come back untouched: they are skipped.
    items += [{"kind": "criterion", "name": "", "points": "", "figure": "", "description": ""}] * 3
    data = {"name": world.rubric.name, "is_active": "on"} | _formset(items)
    data["items-INITIAL_FORMS"] = str(len(items) - 3)

    response = client_for(world.staff).post(reverse("evaluation:rubric_edit", args=[world.rubric.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not world.rubric.items.filter(name="创新示范").exists()
    assert world.rubric.items.get(name="目标完成").points == 45


@pytest.mark.parametrize("claimed", ["41", "9" * 25])
def test_rubric_editor_refuses_more_than_40_rows_and_renders_no_more(world, client_for, claimed):
    """A request claiming more rows than the editor takes gets the "at most 40" error on at most
    40 rows (Django would otherwise build max_num + 1000 rows, whatever is claimed)."""
    items = [{"kind": "criterion", "name": "目标完成", "points": "100", "figure": "indicator_attainment"}]
    data = {"name": "新标准", "organization": world.city_a.pk, "is_active": "on"} | _formset(items)
    data["items-TOTAL_FORMS"] = claimed

    response = client_for(world.staff).post(reverse("evaluation:rubric_create"), data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Please submit at most 40 forms." in html
    assert html.count('data-testid="rubric-item-row"') == 40 and 'value="目标完成"' in html
    assert not world.rubric.__class__.objects.filter(name="新标准").exists()


# ---------------------------------------------------------------- appraisals
def test_the_three_hands_of_an_appraisal(world, client_for):
    appraisal = world.appraisals["李娟"]

    client_for(world.member).post(reverse("evaluation:appraisal_self", args=[appraisal.pk]), {"self_assessment": "包联10户全部签约。"})
    client_for(world.secretary).post(
        reverse("evaluation:appraisal_branch", args=[appraisal.pk]), {"branch_assessment": "冲锋在前。"}
    )
    page = client_for(world.staff).get(reverse("evaluation:appraisal_grade", args=[appraisal.pk])).content.decode()
    assert "包联10户全部签约。" in page and "冲锋在前。" in page
    drafted = appraisal.conclusion.splitlines()[0]  # drafted in the department's language
    assert "李娟" in drafted and escape(drafted) in page
    response = client_for(world.staff).post(
        reverse("evaluation:appraisal_grade", args=[appraisal.pk]),
        {"grade": "qualified", "conclusion": "同意支部意见。", "finalize": "1"},
    )

    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.grade, appraisal.status, appraisal.conclusion) == ("qualified", "final", "同意支部意见。")


def test_excellent_beyond_the_cap_is_shown_on_the_form(world, client_for):
    world.appraisals["赵刚"].delete()  # 3 graded members left: 1 may be Excellent
    services.appraisal_grade(appraisal=world.appraisals["张卫东"], grade="excellent", conclusion="优", by=world.staff)
    url = reverse("evaluation:appraisal_grade", args=[world.appraisals["李娟"].pk])

    response = client_for(world.staff).post(url, {"grade": "excellent", "conclusion": "我写的结论"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "At most 1 of this branch&#x27;s 3 graded members may be appraised Excellent" in html
    assert "我写的结论" in html
    assert Appraisal.objects.get(pk=world.appraisals["李娟"].pk).grade == ""


def test_appraisal_list_shows_the_quota_and_the_probationary_member(world, client_for):
    html = client_for(world.secretary).get(reverse("evaluation:appraisal_list", args=[world.branch.pk])).content.decode()

    assert "1 of 4 graded members may be Excellent" in html
    assert "Not graded (probationary)" in html
    assert reverse("evaluation:appraisal_branch", args=[world.appraisals["王强"].pk]) in html
    assert reverse("evaluation:appraisal_grade", args=[world.appraisals["王强"].pk]) not in html


def test_member_sees_their_own_appraisals(world, client_for):
    html = client_for(world.member).get(reverse("evaluation:my_appraisals")).content.decode()

    assert world.branch.name in html and "Write my self-assessment" in html


def test_a_member_is_pointed_to_their_open_self_assessment_on_arriving(world, client_for):
    appraisal = world.appraisals["李娟"]
    member = client_for(world.member)

    home = member.get("/", follow=True).content.decode()

    write = reverse("evaluation:appraisal_self", args=[appraisal.pk])
    assert f'<a href="{write}" data-testid="self-assessment-pointer">Write it now</a>' in home
    assert world.branch.name in home
    services.appraisal_self_assess(appraisal=appraisal, text="包联10户全部签约。", by=world.member)
    assert "self-assessment-pointer" not in member.get("/", follow=True).content.decode()


def test_print_view_is_the_appraisal_form(world, client_for):
    appraisal = w.complete_appraisal(world.appraisals["李娟"], secretary=world.secretary, staff=world.staff)

    html = client_for(world.member).get(reverse("evaluation:appraisal_print", args=[appraisal.pk])).content.decode()

    assert "Party-spirit appraisal form of a task-force branch member" in html
    assert "李娟" in html and world.branch.name in html and "政治坚定，冲锋在前。" in html
    assert "☑ Qualified" in html and "☐ Excellent" in html
    assert "css/print.css" in html and "<script>" not in html and "style=" not in html


def test_pdf_download_is_one_a4_page_with_the_font_embedded(world, client_for, tmp_path):
    appraisal = world.appraisals["李娟"]

    response = client_for(world.staff).get(reverse("evaluation:appraisal_pdf", args=[appraisal.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    # The form holds personal data: its download is in the audit trail.
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (event.actor_id, event.target_id) == (world.staff.pk, str(appraisal.pk))
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi-Micro-Hei" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "李娟" in text and world.branch.name in text


def test_finalized_appraisal_pages_are_read_only(world, client_for):
    appraisal = w.complete_appraisal(world.appraisals["王强"], secretary=world.secretary, staff=world.staff)

    response = client_for(world.staff).post(
        reverse("evaluation:appraisal_grade", args=[appraisal.pk]), {"grade": "excellent", "conclusion": "改"}
    )

    assert response.status_code == 200 and "This appraisal is final" in response.content.decode()
    assert Appraisal.objects.get(pk=appraisal.pk).grade == AppraisalGrade.QUALIFIED
