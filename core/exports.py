"""Excel exports of every list, built once: small ones in the request, large ones by a worker.

A list registers a *builder* under a name, in its app's (or room's) ``exports`` module::

    @register_export("projects")
    def project_export_data(user, params): ...

``builder(user, params)`` gets the user and the list's query string (a QueryDict) and returns an
``ExportData`` — (title, headers, rows, count[, widths]) — from the same selector as the page, so
the export holds exactly the rows the user sees with the filters applied. ``rows`` must be lazy
(a generator over ``queryset.iterator()``): nothing is read until the workbook is written. A
builder of a list that can be large reads tuples, not model instances (``value_rows``), with its
labels translated once (``choice_labels``): the weekly-report, project and problem exports do.

``export_start`` counts the rows: up to ``settings.EXPORT_SYNC_MAX_ROWS`` the workbook is written
at once; above it an ``ExportJob`` is saved and ``core.export_run`` enqueued after the commit. The
worker rebuilds the rows with the job owner's visibility, streams them into the workbook
(``core.xlsx_stream``: memory stays flat whatever the size, a new sheet every ``ROWS_PER_SHEET`` rows), updates the job's progress every ``PROGRESS_EVERY`` rows
and stores the file under a random name in ``MEDIA_ROOT/exports/``. Only the owner sees the job
or downloads its file (core.views_exports: anyone else gets a 404).

Batches of documents (every appraisal form of a branch; later every briefing of a year) ride the
same jobs: their builder returns a ``DocumentBatch`` and the worker writes a .zip, one document
at a time, its progress counted in documents::

    @register_export("appraisal_forms")
    def appraisal_forms(user, params) -> DocumentBatch: ...
"""

import logging
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules

from core.audit import record
from core.models import EXPORT_JOB_TRANSITIONS, AuditAction, ExportJob, ExportJobStatus
from core.queue import enqueue_on_commit
from core.security import client_ip
from core.workflow import ensure_transition
from core.xlsx import _cell_value, stream_writers, xlsx_response
from core.xlsx_stream import EXCEL_MAX_ROWS, write_workbook

logger = logging.getLogger(__name__)

# How often the worker writes its progress to the job row (one UPDATE per this many rows).
PROGRESS_EVERY = 500
# Rows a builder's query fetches at a time (``queryset.iterator(chunk_size=…)``).
EXPORT_CHUNK = 2000
# Query-string keys of a list page that are not filters.
_NOT_FILTERS = frozenset({"page", "export"})

# The Celery task that writes a large export (core.tasks registers it under this name).
EXPORT_RUN = "core.export_run"


class ExportData(NamedTuple):
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    # An int, or a callable returning one (a COUNT query run only when the count is needed).
    count: int | Callable[[], int]
    widths: dict | None = None  # {column number (1-based): width}


class DocumentBatch(NamedTuple):
    """Many documents in one .zip (every appraisal form of a branch, every briefing of a year).

    A builder registered with ``register_export`` may return this instead of ``ExportData``:
    ``documents`` yields ``(file name inside the zip, callable returning the file's bytes)``
    lazily, so the worker builds one document at a time. A batch always runs in the worker, with
    its progress counted in documents."""

    title: str
    documents: Iterable[tuple[str, Callable[[], bytes]]]
    count: int | Callable[[], int]


Builder = Callable[[object, QueryDict], "ExportData | DocumentBatch"]
_REGISTRY: dict[str, Builder] = {}


class UnknownExport(LookupError):
    pass


def register_export(name: str, builder: Builder | None = None):
    """Register ``builder`` under ``name``; usable as ``@register_export("name")`` too."""
    if builder is None:
        return lambda fn: register_export(name, fn)
    existing = _REGISTRY.get(name)
    if existing is not None and _identity(existing) != _identity(builder):
        raise ImproperlyConfigured(f"Two exports are registered as {name!r}: {_identity(existing)} and {_identity(builder)}.")
    _REGISTRY[name] = builder
    return builder


