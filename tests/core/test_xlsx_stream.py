"""The exports' streaming workbook writer: further sheets past the per-sheet limit, each with the
title and header rows; values by type; what openpyxl reads back from it."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from core import exports
from core.xlsx_stream import EXCEL_MAX_CHARS, sheet_names, write_workbook

HEADERS = ["名称", "数量"]


def workbook(**kwargs):
    out = io.BytesIO()
    written = exports.write_xlsx(out, **kwargs)
    return written, load_workbook(io.BytesIO(out.getvalue()))


def values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_rows_past_the_sheet_limit_continue_on_further_sheets_with_the_same_header(monkeypatch):
    monkeypatch.setattr(exports, "ROWS_PER_SHEET", 5)
    seen = []
    rows = ([f"项目{i}", i] for i in range(12))

    written, wb = workbook(title="攻坚项目", headers=HEADERS, rows=rows, on_progress=seen.append, every=4)

    assert written == 12
    assert seen == [4, 8, 12]
    assert wb.sheetnames == ["攻坚项目", "攻坚项目 (2)", "攻坚项目 (3)"]
    chunks = [range(0, 5), range(5, 10), range(10, 12)]
    for sheet, chunk in zip(wb.worksheets, chunks, strict=True):
        assert values(sheet) == [("攻坚项目", None), ("名称", "数量"), *[(f"项目{i}", i) for i in chunk]]
        assert sheet.freeze_panes == "A3"
        assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]
        assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
        assert sheet["A2"].font.b and sheet["A2"].fill.fgColor.rgb.endswith("DDE5F0")


def test_a_full_last_sheet_opens_no_empty_one_and_no_rows_still_make_a_sheet(monkeypatch):
    monkeypatch.setattr(exports, "ROWS_PER_SHEET", 5)
    written, wb = workbook(title="攻坚项目", headers=HEADERS, rows=([f"项目{i}", i] for i in range(10)))
    assert written == 10 and len(wb.sheetnames) == 2
    assert len(values(wb.worksheets[1])) == 2 + 5

    written, wb = workbook(title="攻坚项目", headers=HEADERS, rows=iter(()))
    assert written == 0 and wb.sheetnames == ["攻坚项目"]
    assert values(wb.active) == [("攻坚项目", None), ("名称", "数量")]


def test_the_default_limit_is_excels():
    assert exports.ROWS_PER_SHEET == 1_048_576 - 2


def test_sheet_names_follow_excels_rules():
    long = "澄靖第二过江通道征迁攻坚支部周报：2026年第11周/全部批次[导出]" * 2
    names = sheet_names(long, 3)
    assert all(len(name) <= 31 for name in names)
    assert not any(ch in name for name in names for ch in "[]:*?/\\")
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")
    assert len(set(names)) == 3
    assert sheet_names("  ", 1) == ["Sheet"]


def test_values_are_written_by_type_and_read_back():
    row = [
        "<b>&\"征迁\"</b>\x07",  # XML specials are escaped, a control character dropped
        42,
        2.5,
        True,
        Decimal("12.50"),
        datetime.date(2026, 3, 6),
        datetime.datetime(2026, 3, 6, 17, 30, 15),
        datetime.datetime(2026, 3, 6, 9, 30, tzinfo=datetime.UTC),  # aware: shown in local time
        datetime.time(8, 45),
        None,
        "=1+1",  # text, never a formula
        "第一行\n第二行",
        "长" * (EXCEL_MAX_CHARS + 10),
    ]
    headers = [f"列{i}" for i in range(1, len(row) + 1)]

    _, wb = workbook(title="类型", headers=headers, rows=[row], widths={1: 30})

    sheet = wb.active
    got = values(sheet)[2]
    assert got[:5] == ('<b>&"征迁"</b>', 42, 2.5, True, "12.50")
    assert got[5] == datetime.datetime(2026, 3, 6, 0, 0)  # openpyxl reads a dated cell as a datetime
    assert sheet["F3"].is_date and sheet["G3"].is_date
    assert got[6] == datetime.datetime(2026, 3, 6, 17, 30, 15)
    assert got[7] == datetime.datetime(2026, 3, 6, 17, 30)  # 09:30 UTC is 17:30 in Shanghai
    assert got[8] == datetime.time(8, 45)
    assert got[9] is None
    assert got[10] == "=1+1" and sheet["K3"].data_type == "s"
    assert got[11] == "第一行\n第二行"
    assert got[12] == "长" * EXCEL_MAX_CHARS
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["B"].width == 10  # the default for a short header


def test_a_row_wider_than_the_header_keeps_every_value():
    out = io.BytesIO()
    write_workbook(out, title="t", headers=["a"], rows=[[1, 2, 3]], widths=[10])
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert values(wb.active)[2] == (1, 2, 3)
