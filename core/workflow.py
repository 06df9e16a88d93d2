"""State machines: every status field has one transition table, checked by one function."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class TransitionError(ValidationError):
    """A state change the transition table or a guard refuses (shown to the user, never a 500)."""


def ensure_transition(table: dict, status_choices, current: str, target: str) -> None:
    """Raise TransitionError unless ``table`` allows ``current`` → ``target``."""
    if target not in table.get(current, ()):
        raise TransitionError(
            _("Not possible: a record that is “%(current)s” cannot become “%(target)s”.")
            % {"current": status_choices(current).label, "target": status_choices(target).label},
            code="illegal_transition",
        )