def _identity(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def get_builder(name: str) -> Builder:
    """The builder registered as ``name``.

    Builders register when their ``exports`` module is imported; every installed app's
    ``exports`` module is imported here on first use (Django's autodiscovery, as for admin), so
    a worker finds them without loading views or the URLconf."""
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownExport(name) from None


def _discover() -> None:
    autodiscover_modules("exports")


def registered_exports() -> list[str]:
    _discover()
    return sorted(_REGISTRY)


def normalise_params(params) -> dict[str, list[str]]:
    """A list page's query string as JSON: ``{key: [values]}`` without paging and export keys."""
    if params is None:
        return {}
    if isinstance(params, QueryDict):
        items = params.lists()
    else:
        items = ((k, v if isinstance(v, (list, tuple)) else [v]) for k, v in dict(params).items())
    return {str(k): [str(v) for v in values] for k, values in items if k not in _NOT_FILTERS}


def params_querydict(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        query.setlist(key, list(values))
    query._mutable = False
    return query


# ---------------------------------------------------------------- for the builders
def value_rows(queryset, columns: Sequence[str]) -> Iterable[tuple]:
    """The rows of ``queryset`` as tuples of ``columns`` (``values_list``; annotations and
    related fields included), fetched ``EXPORT_CHUNK`` at a time: no model instance a row, which
    is most of a builder's time on a large export (issue 14)."""
    return queryset.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK)


def choice_labels(model, field: str) -> dict:
    """``value → label`` of a field's choices, translated once (not once a row): ``labels.get(v,
    v)`` is what ``get_FOO_display()`` says (a value outside the choices stays as it is)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def build(*, user, name: str, params) -> "ExportData | DocumentBatch":
    return get_builder(name)(user, params_querydict(normalise_params(params)))


def row_count(data: ExportData) -> int:
    return int(data.count() if callable(data.count) else data.count)


def export_filename(title, extension: str = "xlsx") -> str:
    return f"{title}-{timezone.localdate():%Y%m%d}.{extension}"


def _extension(data) -> str:
    return "zip" if isinstance(data, DocumentBatch) else "xlsx"


def sync_max_rows() -> int:
    return int(getattr(settings, "EXPORT_SYNC_MAX_ROWS", 3000))


# ---------------------------------------------------------------- the workbook
#: Rows under the title and header rows of one sheet: Excel's 1,048,576 rows less those two. The
#: rows past it continue on further sheets with the same title and header (tests lower it).
ROWS_PER_SHEET = EXCEL_MAX_ROWS - 2


def write_xlsx(stream, *, title, headers, rows, widths=None, on_progress=None, every: int = PROGRESS_EVERY) -> int:
    """Write a workbook that looks like ``core.xlsx.build_workbook``'s (bold merged title row,
    shaded header row, frozen panes) into ``stream``, row by row; return the number of rows.
    Every value is written as ``core.xlsx._cell_value`` makes it (the common types by
    ``core.xlsx.stream_writers()``, one dict lookup a value, the others through ``_cell_value``) and
    every string is written as an inline string (never a formula), formula-like text with Excel's
    quote prefix, so it stays text.

    ``core.xlsx_stream`` writes each row as XML text straight into the zip, so a million-row
    export costs what a hundred-row one does in memory, about five times faster than openpyxl's
    write-only mode; past ``ROWS_PER_SHEET`` rows it continues on a new sheet."""
    headers = [str(h) for h in headers]
    column_widths = [
        (widths or {}).get(index) or max(10, min(40, len(header) * 2 + 4)) for index, header in enumerate(headers, start=1)
    ]
    return write_workbook(
        stream,
        title=title,
        headers=headers,
        rows=rows,
        widths=column_widths,
        rows_per_sheet=ROWS_PER_SHEET,
        convert=_cell_value,
        writers=stream_writers(),
        on_progress=on_progress,
        every=every,
    )


def write_zip(stream, documents, *, on_progress=None) -> int:
    """Write ``documents`` ((name, make bytes) pairs) into a zip in ``stream``, one at a time,
    reporting the count after each; a name met twice gets ``-2``, ``-3``… before its extension."""
    seen: dict[str, int] = {}
    written = 0
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, make in documents:
            stem, dot, ext = name.rpartition(".")
            if not dot:
                stem, ext = name, ""
            seen[name] = seen.get(name, 0) + 1
            unique = name if seen[name] == 1 else f"{stem}-{seen[name]}{dot}{ext}"
            archive.writestr(unique, make())
            written += 1
            if on_progress is not None:
                on_progress(written)
    return written


# ---------------------------------------------------------------- starting an export
@dataclass
class ExportOutcome:
    """Either the workbook's bytes (small exports) or the job writing it (large ones)."""

    filename: str
    content: bytes | None = None
    job: ExportJob | None = None


