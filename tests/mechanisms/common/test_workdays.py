"""Working-day arithmetic: Monday–Friday, minus public holidays, plus make-up workdays (调休)."""

import datetime

import pytest

from mechanisms.common.workdays import WorkCalendar, calendar, time_limits
from mechanisms.models import CalendarDay, CalendarDayKind
from tests.mechanisms.problems_world import ensure_seed_data

D = datetime.date

# The 2026 National Day week by hand: Oct 1–7 off; Sun Sep 20 and Sat Oct 10 worked.
NATIONAL_DAY_2026 = WorkCalendar(
    holidays=[D(2026, 10, d) for d in range(1, 8)],
    makeup_days=[D(2026, 9, 20), D(2026, 10, 10)],
)


class TestWorkCalendar:
    def test_plain_week(self):
        cal = WorkCalendar()
        assert cal.is_working_day(D(2026, 11, 27))  # Friday
        assert not cal.is_working_day(D(2026, 11, 28))  # Saturday
        assert cal.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Fri + 1 → Mon
        assert cal.add_working_days(D(2026, 11, 23), 3) == D(2026, 11, 26)

    def test_holidays_are_skipped_and_makeup_days_counted(self):
        cal = NATIONAL_DAY_2026
        assert not cal.is_working_day(D(2026, 10, 1))  # Thursday, but National Day
        assert cal.is_working_day(D(2026, 10, 10))  # Saturday, but a make-up workday
        assert cal.is_working_day(D(2026, 9, 20))  # Sunday, but a make-up workday
        # Wed Sep 30 + 1 working day: the whole holiday week is skipped.
        assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
        # Thu Oct 8, Fri Oct 9, Sat Oct 10 (worked): three working days.
        assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
        # Fri Oct 9 + 1 → the make-up Saturday, not Monday.
        assert cal.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
        # Seven working days from Sep 30: Oct 8, 9, 10, 12, 13, 14, 15.
        assert cal.add_working_days(D(2026, 9, 30), 7) == D(2026, 10, 15)

    def test_zero_days_and_negative(self):
        cal = NATIONAL_DAY_2026
        assert cal.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
        with pytest.raises(ValueError):
            cal.add_working_days(D(2026, 10, 3), -1)

    def test_next_and_previous_working_day(self):
        cal = NATIONAL_DAY_2026
        assert cal.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
        assert cal.next_working_day(D(2026, 10, 8)) == D(2026, 10, 8)
        assert cal.next_working_day(D(2026, 10, 8), inclusive=False) == D(2026, 10, 9)
        assert cal.previous_working_day(D(2026, 10, 8)) == D(2026, 9, 30)
        assert cal.previous_working_day(D(2026, 10, 12)) == D(2026, 10, 10)

    def test_working_days_between(self):
        cal = NATIONAL_DAY_2026
        assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
        assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
        assert cal.working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
        assert cal.working_days_between(D(2026, 10, 2), D(2026, 10, 2)) == 0


@pytest.fixture
def seeded(db):
    ensure_seed_data()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestSeededCalendar:
    """The data migration seeds 2026 from the State Council notice and projects 2027."""

    def test_2026_national_day_week(self):
        cal = calendar()
        assert [cal.is_working_day(D(2026, 10, d)) for d in range(1, 11)] == [
            False, False, False, False, False, False, False, True, True, True,
        ]
        assert cal.is_working_day(D(2026, 9, 20))
        assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)

    def test_2026_spring_festival_and_its_makeup_saturdays(self):
        cal = calendar()
        assert cal.is_working_day(D(2026, 2, 14))  # Saturday worked
        assert not cal.is_working_day(D(2026, 2, 16))
        assert not cal.is_working_day(D(2026, 2, 23))  # Monday, still off
        assert cal.is_working_day(D(2026, 2, 28))  # Saturday worked
        # Fri Feb 13 + 1 → the Saturday before the break; + 2 → Tue Feb 24.
        assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
        assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)

    def test_2027_is_seeded_and_marked_provisional(self):
        rows = CalendarDay.objects.filter(date__year=2027)
        assert rows.filter(kind=CalendarDayKind.HOLIDAY, date=D(2027, 2, 5)).exists()  # 除夕
        assert rows.filter(kind=CalendarDayKind.MAKEUP_WORKDAY).exists()
        assert not rows.filter(is_provisional=False).exists()
        assert not CalendarDay.objects.filter(date__year=2026, is_provisional=True).exists()
        assert not calendar().is_working_day(D(2027, 10, 1))

    def test_an_edited_calendar_changes_the_arithmetic(self):
        """Holidays are admin-editable: a day added as a holiday stops being a working day."""
        friday = D(2026, 12, 4)
        assert calendar().add_working_days(D(2026, 12, 3), 1) == friday
        CalendarDay.objects.create(date=friday, kind=CalendarDayKind.HOLIDAY, name="临时放假")
        assert calendar().add_working_days(D(2026, 12, 3), 1) == D(2026, 12, 7)


def test_time_limits_defaults_and_settings(settings):
    assert time_limits() == {"accept": 1, "co_unit_answer": 3, "enterprise_answer": 7}
    settings.PROBLEM_TIME_LIMITS = {"enterprise_answer": 5}
    assert time_limits() == {"accept": 1, "co_unit_answer": 3, "enterprise_answer": 5}
