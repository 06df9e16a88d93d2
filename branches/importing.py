"""Importing the Party-member registry from the Excel template the people page offers.

The whole file is checked before anything is saved: every problem is reported with its row and
column, and nothing is saved unless every row is valid (an import is all or nothing, so a
half-imported file never has to be untangled by hand).
"""

import datetime
import re
from dataclasses import dataclass, field
from io import BytesIO
from zipfile import BadZipFile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from branches.models import Gender, Organization, Person
from branches.selectors import visible_organizations
from branches.services import person_bulk_create
from core.forms import PHONE_RE
from core.xlsx import build_workbook

# The template's columns, in order. The importer reads by position; the header row is only
# used to find where the data starts.
COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("gender", gettext_lazy("Gender")),
    ("birth_date", gettext_lazy("Birth date")),
    ("joined_party_on", gettext_lazy("Joined the Party on")),
    ("is_probationary", gettext_lazy("Probationary member")),
    ("work_unit", gettext_lazy("Work unit")),
    ("post", gettext_lazy("Post")),
    ("phone", gettext_lazy("Mobile phone")),
]
COLUMN_INDEX = {name: i for i, (name, _label) in enumerate(COLUMNS)}
MAX_ROWS = 5000
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class RowError:
    row: int  # the row number Excel shows
    column: int  # 0-based index into COLUMNS, or None for the whole row
    message: str

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column + 1) if self.column is not None else ""

    @property
    def column_label(self) -> str:
        return str(COLUMNS[self.column][1]) if self.column is not None else ""

    def __str__(self):
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column %(column)s (%(label)s): %(message)s") % {
            "row": self.row,
            "column": self.column_letter,
            "label": self.column_label,
            "message": self.message,
        }


@dataclass
class ImportResult:
    people: list[Person] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


def _all_languages(text) -> set[str]:
    """``text`` (a lazy translation) in every language the product speaks, lower-cased."""
    values = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values.add(str(text).strip().lower())
    return values


# ---------------------------------------------------------------- the template
def people_template(*, user) -> bytes:
    """The import template: the header row, drop-downs for the closed columns, and a second
    sheet with the rules and the units the user may register people in."""
    headers = [label for _name, label in COLUMNS]
    content = build_workbook(title=_("Party member registry import"), headers=headers, rows=[])
    wb = load_workbook(BytesIO(content))
    ws = wb.active
    genders = ",".join(str(label) for _value, label in Gender.choices)
    yes_no = ",".join([_("Yes"), _("No")])
    for column, options in ((COLUMN_INDEX["gender"], genders), (COLUMN_INDEX["is_probationary"], yes_no)):
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        letter = get_column_letter(column + 1)
        validation.add(f"{letter}3:{letter}{MAX_ROWS + 2}")
        ws.add_data_validation(validation)
    for column in (COLUMN_INDEX["birth_date"], COLUMN_INDEX["joined_party_on"], COLUMN_INDEX["phone"]):
        letter = get_column_letter(column + 1)
        for row in range(3, 203):
            ws[f"{letter}{row}"].number_format = "@"  # text, so dates and phones stay as typed
    help_sheet = wb.create_sheet(_("Instructions"))
    help_sheet.column_dimensions["A"].width = 90
    rules = [
        _("Fill in one Party member per row, starting on row 3 of the first sheet. Do not change the header row."),
        _("Name, gender and work unit are required."),
        _("Dates are written as YYYY-MM-DD, for example 1985-07-01."),
        _("Probationary member: Yes or No (empty means No)."),
        _("Work unit: the full name (or short name) of a unit listed below."),
        _("The whole file is checked first; nothing is saved unless every row is valid."),
        "",
        _("Units you may register people in:"),
    ]
    for line in rules:
        help_sheet.append([line])
    for name, short_name in visible_organizations(user).values_list("name", "short_name")[:MAX_ROWS]:
        help_sheet.append([f"{name} / {short_name}" if short_name else name])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading cells
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_formula(value) -> bool:
    """A formula cell (read as "=…"), or text that would become one when exported or edited."""
    return isinstance(value, str) and value.lstrip().startswith("=")


