"""Importing the registry from the Excel template: all rows checked first, all or nothing."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches.importing import COLUMNS, import_people, parse_people_file, people_template
from branches.models import Organization, Person

from . import factories as f

pytestmark = pytest.mark.django_db


def filled_template(user, rows) -> SimpleUploadedFile:
    """The template the page offers, filled in from row 3 as a user would."""
    wb = load_workbook(BytesIO(people_template(user=user)))
    ws = wb.worksheets[0]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            ws.cell(row=3 + offset, column=column, value=value)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("党员名册.xlsx", out.getvalue())


VALID = [
    ["王建", "男", "1980-05-01", "2005-07-01", "否", "孤山镇", "党委书记", "13900000001"],
    ["刘芳", "女", datetime.datetime(1990, 3, 8), "2012年7月1日", "是", "市行政审批局", "科员", ""],
    ["陈刚", "male", "1975/10/1", "", "", "审批局", "", "139-0000-0003"],
]


@pytest.fixture
def units(world):
    Organization.objects.filter(pk=world.o["department_a"].pk).update(short_name="审批局")
    return world


def test_the_template_has_the_columns_and_lists_the_users_units(units):
    wb = load_workbook(BytesIO(people_template(user=units.staff_a)))

    headers = [c.value for c in wb.worksheets[0][2]]
    assert headers == [str(label) for _name, label in COLUMNS]
    listed = " ".join(str(c.value) for c in wb.worksheets[1]["A"])
    assert "孤山镇" in listed and "市行政审批局 / 审批局" in listed
    assert "泰兴" not in listed


def test_a_valid_file_saves_every_row(units):
    result = import_people(user=units.staff_a, uploaded=filled_template(units.staff_a, VALID))

    assert result.ok and result.saved == 3
    wang = Person.objects.get(name="王建")
    assert (wang.work_unit, wang.birth_date, wang.joined_party_on, wang.phone) == (
        units.o["town_a"],
        datetime.date(1980, 5, 1),
        datetime.date(2005, 7, 1),
        "13900000001",
    )
    liu = Person.objects.get(name="刘芳")
    assert liu.gender == "female" and liu.is_probationary and liu.joined_party_on == datetime.date(2012, 7, 1)
    chen = Person.objects.get(name="陈刚")
    assert chen.work_unit == units.o["department_a"] and chen.birth_date == datetime.date(1975, 10, 1)
    assert wang.history.get().history_user == units.staff_a


def test_a_file_with_errors_saves_nothing_and_names_row_and_column(units):
    f.person(unit=units.o["town_a"], name="已登记", phone="13900009999")
    rows = VALID + [
        ["", "男", "", "", "", "孤山镇", "", ""],  # row 6: no name
        ["赵六", "未知", "1980-13-45", "", "", "孤山镇", "", ""],  # row 7: gender, birth date
        ["钱七", "女", "1990-01-01", "1985-01-01", "也许", "泰兴市发改委党组", "", "abc"],  # row 8
        ["王建", "男", "1980-05-01", "2005-07-01", "否", "孤山镇", "党委书记", "13900000001"],  # row 9: = row 3
        ["已登记", "男", "", "", "", "孤山镇", "", "13900009999"],  # row 10: already registered
    ]

    result = import_people(user=units.staff_a, uploaded=filled_template(units.staff_a, rows))

    assert not result.ok and result.saved == 0
    assert Person.objects.filter(name__in=["王建", "刘芳", "陈刚"]).count() == 0
    found = {(e.row, e.column_letter) for e in result.errors}
    assert found == {
        (6, "A"),
        (7, "B"),
        (7, "C"),
        (8, "D"),
        (8, "E"),
        (8, "F"),
        (8, "H"),
        (9, "A"),
        (10, "A"),
    }
    messages = {(e.row, e.column_letter): str(e) for e in result.errors}
    assert messages[(7, "C")] == "Row 7, column C (Birth date): “1980-13-45” is not a date; write it as YYYY-MM-DD."
    assert "No unit called “泰兴市发改委党组” in your jurisdiction." in messages[(8, "F")]
    assert "row 3" in messages[(9, "A")]
    assert "already registered" in messages[(10, "A")]


def test_an_ambiguous_short_name_is_an_error(units):
    Organization.objects.filter(pk=units.o["town_a"].pk).update(short_name="审批局")

    result = parse_people_file(user=units.staff_a, uploaded=filled_template(units.staff_a, [VALID[2]]))

    assert [e.column_letter for e in result.errors] == ["F"]
    assert "Several units" in result.errors[0].message


def test_a_file_that_is_not_a_workbook_is_refused(units):
    result = import_people(user=units.staff_a, uploaded=SimpleUploadedFile("x.xlsx", b"not a zip file at all"))

    assert not result.ok and "not an Excel workbook" in result.file_error


def test_an_empty_template_is_refused(units):
    result = import_people(user=units.staff_a, uploaded=filled_template(units.staff_a, []))

    assert result.file_error == "The file has no rows to import."


def test_the_import_page_lists_the_errors_and_saves_nothing(units, client_for):
    client = client_for(units.staff_a)
    bad = VALID + [["赵六", "男", "1980-13-45", "", "", "孤山镇", "", ""]]

    response = client.post(reverse("branches:person_import"), {"file": filled_template(units.staff_a, bad)})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-error"' in page
    assert "<td>6</td><td>C · Birth date</td>" in page
    assert not Person.objects.filter(name="王建").exists()


def test_the_import_page_saves_a_valid_file(units, client_for):
    client = client_for(units.staff_a)

    response = client.post(
        reverse("branches:person_import"), {"file": filled_template(units.staff_a, VALID)}, follow=True
    )

    assert "3 Party members imported." in response.content.decode()
    assert Person.objects.filter(name__in=["王建", "刘芳", "陈刚"]).count() == 3


def test_the_template_downloads_as_a_workbook(units, client_for):
    response = client_for(units.staff_a).get(reverse("branches:person_import_template"))

    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).worksheets[0]["A2"].value == "Name"


def test_a_formula_cell_is_refused_with_its_row_and_column(units):
    rows = [
        ['=HYPERLINK("http://evil.example","王建")', "男", "", "", "", "孤山镇", "", ""],  # row 3
        ["刘芳", "女", "", "", "", "孤山镇", "=1+1", ""],  # row 4
        VALID[0],
    ]
    result = import_people(user=units.staff_a, uploaded=filled_template(units.staff_a, rows))

    assert not result.ok and result.saved == 0
    assert [(e.row, e.column_letter) for e in result.errors] == [(3, "A"), (4, "G")]
    assert all("formula" in e.message for e in result.errors)
    assert not Person.objects.filter(name__startswith="=").exists() and not Person.objects.filter(name="王建").exists()
