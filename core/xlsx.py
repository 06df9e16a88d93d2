"""Writing lists to .xlsx: one helper so every export looks the same.

Every value any workbook of the product holds goes through ``write_value`` (a cell of a sheet
being built) or ``row_values`` (a row appended, in normal and write-only mode alike). Text that
Excel or WPS would read as a formula (it begins with = + - @, a tab or a carriage return) is
stored as a plain string cell with Excel's quote prefix, so a user's "=HYPERLINK(…)" opens as
the text they typed and is not evaluated, even when the cell is edited. Numbers and dates stay
numbers and dates (a negative number is a number).
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx_stream import cell_writers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_workbook(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths=None) -> bytes:
    """A workbook with a bold title row, a header row and the rows; returns its bytes."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append(row_values(ws, [str(title)]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(row_values(ws, [str(h) for h in headers]))
    fill = PatternFill("solid", fgColor="DDE5F0")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row_values(ws, row))
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(index) or max(10, min(40, len(str(header)) * 2 + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# Text starting with one of these is a formula (or becomes one when edited) in Excel and WPS.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(value):
    """``value`` as openpyxl stores it: local naive datetimes, numbers and dates as they are,
    anything else as text without the control characters a worksheet cannot hold."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return _local_naive(value)
    if isinstance(value, (int, float, Decimal)) or hasattr(value, "isoformat"):
        return value
    return _strip_illegal(str(value))


def _local_naive(value):
    return timezone.localtime(value).replace(tzinfo=None)


def _strip_illegal(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def stream_writers() -> dict:
    """The streaming writer's cell writers that give, for the common types, exactly what
    ``_cell_value`` then the writer's general path give (core.exports.write_xlsx), in the
    time zone active now (read once, not once a value)."""
    zone = timezone.get_current_timezone()
    return cell_writers(text=_strip_illegal, aware_datetime=lambda value: value.astimezone(zone).replace(tzinfo=None))


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def write_value(cell: Cell, value) -> Cell:
    """Put ``value`` into ``cell``: text is always a string cell, never a formula or an error
    code; formula-like text also gets the quote prefix so editing it keeps it text. None leaves
    the cell empty."""
    value = None if value is None else _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell


def row_values(ws, values: Iterable) -> list:
    """A row for ``ws.append``: plain values, and a prepared cell for formula-like text (and
    for text openpyxl would not store as a string)."""
    row = []
    for value in values:
        value = _cell_value(value)
        if isinstance(value, str) and (is_formula_like(value) or value in ERROR_CODES):
            value = write_value(Cell(ws, row=1, column=1), value)
        row.append(value)
    return row


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
