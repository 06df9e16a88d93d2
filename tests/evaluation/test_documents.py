"""The evaluation app's Word documents: the appraisal form (党性鉴定表) beside its PDF, the
efficacy evaluation report (效能评估报告) with its figures against hand-counted numbers, the PDF
rendering, and every form of a branch as one .zip through the export jobs."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core import gbdoc
from core.exports import export_job_run, export_start
from core.gbdoc import docx_to_pdf
from core.models import ExportJob, ExportJobStatus
from evaluation import selectors, services
from evaluation.documents import appraisal_document, evaluation_document
from evaluation.models import RubricItemKind
from projects.models import Indicator, Project
from tests.gbdoc_utils import (
    all_text,
    first_page_png,
    mm,
    open_docx,
    pdf_pages,
    pdf_plain,
    require_soffice,
    style_font,
    table_rows,
)

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese(english):
    """The documents in the department's language (after the app's English pin)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def zh_client():
    """A client of a Chinese-speaking user (the documents follow the reader's language)."""

    def make(user):
        client = Client(headers={"accept-language": "zh-hans"})
        client.force_login(user)
        return client

    return make


@pytest.fixture
def scored(world):
    """Hand-counted: one indicator 0 → 225 户 at 180 (80.0 %, 0 of 1 targets reached); 陈明 scores
    24+20+12+12+12 = 80, 周敏 27+22+13+13+13 = 88, mean 84; a deduction of 2 and a bonus of 3:
    total 85, grade Good (80 ≤ 85 < 90)."""
    ev = world.evaluation
    project = Project.objects.create(
        branch=world.branch, name="征迁", front=world.branch.front, field=world.branch.field, goal="x",
        start_on=w.days(-120), deadline=w.days(-10), lead_unit=world.committee_a,
    )
    Indicator.objects.create(project=project, name="搬迁户数", unit="户", baseline=0, target=225, current_value=180)
    w.score_all(ev, by=world.staff, values=[24, 20, 12, 12, 12])
    w.score_all(ev, by=world.staff2, values=[27, 22, 13, 13, 13])
    deduction = ev.items.get(kind=RubricItemKind.DEDUCTION)
    bonus = ev.items.get(kind=RubricItemKind.BONUS)
    services.adjustment_add(evaluation=ev, item=deduction, by=world.staff, points=2, reason="迟报1次")
    services.adjustment_add(evaluation=ev, item=bonus, by=world.staff, points=3, reason="获市委表彰")
    return services.evaluation_finalize(evaluation=ev, by=world.staff, remarks="同意评估结果。")


def report_bytes(evaluation, user) -> bytes:
    evaluation.refresh_from_db()
    return evaluation_document(selectors.evaluation_page(evaluation, user=user)).to_bytes()


# ---------------------------------------------------------------- the evaluation report
def test_report_holds_the_rubric_scores_figures_grade_and_evaluators(world, scored):
    doc = open_docx(report_bytes(world.evaluation, world.leader))
    text = all_text(doc)
    assert doc.paragraphs[0].text == "澄靖第二过江通道征迁攻坚支部效能评估报告"
    assert "总分85分，等次为良好。" in text
    result, criteria, figures, evaluators = doc.tables
    assert table_rows(result)[1] == ["84", "−2", "+3", "否", "85", "良好"]
    rows = table_rows(criteria)
    assert rows[0] == ["序号", "评分项", "权重", "客观数据", "建议得分", "评分"]
    assert rows[1] == ["1", "目标完成", "30", "80%\n1项目标中已达成0项", "24", "陈明 24\n周敏 27"]
    assert rows[4][1:] == ["群众企业满意度", "15", "无客观数据：由评估人评判", "—", "陈明 12\n周敏 13"]
    figure_rows = {r[0]: r[1:] for r in table_rows(figures)[1:]}
    assert figure_rows["指标完成率"] == ["80%", "1项目标中已达成0项"]
    assert table_rows(evaluators)[1:] == [["陈明", "80", ""], ["周敏", "88", ""]]
    assert "迟报1次" in text and "获市委表彰" in text and "同意评估结果。" in text
    signature = [p.text for p in doc.paragraphs if p.style.name == "GB Signature"]
    assert signature[0] == "靖江市"  # the finalizing staff's organization


def test_report_layout(world, scored):
    doc = open_docx(report_bytes(world.evaluation, world.staff))
    section = doc.sections[0]
    assert (mm(section.page_width), mm(section.page_height), mm(section.top_margin), mm(section.left_margin)) == (
        210.0, 297.0, 37.0, 28.0,
    )
    assert style_font(doc, "GB Title")[:2] == ("方正小标宋简体", 22.0)
    assert style_font(doc, "GB Heading 1")[:2] == ("黑体", 16.0)


def test_a_report_in_progress_says_so(world):
    text = all_text(open_docx(report_bytes(world.evaluation, world.staff)))
    assert "评估仍在进行中" in text and "尚无评估人打分。" in text


def test_report_downloads(world, scored, client_for, zh_client, monkeypatch):
    response = zh_client(world.leader).get(reverse("evaluation:evaluation_report_docx", args=[world.evaluation.pk]))
    assert response.status_code == 200
    assert open_docx(response.content).paragraphs[0].text.endswith("效能评估报告")
    page = client_for(world.leader).get(reverse("evaluation:evaluation_detail", args=[world.evaluation.pk]))
    html = page.content.decode()
    assert reverse("evaluation:evaluation_report_docx", args=[world.evaluation.pk]) in html
    assert reverse("evaluation:evaluation_report_pdf", args=[world.evaluation.pk]) in html
    monkeypatch.setattr(gbdoc, "soffice_path", lambda: None)
    response = client_for(world.staff).get(reverse("evaluation:evaluation_report_pdf", args=[world.evaluation.pk]))
    assert response.status_code == 503


