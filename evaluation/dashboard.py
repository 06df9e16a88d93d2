"""Reads of the leaders' dashboard: live figures of the branches in the user's jurisdiction.

Who: department staff and leaders (and superusers) — ``can_see_dashboard``. What they see starts
from the ``visible_*`` selectors, so a city's leader never counts another city's records, and is
narrowed by the filters (batch, front, field, unit = a node of the tree and everything under it,
period).

Each widget is one aggregate query (conditional aggregation, GROUP BY), so the page costs the
same number of queries for 10 branches or 10,000:

* ``branch_figures`` — active branches by batch, front and field (one GROUP BY);
* ``light_figures`` — open projects by traffic light (``Project.light`` is stored);
* ``instruction_figures`` — instructions overdue and open;
* ``report_figures`` — the weekly-report submission rate of this week and the 11 before it;
* ``problem_figures`` — problems opened and resolved in the period with the median resolution
  time, open and overdue now, enterprise whistles and their satisfaction;
* ``unit_league`` — the responsible units ranked by on-time answers (部门报到);
* ``breakdown`` — the drill-down table by city → front → field → branch (four GROUP BYs).

How the figures are counted (the status sets are the models', written once: issue 9):

* an *active branch* is one whose status is active now (``branches.models.branch_active_q``): the
  "Active branches" card, the charts by front, batch and field, and the "Active" column of the
  breakdown all count these, and link to the branch list filtered ``status=active``;
* a branch is *due* a week's report when it was at work on the week's last day
  (``branches.models.branch_active_on_q``: formed by then and not ended by then). For the current
  week that is every active branch formed by Sunday — the rows of the "missing reports" page plus
  those that filed — so, formation dates in the future aside, it is the active branches again;
* a branch *filed* a week's report when the report was submitted (submitted, returned or
  reviewed: mechanisms.weekly.rules.FILED_STATUSES);
* projects by light are the projects in progress (``projects.models.IN_PROGRESS_STATUS``: planned,
  suspended and closed ones are left out); the project figures follow the project's own front and
  field, as the project list does;
* a problem's resolution time runs from its creation to ``resolved_at``; the median is over the
  problems resolved in the period (PostgreSQL's ``percentile_cont(0.5)``; on SQLite, in Python);
* whistle satisfaction = (satisfied + basically satisfied) / whistles closed with a verdict in the
  period;
* a unit answers *on time* when it accepted (or objected to) a problem by its ``accept_due_on``,
  answered a co-operating assignment by its ``due_on``, reported an instruction or a resolution
  done by its deadline (dates in the product's time zone). An item counts once its due date, within
  the period, has come: passed, or today when it is already answered.

Every figure carries the link to the records behind it: a list page with the filters in the query
string when that list can express all the dashboard's filters, otherwise the next level of the
dashboard's own breakdown (``Link``).
"""

import dataclasses
import datetime
import hashlib
import logging
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Substr, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from branches.models import (
    PATH_STEP,
    Branch,
    BranchStatus,
    Front,
    Light,
    Organization,
    OrganizationKind,
    WorkField,
    branch_active_q,
)
from branches.roles import Role
from branches.selectors import has_role, jurisdiction_path, visibility_key, visible_branches
from mechanisms.consultation.models import RESOLUTION_DONE_STATUSES
from mechanisms.consultation.selectors import visible_resolutions
from mechanisms.dispatch.models import INSTRUCTION_DONE_STATUSES, INSTRUCTION_OPEN
from mechanisms.dispatch.selectors import overdue_instructions_q, visible_instructions
from mechanisms.models import (
    ProblemAssignment,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
    WeeklyReport,
)
from mechanisms.problems.models import PROBLEM_OPEN_STATUSES, PROBLEM_RESOLVED_STATUSES
from mechanisms.problems.selectors import visible_problems
from mechanisms.weekly.rules import FILED_STATUSES, Week, owes_report_q, week_of
from projects.models import IN_PROGRESS_STATUS, Project
from projects.selectors import visible_projects

logger = logging.getLogger(__name__)

TREND_WEEKS = 12
BREAKDOWN_LIMIT = 50
LEAGUE_LIMIT = 30
LEVEL_CITY, LEVEL_FRONT, LEVEL_FIELD, LEVEL_BRANCH = "city", "front", "field", "branch"
PERIODS = ("week", "month", "quarter", "year", "all", "custom")
DEFAULT_PERIOD = "year"
_ONE_DECIMAL = Decimal("0.1")