def audit_export(*, user, name: str, title, params, rows: int, ip_address=None, job=None) -> None:
    """The audit event of one export written (who, which list with which filters, how many rows)."""
    detail = {"export": name, "title": str(title), "filters": normalise_params(params)}
    if job is not None:
        detail["job"] = job.pk
    record(AuditAction.EXPORT, actor=user, target=str(title), rows=rows, detail=detail, ip_address=ip_address)


def export_start(*, user, name: str, params, ip_address=None) -> ExportOutcome:
    """Export the list ``name`` with ``params`` (its query string) for ``user``."""
    data = build(user=user, name=name, params=params)
    total = row_count(data)
    filename = export_filename(data.title, _extension(data))
    if total <= sync_max_rows() and not isinstance(data, DocumentBatch):
        from io import BytesIO

        out = BytesIO()
        written = write_xlsx(out, title=data.title, headers=data.headers, rows=data.rows, widths=data.widths)
        audit_export(user=user, name=name, title=data.title, params=params, rows=written, ip_address=ip_address)
        return ExportOutcome(filename=filename, content=out.getvalue())

    with transaction.atomic():
        job = ExportJob(
            user=user,
            name=name,
            params=normalise_params(params),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            title=str(data.title)[:120],
            total=total,
            filename=filename[:200],
            ip_address=ip_address,
        )
        job._history_user = user
        job.save()
        enqueue_on_commit(EXPORT_RUN, job.pk)
    return ExportOutcome(filename=filename, job=job)


# ---------------------------------------------------------------- the worker's part
def _move(job: ExportJob, target: str, **fields) -> None:
    ensure_transition(EXPORT_JOB_TRANSITIONS, ExportJobStatus, job.status, target)
    job.status = target
    for key, value in fields.items():
        setattr(job, key, value)
    job._history_user = job.user
    job.save()


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the workbook of job ``job_id`` (the body of the ``core.export_run`` task).

    Idempotent: a finished job is left alone; a job found running was interrupted (its worker
    died and the task was delivered again) and starts over. A failure is recorded on the job, not
    raised: the owner sees it on the job page and can start the export again."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    _move(job, ExportJobStatus.RUNNING, started_at=timezone.now(), progress=0, error="")
    old_file = job.file.name if job.file else ""
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            data = build(user=job.user, name=job.name, params=job.params)
            total = row_count(data)
            ExportJob.objects.filter(pk=job.pk).update(total=total)
            progress = lambda n: ExportJob.objects.filter(pk=job.pk).update(progress=n)  # noqa: E731
            with tempfile.TemporaryFile() as tmp:
                if isinstance(data, DocumentBatch):
                    written = write_zip(tmp, data.documents, on_progress=progress)
                else:
                    written = write_xlsx(
                        tmp,
                        title=data.title,
                        headers=data.headers,
                        rows=data.rows,
                        widths=data.widths,
                        on_progress=progress,
                        every=PROGRESS_EVERY,
                    )
                tmp.seek(0)
                job.file.save(f"{uuid.uuid4().hex}.{_extension(data)}", File(tmp), save=False)
        _move(
            job,
            ExportJobStatus.DONE,
            progress=written,
            total=max(total, written),
            finished_at=timezone.now(),
            filename=export_filename(data.title, _extension(data))[:200],
        )
        audit_export(
            user=job.user, name=job.name, title=data.title, params=job.params, rows=written,
            ip_address=job.ip_address, job=job,
        )
    except Exception as exc:  # any failure ends on the job page, never as a silent stuck bar
        logger.exception("Export job %s (%s) failed", job.pk, job.name)
        job.refresh_from_db(fields=["status"])
        _move(job, ExportJobStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
    if old_file and old_file != job.file.name:
        job.file.storage.delete(old_file)
    return job


# ---------------------------------------------------------------- the views' one call
def export_response(request, name: str, params=None):
    """What a list's export view returns: the workbook, or a redirect to the job's page.
    ``params`` defaults to the page's query string (a batch view passes its own)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _


    outcome = export_start(
        user=request.user, name=name, params=request.GET if params is None else params, ip_address=client_ip(request)
    )
    if outcome.job is not None:
        if outcome.filename.endswith(".zip"):
            message = _("%(n)s documents are being put together. You can leave this page and come back to "
                        "download them from “My exports”.")
        else:
            message = _("The export has %(n)s rows: it is being prepared. You can leave this page and come back to "
                        "download it from “My exports”.")
        messages.info(request, message % {"n": outcome.job.total})
        return redirect("core:export_job", pk=outcome.job.pk)
    return xlsx_response(outcome.content, outcome.filename)
