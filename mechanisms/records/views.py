"""Comments and attachments on any mechanism record: adding them and downloading an attachment.

One access rule, the registry's (mechanisms.records.registry): whoever may not see the record
(its selector and its page's own check) gets a 404; whoever may see it but only read (a leader)
gets a 404 on adding too. An attachment is downloaded by its random key, and only by someone
who may see its record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.security import redirect_back
from core.views import attachment_response
from mechanisms.common.models import Attachment
from mechanisms.common.services import (
    attachment_add,
    comment_add,
)
from mechanisms.records.registry import RECORD_TYPES, get_record_to_add_to, get_visible_record


@login_required
@require_POST
def comment_create(request, label, pk):
    record = get_record_to_add_to(request.user, label, pk)
    try:
        comment_add(target=record, author=request.user, body=request.POST.get("body", ""))
        messages.success(request, _("Comment posted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect_back(request, "home")


@login_required
@require_POST
def attachment_create(request, label, pk):
    record = get_record_to_add_to(request.user, label, pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            attachment_add(target=record, uploaded=uploaded, by=request.user)
            messages.success(request, _("File attached."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect_back(request, "home")


@login_required
def attachment_download(request, token):
    attachment = get_object_or_404(Attachment.objects.select_related("record_type"), token=token)
    model = attachment.record_type.model_class()
    if model not in RECORD_TYPES:
        raise Http404
    # The file is served only to someone who may see the record it is attached to.
    get_visible_record(request.user, model._meta.model_name, attachment.record_id)
    return attachment_response(request, attachment)