def can_see_dashboard(user) -> bool:
    """Department staff and leaders with a jurisdiction, and superusers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.LEADER, Role.DEPARTMENT_STAFF) and jurisdiction_path(user) is not None


# ================================================================ the scope
@dataclass(frozen=True)
class Scope:
    """Whose records, narrowed by which filters, over which period."""

    user: object
    today: datetime.date
    root: Organization | None  # the user's jurisdiction node (None: a superuser's whole tree)
    unit: Organization | None = None
    batch: int | None = None
    front: str | None = None
    field: WorkField | None = None
    period: str = DEFAULT_PERIOD
    start: datetime.date | None = None  # None: from the beginning
    end: datetime.date | None = None

    @property
    def node(self) -> Organization | None:
        return self.unit or self.root

    @property
    def node_path(self) -> str:
        return self.node.path if self.node else ""

    @property
    def level(self) -> str:
        """What the breakdown groups by: city → front → field → branch."""
        node = self.node
        if (node is None or node.kind == OrganizationKind.PROVINCE) and not self.field:
            return LEVEL_CITY
        if self.field:
            return LEVEL_BRANCH
        if self.front:
            return LEVEL_FIELD
        return LEVEL_FRONT

    @property
    def period_end(self) -> datetime.date:
        return min(self.end or self.today, self.today)

    def query(self, **changes) -> dict:
        """The dashboard's own query string with ``changes`` (None removes a key)."""
        params = {
            "batch": self.batch,
            "front": self.front,
            "field": self.field.pk if self.field else None,
            "unit": self.unit.pk if self.unit else None,
            "period": self.period if self.period != DEFAULT_PERIOD else None,
        }
        if self.period == "custom":
            params["date_from"] = self.start.isoformat() if self.start else None
            params["date_to"] = self.end.isoformat() if self.end else None
        params.update(changes)
        return {k: v for k, v in params.items() if v not in (None, "")}

    def url(self, **changes) -> str:
        query = self.query(**changes)
        base = reverse("evaluation:dashboard")
        return f"{base}?{urlencode(query)}" if query else base


def period_bounds(period: str, today: datetime.date, date_from=None, date_to=None):
    """(start, end) of a period preset; ``custom`` takes the dates given."""
    if period == "week":
        return today - datetime.timedelta(days=today.weekday()), today
    if period == "month":
        return today.replace(day=1), today
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if period == "year":
        return today.replace(month=1, day=1), today
    if period == "custom":
        return date_from, date_to
    return None, today


def make_scope(user, *, today=None, unit=None, batch=None, front=None, field=None, period=DEFAULT_PERIOD,
               date_from=None, date_to=None) -> Scope:
    today = today or timezone.localdate()
    path = jurisdiction_path(user)
    root = user.organization if path else None
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    start, end = period_bounds(period, today, date_from, date_to)
    if field is not None and front and field.front != front:
        field = None  # a stale link naming a field of another front: keep the front
    return Scope(user=user, today=today, root=root, unit=unit, batch=batch, front=front or None, field=field,
                 period=period, start=start, end=end)


# ---------------------------------------------------------------- filter choices
def filter_choices(user) -> dict:
    """Batches, fields and units to filter by (three queries)."""
    visible = visible_branches(user).order_by()
    path = jurisdiction_path(user) or ""
    units = Organization.objects.filter(
        Q(pk__in=visible.values("supervising_committee"))
        | Q(kind__in=(OrganizationKind.PROVINCE, OrganizationKind.CITY, OrganizationKind.COUNTY))
    )
    if path:
        units = units.filter(path__startswith=path)
    return {
        "batches": sorted(set(visible.values_list("batch", flat=True).distinct())),
        "fields": list(WorkField.objects.filter(Q(is_active=True) | Q(pk__in=visible.values("field")))),
        "units": list(units.order_by("path")),
    }


# ---------------------------------------------------------------- narrowing querysets
def _branch_q(scope: Scope, prefix: str = "") -> Q:
    q = Q()
    if scope.batch:
        q &= Q(**{f"{prefix}batch": scope.batch})
    if scope.front:
        q &= Q(**{f"{prefix}front": scope.front})
    if scope.field:
        q &= Q(**{f"{prefix}field": scope.field.pk})
    if scope.unit:
        q &= Q(**{f"{prefix}supervising_committee__path__startswith": scope.unit.path})
    return q


