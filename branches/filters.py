"""The FilterSets of the branch list and the Party-member registry: each page and its Excel export
filter through the same one (core.filtering)."""

from django.utils.translation import gettext_lazy as _

from branches import selectors
from branches.forms import BLANK, _org_label
from branches.models import (
    BranchKind,
    BranchScope,
    BranchStatus,
    Front,
    Gender,
    Light,
    Organization,
    WorkField,
)
from core.filtering import ListFilterSet, batch_choices, choice_filter, date_filter, picker, search_filter
from core.models import AuditAction

NONE_PICKED = BLANK[0][1]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


# ---------------------------------------------------------------- branches
class BranchFilterSet(ListFilterSet):
    q = search_filter(placeholder=_("Name, goal or lead unit"), max_length=100)
    batch = choice_filter(_("Batch"), empty_label=NONE_PICKED)
    kind = choice_filter(_("Kind"), BranchKind.choices, empty_label=NONE_PICKED)
    front = choice_filter(_("Front"), Front.choices, empty_label=NONE_PICKED)
    field = picker(_("Field"), kind="field", label_from_instance=lambda f: f.name, empty_label=NONE_PICKED)
    scope = choice_filter(_("Scope"), BranchScope.choices, empty_label=NONE_PICKED)
    status = choice_filter(_("Status"), BranchStatus.choices, empty_label=NONE_PICKED)
    lead_unit = picker(_("Lead unit"), kind="unit", label_from_instance=lambda o: o.name, empty_label=NONE_PICKED)
    light = choice_filter(_("Traffic light"), Light.choices, empty_label=NONE_PICKED)

    def visible(self, user):
        return selectors.visible_branches(user)

    def restrict(self, user):
        choices = selectors.branch_filter_choices(user)
        self.choose("batch", batch_choices(choices["batches"]))
        self.limit("lead_unit", choices["lead_units"])
        self.limit("field", WorkField.objects.order_by("sort_order", "name"))

    def select(self, filters, search):
        return selectors.branch_list(user=self.user, filters=filters, search=search)


# ---------------------------------------------------------------- people
class PersonFilterSet(ListFilterSet):
    q = search_filter(placeholder=_("Name, phone or post"), max_length=100)
    work_unit = picker(_("Work unit"), kind="unit", empty_label=NONE_PICKED)
    gender = choice_filter(_("Gender"), Gender.choices, empty_label=NONE_PICKED)
    is_probationary = choice_filter(_("Probationary member"), YES_NO, empty_label=NONE_PICKED)
    serving = choice_filter(_("Serving in a branch"), YES_NO, empty_label=NONE_PICKED)

    def visible(self, user):
        return selectors.visible_people(user)

    def restrict(self, user):
        units = selectors.visible_organizations(user).order_by("path")
        rows: list[Organization] = list(units)
        base = min((u.depth for u in rows), default=0)
        self.limit("work_unit", units, rows=rows, label=lambda u: _org_label(u, base))

    def select(self, filters, search):
        if filters.get("is_probationary") in ("yes", "no"):
            filters["is_probationary"] = filters["is_probationary"] == "yes"
        return selectors.person_list(user=self.user, filters=filters, search=search)


# ---------------------------------------------------------------- the audit trail
class AuditEventFilterSet(ListFilterSet):
    """The audit trail's filters (审计员 only: anyone else has no rows, and the page is a 404)."""

    q = search_filter(placeholder=_("User name, address or target"), max_length=100)
    action = choice_filter(_("Event"), AuditAction.choices, empty_label=NONE_PICKED)
    date_from = date_filter(_("From"))
    date_to = date_filter(_("To"))

    def visible(self, user):
        return selectors.audit_events(user=user)

    def select(self, filters, search):
        return selectors.audit_events(user=self.user, filters=filters, search=search)
