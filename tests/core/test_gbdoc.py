"""The GB/T 9704-2012 document builder (core.gbdoc): page set-up, fonts, the header block, headings,
tables, the signature, the replaceable template, and the PDF through LibreOffice."""

import io
import threading
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from core import gbdoc
from core.documents import pdf_response
from core.gbdoc import FormCell, GbDocument, chinese_numeral, docx_to_pdf, text_width_chars
from tests.gbdoc_utils import first_page_png, mm, open_docx, pdf_pages, pdf_plain, require_soffice, style_font

L28 = "一二三四五六七八九十" * 2 + "一二三四五六七八"  # 28 full-width characters

@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield

def briefing_like() -> bytes:
    doc = GbDocument(title="关于攻坚支部运行情况的简报", mark="攻坚支部工作简报", issue_no=3,
                     org="中共靖江市委组织部", date=date(2026, 11, 18), copy_no=12)
    doc.heading(1, "总体情况")
    doc.paragraph("本周全市攻坚支部运行平稳。\n第二段。", lead="一是")
    doc.heading(2, "项目进展")
    doc.heading(2, "问题办理")
    doc.heading(3, "细项")
    doc.heading(4, "再细")
    doc.heading(1, "下步打算")
    doc.heading(2, "重来")
    doc.table(["项目", "灯色", "进度（%）"], [["沿江大道", "红", 80], ["港口", "绿", 12.5]], widths=[3, 1, 1])
    doc.signature()
    return doc.to_bytes()

# ---------------------------------------------------------------- the .docx
def test_page_is_a4_with_the_standards_margins_and_a_22_line_grid():
    doc = open_docx(briefing_like())
    section = doc.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37.0, 35.0)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28.0, 26.0)
    # the 版心 is 156 × 225 mm
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156.0
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225.0
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    # 22 lines of 28.95 pt fill the 225 mm 版心; the 23rd would not fit
    height_pt = Emu(section.page_height - section.top_margin - section.bottom_margin).pt
    assert 22 * 28.95 <= height_pt < 23 * 28.95

def test_fonts_and_sizes_follow_the_standard():
    doc = open_docx(briefing_like())
    assert style_font(doc, "GB Title")[:2] == ("方正小标宋简体", 22.0)  # 二号小标宋
    assert style_font(doc, "GB Body")[:2] == ("仿宋_GB2312", 16.0)  # 三号仿宋
    assert style_font(doc, "GB Heading 1") == ("黑体", 16.0, False)
    assert style_font(doc, "GB Heading 2") == ("楷体_GB2312", 16.0, False)
    assert style_font(doc, "GB Heading 3") == ("仿宋_GB2312", 16.0, True)
    assert style_font(doc, "GB Heading 4") == ("仿宋_GB2312", 16.0, False)
    assert style_font(doc, "GB Page Number")[:2] == ("宋体", 14.0)  # 四号
    body = doc.styles["GB Body"]
    assert body.paragraph_format.line_spacing == Pt(28.95)
    # condensed by 0.25 pt: 28 characters of 15.75 pt fill the 156 mm line, 29 do not
    spacing = body.element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert 28 * 15.75 <= Mm(156).pt < 29 * 15.75
    # the first line of a body paragraph is indented two characters
    assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    # every paragraph of the document uses one of the GB styles
    assert {p.style.name for p in doc.paragraphs} <= {
        "GB Copy Number", "GB Mark", "GB Number", "GB Issuer Line", "GB Title", "GB Body", "GB Signature",
        "GB Heading 1", "GB Heading 2", "GB Heading 3", "GB Heading 4",
    }

def test_page_numbers_are_dashed_odd_right_even_left():
    doc = open_docx(briefing_like())
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for paragraph in (odd, even):
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert " PAGE " in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
    assert odd.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent == Pt(14)
    assert even.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent == Pt(14)

