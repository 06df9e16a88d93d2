"""Admin registration: one module per mechanism, imported here so Django discovers them."""

from . import admin_dispatch, admin_problems, admin_reminders, admin_requests  # noqa: F401
