"""Comments and attachments on any mechanism record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attachment, Comment
from ..records import content_type_of


@transaction.atomic
def comment_add(*, target, author, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something before posting the comment."), code="empty")
    comment = Comment(content_type=content_type_of(target), object_id=target.pk, author=author, body=body)
    comment._history_user = author
    comment.save()
    return comment


@transaction.atomic
def attachment_add(*, target, uploaded, by) -> Attachment:
    """Check ``uploaded`` (content and size) and attach it to ``target``."""
    attachment = Attachment.build(
        uploaded=uploaded, uploaded_by=by, record_type=content_type_of(target), record_id=target.pk
    )
    attachment.save()
    return attachment
