"""China's working calendar and working-time arithmetic, on plain functions (no app, no database), with the
2026 calendar of the holidays package: make-up workdays 01-04, 02-14, 02-28, 05-09, 09-20, 10-10; 国庆 10-01..10-07."""
from datetime import date, datetime

import pytest

from app.core.workdays import (
    add_working_days,
    add_working_hours,
    is_workday,
    make_up_workdays,
    statutory,
    working_seconds,
)


def test_the_package_knows_2026():
    assert make_up_workdays(2026) == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                                      date(2026, 9, 20), date(2026, 10, 10)]
    assert all(not is_workday(date(2026, 10, day)) for day in range(1, 8))  # 国庆
    assert is_workday(date(2026, 10, 10))  # a Saturday, worked (调休)
    assert not is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert is_workday(date(2026, 10, 9))
    assert "国庆节" in statutory(2026).get(date(2026, 10, 1))


def test_24_hours_over_a_weekend():
    # Friday 17:00 → Saturday and Sunday do not count → Monday 17:00.
    assert add_working_hours(datetime(2026, 3, 6, 17), 24) == datetime(2026, 3, 9, 17)
    # Received on a Saturday: the clock starts on Monday at 00:00.
    assert add_working_hours(datetime(2026, 3, 7, 10), 24) == datetime(2026, 3, 10, 0)
    assert add_working_hours(datetime(2026, 3, 6, 17), 4) == datetime(2026, 3, 6, 21)


def test_3_working_days_across_national_day_and_a_make_up_workday():
    # Wednesday 09-30 10:00: 10-01..10-07 are off, Thu 10-08 and Fri 10-09 count, Sat 10-10 is worked (调休).
    assert add_working_days(datetime(2026, 9, 30, 10), 3) == datetime(2026, 10, 10, 10)
    # Without the make-up workday the third day would be Monday 10-12.
    assert add_working_days(datetime(2026, 9, 30, 10), 4) == datetime(2026, 10, 12, 10)


def test_3_working_days_across_a_make_up_workday_before_a_holiday():
    # Thursday 09-17: Fri 09-18, Sun 09-20 (调休, worked), Mon 09-21.
    assert add_working_days(datetime(2026, 9, 17, 9), 2) == datetime(2026, 9, 20, 9)
    assert add_working_days(datetime(2026, 9, 17, 9), 3) == datetime(2026, 9, 21, 9)


def test_overrides_win_over_the_package_both_ways():
    national_day = date(2026, 10, 8)  # a workday after 国庆 …
    make_up = date(2026, 10, 10)  # … and a make-up Saturday
    assert is_workday(national_day) and not is_workday(national_day, {national_day: False})
    assert is_workday(make_up) and not is_workday(make_up, {make_up: False})
    sunday = date(2026, 10, 11)
    assert is_workday(sunday, {sunday: True})
    holiday = date(2026, 10, 5)
    assert is_workday(holiday, {holiday: True})
    # The clock follows: 10-08 declared a holiday pushes the deadline a day; 10-11 declared a workday pulls it back.
    start = datetime(2026, 9, 30, 10)
    assert add_working_days(start, 3, {national_day: False}) == datetime(2026, 10, 12, 10)
    assert add_working_days(start, 3, {national_day: False, sunday: True}) == datetime(2026, 10, 11, 10)


def test_2027_make_up_workdays_added_by_the_admin():
    # The package has no 2027 调休 yet: a Saturday the State Council makes a workday comes in as an override.
    saturday = date(2027, 2, 20)
    assert not is_workday(saturday)
    assert add_working_days(datetime(2027, 2, 19, 9), 1, {saturday: True}) == datetime(2027, 2, 20, 9)


def test_working_seconds_count_only_working_days():
    hour = 3600
    assert working_seconds(datetime(2026, 3, 6, 17), datetime(2026, 3, 9, 17)) == 24 * hour
    assert working_seconds(datetime(2026, 9, 30, 22), datetime(2026, 10, 8, 2)) == 4 * hour
    assert working_seconds(datetime(2026, 10, 2), datetime(2026, 10, 5)) == 0  # all holiday
    assert working_seconds(datetime(2026, 3, 9, 12), datetime(2026, 3, 9, 11)) == 0  # backwards


@pytest.mark.parametrize("start", [datetime(2026, 3, 6, 17), datetime(2026, 9, 29, 8, 30), datetime(2026, 2, 13, 23)])
@pytest.mark.parametrize("hours", [1, 4, 24, 72, 240])
def test_adding_and_measuring_agree(start, hours):
    assert working_seconds(start, add_working_hours(start, hours)) == hours * 3600
