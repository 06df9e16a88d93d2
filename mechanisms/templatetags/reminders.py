"""``{% load reminders %}{% nudge_panel %}``: the 调度长's nudge buttons on their home page."""

from django import template

from mechanisms.reminders.selectors import nudge_panel as build_nudge_panel

register = template.Library()


@register.inclusion_tag("mechanisms/reminders/nudge_panel.html", takes_context=True)
def nudge_panel(context):
    request = context["request"]
    return {"panel": build_nudge_panel(request.user), "request": request}
