"""``{% load record_rights %}{% may_add_to_records as can_add %}``: whether the signed-in user
may comment on and attach files to the records they see (the record pages hide the forms from a
read-only leader; the views refuse them anyway, mechanisms.records.registry)."""

from django import template

from mechanisms.common.selectors import may_add_to_records as user_may_add

register = template.Library()


@register.simple_tag(takes_context=True)
def may_add_to_records(context) -> bool:
    request = context.get("request")
    return bool(request is not None and user_may_add(request.user))
