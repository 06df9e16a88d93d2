"""Pages of the reminders: the delivery log and resend (department staff), each user's
reminder preferences, and the 调度长's one-click nudge (催办).

Thin: parse → find through a visibility selector (outside it: 404) → call a service → redirect
with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.roles import Role
from branches.selectors import has_role
from core.exports import export_response
from core.security import redirect_back
from mechanisms.common.web import export_query
from mechanisms.reminders import selectors as sel
from mechanisms.reminders import services
from mechanisms.reminders.filters import ReminderLogFilterSet
from mechanisms.reminders.forms import NudgeForm, PreferenceForm
from mechanisms.reminders.models import Channel

PAGE_SIZE = 25


def _require_log(request):
    if not sel.can_view_reminder_log(request.user):
        raise Http404


@login_required
def reminder_log(request):
    _require_log(request)
    if request.GET.get("export") == "xlsx":
        return export_response(request, "reminder_log")
    filterset = ReminderLogFilterSet(request.GET, user=request.user)
    form, rows = filterset.form, filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mechanisms/reminders/log.html",
        {"form": form, "page": page, "export_query": export_query(request), "waiting": sel.waiting_count(request.user)},
    )


@login_required
def reminder_detail(request, pk):
    _require_log(request)
    reminder = sel.reminder_detail(user=request.user, pk=pk)
    deliveries = list(reminder.deliveries.all())
    history = sel.delivery_history(reminder)
    for delivery in deliveries:
        delivery.changes = history.get(delivery.pk, [])
    return render(
        request,
        "mechanisms/reminders/detail.html",
        {"reminder": reminder, "deliveries": deliveries, "changes": sel.reminder_changes(reminder)},
    )


@login_required
@require_POST
def delivery_resend(request, pk):
    _require_log(request)
    delivery = get_object_or_404(sel.visible_deliveries(request.user), pk=pk)
    try:
        services.delivery_resend(delivery=delivery, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if delivery.channel == Channel.IN_APP:
            messages.success(request, _("The reminder was shown again under the recipient's bell."))
        else:
            messages.success(request, _("The reminder is queued to be sent again."))
    return redirect("mechanisms:reminder_detail", pk=delivery.reminder_id)


@login_required
def reminder_preferences(request):
    user = request.user
    pref = services.preference_for(user)
    org_url = user.organization.webhook_url if user.organization_id else ""
    form = PreferenceForm(request.POST or None, instance=pref, organization_url=org_url, has_email=bool(user.email))
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_save(user=user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your reminder settings are saved."))
            return redirect("mechanisms:reminder_preferences")
    return render(
        request,
        "mechanisms/reminders/preferences.html",
        {"form": form, "organization_url": org_url, "has_email": bool(user.email)},
    )


@login_required
@require_POST
def nudge(request):
    if not has_role(request.user, Role.DISPATCH_CHIEF):
        raise Http404
    form = NudgeForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        sent = services.nudge_send(sender=request.user, target=form.cleaned_data["target"], pk=form.cleaned_data["pk"])
    except services.NudgeNotAllowed:
        raise Http404 from None
    except services.NudgeTooSoon as exc:
        messages.warning(
            request,
            _("You have nudged about this already. The next nudge is possible at %(time)s.")
            % {"time": date_format(timezone.localtime(exc.next_at), "SHORT_DATETIME_FORMAT")},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = "、".join(r.recipient.get_full_name() or r.recipient.get_username() for r in sent)
        messages.success(request, _("Nudge sent to %(names)s.") % {"names": names})
    return redirect_back(request, "mechanisms:cockpit")
