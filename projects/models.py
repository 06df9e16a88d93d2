"""The "what": task-force projects, their indicators and readings, milestones (DESIGN §3)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from branches.models import Branch, Front, Light, Organization, WorkField
from core.history import HistoricalRecords
from core.models import OwnedModel, TimeStampedModel
from projects import lights


class DispatchCadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Fortnightly")
    MONTHLY = "monthly", _("Monthly")


CADENCE_DAYS = {DispatchCadence.WEEKLY: 7, DispatchCadence.FORTNIGHTLY: 14, DispatchCadence.MONTHLY: 30}


def next_dispatch_due(project) -> datetime.date:
    """The project's start until a session is held, then the last session plus the cadence
    (the one rule: the services store it, the cockpit and the reminders read it)."""
    if project.last_dispatch_on is None:
        return project.start_on
    return project.last_dispatch_on + datetime.timedelta(days=CADENCE_DAYS[project.dispatch_cadence])


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The one transition table of the project lifecycle (projects.services moves along it).
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.PLANNED: {ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED},
    ProjectStatus.IN_PROGRESS: {ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED},
    ProjectStatus.SUSPENDED: {ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED},
    ProjectStatus.COMPLETED: set(),
    ProjectStatus.CANCELLED: set(),
}
# The project lifecycle's status sets, written once (issue 9), like the branch's in branches.models.
#: Projects that no longer count towards their branch's light and take no new figures.
CLOSED_STATUSES = frozenset({ProjectStatus.COMPLETED, ProjectStatus.CANCELLED})
#: Open projects: planned, in progress or suspended (everything not closed).
OPEN_STATUSES = frozenset(ProjectStatus) - CLOSED_STATUSES
#: The projects under way: the dashboard's "projects in progress" (its traffic lights) and the
#: project list filtered by this status, which the dashboard's light figures link to.
IN_PROGRESS_STATUS = ProjectStatus.IN_PROGRESS

# Being worked on: open and not suspended. Only these are dispatched and reminded about (a
# suspended project waits; the reminders stay quiet until it resumes).
WORKING_STATUSES = frozenset({ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS})

class ForecastState(models.TextChoices):
    """What a project's forecast says (projects.lights decides; stored beside the light)."""

    REACHED = lights.FORECAST_REACHED, _("Targets reached")
    DATED = lights.FORECAST_DATED, _("Dated")
    STALLED = lights.FORECAST_STALLED, _("Stalled")
    NOT_ENOUGH_DATA = lights.FORECAST_NOT_ENOUGH_DATA, _("Not enough data yet")
    FAR = lights.FORECAST_FAR, _("Not within the forecast horizon")
    NONE = lights.FORECAST_NONE, _("No indicators")


