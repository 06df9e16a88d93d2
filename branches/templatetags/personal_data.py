"""``{{ value|personal:request.user }}``: an ID or phone number whole for who manages people,
masked for anyone else (branches.selectors.personal_value; core.masking.mask)."""

from django import template

from branches.selectors import personal_value

register = template.Library()


@register.filter
def personal(value, user):
    return personal_value(user, value)