def scope_branches(scope: Scope) -> QuerySet[Branch]:
    return visible_branches(scope.user).filter(_branch_q(scope)).order_by()


def scope_projects(scope: Scope) -> QuerySet[Project]:
    """The project list's rows for these filters: batch and unit by the branch, front and field
    by the project itself (as ``projects.selectors.project_list`` filters them)."""
    q = Q()
    if scope.batch:
        q &= Q(branch__batch=scope.batch)
    if scope.front:
        q &= Q(front=scope.front)
    if scope.field:
        q &= Q(field=scope.field.pk)
    if scope.unit:
        q &= Q(branch__supervising_committee__path__startswith=scope.unit.path)
    return visible_projects(scope.user).filter(q).order_by()


def _in_period(scope: Scope, column: str) -> Q:
    """``column`` (a date, or a datetime compared by its local date) within the period."""
    q = Q()
    if scope.start:
        q &= Q(**{f"{column}__gte": scope.start})
    q &= Q(**{f"{column}__lte": scope.period_end})
    return q


def _dt_in_period(scope: Scope, column: str) -> Q:
    tz = timezone.get_current_timezone()
    q = Q()
    if scope.start:
        q &= Q(**{f"{column}__gte": datetime.datetime.combine(scope.start, datetime.time.min, tzinfo=tz)})
    end = datetime.datetime.combine(scope.period_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return q & Q(**{f"{column}__lt": end})


# ================================================================ links behind the figures
@dataclass(frozen=True)
class Link:
    url: str
    is_list: bool  # a list page of the records (else a level of the dashboard)


# What each list page can filter by, among the dashboard's filters.
_LIST_FILTERS = {
    "projects:project_list": {"batch", "front", "field", "branch"},
    "branches:branch_list": {"batch", "front", "field"},
    "mechanisms:instruction_list": {"branch"},
    "mechanisms:problem_list": {"branch"},
    "mechanisms:weeklyreport_list": {"batch", "branch"},
    "mechanisms:weeklyreport_missing": {"batch"},
}


def list_link(scope: Scope, url_name: str, *, branch=None, period_bound=False, fallback="#breakdown", **params):
    """The list ``url_name`` filtered like the figure, when the list can say everything the
    dashboard's filters say (and the period, for figures counted over it); else ``fallback``."""
    active = {
        "batch": scope.batch,
        "front": scope.front,
        "field": scope.field.pk if scope.field else None,
        "unit": scope.unit.pk if scope.unit else None,
        "branch": branch,
    }
    active = {k: v for k, v in active.items() if v not in (None, "")}
    supported = _LIST_FILTERS[url_name]
    if branch is not None:
        # A branch implies its batch, front, field and unit: a list that cannot say them says
        # the branch. (The project list still gets front and field: they are the project's own.)
        active = {k: v for k, v in active.items() if k in supported}
    if set(active) - supported or (period_bound and scope.start is not None):
        return Link(fallback, False)
    query = {**active, **{k: v for k, v in params.items() if v not in (None, "")}}
    url = reverse(url_name)
    return Link(f"{url}?{urlencode(query)}" if query else url, True)


# ================================================================ widgets
@dataclass
class BranchFigures:
    active: int = 0
    total: int = 0
    by_batch: list = field(default_factory=list)  # [(batch, active)]
    by_front: list = field(default_factory=list)  # [(front code, label, active)]
    by_field: list = field(default_factory=list)  # [(field id, name, front code, active)]


def branch_figures(scope: Scope) -> BranchFigures:
    """Active branches by batch, front and field: one GROUP BY over the three."""
    rows = list(
        scope_branches(scope)
        .values("batch", "front", "field", "field__name", "field__sort_order", "field__front")
        .annotate(active=Count("pk", filter=branch_active_q()), total=Count("pk"))
    )
    result = BranchFigures(active=sum(r["active"] for r in rows), total=sum(r["total"] for r in rows))
    batches, fronts, fields = {}, {}, {}
    for r in rows:
        batches[r["batch"]] = batches.get(r["batch"], 0) + r["active"]
        fronts[r["front"]] = fronts.get(r["front"], 0) + r["active"]
        key = (r["field__sort_order"], r["field__name"], r["field"], r["field__front"])
        fields[key] = fields.get(key, 0) + r["active"]
    result.by_batch = sorted(batches.items())
    result.by_front = [(code, label, fronts[code]) for code, label in Front.choices if code in fronts]
    result.by_field = [(pk, name, front, n) for (_order, name, pk, front), n in sorted(fields.items())]
    return result


@dataclass
class LightFigures:
    red: int = 0
    yellow: int = 0
    green: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green


def light_figures(scope: Scope) -> LightFigures:
    counts = (
        scope_projects(scope)
        .in_progress()
        .aggregate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            green=Count("pk", filter=Q(light=Light.GREEN)),
        )
    )
    return LightFigures(**counts)


