"""A user's role codes, read once per request (the navigation in ``config`` and the pages use them)."""


def user_role_codes(user) -> frozenset[str]:
    """The role codes (group names) of ``user``, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_codes = cached
    return cached

