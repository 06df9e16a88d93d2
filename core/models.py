"""Domain-free building blocks shared by every app."""

from django.conf import settings
from django.db import models
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords


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
    # Where the export was asked from: the audit event written when the worker finishes names it.
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)

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


# ---------------------------------------------------------------- the security audit trail (安全审计)
class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Account locked out")
    UNLOCK = "unlock", _("Account unlocked")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    ROLE_ADD = "role_add", _("Role given")
    ROLE_REMOVE = "role_remove", _("Role taken away")
    GRANT_ADD = "grant_add", _("Object permission granted")
    GRANT_REMOVE = "grant_remove", _("Object permission revoked")
    ACCOUNT_CREATE = "account_create", _("Account created")
    ACCOUNT_DEACTIVATE = "account_deactivate", _("Account deactivated")
    ACCOUNT_REACTIVATE = "account_reactivate", _("Account reactivated")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    ADMIN_CHANGE = "admin_change", _("Change in the admin")
    PERSONAL_DATA_VIEW = "personal_data_view", _("Personal data viewed")
    AUDIT_READ = "audit_read", _("Audit trail read")
    AUDIT_PURGE = "audit_purge", _("Audit trail purged")


class AppendOnlyError(Exception):
    """An audit event cannot be changed or deleted (only purged past retention)."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def _purge(self) -> int:
        """Delete these rows without the guard: only ``core.audit.audit_purge`` calls it."""
        return self._raw_delete(self.db)


class AuditEvent(models.Model):
    """One security-relevant event: who (and from where) did what to what, when.

    Written by ``core.audit.record`` only and never changed: the model refuses ``save`` of an
    existing row and ``delete``, its queryset refuses ``update`` and ``delete``, and on
    PostgreSQL a trigger (migration core/0002) refuses UPDATE and any DELETE of a row younger
    than 180 days. The actor is kept as id and user name both (no foreign-key constraint), so
    deleting an account neither changes nor loses its events."""

    created_at = models.DateTimeField(_("time"), default=timezone_now, db_index=True, editable=False)
    action = models.CharField(_("event"), max_length=30, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


class PasswordRecord(models.Model):
    """A password a user has had (its hash), newest last: the policy refuses the last
    ``PASSWORD_HISTORY`` of them again, counts the expiry from the newest, and sends its holder to
    change it first when it was set by someone else (an initial or reset password)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone_now)
    must_change = models.BooleanField(_("must be changed"), default=False)

    class Meta:
        verbose_name = _("password record")
        verbose_name_plural = _("password records")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_record_user_recent")]
        default_permissions = ()

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