@dataclass
class InstructionFigures:
    overdue: int = 0
    open: int = 0


def scope_instructions(scope: Scope):
    return visible_instructions(scope.user).filter(_branch_q(scope, "branch__")).order_by()


def instruction_figures(scope: Scope) -> InstructionFigures:
    counts = scope_instructions(scope).aggregate(
        overdue=Count("pk", filter=overdue_instructions_q(scope.today)),
        open=Count("pk", filter=Q(status__in=INSTRUCTION_OPEN)),
    )
    return InstructionFigures(**counts)


# ---------------------------------------------------------------- weekly reports
def active_in_week_q(week: Week, prefix: str = "") -> Q:
    """The branch (at ``prefix``) is due ``week``'s report: the weekly report's own duty rule
    (mechanisms.weekly.rules.owes_report_q — at work that Sunday, formed by that Monday), so the
    rate, the missing list and the reminders count the same branches."""
    return owes_report_q(week, prefix)


@dataclass
class WeekRate:
    week: Week
    active: int  # branches due the week's report (``active_in_week_q``)
    filed: int  # of which filed it

    @property
    def rate(self) -> float | None:
        return self.filed / self.active if self.active else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)

    @property
    def missing(self) -> int:
        """Branches due the week's report that have not filed it (the missing-reports page)."""
        return self.active - self.filed


@dataclass
class ReportFigures:
    weeks: list  # WeekRate, oldest first; the last is this week

    @property
    def this_week(self) -> WeekRate:
        return self.weeks[-1]


def trend_weeks(today: datetime.date, n: int = TREND_WEEKS) -> list[Week]:
    return [week_of(today - datetime.timedelta(days=7 * i)) for i in range(n - 1, -1, -1)]


def _filed_q(week: Week) -> Q:
    return Q(
        Exists(
            WeeklyReport.objects.filter(
                branch=OuterRef("pk"), iso_year=week.iso_year, iso_week=week.iso_week, status__in=FILED_STATUSES
            )
        )
    )


def report_figures(scope: Scope) -> ReportFigures:
    """Per ISO week: active branches that filed / active branches — one query for 12 weeks."""
    weeks = trend_weeks(scope.today)
    aggregates = {}
    for i, week in enumerate(weeks):
        active = active_in_week_q(week)
        aggregates[f"a{i}"] = Count("pk", filter=active)
        aggregates[f"f{i}"] = Count("pk", filter=active & _filed_q(week))
    counts = scope_branches(scope).aggregate(**aggregates)
    return ReportFigures(weeks=[WeekRate(w, counts[f"a{i}"], counts[f"f{i}"]) for i, w in enumerate(weeks)])


# ---------------------------------------------------------------- problems and whistles
class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass
class ProblemFigures:
    opened: int = 0
    resolved: int = 0
    open_now: int = 0
    overdue_now: int = 0
    median_days: Decimal | None = None
    whistles: int = 0
    whistles_closed: int = 0
    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically + self.dissatisfied

    @property
    def satisfaction(self) -> float | None:
        """(satisfied + basically satisfied) / whistles with a verdict."""
        return (self.satisfied + self.basically) / self.rated if self.rated else None

    @property
    def satisfaction_percent(self) -> int | None:
        return None if self.satisfaction is None else round(self.satisfaction * 100)


def scope_problems(scope: Scope):
    return visible_problems(scope.user).filter(_branch_q(scope, "branch__")).order_by()


