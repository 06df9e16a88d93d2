"""Views shared by every mechanism: comments, attachments, notifications.

The views of each mechanism live in their own modules (views_*.py) and are wired in urls.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import attachment_response

from .models import Attachment
from .records import RECORD_TYPES, get_visible_record
from .selectors import user_notifications
from .services.notifications import notification_mark_read, notifications_mark_all_read
from .services.records import attachment_add, comment_add


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def comment_create(request, label, pk):
    record = get_visible_record(request.user, label, pk)
    try:
        comment_add(target=record, author=request.user, body=request.POST.get("body", ""))
        messages.success(request, _("Comment posted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, "home")


@login_required
@require_POST
def attachment_create(request, label, pk):
    record = get_visible_record(request.user, label, pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            attachment_add(target=record, uploaded=uploaded, by=request.user)
            messages.success(request, _("File attached."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return _back(request, "home")


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("record_type"), pk=pk)
    model = attachment.record_type.model_class()
    if model not in RECORD_TYPES:
        raise Http404
    # The file is served only to someone who may see the record it is attached to.
    get_visible_record(request.user, model._meta.model_name, attachment.record_id)
    return attachment_response(attachment)


@login_required
def notification_list(request):
    qs = user_notifications(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "mechanisms/notification_list.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
def notification_open(request, pk):
    """Mark a notification read and follow its link."""
    notification = get_object_or_404(user_notifications(request.user), pk=pk)
    notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("mechanisms:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("mechanisms:notification_list")
