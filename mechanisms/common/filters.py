"""The FilterSet base of the rooms' lists of records that name a project and a branch (dispatch
sessions, instructions, consultations): search, project and branch among the rows the user sees."""

from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet, picker, search_filter
from mechanisms.common.selectors import filter_choices


class RecordFilterSet(ListFilterSet):
    q = search_filter()
    project = picker(_("Project"), kind="project")
    branch = picker(_("Branch"), kind="branch")

    def restrict(self, user):
        choices = filter_choices(user, source=self.queryset)
        self.limit("project", choices["projects"])
        self.limit("branch", choices["branches"])
