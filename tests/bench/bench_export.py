"""Throughput of a large Excel export, in rows a second (issue 14). Not a test module (pytest
does not collect it); nothing here asserts a time.

Two measurements:

``writer`` (the default, no database): ``BENCH_EXPORT_ROWS`` (default 100,000) rows shaped like
the weekly-report export's (14 columns: a week code, a branch name, a batch number, names, a
status, an aware submission time, yes/no flags and four paragraphs of text), made before the
clock starts, written to a temporary file by ``core.exports.write_xlsx`` (the streaming writer)
and by openpyxl's write-only mode as the exports wrote them before (for comparison).

``worker``: the whole worker path on PostgreSQL. Creates its own database on the server of
DATABASE_URL (``BENCH_DB_NAME``, default ``gongjian_bench_export``; dropped at the end unless
``BENCH_KEEP_DB=1``), bulk-loads ``BENCH_EXPORT_ROWS`` weekly reports (1,000 branches, one
report a week each) and times ``core.exports.export_job_run`` of the weekly-report export for a
province staff user: the query, the rows built by the export's builder, the workbook, the file.
``BENCH_EXPORT_WRITER=openpyxl`` runs it with the writer of before (openpyxl's write-only mode).

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python tests/bench/bench_export.py [writer|worker]
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HEADERS = ["周次", "支部", "批次", "书记", "状态", "提交时间", "逾期", "无明显变化", "本周工作", "遇到的问题",
           "下周计划", "需要的支持", "审阅人", "审阅意见"]
WORK_DONE = "完成入户评估{n}户，签约{m}户，召开动迁户座谈会一次。"


def rows_wanted() -> int:
    return int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))


def sample_rows(count: int) -> list[list]:
    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime.datetime(2026, 3, 6, 16, 30, tzinfo=shanghai)
    return [
        [
            f"2026-W{n % 52 + 1:02d}", f"澄靖第{n % 9000}过江通道征迁攻坚支部", n % 12 + 1, "张卫东", "已提交",
            start + datetime.timedelta(minutes=n), "否", "否", WORK_DONE.format(n=n % 40, m=n % 18), "3户对补偿标准有异议",
            "1. 推进签约\n2. 协调资金拨付", "", "陈明" if n % 3 else "", "进度扎实，继续保持。" if n % 3 else "",
        ]
        for n in range(count)
    ]


def openpyxl_write_xlsx(stream, *, title, headers, rows, **_ignored) -> int:
    """The exports' writer before issue 14: openpyxl's write-only mode, one Cell a value."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.cell_range import CellRange

    from core.xlsx import _cell_value

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(title)[:31])
    ws.freeze_panes = "A3"
    title_cell = WriteOnlyCell(ws, value=str(title))
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center")
    ws.append([title_cell])
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(headers), max_row=1))
    fill = PatternFill("solid", fgColor="DDE5F0")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        header_cells.append(cell)
    ws.append(header_cells)
    written = 0
    for row in rows:
        ws.append([_cell_value(value) for value in row])
        written += 1
    wb.save(stream)
    return written


def timed(label: str, write) -> float:
    with tempfile.TemporaryFile() as tmp:
        began = time.perf_counter()
        written = write(tmp)
        elapsed = time.perf_counter() - began
        size = tmp.seek(0, 2)
    rate = written / elapsed
    print(f"| {label} | {written:,} | {elapsed:.2f} | {rate:,.0f} | {size / 1e6:.1f} |")
    return rate


def bench_writer():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DJANGO_ENV", "test")
    import django

    django.setup()
    from core import exports

    rows = sample_rows(rows_wanted())
    print("| writer | rows | seconds | rows/s | file (MB) |\n|---|---:|---:|---:|---:|")
    for _ in range(2):
        timed("core.exports.write_xlsx (streaming)", lambda f: exports.write_xlsx(f, title="周报", headers=HEADERS, rows=iter(rows)))
        timed("openpyxl write-only (before)", lambda f: openpyxl_write_xlsx(f, title="周报", headers=HEADERS, rows=iter(rows)))