def _parse_date(value):
    """A date from a date cell, an Excel serial number or text such as 1985-07-01 / 1985年7月1日."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)):
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError from exc
    text = _text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def _gender_lookup() -> dict[str, str]:
    lookup = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
    for value, label in Gender.choices:
        lookup[value] = value
        for text in _all_languages(label):
            lookup[text] = value
    return lookup


def _yes_no_lookup() -> dict[str, bool]:
    lookup = {"": False, "是": True, "否": False, "y": True, "n": False, "true": True, "false": False, "1": True, "0": False}
    for text in _all_languages(gettext_lazy("Yes")):
        lookup[text] = True
    for text in _all_languages(gettext_lazy("No")):
        lookup[text] = False
    return lookup


def _resolve_units(user, names: set[str]) -> dict[str, Organization | str]:
    """Map each unit name in the file to a unit in the user's jurisdiction, or to the reason
    it cannot be used. One query."""
    if not names:
        return {}
    candidates = list(visible_organizations(user).filter(Q(name__in=names) | Q(short_name__in=names)))
    resolved: dict[str, Organization | str] = {}
    for text in names:
        by_name = [o for o in candidates if o.name == text]
        by_short = [o for o in candidates if o.short_name == text]
        matches = by_name or by_short
        if len(matches) == 1:
            resolved[text] = matches[0]
        elif matches:
            resolved[text] = _("Several units are called “%(name)s”; write the full name of the one you mean.") % {
                "name": text
            }
        else:
            resolved[text] = _("No unit called “%(name)s” in your jurisdiction.") % {"name": text}
    return resolved


def _find_header_row(rows: list[tuple]) -> int | None:
    names = _all_languages(COLUMNS[0][1])
    for index, row in enumerate(rows[:5]):
        if row and _text(row[0]).lower() in names:
            return index
    return None


# ---------------------------------------------------------------- checking the whole file
def parse_people_file(*, user, uploaded) -> ImportResult:
    """Read and check every row of ``uploaded``; build unsaved Person rows. Saves nothing."""
    result = ImportResult()
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        result.file_error = _("The file is too large; at most %(limit)s MB is allowed.") % {
            "limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024
        }
        return result
    try:
        uploaded.seek(0)
        # data_only=False: a formula cell reads as its "=…" text, so it can be refused below
        # (with data_only=True it would read as whatever result Excel last cached).
        wb = load_workbook(uploaded, read_only=True, data_only=False)
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_col=len(COLUMNS)))
        wb.close()
    except (BadZipFile, OSError, KeyError, ValueError, TypeError):
        result.file_error = _("The file is not an Excel workbook (.xlsx). Download the template and fill it in.")
        return result
    header = _find_header_row(rows)
    if header is None:
        result.file_error = _(
            "The first sheet has no header row starting with “%(name)s”. Download the template and fill it in."
        ) % {"name": COLUMNS[0][1]}
        return result
    data = [
        (header + 2 + offset, tuple(row) + (None,) * (len(COLUMNS) - len(row)))
        for offset, row in enumerate(rows[header + 1 :])
        if row and any(_text(v) for v in row)
    ]
    if not data:
        result.file_error = _("The file has no rows to import.")
        return result
    if len(data) > MAX_ROWS:
        result.file_error = _("The file has %(count)s rows; import at most %(limit)s at a time.") % {
            "count": len(data),
            "limit": MAX_ROWS,
        }
        return result

    genders = _gender_lookup()
    yes_no = _yes_no_lookup()
    units = _resolve_units(user, {_text(row[COLUMN_INDEX["work_unit"]]) for _n, row in data} - {""})
    today = datetime.date.today()
    seen: dict[tuple, int] = {}
    errors = result.errors

    def error(row_number, column_name, message):
        errors.append(RowError(row_number, COLUMN_INDEX[column_name] if column_name else None, message))

    for row_number, row in data:
        values = {name: row[i] for name, i in COLUMN_INDEX.items()}
        formulas = [name for name, value in values.items() if _is_formula(value)]
        for column in formulas:
            error(row_number, column, _("This cell holds a formula; type the value itself (formulas are not imported)."))
        if formulas:
            continue
        row_ok = True
        name = _text(values["name"])
        if not name:
            error(row_number, "name", _("The name is required."))
            row_ok = False
        gender_text = _text(values["gender"]).lower()
        gender = genders.get(gender_text)
        if not gender_text:
            error(row_number, "gender", _("The gender is required."))
            row_ok = False
        elif gender is None:
            error(row_number, "gender", _("“%(value)s” is not a gender; write 男 or 女.") % {"value": _text(values["gender"])})
            row_ok = False
        dates = {}
        for column in ("birth_date", "joined_party_on"):
            try:
                dates[column] = _parse_date(values[column])
            except (ValueError, TypeError):
                error(
                    row_number,
                    column,
                    _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": _text(values[column])},
                )
                row_ok = False
                dates[column] = None
        birth, joined = dates["birth_date"], dates["joined_party_on"]
        if birth and birth > today:
            error(row_number, "birth_date", _("The birth date is in the future."))
            row_ok = False
        if joined and joined > today:
            error(row_number, "joined_party_on", _("The date of joining the Party is in the future."))
            row_ok = False
        if birth and joined and joined <= birth:
            error(row_number, "joined_party_on", _("The date of joining the Party must be after the birth date."))
            row_ok = False
        probationary_text = _text(values["is_probationary"]).lower()
        probationary = yes_no.get(probationary_text)
        if probationary is None:
            error(
                row_number,
                "is_probationary",
                _("“%(value)s” is neither Yes nor No.") % {"value": _text(values["is_probationary"])},
            )
            row_ok = False
        unit_text = _text(values["work_unit"])
        unit = units.get(unit_text)
        if not unit_text:
            error(row_number, "work_unit", _("The work unit is required."))
            row_ok = False
        elif not isinstance(unit, Organization):
            error(row_number, "work_unit", unit)
            row_ok = False
            unit = None
        phone = _text(values["phone"])
        phone = re.sub(r"\s+", "", phone)
        if phone and not PHONE_RE.match(phone):
            error(row_number, "phone", _("“%(value)s” is not a phone number.") % {"value": phone})
            row_ok = False
        post = _text(values["post"])
        if not row_ok:
            continue
        person = Person(
            name=name,
            gender=gender,
            birth_date=birth,
            joined_party_on=joined,
            is_probationary=bool(probationary),
            work_unit=unit,
            post=post,
            phone=phone,
        )
        try:
            # Uniqueness is checked for the whole file below, with one query.
            person.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = field_name if field_name in COLUMN_INDEX else None
                for message in messages:
                    error(row_number, column, message)
            continue
        key = (unit.pk, name, phone)
        if key in seen:
            error(
                row_number,
                "name",
                _("The same person (name, unit and phone) is already on row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row_number
        person._import_row = row_number
        result.people.append(person)

    if result.people:
        existing = set(
            Person.objects.filter(
                work_unit__in={p.work_unit_id for p in result.people}, name__in={p.name for p in result.people}
            ).values_list("work_unit_id", "name", "phone")
        )
        for person in result.people:
            if (person.work_unit_id, person.name, person.phone) in existing:
                error(person._import_row, "name", _("This person is already registered in this unit."))
    errors.sort(key=lambda e: (e.row, -1 if e.column is None else e.column))
    if errors:
        result.people = []
    return result


def import_people(*, user, uploaded) -> ImportResult:
    """Check the whole file, then save every row in one transaction — or nothing."""
    result = parse_people_file(user=user, uploaded=uploaded)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            saved = person_bulk_create(people=result.people, by=user)
    except IntegrityError:
        # Someone registered one of these people between the check and the save.
        result.people = []
        result.file_error = _("Some of these people were registered meanwhile; nothing was saved. Import the file again.")
        return result
    result.saved = len(saved)
    return result