def test_header_block_copy_number_mark_issue_number_and_red_line():
    doc = open_docx(briefing_like())
    paragraphs = doc.paragraphs
    assert [p.text for p in paragraphs[:5]] == [
        "000012", "攻坚支部工作简报", "第3期", "中共靖江市委组织部\t2026年11月18日", "关于攻坚支部运行情况的简报",
    ]
    mark = paragraphs[1]
    assert mark.style.font.color.rgb == gbdoc.RED
    # 35 mm from the top of the 版心 to the mark, less the 份号's line
    assert mark.paragraph_format.space_before.pt == pytest.approx(Mm(35).pt - 28.95, abs=0.05)
    assert paragraphs[2].paragraph_format.space_before.pt == pytest.approx(2 * 28.95, abs=0.05)  # 空二行
    border = paragraphs[3]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000" and border.get(qn("w:space")) == "11"  # ≈ 4 mm
    assert paragraphs[4].paragraph_format.space_before.pt == pytest.approx(2 * 28.95, abs=0.05)  # 空二行 to the title
    assert doc.core_properties.title == "关于攻坚支部运行情况的简报"

def test_a_document_number_replaces_the_issue_number_and_no_mark_means_no_header():
    doc = open_docx(GbDocument(title="通知", mark="中共某某委员会文件", doc_number="某组发〔2026〕5号").to_bytes())
    assert [p.text for p in doc.paragraphs] == ["中共某某委员会文件", "某组发〔2026〕5号", "通知"]
    plain = open_docx(GbDocument(title="纪要", subtitle="（2026年11月18日）").to_bytes())
    assert [(p.text, p.style.name) for p in plain.paragraphs] == [("纪要", "GB Title"), ("（2026年11月18日）", "GB Subtitle")]

def test_headings_number_per_level_and_restart_under_a_new_parent():
    doc = open_docx(briefing_like())
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("GB Heading")]
    assert headings == ["一、总体情况", "（一）项目进展", "（二）问题办理", "1.细项", "（1）再细", "二、下步打算", "（一）重来"]
    body = [p for p in doc.paragraphs if p.style.name == "GB Body"]
    assert [p.text for p in body[:2]] == ["一是本周全市攻坚支部运行平稳。", "第二段。"]
    assert body[0].runs[0].bold and not body[0].runs[1].bold
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]

def test_table_header_repeats_and_figures_align_right():
    doc = open_docx(briefing_like())
    (table,) = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目", "灯色", "进度（%）"], ["沿江大道", "红", "80"], ["港口", "绿", "12.5"],
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[2].paragraphs[0].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[0].paragraphs[0].style.name == "GB Table Text"
    assert style_font(doc, "GB Table Text")[:2] == ("仿宋_GB2312", 14.0)
    assert round(sum(c.width for c in table.columns) / Mm(1)) == 156  # as wide as the 版心

def test_signature_office_two_in_from_the_right_date_two_right_of_its_start():
    doc = open_docx(briefing_like())
    org, day = [p for p in doc.paragraphs if p.style.name == "GB Signature"]
    assert (org.text, day.text) == ("中共靖江市委组织部", "2026年11月18日")
    # 9 characters of office, 7 of date (8 half-width digits): the date ends 2 in, 2 right of the office
    assert text_width_chars("2026年11月18日") == 7
    assert org._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    assert day._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"  # 2 + 9 - 7 - 2
    short = open_docx(_signed("某支部"))  # a date longer than the office: the office moves right
    org, day = [p for p in short.paragraphs if p.style.name == "GB Signature"]
    assert day._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    assert org._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"  # 2 + 7 - 3 - 2

def _signed(org):
    doc = GbDocument(title="纪要")
    doc.signature(org, date(2026, 11, 18))
    return doc.to_bytes()

# ---------------------------------------------------------------- the template
def test_the_shipped_template_is_the_builders_and_is_what_documents_start_from(settings):
    shipped = Document(str(gbdoc.template_path()))
    built = gbdoc.build_base_template()
    names = {s.name for s in built.styles}
    assert {"GB Body", "GB Title", "GB Table", "GB Page Number"} <= names
    assert names <= {s.name for s in shipped.styles}
    assert mm(shipped.sections[0].top_margin) == 37.0
    assert not shipped.paragraphs or shipped.paragraphs[0].text == ""

