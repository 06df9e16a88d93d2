"""The 攻坚支部工作简报: a numbered briefing a department issues for a week or a month of its
jurisdiction, drafted from the records (issue 12).

Two kinds of content are kept apart on purpose:

* ``figures`` — the numbers, as structured data (JSON) with the link to the list or dashboard
  view each one came from, written only by the drafting selector (``briefings.selectors``);
* ``texts`` — the staff's own words, one text per section, edited in the browser.

A page or a document renders the figures from the data, so a number is never retyped.

Issue numbers (第N期) are per (organization, year) and never reused: ``BriefingCounter`` holds
the last number given, its row is locked while a briefing takes the next one, and a unique
constraint on (organization, year, number) stands behind it. An issued briefing is locked: the
row refuses a save that changes it (``LockedWhenFinal``), whoever calls save()."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from branches.models import Organization
from core.history import HistoricalRecords
from core.models import OwnedModel
from evaluation.models import LockedError, LockedWhenFinal  # noqa: F401  (LockedError: what a change to an issued briefing raises)


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", pgettext_lazy("briefing", "Issued")


# The one transition table of a briefing: drafted and edited, then issued for good.
BRIEFING_TRANSITIONS: dict[str, set[str]] = {
    BriefingStatus.DRAFT: {BriefingStatus.ISSUED},
    BriefingStatus.ISSUED: set(),
}


class BriefingPeriod(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


# The sections of a briefing, in order; each has figures (drafted) and a text (the staff's).
SECTION_KEYS = ("overview", "reports", "problems", "instructions", "league", "highlights", "next_steps")


class BriefingCounter(models.Model):
    """The last issue number a jurisdiction gave in a year: the row a briefing locks (SELECT …
    FOR UPDATE) to take the next number, so two staff issuing at once queue here."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last issue number"), default=0)

    class Meta:
        verbose_name = _("briefing number counter")
        verbose_name_plural = _("briefing number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="briefing_counter_one_per_organization_year",
                violation_error_message=_("This jurisdiction already has a counter for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}: {self.last_number}"


class Briefing(LockedWhenFinal, OwnedModel):
    """One briefing (工作简报) of a jurisdiction for a period."""

    FINAL = BriefingStatus.ISSUED  # what LockedWhenFinal locks

    organization = models.ForeignKey(
        Organization, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="briefings"
    )
    period = models.CharField(_("period"), max_length=10, choices=BriefingPeriod.choices, default=BriefingPeriod.WEEK)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    title = models.CharField(_("title"), max_length=60)
    issuing_organ = models.CharField(_("issuing organ"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, help_text=_("The year of the issue number."))
    number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures drawn at"), null=True, blank=True)
    texts = models.JSONField(_("section texts"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work briefing")
        verbose_name_plural = _("work briefings")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"],
                name="briefing_number_unique_per_organization_year",
                violation_error_message=_("This issue number is already taken in this year."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", number__isnull=True, year__isnull=True, issued_at__isnull=True)
                    | Q(status="issued", number__gte=1, year__isnull=False, issued_at__isnull=False)
                ),
                name="briefing_issued_has_number",
                violation_error_message=_("An issued briefing has a year, a number and a date; a draft has none."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="briefing_period_in_order",
                violation_error_message=_("The period ends on or after its first day."),
            ),
        ]

    def __str__(self):
        if self.number:
            return gettext("%(title)s, %(year)s No. %(number)s") % {
                "title": self.title, "year": self.year, "number": self.number,
            }
        return gettext("%(title)s (draft)") % {"title": self.title}

    def _locked_message(self) -> str:
        return gettext("This briefing has been issued and can no longer be changed.")

    @property
    def is_issued(self) -> bool:
        return self.status == BriefingStatus.ISSUED

    @property
    def is_editable(self) -> bool:
        """The guard of every edit: only a draft changes."""
        return self.status == BriefingStatus.DRAFT

    def issue_allowed(self) -> bool:
        return BriefingStatus.ISSUED in BRIEFING_TRANSITIONS[self.status]
