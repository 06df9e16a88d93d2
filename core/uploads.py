"""Attachments: checked by content and size, stored under random names, never served directly."""

import os
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords

# Accepted kinds, recognised by their first bytes (the browser's content type and the file's
# name are both under the uploader's control and prove nothing).
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    # Office Open XML (docx, xlsx, pptx) and other zip containers.
    (b"PK\x03\x04", "application/zip", ".zip"),
    # Legacy Office (doc, xls) compound documents.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", ".doc"),
]
_OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt"}


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def validate_upload(uploaded) -> tuple[str, str]:
    """Return (content type, stored extension) or raise a translated ValidationError."""
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB is allowed."),
            code="too_large",
            params={
                "size": round(uploaded.size / 1024 / 1024, 1),
                "limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024,
            },
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    found = sniff_content_type(head)
    if found is None:
        raise ValidationError(
            _("This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF) or an Office document."),
            code="bad_type",
        )
    content_type, extension = found
    original_ext = os.path.splitext(uploaded.name)[1].lower()
    if extension in {".zip", ".doc"} and original_ext in _OFFICE_EXTENSIONS:
        extension = original_ext
    return content_type, extension


# Extensions that name the same checked kind (a ".jpeg" stays ".jpeg").
_SAME_KIND = {".jpg": {".jpg", ".jpeg"}}


def safe_original_name(name: str, extension: str) -> str:
    """The name a download is offered under: the uploader's name without folders, control or
    direction characters (a right-to-left override can make "gnp.exe" read "exe.png"), and with
    the extension of the kind the content was checked to be — a PNG uploaded as "page.html" is
    offered as "page.png", a zip named "setup.exe" as "setup.zip"."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf"}).strip().lstrip(".")
    stem, current = os.path.splitext(base)
    if current.lower() in _SAME_KIND.get(extension, {extension}):
        extension = current.lower()
    stem = stem.strip() or "file"
    return stem[: 255 - len(extension)] + extension


def random_upload_path(instance, filename: str) -> str:
    """Store under a random name: the original name is kept in the row, never on disk."""
    extension = getattr(instance, "_stored_extension", "") or ""
    return f"attachments/{instance._meta.app_label}/{uuid.uuid4().hex}{extension}"


class AttachmentBase(models.Model):
    file = models.FileField(_("file"), upload_to=random_upload_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    # Every concrete attachment keeps its change history (issue 13): who added or removed a file.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @classmethod
    def build(cls, *, uploaded, uploaded_by, **owner):
        """An unsaved attachment for ``uploaded`` after checking it (raises ValidationError)."""
        content_type, extension = validate_upload(uploaded)
        attachment = cls(
            original_name=safe_original_name(uploaded.name, extension),
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=uploaded_by,
            **owner,
        )
        attachment._stored_extension = extension
        attachment.file.save("upload", uploaded, save=False)
        return attachment
