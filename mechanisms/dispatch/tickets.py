"""Ticket colours of instructions and resolutions (督办 practice): red when overdue, yellow when
due within a working day, blue within three, counted in working days of the calendar."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Q,
)

from mechanisms.common.workdays import WorkCalendar
from mechanisms.dispatch.models import (
    INSTRUCTION_AWAITING_ASSIGNEE,
    InstructionStatus,
)

# ---------------------------------------------------------------- ticket colours
TICKET_RED, TICKET_YELLOW, TICKET_BLUE = "red", "yellow", "blue"


TICKET_COLOURS = (TICKET_RED, TICKET_YELLOW, TICKET_BLUE)


# "Near" and "behind" in working days (mechanisms.common.workdays: Monday–Friday, holidays, 调休).
YELLOW_WORKING_DAYS = 1


BLUE_WORKING_DAYS = 3


@dataclass(frozen=True)
class TicketThresholds:
    """The dates that decide every instruction's colour on ``today``.

    An instruction awaiting its assignee (issued, acknowledged or returned) is

    * RED    when its deadline has passed (``deadline < today``; the deadline day itself is not
      overdue);
    * YELLOW when at most 1 working day is left — the deadline is today or falls before the
      2nd working day after today — or when it is still unacknowledged on or after
      ``acknowledge_alert_on`` (more than 75 % of the time from issue to deadline has passed);
    * BLUE   when at most 3 working days are left (the deadline falls before the 4th working
      day after today);
    * no colour otherwise, and never once reported done or verified.

    "Working days left" counts the working days after today up to and including the deadline.
    """

    today: datetime.date
    yellow_before: datetime.date
    blue_before: datetime.date

    @classmethod
    def on(cls, today: datetime.date, calendar: WorkCalendar | None = None) -> "TicketThresholds":
        calendar = calendar or WorkCalendar.load()
        return cls(
            today=today,
            yellow_before=calendar.add_working_days(today, YELLOW_WORKING_DAYS + 1),
            blue_before=calendar.add_working_days(today, BLUE_WORKING_DAYS + 1),
        )


def ticket_colour(instruction, thresholds: TicketThresholds) -> str | None:
    """The colour of one instruction (the one definition; ``ticket_colour_q`` is its SQL twin)."""
    if instruction.status not in INSTRUCTION_AWAITING_ASSIGNEE:
        return None
    if instruction.deadline < thresholds.today:
        return TICKET_RED
    if instruction.deadline < thresholds.yellow_before:
        return TICKET_YELLOW
    if (
        instruction.status == InstructionStatus.ISSUED
        and instruction.acknowledge_alert_on is not None
        and instruction.acknowledge_alert_on <= thresholds.today
    ):
        return TICKET_YELLOW
    if instruction.deadline < thresholds.blue_before:
        return TICKET_BLUE
    return None


def ticket_colour_q(colour: str, thresholds: TicketThresholds) -> Q:
    """The instructions of ``colour`` on the thresholds' day, as a filter."""
    awaiting = Q(status__in=INSTRUCTION_AWAITING_ASSIGNEE)
    today = thresholds.today
    unacknowledged_late = Q(status=InstructionStatus.ISSUED, acknowledge_alert_on__lte=today)
    yellow = awaiting & Q(deadline__gte=today) & (Q(deadline__lt=thresholds.yellow_before) | unacknowledged_late)
    if colour == TICKET_RED:
        return awaiting & Q(deadline__lt=today)
    if colour == TICKET_YELLOW:
        return yellow
    if colour == TICKET_BLUE:
        return awaiting & Q(deadline__gte=today, deadline__lt=thresholds.blue_before) & ~yellow
    raise ValueError(colour)


def attach_ticket_colours(instructions, thresholds: TicketThresholds):
    """Set ``ticket`` (colour or None) on each instruction; returns them (a list)."""
    rows = list(instructions)
    for row in rows:
        row.ticket = ticket_colour(row, thresholds)
    return rows


def overdue_days(deadline: datetime.date | None, today: datetime.date) -> int:
    if deadline is None or deadline >= today:
        return 0
    return (today - deadline).days
