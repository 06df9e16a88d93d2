"""The project list's FilterSet: its page and its Excel export filter through it (core.filtering)."""

from django.utils.translation import gettext_lazy as _

from branches.models import Front, Light
from core.filtering import ListFilterSet, batch_choices, choice_filter, picker, search_filter
from projects import selectors
from projects.models import ProjectStatus


class ProjectFilterSet(ListFilterSet):
    q = search_filter()
    batch = choice_filter(_("Batch"))
    branch = picker(_("Branch"), kind="branch", label_from_instance=lambda b: b.name)
    front = choice_filter(_("Front"), Front.choices)
    field = picker(_("Field"), kind="field", label_from_instance=lambda f: f.name)
    status = choice_filter(_("Status"), ProjectStatus.choices)
    light = choice_filter(_("Traffic light"), Light.choices)
    lead_unit = picker(_("Lead unit"), kind="unit")
    dispatch_chief = picker(_("Dispatch chief"), kind="person", label_from_instance=lambda u: u.get_full_name())

    def visible(self, user):
        return selectors.visible_projects(user)

    def restrict(self, user):
        choices = selectors.project_filter_choices(user)
        self.choose("batch", batch_choices(choices["batches"]))
        for name, key in (("branch", "branches"), ("field", "fields"), ("lead_unit", "lead_units"),
                          ("dispatch_chief", "dispatch_chiefs")):
            self.limit(name, choices[key])

    def select(self, filters, search):
        return selectors.project_list(user=self.user, filters=filters, search=search)