def forecast_label(state: str, forecast_on: datetime.date | None) -> str:
    """The forecast in words, the same on every page and export that shows it (the project page,
    the 调度长's cockpit, the project export; templates through ``{% forecast %}`` in
    projects/templatetags/forecasts.py). An empty ``state`` is a project whose light was last
    stored before the state was (the nightly refresh fills it): its date, if any, is all we know."""
    if state == ForecastState.DATED or (not state and forecast_on):
        return forecast_on.isoformat() if forecast_on else ""
    if state == ForecastState.REACHED:
        return gettext("Targets reached on %(on)s") % {"on": forecast_on.isoformat()} if forecast_on else gettext("Targets reached")
    if state == ForecastState.FAR:
        return gettext("At this pace: not done within %(n)s years.") % {"n": lights.FORECAST_HORIZON_DAYS // 365}
    if state in ForecastState.values:
        return str(ForecastState(state).label)
    return "—"


# Worst first: used to rank lights and to pick a branch's light from its projects'.
LIGHT_SEVERITY = {Light.RED: 2, Light.YELLOW: 1, Light.GREEN: 0}


class ProjectQuerySet(models.QuerySet):
    """Projects by where they stand in their lifecycle (the status sets above)."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_progress(self):
        return self.filter(status=IN_PROGRESS_STATUS)


class Project(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=120)
    front = models.CharField(_("front"), max_length=30, choices=Front.choices)
    field = models.ForeignKey(WorkField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="projects")
    goal = models.TextField(_("goal"))
    start_on = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    lead_unit = models.ForeignKey(
        Organization, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_projects"
    )
    responsible_units = models.ManyToManyField(
        Organization, verbose_name=_("responsible units"), blank=True, related_name="responsible_projects"
    )
    dispatch_chief = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatch chief"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatched_projects",
    )
    dispatch_cadence = models.CharField(
        _("dispatch cadence"), max_length=20, choices=DispatchCadence.choices, default=DispatchCadence.WEEKLY
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED, db_index=True
    )
    # Derived from indicators and milestones by projects.services.project_refresh_light; stored
    # so lists can filter and count by light at province scale.
    light = models.CharField(_("traffic light"), max_length=10, choices=Light.choices, default=Light.GREEN, db_index=True)
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=4, default=0)
    forecast_on = models.DateField(_("forecast completion"), null=True, blank=True)
    # What the forecast says (a date, or why there is none); stored with the light.
    forecast_state = models.CharField(_("forecast"), max_length=20, choices=ForecastState.choices, blank=True)
    light_computed_at = models.DateTimeField(_("light computed at"), null=True, blank=True)
    # The day the current red spell began (empty when not red): the reminder sweep tells the
    # 调度长 once per spell, keyed by this date.
    red_since = models.DateField(_("red since"), null=True, blank=True)
    # When the next dispatch session is due by the cadence: the project's start until a session
    # is recorded, then the last session's date plus the cadence (kept by
    # projects.services.project_schedule_dispatch, read by the reminder sweep).
    next_dispatch_on = models.DateField(_("next dispatch due"), null=True, blank=True, db_index=True)
    last_dispatch_on = models.DateField(_("last dispatch session"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[responsible_units])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("task-force project")
        verbose_name_plural = _("task-force projects")
        ordering = ["deadline", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start_on")),
                name="project_deadline_after_start",
                violation_error_message=_("The deadline cannot be before the start."),
            ),
        ]
        indexes = [models.Index(fields=["deadline", "name"], name="project_deadline_name")]

    def __str__(self):
        return self.name


class Indicator(TimeStampedModel):
    """A measurable target, e.g. households relocated: baseline 0, target 225, unit 户."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=20)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    current_value = models.DecimalField(_("current value"), max_digits=14, decimal_places=2, default=0)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much this indicator counts in the project's progress.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")),
                name="indicator_target_differs_from_baseline",
                violation_error_message=_("The target must differ from the baseline."),
            ),
            models.UniqueConstraint(
                fields=["project", "name"],
                name="indicator_unique_name_per_project",
                violation_error_message=_("This project already has an indicator with this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="indicator_weight_positive",
                violation_error_message=_("The weight must be at least 1."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class ReadingSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    WEEKLY_REPORT = "weekly_report", _("Weekly report")
    IMPORT = "import", _("Imported")


class IndicatorReading(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="readings"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    recorded_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ReadingSource.choices, default=ReadingSource.MANUAL)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        ordering = ["indicator", "recorded_on", "id"]
        indexes = [models.Index(fields=["indicator", "recorded_on"], name="reading_indicator_date")]

    def __str__(self):
        return f"{self.indicator.name} {self.value} @ {self.recorded_on}"


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=120)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="milestone_unique_name_per_project",
                violation_error_message=_("This project already has a milestone with this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def overdue_days(self, today) -> int:
        """Days past due while not done (0 when done or not yet due)."""
        if self.done_on is not None or self.due_on >= today:
            return 0
        return (today - self.due_on).days


class ProjectUserObjectPermission(UserObjectPermissionBase):
    """Object grants on projects (e.g. to their 调度长), with a real foreign key."""

    content_object = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="user_grants")

    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("project grant")
        verbose_name_plural = _("project grants")
