"""Every briefing of a year in one workbook: the rows the list shows, at once when small, through
a background export job when large."""

import io
import zipfile

from django.core.files.storage import default_storage
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from core.exports import export_job_run
from core.models import ExportJob, ExportJobStatus
from evaluation.briefings import services
from evaluation.briefings.models import BriefingPeriod
from tests.evaluation.dashboard_world import build, day
from tests.shared_world import shared_world

w_once, w = shared_world(build, name="w", language="en")


def _issue_weeks(w, n):
    for i in range(n):
        b = services.briefing_draft(organization=w.o["city_a"], period=BriefingPeriod.WEEK, day=day(-7 * i), by=w.staff)
        services.briefing_update(briefing=b, by=w.staff, title=b.title, issuing_organ=b.issuing_organ,
                                 texts={"overview": f"第{i}周总体平稳"})
        services.briefing_issue(briefing=b, by=w.staff)
    services.briefing_draft(organization=w.o["city_a"], period=BriefingPeriod.MONTH, day=day(0), by=w.staff)


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_a_leader_exports_the_issued_briefings_of_the_year(w, client_for):
    _issue_weeks(w, 3)

    response = client_for(w.leader).get(reverse("evaluation:briefing_export"), {"year": "2026"})

    rows = list(_sheet(response.content).iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3  # the draft is the staff's only
    # The title is stored in the department's language; the client reads the export in English.
    assert {r[0] for r in rows} == {f"攻坚支部工作简报, 2026 No. {n}" for n in (1, 2, 3)}
    red = rows[0][9]
    assert red == 2


def test_a_large_export_goes_to_a_background_job(w, client_for, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    _issue_weeks(w, 3)

    response = client_for(w.staff).get(reverse("evaluation:briefing_export"), {"year": "2026"})

    job = ExportJob.objects.get(user=w.staff, name="briefings")
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    export_job_run(job_id=job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE and job.progress == 4
    with default_storage.open(job.file.name, "rb") as stored:
        sheet = _sheet(stored.read())
    assert sheet.max_row == 2 + 4
    default_storage.delete(job.file.name)


def test_the_years_briefings_as_word_documents_in_one_zip(w, client_for):
    _issue_weeks(w, 2)

    response = client_for(w.leader).get(reverse("evaluation:briefing_zip"), {"year": "2026"})

    job = ExportJob.objects.get(user=w.leader, name="briefing_documents")
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert job.total == 2  # the leader's rows: the issued ones, not the staff's draft
    export_job_run(job_id=job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportJobStatus.DONE, 2)
    download = client_for(w.leader).get(reverse("core:export_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".docx") for n in names)
    texts = {"\n".join(p.text for p in Document(io.BytesIO(archive.read(n))).paragraphs) for n in names}
    assert all("第" in t and "期" in t for t in texts)
    assert any("第1期" in t for t in texts) and any("第2期" in t for t in texts)
    default_storage.delete(job.file.name)


def test_a_year_that_is_not_a_year_is_ignored_not_an_error(w, client_for):
    _issue_weeks(w, 1)
    response = client_for(w.staff).get(reverse("evaluation:briefing_list"), {"year": "20x6"})
    assert response.status_code == 200


def test_nobody_but_office_users_may_batch_the_briefings(w, client_for):
    for user in (w.secretary, w.member):
        assert client_for(user).get(reverse("evaluation:briefing_zip")).status_code == 404
    assert not ExportJob.objects.filter(name="briefing_documents").exists()
