"""Every room's typeahead sources, imported so that core.pickers' autodiscovery of
``mechanisms.pickers`` registers them all."""

from mechanisms.dispatch import pickers as dispatch_pickers  # noqa: F401
from mechanisms.problems import pickers as problems_pickers  # noqa: F401
