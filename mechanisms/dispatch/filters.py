"""The FilterSets of 推进调度 (dispatch sessions and instructions): each page and its Excel export
filter through the same one (core.filtering)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import choice_filter, date_filter, flag_filter, picker
from mechanisms.common.filters import RecordFilterSet
from mechanisms.dispatch import selectors as sel
from mechanisms.dispatch.models import DispatchStatus, InstructionStatus
from mechanisms.dispatch.tickets import TICKET_BLUE, TICKET_RED, TICKET_YELLOW, TicketThresholds

COLOUR_CHOICES = [
    (TICKET_RED, _("Red: overdue")),
    (TICKET_YELLOW, _("Yellow: behind")),
    (TICKET_BLUE, _("Blue: deadline near")),
]


# ---------------------------------------------------------------- dispatch sessions
class DispatchFilterSet(RecordFilterSet):
    status = choice_filter(_("Status"), DispatchStatus.choices)
    held_from = date_filter(_("From"))
    held_to = date_filter(_("To"))

    def visible(self, user):
        return sel.visible_dispatches(user)

    def select(self, filters, search):
        return sel.dispatch_list(user=self.user, filters=filters, search=search)


# ---------------------------------------------------------------- instructions
class InstructionFilterSet(RecordFilterSet):
    status = choice_filter(_("Status"), InstructionStatus.choices)
    assignee_unit = picker(_("Unit"), kind="unit")
    colour = choice_filter(_("Ticket colour"), COLOUR_CHOICES)
    overdue = flag_filter(_("Overdue only"))
    open = flag_filter(_("Open only"))

    def __init__(self, data=None, *, user, thresholds: TicketThresholds | None = None, **kwargs):
        self.thresholds = thresholds or TicketThresholds.on(timezone.localdate())
        super().__init__(data, user=user, **kwargs)

    def visible(self, user):
        return sel.visible_instructions(user)

    def restrict(self, user):
        super().restrict(user)
        self.limit("assignee_unit", sel.instruction_unit_choices(self.queryset))

    def select(self, filters, search):
        return sel.instruction_list(user=self.user, filters=filters, search=search, thresholds=self.thresholds)