# ---------------------------------------------------------------- the appraisal form
def _completed(world):
    appraisal = world.appraisals["李娟"]
    services.appraisal_self_assess(appraisal=appraisal, text="包联10户全部签约。", by=world.member)
    w.complete_appraisal(appraisal, secretary=world.secretary, staff=world.staff, grade="excellent",
                         conclusion="同意支部意见。")
    appraisal.refresh_from_db()
    return appraisal


def test_appraisal_form_has_the_print_forms_fields(world):
    appraisal = _completed(world)
    doc = open_docx(appraisal_document(appraisal).to_bytes())
    assert doc.paragraphs[0].text == "攻坚支部党员党性鉴定表"
    # the branch's long name and the number do not fit on one line: the number goes flush right below
    assert doc.paragraphs[1].text == "攻坚支部：澄靖第二过江通道征迁攻坚支部"
    assert doc.paragraphs[2].text == f"编号：{world.branch.pk:04d}-{appraisal.pk:05d}"
    (form,) = doc.tables
    rows = table_rows(form)
    assert rows[0][:4] == ["姓名", "李娟", "性别", "女"]
    assert rows[1][2:4] == ["党员类别", "正式党员"]
    assert rows[5][0] == "个人自评" and rows[5][1].startswith("包联10户全部签约。")
    assert rows[6][1].startswith("政治坚定，冲锋在前。")
    assert rows[7][1] == "☑优秀　☐合格　☐基本合格　☐不合格"
    assert rows[8][1].startswith("同意支部意见。")
    assert doc.paragraphs[-1].text.startswith("由组织部填写")
    assert style_font(doc, "GB Table Header")[:2] == ("黑体", 14.0)


def test_appraisal_docx_download_and_links(world, client_for):
    appraisal = world.appraisals["李娟"]
    response = client_for(world.member).get(reverse("evaluation:appraisal_docx", args=[appraisal.pk]))
    assert response.status_code == 200
    assert open_docx(response.content).tables[0].rows[0].cells[1].text == "李娟"
    docx_url = reverse("evaluation:appraisal_docx", args=[appraisal.pk])
    for url in (reverse("evaluation:appraisal_print", args=[appraisal.pk]), reverse("evaluation:my_appraisals")):
        assert docx_url in client_for(world.member).get(url).content.decode()
    listing = client_for(world.staff).get(reverse("evaluation:appraisal_list", args=[world.branch.pk])).content.decode()
    assert docx_url in listing and reverse("evaluation:appraisals_zip", args=[world.branch.pk]) in listing


# ---------------------------------------------------------------- every form of a branch as a .zip
def test_every_form_of_a_branch_as_one_zip_through_an_export_job(world, client_for, zh_client):
    response = zh_client(world.secretary).get(reverse("evaluation:appraisals_zip", args=[world.branch.pk]))
    job = ExportJob.objects.get(user=world.secretary, name="appraisal_forms")
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.status, job.total) == (ExportJobStatus.QUEUED, 5)  # the secretary, 李娟, 王强, 赵刚, 钱多

    export_job_run(job_id=job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.progress, job.total) == (ExportJobStatus.DONE, 5, 5)
    assert job.filename.endswith(".zip") and job.filename.startswith("党性鉴定表-澄靖第二过江通道征迁攻坚支部")
    page = zh_client(world.secretary).get(reverse("core:export_job", args=[job.pk])).content.decode()
    assert "已就绪：共5份文档。" in page
    download = client_for(world.secretary).get(reverse("core:export_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 5 and all(n.startswith("党性鉴定表-") and n.endswith(".docx") for n in names)
    people = {open_docx(archive.read(n)).tables[0].rows[0].cells[1].text for n in names}
    assert people == {"张卫东", "李娟", "王强", "赵刚", "钱多"}
    # the job is its owner's alone
    assert client_for(world.staff).get(reverse("core:export_job_download", args=[job.pk])).status_code == 404


def test_the_batch_refuses_a_branch_out_of_reach(world):
    with pytest.raises(Http404):
        export_start(user=world.other_secretary, name="appraisal_forms", params={"branch": [str(world.branch.pk)]})


# ---------------------------------------------------------------- rendering
def test_documents_render_to_pdf(world, scored):
    require_soffice()
    report = docx_to_pdf(report_bytes(world.evaluation, world.staff))
    assert pdf_pages(report) == 3
    text = pdf_plain(report)
    assert "效能评估报告" in text and "—1—" in text and "1项目标中已达成0项" in text
    assert first_page_png(report, "evaluation-report").stat().st_size < 150_000

    form = docx_to_pdf(appraisal_document(_completed(world)).to_bytes())
    assert pdf_pages(form) == 1
    assert "攻坚支部党员党性鉴定表" in pdf_plain(form)
    assert first_page_png(form, "appraisal-form").stat().st_size < 150_000


def test_deductions_are_shown_with_their_sign(world, scored):
    text = all_text(open_docx(report_bytes(world.evaluation, world.staff)))
    assert Decimal(world.evaluation.deductions) == 2
    assert "周报迟报漏报 −2：迟报1次" in text and "获上级表彰 +3：获市委表彰" in text
