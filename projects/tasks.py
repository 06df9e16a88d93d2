"""Celery tasks of the projects. Tasks take ids (or nothing) and call one service."""

import logging

from celery import shared_task

from projects.services import projects_refresh_all_lights

logger = logging.getLogger(__name__)


@shared_task(name="projects.tasks.refresh_all_lights", ignore_result=True, time_limit=3600, soft_time_limit=3540)
def refresh_all_lights() -> int:
    """Nightly: time passing turns projects yellow or red with no new figure entered (a reading
    more than a week old counts as no progress from then on, three weeks without progress is
    red, milestones and the deadline fall due), so every open project's light is computed again;
    a project that turned red gets ``red_since`` and the next reminder sweep tells its 调度长.
    A project on plan between its (at least weekly) readings does not change: the light compares
    each reading with the plan for its own date (projects.lights)."""

    turned_red = projects_refresh_all_lights()
    logger.info("lights refreshed; %s projects turned red", len(turned_red))
    return len(turned_red)