def _days(seconds) -> Decimal | None:
    if seconds is None:
        return None
    return Decimal(str(seconds / 86400)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def problem_figures(scope: Scope) -> ProblemFigures:
    """One query (two on SQLite, which has no percentile_cont: the median is taken in Python)."""
    resolved = Q(status__in=PROBLEM_RESOLVED_STATUSES, resolved_at__isnull=False) & _dt_in_period(scope, "resolved_at")
    whistle = Q(source=ProblemSource.ENTERPRISE)
    verdict = whistle & Q(status=ProblemStatus.CLOSED) & _dt_in_period(scope, "verified_at")
    aggregates = {
        "opened": Count("pk", filter=_dt_in_period(scope, "created_at")),
        "resolved": Count("pk", filter=resolved),
        "open_now": Count("pk", filter=~Q(status__in=PROBLEM_RESOLVED_STATUSES)),
        "overdue_now": Count("pk", filter=Q(status__in=PROBLEM_OPEN_STATUSES, deadline__lt=scope.today)),
        "whistles": Count("pk", filter=whistle & _dt_in_period(scope, "created_at")),
        "whistles_closed": Count("pk", filter=verdict),
        "satisfied": Count("pk", filter=verdict & Q(satisfaction=Satisfaction.SATISFIED)),
        "basically": Count("pk", filter=verdict & Q(satisfaction=Satisfaction.BASICALLY)),
        "dissatisfied": Count("pk", filter=verdict & Q(satisfaction=Satisfaction.DISSATISFIED)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median_seconds"] = Median(EpochSeconds(F("resolved_at") - F("created_at")), filter=resolved)
    counts = scope_problems(scope).aggregate(**aggregates)
    median_seconds = counts.pop("median_seconds", None)
    if not postgres:
        durations = [
            (done - made).total_seconds()
            for made, done in scope_problems(scope).filter(resolved).values_list("created_at", "resolved_at")
        ]
        median_seconds = statistics.median(durations) if durations else None
    return ProblemFigures(**counts, median_days=_days(median_seconds))


# ---------------------------------------------------------------- unit responsiveness (部门报到)
KIND_PROBLEM, KIND_ASSIGNMENT, KIND_INSTRUCTION, KIND_RESOLUTION = "problem", "assignment", "instruction", "resolution"


@dataclass
class UnitRow:
    unit_id: int
    name: str
    due: dict = field(default_factory=dict)  # kind → items that fell due
    on_time: dict = field(default_factory=dict)  # kind → of which answered on time
    rank: int = 0
    links: dict = field(default_factory=dict)

    @property
    def total_due(self) -> int:
        return sum(self.due.values())

    @property
    def total_on_time(self) -> int:
        return sum(self.on_time.values())

    @property
    def rate(self) -> float | None:
        return self.total_on_time / self.total_due if self.total_due else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)

    def share(self, kind) -> str:
        due = self.due.get(kind, 0)
        return f"{self.on_time.get(kind, 0)}/{due}" if due else "—"

    @property
    def problem_share(self) -> str:
        due = self.due.get(KIND_PROBLEM, 0) + self.due.get(KIND_ASSIGNMENT, 0)
        done = self.on_time.get(KIND_PROBLEM, 0) + self.on_time.get(KIND_ASSIGNMENT, 0)
        return f"{done}/{due}" if due else "—"

    @property
    def instruction_share(self) -> str:
        return self.share(KIND_INSTRUCTION)

    @property
    def resolution_share(self) -> str:
        return self.share(KIND_RESOLUTION)


def _league_part(qs, *, kind: str, unit: str, due_on: str, on_time, scope: Scope):
    """One kind of item grouped by its unit: (unit, name, kind, due, on_time)."""
    counted = _in_period(scope, due_on) & (Q(**{f"{due_on}__lt": scope.today}) | Q(on_time))
    return (
        qs.filter(**{f"{unit}__isnull": False})
        .filter(counted)
        .order_by()
        .values(unit_ref=F(unit), unit_name=F(f"{unit}__name"))
        .annotate(
            kind=Value(kind, output_field=CharField()),
            due=Count("pk"),
            on_time=Count("pk", filter=on_time),
        )
    )


def _on_local_date_by(moment: str, due_on: str):
    return LessThanOrEqual(TruncDate(moment), F(due_on))


def unit_league(scope: Scope) -> list[UnitRow]:
    """Units ranked by their share of items answered on time (ties: more items first, then by
    name). One query: the four kinds are a UNION ALL of GROUP BYs."""
    problems = scope_problems(scope)
    accepted = Q(accepted_at__isnull=False) & Q(_on_local_date_by("accepted_at", "accept_due_on"))
    objected = (
        Q(status=ProblemStatus.OBJECTED, objected_at__isnull=False)
        & Q(_on_local_date_by("objected_at", "accept_due_on"))
    )
    parts = [
        _league_part(problems, kind=KIND_PROBLEM, unit="responsible_unit", due_on="accept_due_on",
                     on_time=accepted | objected, scope=scope),
        _league_part(
            ProblemAssignment.objects.filter(problem__in=problems.values("pk")),
            kind=KIND_ASSIGNMENT, unit="unit", due_on="due_on",
            on_time=Q(answered_at__isnull=False) & Q(_on_local_date_by("answered_at", "due_on")), scope=scope,
        ),
        _league_part(
            scope_instructions(scope), kind=KIND_INSTRUCTION, unit="assignee_unit", due_on="deadline",
            on_time=Q(status__in=INSTRUCTION_DONE_STATUSES, done_at__isnull=False) & Q(_on_local_date_by("done_at", "deadline")),
            scope=scope,
        ),
        _league_part(
            visible_resolutions(scope.user).filter(_branch_q(scope, "consultation__branch__")),
            kind=KIND_RESOLUTION, unit="owner_unit", due_on="deadline",
            on_time=Q(status__in=RESOLUTION_DONE_STATUSES, done_at__isnull=False) & Q(_on_local_date_by("done_at", "deadline")),
            scope=scope,
        ),
    ]
    union = parts[0].union(*parts[1:], all=True)
    rows: dict[int, UnitRow] = {}
    for r in union:
        row = rows.setdefault(r["unit_ref"], UnitRow(unit_id=r["unit_ref"], name=r["unit_name"]))
        row.due[r["kind"]] = row.due.get(r["kind"], 0) + r["due"]
        row.on_time[r["kind"]] = row.on_time.get(r["kind"], 0) + r["on_time"]
    ranked = sorted((r for r in rows.values() if r.total_due), key=lambda r: (-r.rate, -r.total_due, r.name))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return ranked


# ---------------------------------------------------------------- the drill-down table
@dataclass
class BreakdownRow:
    key: object
    label: str
    link: str  # the next level (or the branch's page)
    active: int = 0  # active branches now
    due: int = 0  # of which due this week's report (formed by Sunday)
    filed: int = 0  # of which filed it
    red: int = 0
    yellow: int = 0
    green: int = 0
    overdue_instructions: int = 0
    open_problems: int = 0
    overdue_problems: int = 0
    links: dict = field(default_factory=dict)

    @property
    def report_percent(self) -> int | None:
        return round(self.filed * 100 / self.due) if self.due else None


@dataclass
class Breakdown:
    level: str
    rows: list
    total_rows: int


def _group_expr(scope: Scope, level: str, prefix: str, *, own_front_field: bool = False):
    """The GROUP BY key of ``level`` for rows whose branch is at ``prefix``."""
    if level == LEVEL_CITY:
        length = len(scope.node_path) + PATH_STEP + 1
        return Substr(f"{prefix}supervising_committee__path", 1, length)
    if level == LEVEL_FRONT:
        return F("front" if own_front_field else f"{prefix}front")
    if level == LEVEL_FIELD:
        return F("field" if own_front_field else f"{prefix}field")
    return F(f"{prefix}pk" if prefix else "pk")


def breakdown(scope: Scope) -> Breakdown:
    """The figures of each city / front / field / branch of the scope, worst first: four GROUP BY
    queries and one for the names of the cities."""
    level = scope.level
    week = week_of(scope.today)
    due = active_in_week_q(week)
    branch_rows = (
        scope_branches(scope)
        .annotate(key=_group_expr(scope, level, ""))
        .values("key")
        .annotate(
            active=Count("pk", filter=branch_active_q()),
            due=Count("pk", filter=due),
            filed=Count("pk", filter=due & _filed_q(week)),
            total=Count("pk"),
        )
    )
    if level == LEVEL_BRANCH:
        branch_rows = branch_rows.annotate(name=F("name"))
    own = level in (LEVEL_FRONT, LEVEL_FIELD)
    project_rows = (
        scope_projects(scope)
        .in_progress()
        .annotate(key=_group_expr(scope, level, "branch__", own_front_field=own))
        .values("key")
        .annotate(
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            green=Count("pk", filter=Q(light=Light.GREEN)),
        )
    )
    instruction_rows = (
        scope_instructions(scope)
        .filter(overdue_instructions_q(scope.today))
        .annotate(key=_group_expr(scope, level, "branch__"))
        .values("key")
        .annotate(n=Count("pk"))
    )
    problem_rows = (
        scope_problems(scope)
        .exclude(status__in=PROBLEM_RESOLVED_STATUSES)
        .annotate(key=_group_expr(scope, level, "branch__"))
        .values("key")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=PROBLEM_OPEN_STATUSES, deadline__lt=scope.today)),
        )
    )
    rows: dict = {}

    def row(key):
        if key not in rows:
            rows[key] = BreakdownRow(key=key, label="", link="")
        return rows[key]

    names = {}
    for r in branch_rows:
        target = row(r["key"])
        target.active, target.due, target.filed = r["active"], r["due"], r["filed"]
        if level == LEVEL_BRANCH:
            names[r["key"]] = r["name"]
    for r in project_rows:
        target = row(r["key"])
        target.red, target.yellow, target.green = r["red"], r["yellow"], r["green"]
    for r in instruction_rows:
        row(r["key"]).overdue_instructions = r["n"]
    for r in problem_rows:
        target = row(r["key"])
        target.open_problems, target.overdue_problems = r["open"], r["overdue"]
    _label_rows(scope, level, rows, names)
    ordered = sorted(
        rows.values(),
        key=lambda r: (-r.red, -r.overdue_instructions, -r.overdue_problems, -r.yellow, r.label),
    )
    return Breakdown(level=level, rows=ordered[:BREAKDOWN_LIMIT], total_rows=len(ordered))


