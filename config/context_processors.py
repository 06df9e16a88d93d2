"""The navigation each role may use (entries are declared in ``config.navigation``)."""

from config.navigation import menu_for
from core.context_processors import user_role_codes


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_codes": frozenset()}
    roles = user_role_codes(user)
    return {"nav_items": menu_for(roles, is_superuser=user.is_superuser), "role_codes": roles}
