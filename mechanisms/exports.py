"""Every room's Excel exports, imported so that core.exports' autodiscovery of
``mechanisms.exports`` registers them all (a worker builds an export without loading the URLconf)."""

from mechanisms.consultation import exports as consultation_exports  # noqa: F401
from mechanisms.dispatch import exports as dispatch_exports  # noqa: F401
from mechanisms.problems import exports as problems_exports  # noqa: F401
from mechanisms.reminders import exports as reminders_exports  # noqa: F401
from mechanisms.requests import exports as requests_exports  # noqa: F401
from mechanisms.weekly import exports as weekly_exports  # noqa: F401
