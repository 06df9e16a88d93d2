"""The leaders' dashboard page: parse the filters → check the role (others get a 404) → read the
figures (evaluation.dashboard) → render. Read-only: the page has no form that writes."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from branches.models import Front
from branches.roles import Role
from branches.selectors import has_role
from core.forms import BootstrapFormMixin, DateInput
from evaluation import dashboard as reads

PERIOD_CHOICES = [
    ("week", gettext_lazy("This week")),
    ("month", gettext_lazy("This month")),
    ("quarter", gettext_lazy("This quarter")),
    ("year", gettext_lazy("This year")),
    ("all", gettext_lazy("Since the beginning")),
    ("custom", gettext_lazy("Dates below")),
]


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    """The dashboard's GET filters. A value that is not a choice (a stale link) is dropped."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False, choices=PERIOD_CHOICES)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None)
    batch = forms.TypedChoiceField(label=gettext_lazy("Batch"), required=False, coerce=int, empty_value=None)
    front = forms.ChoiceField(label=gettext_lazy("Front"), required=False)
    field = forms.TypedChoiceField(label=gettext_lazy("Field"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, choices: dict, **kwargs):
        if data is not None and not data.get("period"):
            # A link that names other filters but no period shows (and keeps) the default one,
            # or the dates it gives.
            data = data.copy()
            data["period"] = "custom" if data.get("date_from") or data.get("date_to") else reads.DEFAULT_PERIOD
        super().__init__(data, **kwargs)
        every = [("", _("All"))]
        self.units = {u.pk: u for u in choices["units"]}
        self.work_fields = {f.pk: f for f in choices["fields"]}
        self.fields["unit"].choices = every + [(u.pk, _indented(u, choices["units"])) for u in choices["units"]]
        self.fields["batch"].choices = every + [(b, _("Batch %(n)s") % {"n": b}) for b in choices["batches"]]
        self.fields["front"].choices = every + list(Front.choices)
        self.fields["field"].choices = every + [(f.pk, f.name) for f in choices["fields"]]
        self.fields["period"].initial = reads.DEFAULT_PERIOD
        for name in ("unit", "batch", "front", "field"):
            self.fields[name].widget.attrs["class"] += " js-autosubmit"
        # static/js/dashboard.js submits a preset period at once and opens the dates for "custom".
        self.fields["period"].widget.attrs["data-period"] = "1"

    def scope_arguments(self) -> dict:
        """Keyword arguments of ``dashboard.make_scope`` from the valid filters."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        period = data.get("period") or reads.DEFAULT_PERIOD
        return {
            "unit": self.units.get(data.get("unit")),
            "batch": data.get("batch"),
            "front": data.get("front") or None,
            "field": self.work_fields.get(data.get("field")),
            "period": period,
            "date_from": date_from,
            "date_to": date_to,
        }


def _indented(unit, units) -> str:
    """A unit's name indented by its depth below the shallowest unit of the list."""
    top = min(u.depth for u in units)
    return "\u3000" * (unit.depth - top) + str(unit)


LEVEL_LABELS = {
    reads.LEVEL_CITY: gettext_lazy("City / county"),
    reads.LEVEL_FRONT: gettext_lazy("Front"),
    reads.LEVEL_FIELD: gettext_lazy("Field"),
    reads.LEVEL_BRANCH: gettext_lazy("Branch"),
}


@require_GET
@login_required
def dashboard(request):
    user = request.user
    if not reads.can_see_dashboard(user):
        if has_role(user, Role.LEADER, Role.DEPARTMENT_STAFF) and not user.organization_id:
            # Their role is right but their account sits nowhere in the tree: say so.
            return render(request, "core/no_organization.html")
        raise Http404
    form = DashboardFilterForm(request.GET or None, choices=reads.filter_choices(user))
    scope = reads.make_scope(user, **form.scope_arguments())
    board = reads.cached_dashboard(scope)
    league_all = request.GET.get("league") == "all"
    league, league_gap = board.league, False
    if not league_all and len(league) > reads.LEAGUE_LIMIT:
        # The best and the slowest units: the middle of the table is what nobody asks about.
        half = reads.LEAGUE_LIMIT // 2
        league, league_gap = league[:half] + league[-half:], True
    for row in league:
        row.links = reads.unit_links(row.unit_id)
    return render(
        request,
        "evaluation/dashboard/index.html",
        {
            "board": board,
            "scope": scope,
            "form": form,
            "filtering": bool(request.GET),
            "crumbs": _crumbs(scope),
            "level_label": LEVEL_LABELS[scope.level],
            "league": league,
            "league_gap_after": reads.LEAGUE_LIMIT // 2 if league_gap else 0,
            "league_more": len(board.league) - len(league),
            "league_all_url": scope.url(league="all") + "#league",
            "chart_data": chart_data(board),
            "period_label": dict(PERIOD_CHOICES).get(scope.period, ""),
        },
    )


def _crumbs(scope) -> list[tuple[str, str]]:
    """Where the page stands: jurisdiction › unit › front › field (each a link up)."""
    crumbs = [(str(scope.root) if scope.root else _("All jurisdictions"), scope.url(unit=None, front=None, field=None))]
    if scope.unit:
        crumbs.append((str(scope.unit), scope.url(front=None, field=None)))
    if scope.front:
        crumbs.append((str(Front(scope.front).label), scope.url(field=None)))
    if scope.field:
        crumbs.append((scope.field.name, scope.url()))
    return crumbs


def chart_data(board) -> dict:
    """What static/js/dashboard.js draws (passed with json_script): labels, values and the link
    behind every bar and slice."""
    scope = board.scope
    lights = board.lights
    links = board.links
    return {
        "lights": [
            {"name": _("Red"), "value": lights.red, "light": "red", "url": links["red"].url},
            {"name": _("Yellow"), "value": lights.yellow, "light": "yellow", "url": links["yellow"].url},
            {"name": _("Green"), "value": lights.green, "light": "green", "url": links["green"].url},
        ],
        # Every bar links to the figures it counts: the scope's filters kept (a field chosen is
        # of the one front shown; dropping it would open a front with more branches than the bar).
        "fronts": [
            {"name": str(label), "value": n, "url": scope.url(front=code)}
            for code, label, n in board.branches.by_front
        ],
        "fields": [
            {"name": name, "value": n, "url": scope.url(field=pk, front=front)}
            for pk, name, front, n in board.branches.by_field
        ],
        "batches": [
            {"name": _("Batch %(n)s") % {"n": batch}, "value": n, "url": scope.url(batch=batch)}
            for batch, n in board.branches.by_batch
        ],
        "trend": {
            "weeks": [w.week.code for w in board.reports.weeks],
            "percent": [w.percent for w in board.reports.weeks],
            "filed": [w.filed for w in board.reports.weeks],
            "active": [w.active for w in board.reports.weeks],
            "series": _("Submission rate"),
        },
        "satisfaction": [
            {"name": _("Satisfied"), "value": board.problems.satisfied},
            {"name": _("Basically satisfied"), "value": board.problems.basically},
            {"name": _("Dissatisfied"), "value": board.problems.dissatisfied},
        ],
        "labels": {"branches": _("Active branches"), "projects": _("Projects"), "empty": _("No data")},
    }
