"""``{% load reminders %}``: ``{% nudge_panel %}``, the 调度长's nudge buttons on their home page;
``{{ delivery|delivery_problem }}``, what went wrong with a delivery, in words."""

from django import template

from mechanisms.reminders.rules import delivery_error_explanation
from mechanisms.reminders.selectors import nudge_panel as build_nudge_panel

register = template.Library()


@register.inclusion_tag("mechanisms/reminders/nudge_panel.html", takes_context=True)
def nudge_panel(context):
    request = context["request"]
    return {"panel": build_nudge_panel(request.user), "request": request}


@register.filter
def delivery_problem(delivery) -> str:
    """A delivery's (or one of its history rows') last error, explained for the reader."""
    return delivery_error_explanation(delivery.channel, delivery.last_error)
