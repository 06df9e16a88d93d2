"""The people import refuses what would exhaust the server before parsing it: a shared-string
bomb, a million rows, a zip bomb — each in under 3 s and under 200 MB above the baseline — and
answers a malformed file with a Chinese error, never a 500."""

import io
import os
import random
import time
import tracemalloc
import zipfile

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from branches.importing import MAX_ROW_ELEMENTS, import_people, parse_people_file
from branches.roles import Role

pytestmark = pytest.mark.django_db

SECONDS = 3
MEMORY = 200 * 1024 * 1024


def _base() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["党员名册导入"])
    ws.append(["姓名", "性别", "出生日期", "入党日期", "预备党员", "工作单位", "职务", "手机号码"])
    ws.append(["李娟", "女", "1985-07-01", "2010-07-01", "否", "市委组织部", "科员", "13800000000"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _workbook(path, replace: dict) -> str:
    """The base workbook with the parts in ``replace`` ({name: iterable of bytes}) written anew,
    streamed into the zip (nothing large is ever held in memory)."""
    with zipfile.ZipFile(io.BytesIO(_base())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        names = set(source.namelist()) | set(replace)
        for name in sorted(names):
            with target.open(name, "w", force_zip64=True) as part:
                if name in replace:
                    for piece in replace[name]:
                        part.write(piece)
                else:
                    part.write(source.read(name))
    return str(path)


def _sheet(rows) -> "iter":
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    yield from rows
    yield b"</sheetData></worksheet>"


def _refusal(user, path):
    """Parse the file at ``path``; return (result, seconds, peak bytes above the start)."""
    with open(path, "rb") as handle:
        uploaded = File(handle, name="名册.xlsx")
        tracemalloc.start()
        started = time.monotonic()
        with translation.override("zh-hans"):
            result = parse_people_file(user=user, uploaded=uploaded)
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak


@pytest.fixture
def staff(make_user, org_tree):
    return make_user(role=Role.DEPARTMENT_STAFF, organization=org_tree["city_a"])


def test_a_shared_string_bomb_is_refused_fast_and_small(staff, tmp_path):
    # ~0.2 MB that unpacks to ~170 MB of strings: what took a process to 1.25 GB.
    block = b"<si><t>" + b"A" * 100 + b"</t></si>"
    strings = (block * 10_000 for _ in range(150))
    header = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    path = _workbook(tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": [header, *strings, b"</sst>"]})
    assert os.path.getsize(path) < 10 * 1024 * 1024

    result, seconds, peak = _refusal(staff, path)

    assert result.file_error and not result.people
    assert "过大" in result.file_error or "文本" in result.file_error, result.file_error
    assert seconds < SECONDS and peak < MEMORY, (seconds, peak)


def test_many_shared_strings_under_the_byte_limits_are_counted_and_refused(staff, tmp_path):
    rng = random.Random(13)
    strings = (b"<si><t>%x</t></si>" % rng.getrandbits(40) for _ in range(300_000))
    header = b'<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    # A namespace prefix does not hide the elements from the count.
    path = _workbook(tmp_path / "strings.xlsx", {"xl/sharedStrings.xml": [header, *(s.replace(b"<si>", b"<x:si>").replace(b"</si>", b"</x:si>") for s in strings), b"</x:sst>"]})

    result, seconds, peak = _refusal(staff, path)

    assert "文本" in result.file_error, result.file_error
    assert seconds < SECONDS and peak < MEMORY, (seconds, peak)


def test_a_million_row_file_is_refused_fast_and_small(staff, tmp_path):
    rows = (
        b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
            for n in range(start, min(start + 10_000, 1_048_576))
        )
        for start in range(1, 1_048_576, 10_000)
    )
    path = _workbook(tmp_path / "million.xlsx", {"xl/worksheets/sheet1.xml": _sheet(rows)})
    assert os.path.getsize(path) < 10 * 1024 * 1024

    result, seconds, peak = _refusal(staff, path)

    assert result.file_error and not result.people
    assert seconds < SECONDS and peak < MEMORY, (seconds, peak)


def test_rows_past_the_limit_are_counted_as_a_stream_and_refused(staff, tmp_path):
    rng = random.Random(7)
    rows = (
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, rng.getrandbits(32)) for n in range(1, MAX_ROW_ELEMENTS * 3)
    )
    path = _workbook(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": _sheet(rows)})

    result, seconds, peak = _refusal(staff, path)

    assert f"{MAX_ROW_ELEMENTS}" in result.file_error and "行" in result.file_error, result.file_error
    assert seconds < SECONDS and peak < MEMORY, (seconds, peak)


@pytest.mark.parametrize(
    "part",
    [
        {"xl/worksheets/sheet1.xml": [b"<worksheet><sheetData><row><c>"]},
        {"xl/workbook.xml": [b"<workbook><sheets><sheet name="]},
        {"xl/sharedStrings.xml": [b'<!DOCTYPE x [<!ENTITY a "aaaa">]><sst><si><t>&a;</t></si></sst>']},
    ],
    ids=["sheet", "workbook", "entity"],
)
def test_a_malformed_file_is_a_chinese_error(staff, tmp_path, part):
    path = _workbook(tmp_path / "bad.xlsx", part)

    result, _seconds, _peak = _refusal(staff, path)

    assert result.file_error and not result.people
    assert "损坏" in result.file_error or "不是" in result.file_error, result.file_error


def test_the_import_page_answers_a_malformed_file_in_chinese(staff, tmp_path, client):
    path = _workbook(tmp_path / "bad.xlsx", {"xl/workbook.xml": [b"<workbook"]})
    client.force_login(staff)
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile("名册.xlsx", handle.read())

    response = client.post("/branches/people/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "损坏" in response.content.decode()


def test_a_normal_file_still_imports(staff, tmp_path):
    path = _workbook(tmp_path / "ok.xlsx", {})
    with open(path, "rb") as handle:
        result = import_people(user=staff, uploaded=File(handle, name="名册.xlsx"))

    # The base file's unit is not in this test's tree: a row error, not a file error.
    assert result.file_error == ""
    assert result.errors
