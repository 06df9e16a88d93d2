"""Domain-free building blocks shared by every app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class OwnedModel(TimeStampedModel):
    """A record somebody created and is answerable for."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# The one transition table of an export job (core.exports moves along it). A job that is running
# again is a task re-delivered after its worker died (acks_late): it starts over.
EXPORT_JOB_TRANSITIONS: dict[str, set[str]] = {
    ExportJobStatus.QUEUED: {ExportJobStatus.RUNNING, ExportJobStatus.FAILED},
    ExportJobStatus.RUNNING: {ExportJobStatus.RUNNING, ExportJobStatus.DONE, ExportJobStatus.FAILED},
    ExportJobStatus.DONE: set(),
    ExportJobStatus.FAILED: set(),
}


class ExportJob(TimeStampedModel):
    """A large Excel export written by a Celery worker; only its owner sees or downloads it.

    ``params`` is the list's query string as ``{key: [values]}``: the worker rebuilds the list
    from it through the same selector as the page, with the owner's visibility at run time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    name = models.CharField(_("export"), max_length=60)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED, db_index=True
    )
    # ``total`` is counted when the worker starts; rows added meanwhile may take ``progress`` past it.
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    # Stored under a random name (MEDIA_ROOT/exports/…); ``filename`` is what the browser saves.
    file = models.FileField(_("file"), upload_to="exports/", max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="export_job_user_recent")]

    def __str__(self):
        return f"{self.title or self.name} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == ExportJobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.progress * 100 // self.total)

    @property
    def is_batch(self) -> bool:
        """A .zip of documents (core.exports.DocumentBatch): its progress counts documents."""
        return self.filename.endswith(".zip")

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportJobStatus.DONE, ExportJobStatus.FAILED)

    @property
    def is_waiting_long(self) -> bool:
        """Queued for minutes: no worker has taken it (the broker or the workers are down)."""
        from datetime import timedelta

        from django.utils import timezone

        return self.status == ExportJobStatus.QUEUED and self.created_at < timezone.now() - timedelta(minutes=2)
