"""Who made a change and why, for django-simple-history: one helper for every service."""

# simple-history stores at most 100 characters of a change reason; the full text stays on the record.
REASON_MAX = 100


def stamp_history(instance, *, by, reason: str = "") -> None:
    """Tell simple-history that the next save of ``instance`` is ``by``'s, for ``reason``."""
    instance._history_user = by
    if reason:
        instance._change_reason = str(reason)[:REASON_MAX]