def _label_rows(scope: Scope, level: str, rows: dict, names: dict) -> None:
    """Names, the next level's link and the lists behind each count."""
    if level == LEVEL_CITY:
        cities = {o.path: o for o in Organization.objects.filter(path__in=[k for k in rows if k])}
        for key, target in rows.items():
            city = cities.get(key)
            if city is None:  # branches supervised by the scope's node itself
                node = scope.node
                target.label = _("Directly under %(name)s") % {"name": node} if node else _("Other")
            else:
                target.label = str(city)
                target.link = scope.url(unit=city.pk)
    elif level == LEVEL_FRONT:
        labels = dict(Front.choices)
        for key, target in rows.items():
            target.label = str(labels.get(key, key))
            target.link = scope.url(front=key)
            target.links = _count_links(dataclasses.replace(scope, front=key), branch=None)
    elif level == LEVEL_FIELD:
        fields = WorkField.objects.in_bulk([k for k in rows if k])
        for key, target in rows.items():
            work_field = fields.get(key)
            target.label = work_field.name if work_field else "—"
            target.link = scope.url(field=key)
            if work_field:
                target.links = _count_links(dataclasses.replace(scope, field=work_field), branch=None)
    else:
        # A project or record granted to the user outside the scope's branches (rare): one query.
        missing = [k for k in rows if k not in names]
        if missing:
            names.update(Branch.objects.filter(pk__in=missing).values_list("pk", "name"))
        for key, target in rows.items():
            target.label = names.get(key) or "—"
            target.link = reverse("branches:branch_detail", args=[key])
            target.links = _count_links(scope, branch=key)
            if not target.filed:
                # The weekly list shows the branch's draft too: with nothing filed there is
                # nothing behind "0%" (the branch is on the missing-reports page instead).
                target.links.pop("reports", None)


