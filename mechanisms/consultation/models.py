"""对接会商 — consultation: the lead unit convenes the responsible units; resolutions follow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization
from core.history import HistoricalRecords
from core.models import OwnedModel, TimeStampedModel
from mechanisms.dispatch.models import ticket_transitions
from projects.models import Project


class ConsultationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, resolutions open")
    CLOSED = "closed", _("Closed")


# A consultation is planned, held (minutes recorded, resolutions followed), and closes when every
# resolution is verified.
CONSULTATION_TRANSITIONS: dict[str, set[str]] = {
    ConsultationStatus.PLANNED: {ConsultationStatus.HELD},
    ConsultationStatus.HELD: {ConsultationStatus.CLOSED},
    ConsultationStatus.CLOSED: set(),
}


class Consultation(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="consultations")
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    lead_unit = models.ForeignKey(Organization, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=160)
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("location"), max_length=120, blank=True)
    participating_units = models.ManyToManyField(
        Organization, verbose_name=_("participating units"), related_name="consultations"
    )
    participants = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[participating_units])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.topic


class ResolutionStatus(models.TextChoices):
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
    SIGNED_OFF = "signed_off", _("Signed off by the unit")
    DONE = "done", _("Done, awaiting verification")
    RETURNED = "returned", _("Returned for rework")
    VERIFIED = "verified", _("Verified")


# A resolution lives the life of every ticket (mechanisms.dispatch.models.ticket_transitions).
RESOLUTION_TRANSITIONS = ticket_transitions(
    ResolutionStatus, received=ResolutionStatus.AWAITING_SIGNOFF, taken=ResolutionStatus.SIGNED_OFF
)


# The owner unit has something to do: these can be overdue.
RESOLUTION_AWAITING_UNIT = frozenset(
    {ResolutionStatus.AWAITING_SIGNOFF, ResolutionStatus.SIGNED_OFF, ResolutionStatus.RETURNED}
)


RESOLUTION_OPEN = RESOLUTION_AWAITING_UNIT | {ResolutionStatus.DONE}


# Reported done (verified or not yet): what the figures and the dashboard count as done.
RESOLUTION_DONE_STATUSES = frozenset({ResolutionStatus.DONE, ResolutionStatus.VERIFIED})


class Resolution(TimeStampedModel):
    """A decision of a consultation: one owner unit, the resources it guarantees, a deadline."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="resolutions"
    )
    content = models.TextField(_("resolution"))
    owner_unit = models.ForeignKey(Organization, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="resolutions")
    resources = models.TextField(_("resources guaranteed"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=ResolutionStatus.choices, default=ResolutionStatus.AWAITING_SIGNOFF, db_index=True
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["owner_unit", "status"], name="resolution_unit_status")]

    def __str__(self):
        return self.content[:40]
