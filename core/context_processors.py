"""The navigation each role may use (entries are declared in ``config.navigation``)."""

from config.navigation import menu_for


def user_role_codes(user) -> frozenset[str]:
    """The role codes (group names) of ``user``, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_codes = cached
    return cached


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_codes": frozenset()}
    roles = user_role_codes(user)
    return {"nav_items": menu_for(roles, is_superuser=user.is_superuser), "role_codes": roles}
