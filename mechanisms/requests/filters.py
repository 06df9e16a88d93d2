"""The FilterSets of 请示报告 (requests for decision and reports): each page and its Excel export
filter through the same one (core.filtering)."""

from django.utils.translation import gettext_lazy as _

from branches.selectors import branch_batches
from core.filtering import ANY, ListFilterSet, batch_choices, choice_filter, search_filter
from mechanisms.requests import selectors as sel
from mechanisms.requests.models import DecisionRequestStatus, ReportKind, ReportStatus


class _BatchedFilterSet(ListFilterSet):
    """Search and the batch (of the branches the user sees); one invalid value drops every
    filter, as these pages always did."""

    all_or_nothing = True
    q = search_filter(max_length=100)

    def restrict(self, user):
        self.choose("batch", batch_choices(branch_batches(user), named=False))


class DecisionRequestFilterSet(_BatchedFilterSet):
    status = choice_filter(_("Status"), DecisionRequestStatus.choices, empty_label=ANY)
    overdue = choice_filter(_("Reply overdue"), [("yes", _("Overdue only"))], empty_label=ANY)
    batch = choice_filter(_("Batch"), empty_label=ANY)

    def visible(self, user):
        return sel.visible_decision_requests(user)

    def select(self, filters, search):
        return sel.decision_request_list(user=self.user, filters=filters, search=search)


class ReportFilterSet(_BatchedFilterSet):
    kind = choice_filter(_("Kind"), ReportKind.choices, empty_label=ANY)
    status = choice_filter(_("Status"), ReportStatus.choices, empty_label=ANY)
    batch = choice_filter(_("Batch"), empty_label=ANY)

    def visible(self, user):
        return sel.visible_reports(user)

    def select(self, filters, search):
        return sel.report_list(user=self.user, filters=filters, search=search)
