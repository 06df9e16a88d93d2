"""Admin registration: each room registers its own models; Django discovers them through here."""

from mechanisms.common import admin as common_admin  # noqa: F401
from mechanisms.consultation import admin as consultation_admin  # noqa: F401
from mechanisms.dispatch import admin as dispatch_admin  # noqa: F401
from mechanisms.problems import admin as problems_admin  # noqa: F401
from mechanisms.records import admin as records_admin  # noqa: F401
from mechanisms.reminders import admin as reminders_admin  # noqa: F401
from mechanisms.requests import admin as requests_admin  # noqa: F401
from mechanisms.weekly import admin as weekly_admin  # noqa: F401
