"""The briefing as a GB/T 9704 .docx (opened again with python-docx: page, masthead, 第N期, the
figures against the hand-counted world) and its PDF through LibreOffice (page count, text)."""

import pytest
from django.utils import translation

from core.gbdoc import docx_to_pdf
from evaluation.briefings import services
from evaluation.briefings.documents import briefing_docx
from evaluation.briefings.models import BriefingPeriod
from tests.evaluation.dashboard_world import build, day
from tests.gbdoc_utils import (
    all_text,
    first_page_png,
    mm,
    open_docx,
    pdf_pages,
    pdf_plain,
    require_soffice,
    table_rows,
)
from tests.shared_world import shared_world

w_once, w = shared_world(build, name="w", language="en")


@pytest.fixture
def issued(w):
    briefing = services.briefing_draft(organization=w.o["city_a"], period=BriefingPeriod.MONTH, day=day(0), by=w.staff)
    services.briefing_update(
        briefing=briefing, by=w.staff, title="攻坚支部工作简报", issuing_organ="中共靖江市委组织部",
        texts={"overview": "全市攻坚支部总体运行平稳，过江通道征迁进入攻坚阶段。", "next_steps": "紧盯红灯项目，逐项销号。"},
    )
    return services.briefing_issue(briefing=briefing, by=w.staff)


def test_the_docx_has_the_standards_page_the_masthead_the_number_and_the_figures(issued):
    doc = open_docx(briefing_docx(issued))
    section = doc.sections[0]
    text = all_text(doc)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37.0, 28.0)
    paragraphs = [p.text for p in doc.paragraphs if p.text]
    assert paragraphs[:2] == ["攻坚支部工作简报", "第1期"]
    assert "中共靖江市委组织部" in paragraphs[2] and "2026年11月18日" in paragraphs[2]
    assert "攻坚支部工作情况（2026年11月）" in paragraphs
    assert "一、支部与项目总体情况" in paragraphs and "七、下步工作" in paragraphs
    # The figures of the hand-counted world (tests/evaluation/briefings/test_selectors.py).
    assert "在推进攻坚项目中，红灯2个、黄灯1个、绿灯1个。" in text
    assert "应报周报6份，已报1份，报送率17%；上期为0%。上升17个百分点。" in text
    assert "本期新提出问题3个，解决2个（解决用时中位数3.0天）" in text
    assert "企业吹哨2次；办结并评价1件，满意率100%。" in text
    assert "全市攻坚支部总体运行平稳，过江通道征迁进入攻坚阶段。" in text
    overdue, league = doc.tables
    assert table_rows(overdue)[1:] == [["三日内完成剩余12户评估", "市行政审批局", "2026-11-13", "5"],
                                       ["协调供电迁改", "孤山镇", "2026-11-17", "1"]]
    assert [row[1] for row in table_rows(league)[1:]] == ["市行政审批局", "孤山镇", "市交通运输局党委"]


def test_a_draft_says_so_instead_of_a_number(w):
    briefing = services.briefing_draft(organization=w.o["city_a"], period=BriefingPeriod.WEEK, day=day(0), by=w.staff)

    paragraphs = [p.text for p in open_docx(briefing_docx(briefing)).paragraphs if p.text]

    assert paragraphs[:2] == ["攻坚支部工作简报", "草稿"]


def test_the_pdf_renders_the_briefing(issued):
    require_soffice()

    with translation.override("zh-hans"):
        pdf = docx_to_pdf(briefing_docx(issued))

    assert 1 <= pdf_pages(pdf) <= 3
    plain = pdf_plain(pdf, first=1, last=1)
    assert "第1期" in plain and "红灯2个" in plain
    first_page_png(pdf, "briefing")
