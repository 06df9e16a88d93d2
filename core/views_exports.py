"""The export jobs' pages: the user's recent exports, one job's progress, its download.

A job is its owner's alone: every page starts from ``ExportJob.objects.filter(user=…)``, so
somebody else's job is a 404 (never a 403 that would confirm it exists)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.audit import record
from core.exports import sync_max_rows
from core.models import AuditAction, ExportJob, ExportJobStatus
from core.xlsx import XLSX_CONTENT_TYPE

RECENT_JOBS = 20
# While a job runs its page asks for news this often (htmx polling).
POLL_SECONDS = 1


def _own_jobs(user):
    return ExportJob.objects.filter(user=user)


@require_GET
@login_required
def export_job_list(request):
    jobs = list(_own_jobs(request.user).order_by("-created_at", "-id")[:RECENT_JOBS])
    return render(request, "core/export_list.html", {"jobs": jobs, "limit": sync_max_rows()})


@require_GET
@login_required
def export_job_detail(request, pk):
    job = get_object_or_404(_own_jobs(request.user), pk=pk)
    recent = list(_own_jobs(request.user).exclude(pk=job.pk).order_by("-created_at", "-id")[: RECENT_JOBS - 1])
    return render(
        request, "core/export_job.html", {"job": job, "recent": recent, "poll_seconds": POLL_SECONDS}
    )


@never_cache
@require_GET
@login_required
def export_job_status(request, pk):
    """The progress block alone: htmx swaps it in every ``POLL_SECONDS`` until the job ends."""
    job = get_object_or_404(_own_jobs(request.user), pk=pk)
    return render(request, "core/export_status.html", {"job": job, "poll_seconds": POLL_SECONDS})


@require_GET
@login_required
def export_job_download(request, pk):
    job = get_object_or_404(_own_jobs(request.user), pk=pk, status=ExportJobStatus.DONE)
    if not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = job.filename or "export.xlsx"
    content_type = "application/zip" if filename.endswith(".zip") else XLSX_CONTENT_TYPE
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    record(AuditAction.DOWNLOAD, request=request, target=job, rows=job.progress, detail={"export": job.name})
    return response