def test_a_departments_template_wins_and_missing_styles_are_added(tmp_path, settings):
    custom = gbdoc.build_base_template()
    custom.sections[0].left_margin = Mm(30)
    custom.styles["GB Body"].font.size = Pt(15)
    custom.add_paragraph("letterhead text that is not part of documents")
    path = tmp_path / "department.docx"
    custom.save(str(path))
    settings.GBDOC_TEMPLATE = str(path)
    doc = open_docx(GbDocument(title="纪要").to_bytes())
    assert mm(doc.sections[0].left_margin) == 30.0
    assert doc.styles["GB Body"].font.size == Pt(15)
    assert [p.text for p in doc.paragraphs] == ["纪要"]

    bare = Document()  # a template made without any GB style
    out = io.BytesIO()
    bare.save(out)
    doc = open_docx(GbDocument(title="纪要", template=out.getvalue()).to_bytes())
    assert style_font(doc, "GB Title")[:2] == ("方正小标宋简体", 22.0)

def test_without_a_template_file_the_template_is_built_in_memory(tmp_path, settings):
    settings.GBDOC_TEMPLATE = str(tmp_path / "missing.docx")
    doc = open_docx(GbDocument(title="纪要").to_bytes())
    assert mm(doc.sections[0].top_margin) == 37.0

# ---------------------------------------------------------------- the PDF
def test_without_libreoffice_the_pdf_answers_a_chinese_page_not_an_error(monkeypatch, rf: RequestFactory):
    monkeypatch.setattr(gbdoc, "soffice_path", lambda: None)
    with pytest.raises(gbdoc.ConverterMissing, match="未安装 LibreOffice"):
        docx_to_pdf(b"")

    request = rf.get("/")
    request.user = AnonymousUser()
    response = pdf_response(request, b"", "纪要", docx_url="/x.docx")
    assert response.status_code == 503
    body = response.content.decode()
    assert "未安装 LibreOffice" in body and 'href="/x.docx"' in body and "下载 Word 文档" in body

def test_rendered_pages_hold_22_lines_of_28_characters_with_dashed_page_numbers():
    """Page 1 holds the title (two lines of the grid) and 20 lines; every further page 22."""
    require_soffice()

    def lines(n, text=L28):
        doc = GbDocument(title="行数")
        for _i in range(n):
            doc.paragraph(text, indent=False)
        return doc.to_bytes()

    results = {}

    def convert(key, content):
        results[key] = docx_to_pdf(content)

    # two conversions at once: each has its own profile, neither waits for nor breaks the other
    threads = [threading.Thread(target=convert, args=(k, lines(n))) for k, n in (("42", 42), ("43", 43))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pdf_pages(results["42"]) == 2
    assert pdf_pages(results["43"]) == 3
    # a 29th character wraps: 22 such paragraphs take 44 lines, a third page
    assert pdf_pages(docx_to_pdf(lines(22, L28 + "九"))) == 3
    assert pdf_plain(results["43"], first=2, last=2).endswith("—2—")

def test_a_briefing_like_document_renders():
    require_soffice()
    pdf = docx_to_pdf(briefing_like())
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 2
    text = pdf_plain(pdf)
    assert "攻坚支部工作简报" in text and "第3期" in text and "中共靖江市委组织部2026年11月18日" in text
    assert "—1—" in text and "—2—" in text
    assert first_page_png(pdf, "gbdoc-sample").stat().st_size < 150_000


def test_form_tables_merge_cells_and_hold_writing_boxes():
    doc = GbDocument(title="登记表")
    doc.split_line("单位：某支部", "编号：0001")
    doc.form(
        [
            [FormCell("姓名", label=True), "张三", FormCell("性别", label=True), "男"],
            [FormCell("简历", label=True), FormCell("2020年至今在某单位工作", span=3, foot="签名：　　年　月　日")],
        ],
        widths=[1, 2, 1, 2],
        heights=[None, 40],
    )
    out = open_docx(doc.to_bytes())
    assert out.paragraphs[1].text == "单位：某支部\t编号：0001"
    doc.split_line("单位：" + "很长的单位名称" * 3, "编号：0001")  # 31 characters: two lines
    assert [p.text for p in open_docx(doc.to_bytes()).paragraphs[-2:]] == ["单位：" + "很长的单位名称" * 3, "编号：0001"]
    (table,) = out.tables
    first, second = table.rows
    assert [c.text for c in first.cells] == ["姓名", "张三", "性别", "男"]
    # a merged cell appears once per grid column it spans
    assert [c.text for c in second.cells][1:] == ["2020年至今在某单位工作\n签名：　　年　月　日"] * 3
    assert second.cells[1].paragraphs[-1].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert mm(second.height) == 40.0
    assert first.cells[0].paragraphs[0].style.name == "GB Table Header"
