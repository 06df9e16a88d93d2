"""The exports' streaming workbook writer: further sheets past the per-sheet limit, each with the
title and header rows; values by type; what openpyxl reads back from it."""

import datetime
import io
import zipfile
from decimal import Decimal
from enum import IntEnum

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import exports
from core.xlsx import _cell_value, stream_writers
from core.xlsx_stream import EXCEL_MAX_CHARS, _cell, cell_writers, sheet_names, write_workbook
from mechanisms.weekly.models import WeeklyReportStatus

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


# Every kind of value an export meets, and the ones that take the writer's corners: control
# characters XML cannot carry (alone, before a formula sign, in text past Excel's limit), XML
# specials, formula-like text, numbers that are not finite, naive and aware times, subclasses.
CORPUS = [
    "", "攻坚支部", "第一行\n第二行", "<b>&\"征迁\"</b>", "=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx",
    "\x07", "\x01=1+1", "a\x0bb", "\ufffe", "\ufffe=1+1", "长" * (EXCEL_MAX_CHARS + 10),
    "\x01" + "长" * EXCEL_MAX_CHARS, "=" + "x" * EXCEL_MAX_CHARS,
    None, True, False, 0, -5, 2**70, 2.5, -0.0, float("nan"), float("inf"), Decimal("12.50"),
    datetime.date(2026, 3, 6), datetime.datetime(2026, 3, 6, 17, 30, 15, 250),
    datetime.datetime(2026, 3, 6, 9, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 6, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    datetime.time(8, 45), IntEnum("Batch", "ONE TWO").TWO, WeeklyReportStatus.SUBMITTED, gettext_lazy("Yes"),
]


def test_the_exports_writers_give_each_value_what_the_general_path_gives():
    """``core.xlsx.stream_writers()`` (one lookup a value) and ``_cell_value`` then the general
    ``_cell`` (a chain of type tests) write every value to the same XML: the exports' cells,
    their formula guard included, are those of before."""
    writers = stream_writers()
    assert set(writers) <= {type(value) for value in CORPUS}
    for value in CORPUS:
        general = _cell("C7", _cell_value(value))
        writer = writers.get(type(value))
        assert writer is None or writer("C7", value) == general, repr(value)[:40]


def test_the_plain_writers_give_what_the_general_path_gives():
    plain = cell_writers()
    for value in CORPUS:
        writer = plain.get(type(value))
        if writer is None:
            continue
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            with pytest.raises(ValueError, match="Aware"):
                writer("C7", value)
            with pytest.raises(ValueError, match="Aware"):
                _cell("C7", value)
        else:
            assert writer("C7", value) == _cell("C7", value), repr(value)[:40]


def test_an_export_sheet_is_the_same_xml_with_or_without_the_writers():
    rows = [CORPUS[i:] + CORPUS[:i] for i in range(0, len(CORPUS), 5)]

    def sheet(**kwargs) -> bytes:
        out = io.BytesIO()
        write_workbook(out, title="周报", headers=["a"], rows=rows, widths=[10], convert=_cell_value, **kwargs)
        with zipfile.ZipFile(out) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    written = sheet(writers=stream_writers())
    assert written == sheet(writers={})
    assert b'<c r="E3" s="6" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>' in written
