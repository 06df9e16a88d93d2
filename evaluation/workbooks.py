"""The priority list (优先考虑名单) in the department's layout: a title row, a line saying what
was selected, two header rows with merged group cells, bordered rows and set column widths, set
up to print landscape on A4. Written with openpyxl directly (core.xlsx is the one-header-row
layout of the ordinary list exports); every value goes through ``core.xlsx.write_value``, so
text a user typed is never a formula."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.xlsx import write_value

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_FILL = PatternFill("solid", fgColor="F2DCDB")
# (width, alignment) of each column A…M.
_COLUMNS = [6, 10, 6, 28, 30, 6, 12, 10, 8, 10, 46, 26, 12]
HEADER_ROWS = (3, 4)
FIRST_DATA_ROW = 5


def _headers():
    """(row-3 label, row-4 label or None when the cell spans both rows) per column; a group label
    on row 3 spans the columns whose row-3 label is the same."""
    branch, evidence = _("Task-force branch"), _("Evidence")
    return [
        (_("No."), None),
        (_("Name"), None),
        (_("Gender"), None),
        (_("Work unit and post"), None),
        (branch, _("Branch")),
        (branch, _("Batch")),
        (branch, _("Role")),
        (evidence, _("Branch grade")),
        (evidence, _("Total")),
        (evidence, _("Appraisal grade")),
        (evidence, _("Conclusion (excerpt)")),
        (_("Grounds for priority"), None),
        (_("Finalized on"), None),
    ]


def _grounds(entry) -> str:
    parts = []
    if entry.is_secretary:
        parts.append(_("Secretary of a branch graded Excellent"))
    if entry.is_excellent_member:
        parts.append(_("Appraised Excellent"))
    return "；".join(parts)


def _selection(filters: dict) -> str:
    bits = []
    if filters.get("batch"):
        bits.append(_("Batch %(n)s") % {"n": filters["batch"]})
    start, end = filters.get("date_from"), filters.get("date_to")
    if start or end:
        bits.append(
            _("finalized %(start)s to %(end)s") % {"start": start.isoformat() if start else "…", "end": end.isoformat() if end else "…"}
        )
    bits.append(_("exported %(date)s") % {"date": timezone.localdate().isoformat()})
    return "  ".join(bits)


def priority_workbook(entries, *, filters: dict, user) -> bytes:
    wb = Workbook()
    ws = wb.active
    title = _("Priority list for promotion, rank advancement and awards")
    ws.title = _("Priority list")[:31]
    last = get_column_letter(len(_COLUMNS))

    ws["A1"] = title
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws["A2"] = _selection(filters)
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="right")

    headers = _headers()
    col = 1
    while col <= len(headers):
        top, bottom = headers[col - 1]
        if bottom is None:
            ws.cell(row=3, column=col, value=top)
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            col += 1
            continue
        span = col
        while span + 1 <= len(headers) and headers[span][0] == top and headers[span][1] is not None:
            span += 1
        ws.cell(row=3, column=col, value=top)
        if span > col:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=span)
        for c in range(col, span + 1):
            ws.cell(row=4, column=c, value=headers[c - 1][1])
        col = span + 1
    for row in HEADER_ROWS:
        for c in range(1, len(headers) + 1):
            cell = ws.cell(row=row, column=c)
            cell.font = Font(bold=True)
            cell.alignment = _CENTER
            cell.fill = _FILL
            cell.border = _BORDER

    for number, entry in enumerate(entries, start=1):
        person, branch, evaluation, appraisal = entry.person, entry.branch, entry.evaluation, entry.appraisal
        unit = str(person.work_unit) + (f" {person.post}" if person.post else "")
        finalized = timezone.localtime(entry.finalized_at).date() if entry.finalized_at else None
        values = [
            number,
            person.name,
            person.get_gender_display(),
            unit,
            branch.name,
            branch.batch,
            entry.role_label,
            evaluation.get_grade_display() if evaluation and evaluation.is_final else "",
            float(evaluation.total) if evaluation and evaluation.is_final and evaluation.total is not None else None,
            appraisal.get_grade_display() if appraisal and appraisal.grade else "",
            entry.excerpt,
            _grounds(entry),
            finalized,
        ]
        row = FIRST_DATA_ROW + number - 1
        for c, value in enumerate(values, start=1):
            cell = write_value(ws.cell(row=row, column=c), value)
            cell.border = _BORDER
            cell.alignment = _LEFT if c in (4, 5, 11, 12) else _CENTER
            if c == 13 and value is not None:
                cell.number_format = "yyyy-mm-dd"
            if c == 9 and value is not None:
                cell.number_format = "0.00"

    for index, width in enumerate(_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
