"""The secretary's weekly progress report (周报): one per branch per ISO week."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.history import HistoricalRecords
from core.models import OwnedModel
from mechanisms.problems.models import ProblemCase
from projects.models import Indicator, IndicatorReading


class WeeklyReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    REVIEWED = "reviewed", _("Reviewed")


class WeeklyReport(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="weekly_reports")
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    week_start = models.DateField(_("week starting"))
    deadline = models.DateTimeField(_("deadline"))
    work_done = models.TextField(_("work done"), blank=True)
    # Last week's plan, ticked off: [{"item": "...", "done": true}, ...]
    checklist = models.JSONField(_("last week's plan, checked"), default=list, blank=True)
    problems_met = models.TextField(_("problems met"), blank=True)
    next_week_plan = models.TextField(_("next week's plan"), blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    no_significant_change = models.BooleanField(_("no significant change this week"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=WeeklyReportStatus.choices, default=WeeklyReportStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: a save based on an older version is refused with a clear message.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-iso_year", "-iso_week", "branch_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "iso_year", "iso_week"],
                name="weekly_report_one_per_branch_week",
                violation_error_message=_("This branch already has a report for this week."),
            ),
        ]
        indexes = [
            models.Index(fields=["iso_year", "iso_week", "status"], name="weekly_week_status"),
            # The list's order (mechanisms.weekly.selectors.weekly_report_list).
            models.Index(fields=["-iso_year", "-iso_week", "branch"], name="weekly_list_order"),
        ]

    def __str__(self):
        return f"{self.branch} {self.iso_year}-W{self.iso_week:02d}"


class WeeklyReportReading(models.Model):
    """An indicator value reported in a weekly report; recorded on the project when submitted."""

    report = models.ForeignKey(WeeklyReport, verbose_name=_("weekly report"), on_delete=models.CASCADE, related_name="readings")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The reading recorded on the project when the report was (re)submitted: a resubmission
    # records again only the values that changed since.
    indicator_reading = models.ForeignKey(
        IndicatorReading,
        verbose_name=_("recorded reading"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly report reading")
        verbose_name_plural = _("weekly report readings")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="weekly_reading_one_per_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.value}"


class WeeklyReportProblem(models.Model):
    """A problem met this week; one click turns it into a ProblemCase."""

    report = models.ForeignKey(WeeklyReport, verbose_name=_("weekly report"), on_delete=models.CASCADE, related_name="problem_lines")
    description = models.TextField(_("problem"))
    problem_case = models.OneToOneField(
        ProblemCase, verbose_name=_("problem case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="weekly_line"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem met")
        verbose_name_plural = _("problems met")
        ordering = ["report", "id"]

    def __str__(self):
        return self.description[:40]