def load_weekly_reports(count: int):
    """1,000 active branches under one city and ``count`` submitted weekly reports among them."""
    from django.contrib.auth.models import Group

    from branches.models import Branch, BranchStatus, Organization, User, WorkField
    from branches.roles import Role
    from mechanisms.models import WeeklyReport
    from mechanisms.weekly.rules import Week, week_deadline

    province = Organization.objects.create(name="江苏省", kind="province")
    city = Organization.objects.create(name="靖江市", kind="city", parent=province)
    committee = Organization.objects.create(name="市交通运输局党委", kind="party_committee", parent=city)
    field = WorkField.objects.get_or_create(name="动迁", defaults={"front": "major_project"})[0]
    branches = Branch.objects.bulk_create(
        Branch(name=f"澄靖第{i}过江通道征迁攻坚支部", batch=i % 12 + 1, front="major_project", field=field,
               scope="cross_domain", supervising_committee=committee, lead_unit=committee, goal="28天完成225户征迁",
               status=BranchStatus.ACTIVE)
        for i in range(1000)
    )
    reviewer = User.objects.create(username="reviewer", full_name="陈明", organization=city, password="!")
    staff = User.objects.create(username="staff", full_name="省委组织部", organization=province, password="!")
    staff.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT_STAFF)[0])
    week = Week(2026, 10)
    batch = []
    for n in range(count):
        if n % 1000 == 0 and n:
            week = week.previous()
        deadline = week_deadline(week)
        batch.append(WeeklyReport(
            branch=branches[n % 1000], iso_year=week.iso_year, iso_week=week.iso_week, week_start=week.start,
            deadline=deadline, status="reviewed" if n % 3 else "submitted", submitted_at=deadline - datetime.timedelta(hours=3),
            work_done=WORK_DONE.format(n=n % 40, m=n % 18), problems_met="3户对补偿标准有异议",
            next_week_plan="1. 推进签约\n2. 协调资金拨付", reviewed_by=reviewer if n % 3 else None,
            review_comment="进度扎实，继续保持。" if n % 3 else "",
        ))
        if len(batch) == 5000:
            WeeklyReport.objects.bulk_create(batch)
            batch.clear()
    WeeklyReport.objects.bulk_create(batch)
    return staff


def bench_worker():
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    os.environ.setdefault("BENCH_DB_NAME", "gongjian_bench_export")
    import psycopg
    from bench_reminders import database_urls, recreate_database, setup_django

    setup_django(recreate_database())
    try:
        from django.db import connection

        from core import exports
        from core.exports import export_job_run
        from core.models import ExportJob

        if os.environ.get("BENCH_EXPORT_WRITER") == "openpyxl":
            exports.write_xlsx = openpyxl_write_xlsx

        count = rows_wanted()
        began = time.perf_counter()
        staff = load_weekly_reports(count)
        print(f"loaded {count:,} weekly reports in {time.perf_counter() - began:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with tempfile.TemporaryDirectory() as media:
            from django.conf import settings

            settings.MEDIA_ROOT = media
            # The worker's own CPU time beside the wall clock: on a shared machine the wall clock
            # also counts the wait for a core (and PostgreSQL's side of the query).
            print("| path | rows | seconds | rows/s | CPU s (this process) | rows per CPU second |\n"
                  "|---|---:|---:|---:|---:|---:|")
            for _ in range(2):
                job = ExportJob.objects.create(user=staff, name="weekly_reports", params={}, language="zh-hans",
                                               title="周报", total=count, filename="x.xlsx")
                began, cpu = time.perf_counter(), time.process_time()
                job = export_job_run(job_id=job.pk)
                elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
                assert job.status == "done", job.error
                label = f"export_job_run (weekly reports, {os.environ.get('BENCH_EXPORT_WRITER') or 'streaming'} writer)"
                print(f"| {label} | {job.progress:,} | {elapsed:.2f} | {job.progress / elapsed:,.0f} | {cpu:.2f} | "
                      f"{job.progress / cpu:,.0f} |")
    finally:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            admin, _bench, name = database_urls()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    (bench_worker if sys.argv[1:] == ["worker"] else bench_writer)()
