"""A user's in-app notifications: the list, opening one (marks it read) and marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.security import safe_local_url
from mechanisms.common.selectors import user_notifications
from mechanisms.common.services import (
    notification_mark_read,
    notifications_mark_all_read,
)


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
    target = safe_local_url(request, notification.url)
    if target:
        return HttpResponseRedirect(target)
    return redirect("mechanisms:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("mechanisms:notification_list")
