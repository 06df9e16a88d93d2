"""The FilterSet of 对接会商 (consultations): the page and its Excel export filter through it
(core.filtering)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import choice_filter, flag_filter, picker
from mechanisms.common.filters import RecordFilterSet
from mechanisms.consultation.models import ConsultationStatus
from mechanisms.consultation.selectors import (
    consultation_list,
    consultation_unit_choices,
    visible_consultations,
)


class ConsultationFilterSet(RecordFilterSet):
    status = choice_filter(_("Status"), ConsultationStatus.choices)
    unit = picker(_("Unit"), kind="unit")
    overdue = flag_filter(_("With overdue resolutions"))

    def visible(self, user):
        return visible_consultations(user)

    def restrict(self, user):
        super().restrict(user)
        self.limit("unit", consultation_unit_choices(self.queryset))

    def select(self, filters, search):
        return consultation_list(user=self.user, filters=filters, search=search, today=timezone.localdate())
