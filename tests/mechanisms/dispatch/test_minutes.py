"""The minutes of a recorded dispatch session (调度会议纪要) as .docx and PDF: what they say,
checked against hand-counted figures, their layout, and who may download them."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core import gbdoc
from core.gbdoc import docx_to_pdf
from mechanisms.dispatch import selectors as sel
from mechanisms.dispatch import services as dispatch_services
from mechanisms.dispatch.documents import minutes_document
from projects.services import indicator_record_reading
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
from tests.mechanisms.dispatch_world import (
    build_world,
    days,
    make_indicator,
    make_instruction,
    make_milestone,
)
from tests.shared_world import shared_world
from tests.utils import assert_status_matrix, count_queries


def build(org_tree, make_user):
    """The project runs from day -50 to day +50 (100 days); the session was held on day -10, when
    40 % of the time was gone. Hand-counted figures on that day:

    - 拆迁签约 (0 → 100 户): readings 20 on day -30, 30 on day -12, 60 on day -5 → 30 that day, 30 %;
    - 土地腾交 (0 → 50 亩): no readings, current value 25 set directly → 25, 50 %;
    - 清表完成 milestone due day -20, done day -15 (done by then); 管线迁改 due day +5, not done.
    """
    w = build_world(org_tree, make_user)
    with translation.override("zh-hans"):
        w.signing = make_indicator(project=w.project, by=w.staff, name="拆迁签约", target="100", unit="户")
        for day, value in ((-30, 20), (-12, 30), (-5, 60)):
            indicator_record_reading(indicator=w.signing, value=Decimal(value), by=w.staff, recorded_on=days(day))
        w.land = make_indicator(project=w.project, by=w.staff, name="土地腾交", target="50", unit="亩", current="25")
        cleared = make_milestone(project=w.project, by=w.staff, name="清表完成", due=-20)
        type(cleared).objects.filter(pk=cleared.pk).update(done_on=days(-15))
        make_milestone(project=w.project, by=w.staff, name="管线迁改", due=5)
        w.dispatch = dispatch_services.dispatch_create(
            project=w.project, by=w.chief, held_on=days(-10), record=True, location="孤山镇政府三楼会议室",
            attendees="刘建国 张卫东\n吴联络", notes="一、加快签约进度。\n二、月底前完成管线迁改方案。",
        )
        w.draft = dispatch_services.dispatch_create(project=w.project, by=w.chief, held_on=days(0))
        w.first = make_instruction(project=w.project, by=w.chief, unit=w.town_a, user=w.liaison, dispatch=w.dispatch,
                                   title="落实安置房源", issued=-10, deadline=5)
        w.second = make_instruction(project=w.project, by=w.chief, unit=w.department_a, dispatch=w.dispatch,
                                    title="开通审批绿色通道", issued=-10, deadline=20)
        make_instruction(project=w.project, by=w.chief, unit=w.town_a, title="不属于本次会议的事项")
        # added after the session and never read by its day: not on that session's table
        make_indicator(project=w.project, by=w.staff, name="会后新增指标", target="10", unit="个")
    return w


world_once, world = shared_world(build)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def minutes_bytes(w) -> bytes:
    return minutes_document(sel.dispatch_minutes_facts(w.dispatch)).to_bytes()


# ---------------------------------------------------------------- the facts
def test_figures_are_those_of_the_session_day(world):
    facts = sel.dispatch_minutes_facts(world.dispatch)
    assert facts.chair == "刘建国"
    assert facts.elapsed == Decimal("0.4")
    rows = {i.name: i for i in facts.indicators}
    assert set(rows) == {"拆迁签约", "土地腾交"}
    assert (rows["拆迁签约"].value, rows["拆迁签约"].progress) == (Decimal("30"), Decimal("0.3"))
    assert (rows["土地腾交"].value, rows["土地腾交"].progress) == (Decimal("25"), Decimal("0.5"))
    # the project's progress: the two indicators' mean, weight 1 each
    assert facts.progress == Decimal("0.4")
    assert [i.title for i in facts.instructions] == ["落实安置房源", "开通审批绿色通道"]


def test_the_facts_cost_the_same_queries_however_many_indicators_and_instructions(world):
    dispatch = sel.dispatch_detail(user=world.staff, pk=world.dispatch.pk)  # as the download view reads it
    before, _facts = count_queries(sel.dispatch_minutes_facts, dispatch)
    for n in range(3):
        indicator = make_indicator(project=world.project, by=world.staff, name=f"追加指标{n}", target="10", unit="个")
        indicator_record_reading(indicator=indicator, value=Decimal(n), by=world.staff, recorded_on=days(-11))
        make_instruction(project=world.project, by=world.chief, unit=world.town_a, dispatch=world.dispatch,
                         title=f"追加事项{n}", issued=-10, deadline=3)
    dispatch = sel.dispatch_detail(user=world.staff, pk=world.dispatch.pk)
    after, facts = count_queries(sel.dispatch_minutes_facts, dispatch)
    assert (len(facts.indicators), len(facts.instructions)) == (5, 5)
    assert after == before == 4


def test_the_docx_says_what_the_session_was(world):
    doc = open_docx(minutes_bytes(world))
    text = all_text(doc)
    assert doc.paragraphs[0].text == "过江通道征迁推进调度会议纪要"
    assert doc.paragraphs[1].text == f"（{days(-10).year}年{days(-10).month}月{days(-10).day}日）"
    for line in ("地点：孤山镇政府三楼会议室", "主持人：刘建国", "参会人员：刘建国 张卫东 吴联络",
                 "支部：澄靖第二过江通道征迁攻坚支部", "一、加快签约进度。", "二、月底前完成管线迁改方案。"):
        assert line in text
    headings = [p.text for p in doc.paragraphs if p.style.name == "GB Heading 1"]
    assert headings == ["一、会议基本情况", "二、项目推进情况", "三、会议议题", "四、会议议定事项", "五、已下达督办事项"]
    assert "完成进度40%，时间进度40%" in text
    indicators, instructions = doc.tables
    assert table_rows(indicators)[0] == ["指标", "单位", "目标", "当日数值", "进度", "时间进度", "红绿灯"]
    assert [row[:6] for row in table_rows(indicators)[1:]] == [
        ["拆迁签约", "户", "100", "30", "30%", "40%"],
        ["土地腾交", "亩", "50", "25", "50%", "40%"],
    ]
    assert table_rows(instructions)[1:] == [
        ["1", "落实安置房源", "孤山镇", "吴联络", _gb(days(5))],
        ["2", "开通审批绿色通道", "市行政审批局", "", _gb(days(20))],
    ]
    assert "不属于本次会议的事项" not in text
    # the agenda as recorded: the milestone due within the cadence
    assert any(p.text.startswith("管线迁改（") for p in doc.paragraphs)
    signature = [p.text for p in doc.paragraphs if p.style.name == "GB Signature"]
    assert signature == ["澄靖第二过江通道征迁攻坚支部", _gb(days(-10))]


def _gb(day):
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_docx_is_in_the_standards_layout(world):
    doc = open_docx(minutes_bytes(world))
    section = doc.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.left_margin), mm(section.right_margin), mm(section.bottom_margin)) == (
        37.0, 28.0, 26.0, 35.0,
    )
    assert style_font(doc, doc.paragraphs[0].style.name)[:2] == ("方正小标宋简体", 22.0)
    body = [p for p in doc.paragraphs if p.style.name == "GB Body"]
    assert body and style_font(doc, "GB Body")[:2] == ("仿宋_GB2312", 16.0)


def test_the_minutes_render_to_pdf(world):
    require_soffice()
    pdf = docx_to_pdf(minutes_bytes(world))
    assert pdf_pages(pdf) == 2
    text = pdf_plain(pdf)
    assert "过江通道征迁推进调度会议纪要" in text and "落实安置房源" in text and "—1—" in text
    assert first_page_png(pdf, "dispatch-minutes").stat().st_size < 150_000


# ---------------------------------------------------------------- downloads and who may have them
def test_downloads(world, monkeypatch):
    client = Client()
    client.force_login(world.secretary)
    response = client.get(reverse("mechanisms:dispatch_minutes_docx", args=[world.dispatch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert open_docx(response.content).paragraphs[0].text == "过江通道征迁推进调度会议纪要"
    page = client.get(reverse("mechanisms:dispatch_detail", args=[world.dispatch.pk])).content.decode()
    assert reverse("mechanisms:dispatch_minutes_docx", args=[world.dispatch.pk]) in page
    assert reverse("mechanisms:dispatch_minutes_pdf", args=[world.dispatch.pk]) in page
    draft_page = client.get(reverse("mechanisms:dispatch_detail", args=[world.draft.pk])).content.decode()
    assert "minutes.docx" not in draft_page

    monkeypatch.setattr(gbdoc, "soffice_path", lambda: None)
    response = client.get(reverse("mechanisms:dispatch_minutes_pdf", args=[world.dispatch.pk]))
    assert response.status_code == 503 and "未安装 LibreOffice" in response.content.decode()


def test_pdf_download(world):
    require_soffice()
    client = Client()
    client.force_login(world.chief)
    response = client.get(reverse("mechanisms:dispatch_minutes_pdf", args=[world.dispatch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["dispatch_minutes_docx", "dispatch_minutes_pdf"])
def test_who_may_download_the_minutes(world, name, monkeypatch):
    # The PDF's permission checks do not need LibreOffice: without it the holder gets the 503 page.
    monkeypatch.setattr(gbdoc, "soffice_path", lambda: None)
    ok = 200 if name.endswith("docx") else 503
    url = reverse(f"mechanisms:{name}", args=[world.dispatch.pk])
    expectations = {
        None: 302, "staff": ok, "leader": ok, "chief": ok, "secretary": ok,
        "member": 404, "liaison": 404, "other_chief": 404, "staff_b": 404, "b_liaison": 404, "b_chief": 404,
    }
    assert_status_matrix(Client, url, {(getattr(world, k) if k else None): v for k, v in expectations.items()})
    # a draft has no minutes yet
    draft = reverse(f"mechanisms:{name}", args=[world.draft.pk])
    assert_status_matrix(Client, draft, {world.staff: 404, world.chief: 404})

