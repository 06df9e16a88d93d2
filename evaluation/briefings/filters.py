"""The briefing list's FilterSet: the page, its workbook and the year's Word documents (.zip)
filter through the same one (core.filtering)."""

from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet, choice_filter
from evaluation.briefings import selectors


class BriefingFilterSet(ListFilterSet):
    year = choice_filter(_("Year"))

    def visible(self, user):
        return selectors.visible_briefings(user)

    def restrict(self, user):
        self.choose("year", [(str(y), str(y)) for y in selectors.briefing_years(user)])

    def select(self, filters, search):
        year = filters.get("year")
        return selectors.briefing_list(self.user, year=int(year) if year else None)

    @property
    def chosen_year(self) -> int | None:
        year = self.values()[0].get("year")
        return int(year) if year else None