def _count_links(scope: Scope, *, branch) -> dict:
    """The list pages behind a breakdown row's counts (only those the lists can filter exactly)."""
    week = week_of(scope.today)
    links = {
        "red": list_link(
            scope, "projects:project_list", branch=branch, light=Light.RED, status=IN_PROGRESS_STATUS, fallback=""
        ),
        "yellow": list_link(
            scope, "projects:project_list", branch=branch, light=Light.YELLOW, status=IN_PROGRESS_STATUS, fallback=""
        ),
        "overdue_instructions": list_link(scope, "mechanisms:instruction_list", branch=branch, overdue="on", fallback=""),
        "overdue_problems": list_link(scope, "mechanisms:problem_list", branch=branch, overdue="yes", fallback=""),
        # No link behind "problems open": the problem list cannot filter "not yet resolved".
        "reports": list_link(scope, "mechanisms:weeklyreport_list", branch=branch, week=week.code, fallback=""),
    }
    return {k: v.url for k, v in links.items() if v.is_list}


# ================================================================ the whole page
@dataclass
class Dashboard:
    scope: Scope
    branches: BranchFigures
    lights: LightFigures
    instructions: InstructionFigures
    reports: ReportFigures
    problems: ProblemFigures
    league: list
    breakdown: Breakdown
    links: dict
    computed_at: datetime.datetime | None = None  # when the figures were read (shown on the page)


