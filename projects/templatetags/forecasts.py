"""``{% forecast state forecast_on deadline %}``: a project's forecast, worded once
(projects.models.forecast_label) for every page that shows it."""

from django import template
from django.utils.html import format_html

from projects.models import ForecastState, forecast_label

register = template.Library()

_LATE = {ForecastState.STALLED, ForecastState.FAR}
_QUIET = {ForecastState.NOT_ENOUGH_DATA, ForecastState.NONE, ""}


@register.simple_tag
def forecast(state, forecast_on=None, deadline=None):
    """The label in a span whose class says how it reads: late (past the deadline, stalled, out of
    reach) in red, no forecast yet muted."""
    state = state or ""
    late = state in _LATE or bool(
        state in (ForecastState.DATED, "") and forecast_on and deadline and forecast_on > deadline
    )
    css = "text-danger" if late else ("text-muted" if state in _QUIET and not forecast_on else "")
    return format_html(
        '<span class="{}" data-forecast-state="{}">{}</span>', css, state, forecast_label(state, forecast_on)
    )
