"""Writing lists to .xlsx: one helper so every export looks the same."""

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_workbook(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths=None) -> bytes:
    """A workbook with a bold title row, a header row and the rows; returns its bytes."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([str(h) for h in headers])
    fill = PatternFill("solid", fgColor="DDE5F0")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell_value(v) for v in row])
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(index) or max(10, min(40, len(str(header)) * 2 + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_value(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float)) or hasattr(value, "isoformat"):
        return value
    return str(value)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