# The figures of a Dashboard, without what is derived from the scope (the scope, the links).
_FIGURES = ("branches", "lights", "instructions", "reports", "problems", "league", "breakdown", "computed_at")


def dashboard(scope: Scope) -> Dashboard:
    """Every widget of the page: a fixed number of queries whatever the size of the data."""
    board = Dashboard(
        scope=scope,
        branches=branch_figures(scope),
        lights=light_figures(scope),
        instructions=instruction_figures(scope),
        reports=report_figures(scope),
        problems=problem_figures(scope),
        league=unit_league(scope),
        breakdown=breakdown(scope),
        links={},
        computed_at=timezone.now(),
    )
    board.links = figure_links(scope, board)
    return board


def dashboard_cache_key(scope: Scope) -> str:
    """Who sees the same records (``visibility_key``: a city's staff and leaders share one
    entry), the filters, the day and the language of the labels."""
    filters = urlencode(sorted(scope.query().items()))
    digest = hashlib.sha256(f"{visibility_key(scope.user)}|{filters}".encode()).hexdigest()[:32]
    return f"dashboard:v1:{get_language()}:{scope.today.isoformat()}:{digest}"


def cached_dashboard(scope: Scope) -> Dashboard:
    """``dashboard(scope)`` through the cache for ``DASHBOARD_CACHE_SECONDS`` (0: no cache).

    At province scale the figures read a large part of the tables (issue 14); the page says when
    they were read. A cache that fails (Redis down) is skipped: the figures are computed."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(scope)
    key = dashboard_cache_key(scope)
    try:
        figures = cache.get(key)
    except Exception:  # noqa: BLE001 (any failure of the cache backend: compute instead)
        logger.warning("dashboard cache unavailable; computing the figures", exc_info=True)
        return dashboard(scope)
    if figures is not None:
        board = Dashboard(scope=scope, links={}, **figures)
        board.links = figure_links(scope, board)
        return board
    board = dashboard(scope)
    try:
        cache.set(key, {name: getattr(board, name) for name in _FIGURES}, seconds)
    except Exception:  # noqa: BLE001
        logger.warning("dashboard cache unavailable; figures not kept", exc_info=True)
    return board


def figure_links(scope: Scope, board: Dashboard) -> dict:
    return scope_links(scope, board.reports.this_week.week)


def scope_links(scope: Scope, week: Week) -> dict:
    """The list (or dashboard level) behind each headline figure; ``week`` is the week whose
    reports the report links name. The work briefing stores the same links beside its figures."""
    links = {
        "active": list_link(scope, "branches:branch_list", status=BranchStatus.ACTIVE),
        "red": list_link(scope, "projects:project_list", light=Light.RED, status=IN_PROGRESS_STATUS),
        "yellow": list_link(scope, "projects:project_list", light=Light.YELLOW, status=IN_PROGRESS_STATUS),
        "green": list_link(scope, "projects:project_list", light=Light.GREEN, status=IN_PROGRESS_STATUS),
        "overdue_instructions": list_link(scope, "mechanisms:instruction_list", overdue="on"),
        "open_instructions": list_link(scope, "mechanisms:instruction_list", open="on"),
        "reports_missing": list_link(scope, "mechanisms:weeklyreport_missing", week=week.code),
        "reports_filed": list_link(scope, "mechanisms:weeklyreport_list", week=week.code),
        "overdue_problems": list_link(scope, "mechanisms:problem_list", overdue="yes"),
        "problems": list_link(scope, "mechanisms:problem_list", period_bound=True),
        "whistles": list_link(scope, "mechanisms:problem_list", source=ProblemSource.ENTERPRISE, period_bound=True),
    }
    return links


def unit_links(unit_id: int) -> dict:
    """The lists of one unit's items (problems it leads, instructions to it)."""
    return {
        "problems": f"{reverse('mechanisms:problem_list')}?{urlencode({'responsible_unit': unit_id})}",
        "instructions": f"{reverse('mechanisms:instruction_list')}?{urlencode({'assignee_unit': unit_id})}",
        "consultations": f"{reverse('mechanisms:consultation_list')}?{urlencode({'unit': unit_id})}",
    }
