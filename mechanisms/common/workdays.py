"""Working-day arithmetic: Monday–Friday, minus public holidays, plus make-up workdays (调休).

Time limits of the mechanisms (a unit accepts within 1 working day, co-units answer in 3,
the lead unit answers an enterprise in 7) and the reminder rules count working days.
"""

import datetime

from django.conf import settings

from mechanisms.common.models import CalendarDay, CalendarDayKind


class WorkCalendar:
    """A calendar built from the CalendarDay exceptions (load once, answer many questions)."""

    def __init__(self, holidays=(), makeup_days=()):
        self.holidays = frozenset(holidays)
        self.makeup_days = frozenset(makeup_days)

    @classmethod
    def load(cls) -> "WorkCalendar":
        holidays, makeups = [], []
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (holidays if kind == CalendarDayKind.HOLIDAY else makeups).append(day)
        return cls(holidays, makeups)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        day = start
        remaining = days
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: datetime.date, *, inclusive: bool = True) -> datetime.date:
        if not inclusive:
            day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        day -= datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day -= datetime.timedelta(days=1)
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def calendar() -> WorkCalendar:
    """The current calendar (read from the database; cheap enough for one request or task)."""
    return WorkCalendar.load()


def time_limits() -> dict[str, int]:
    """Working-day limits of the problem-analysis mechanism, configurable in settings."""
    defaults = {"accept": 1, "co_unit_answer": 3, "enterprise_answer": 7}
    return {**defaults, **getattr(settings, "PROBLEM_TIME_LIMITS", {})}
