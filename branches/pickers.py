"""Typeahead sources of the "who": organizations, the Party-member registry, logins (see
``core.pickers``). Each is the visibility selector the form validates against."""

from branches.selectors import linkable_users, visible_organizations, visible_people
from core.pickers import register_picker


def user_label(user) -> str:
    unit = f"（{user.organization}）" if user.organization_id else ""
    return f"{user.get_full_name() or user.username}{unit}"


@register_picker("organizations")
def organizations(user, params):
    return visible_organizations(user).order_by("path")


@register_picker(
    "people", search=("name", "work_unit__name"), label=lambda p: f"{p.name} · {p.work_unit.name}", rank="name"
)
def people(user, params):
    return visible_people(user).select_related("work_unit").order_by("name", "pk")


@register_picker("linkable_users", search=("full_name", "username"), label=user_label)
def logins(user, params):
    return linkable_users(user=user).select_related("organization")
