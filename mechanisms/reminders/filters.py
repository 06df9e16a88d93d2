"""The FilterSet of the reminder log: the page and its Excel export filter through it
(core.filtering)."""

from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet, choice_filter, date_filter, search_filter
from mechanisms.reminders import selectors as sel
from mechanisms.reminders.models import Channel, DeliveryStatus, ReminderKind


class ReminderLogFilterSet(ListFilterSet):
    q = search_filter()
    kind = choice_filter(_("Kind"), ReminderKind.choices)
    channel = choice_filter(_("Channel"), Channel.choices)
    status = choice_filter(_("Status"), DeliveryStatus.choices)
    date_from = date_filter(_("From"))
    date_to = date_filter(_("To"))

    def visible(self, user):
        return sel.visible_deliveries(user)

    def select(self, filters, search):
        return sel.reminder_log(user=self.user, filters=filters, search=search)
