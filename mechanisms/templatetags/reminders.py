"""``{% load reminders %}{% nudge_panel %}``: the 调度长's nudge buttons on their home page."""

from django import template

register = template.Library()


@register.inclusion_tag("mechanisms/reminders/nudge_panel.html", takes_context=True)
def nudge_panel(context):
    from ..selectors_reminders import nudge_panel as panel

    request = context["request"]
    return {"panel": panel(request.user), "request": request}
