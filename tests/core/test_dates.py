"""Dates every domain uses, worked by hand: next occurrences of solar and lunar (农历) yearly dates, festivals.
Each expected lunar date is also converted back with lunar-python, so a wrong literal fails loudly."""
from datetime import date

import pytest
from lunar_python import Solar

from app.core.dates import FESTIVAL_LABELS, days_until, festivals, next_occurrence


def lunar_of(day: date) -> tuple[int, int, int]:
    """(lunar year, month, day) of a solar date; a leap month comes back negative."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return lunar.getYear(), lunar.getMonth(), lunar.getDay()


# --- solar yearly dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("month, day, today, expected", [
    (5, 20, date(2026, 3, 1), date(2026, 5, 20)),     # still ahead this year
    (5, 20, date(2026, 5, 20), date(2026, 5, 20)),    # today itself counts
    (5, 20, date(2026, 5, 21), date(2027, 5, 20)),    # passed yesterday → next year
    (1, 1, date(2026, 12, 31), date(2027, 1, 1)),
    (2, 29, date(2026, 1, 1), date(2026, 2, 28)),     # common year: Feb 29 falls on Feb 28
    (2, 29, date(2027, 3, 1), date(2028, 2, 29)),     # next leap year keeps Feb 29
    (2, 29, date(2100, 1, 1), date(2100, 2, 28)),     # 2100 is not a leap year
])
def test_solar_next_occurrence(month, day, today, expected):
    assert next_occurrence(month, day, today) == expected


@pytest.mark.parametrize("month, day", [(2, 30), (13, 1), (4, 31), (0, 1)])
def test_solar_dates_no_year_has_are_refused(month, day):
    with pytest.raises(ValueError):
        next_occurrence(month, day, date(2026, 1, 1))


# --- lunar (农历) yearly dates --------------------------------------------------------------------------------


def test_lunar_new_year_2026_is_17_february():
    assert next_occurrence(1, 1, date(2026, 1, 10), lunar=True) == date(2026, 2, 17)
    assert lunar_of(date(2026, 2, 17)) == (2026, 1, 1)


def test_lunar_new_year_already_passed_goes_to_2027():
    assert next_occurrence(1, 1, date(2026, 2, 18), lunar=True) == date(2027, 2, 6)
    assert lunar_of(date(2027, 2, 6)) == (2027, 1, 1)


def test_a_la_yue_date_in_january_still_belongs_to_last_lunar_year():
    # 腊八 of lunar 2025 falls in solar January 2026, ahead of a 10 January "today"
    assert next_occurrence(12, 8, date(2026, 1, 10), lunar=True) == date(2026, 1, 26)
    assert lunar_of(date(2026, 1, 26)) == (2025, 12, 8)


def test_la_yue_thirtieth_in_a_short_la_yue_is_its_last_day():
    # Lunar 2025's 腊月 has 29 days: 腊月三十 is kept on 廿九 (除夕), the eve of 2026's 正月初一
    assert next_occurrence(12, 30, date(2026, 1, 10), lunar=True) == date(2026, 2, 16)
    assert lunar_of(date(2026, 2, 16)) == (2025, 12, 29)
    assert lunar_of(date(2026, 2, 17)) == (2026, 1, 1)


def test_la_yue_thirtieth_in_a_long_la_yue_is_the_thirtieth():
    # Lunar 2022's 腊月 has 30 days: 腊月三十 is 21 January 2023, the eve of 2023's 正月初一
    assert next_occurrence(12, 30, date(2022, 12, 1), lunar=True) == date(2023, 1, 21)
    assert lunar_of(date(2023, 1, 21)) == (2022, 12, 30)
    assert lunar_of(date(2023, 1, 22)) == (2023, 1, 1)


def test_a_leap_month_birthday_uses_the_leap_month_in_a_year_that_has_it():
    # 2025 has 闰六月: 闰六月初十 is 3 August; the ordinary 六月初十 (4 July) has just passed
    assert next_occurrence(6, 10, date(2025, 7, 10), lunar=True, leap=True) == date(2025, 8, 3)
    assert lunar_of(date(2025, 8, 3)) == (2025, -6, 10)
    assert lunar_of(date(2025, 7, 4)) == (2025, 6, 10)


def test_a_leap_month_birthday_falls_back_to_the_ordinary_month_without_one():
    # 2026 has no 闰六月, so the ordinary 六月初十
    assert next_occurrence(6, 10, date(2026, 1, 10), lunar=True, leap=True) == date(2026, 7, 23)
    assert lunar_of(date(2026, 7, 23)) == (2026, 6, 10)


def test_an_ordinary_month_birthday_skips_the_leap_month():
    # from 10 July 2025 the ordinary 六月初十 has passed; 闰六月初十 (3 August) is not it → 2026
    assert next_occurrence(6, 10, date(2025, 7, 10), lunar=True) == date(2026, 7, 23)


def test_thirtieth_of_a_short_leap_month_is_its_last_day():
    # 2025's 闰六月 has 29 days: 闰六月三十 is kept on 闰六月廿九, 22 August; the next day is 七月初一
    assert next_occurrence(6, 30, date(2025, 7, 10), lunar=True, leap=True) == date(2025, 8, 22)
    assert lunar_of(date(2025, 8, 22)) == (2025, -6, 29)
    assert lunar_of(date(2025, 8, 23)) == (2025, 7, 1)


def test_a_lunar_birthday_already_passed_this_solar_year_falls_next_year():
    # lunar 2026 冬月初一 was 9 December 2026; the next one is lunar 2027's, 28 November 2027
    assert next_occurrence(11, 1, date(2026, 12, 20), lunar=True) == date(2027, 11, 28)
    assert lunar_of(date(2026, 12, 9)) == (2026, 11, 1)
    assert lunar_of(date(2027, 11, 28)) == (2027, 11, 1)


@pytest.mark.parametrize("month, day", [(13, 1), (0, 1), (1, 0), (1, 31)])
def test_lunar_dates_no_year_has_are_refused(month, day):
    with pytest.raises(ValueError):
        next_occurrence(month, day, date(2026, 1, 1), lunar=True)


# --- days until ----------------------------------------------------------------------------------------------


def test_days_until():
    assert days_until(date(2026, 2, 17), date(2026, 1, 10)) == 38  # 21 days left in January + 17
    assert days_until(date(2026, 1, 10), date(2026, 1, 10)) == 0
    assert days_until(date(2026, 1, 9), date(2026, 1, 10)) == -1


# --- festivals ---------------------------------------------------------------------------------------------

FESTIVALS_2026 = [
    (date(2026, 1, 1), "new_year"),
    (date(2026, 2, 16), "new_years_eve"),    # 腊月廿九 of lunar 2025: that 腊月 has only 29 days
    (date(2026, 2, 17), "spring_festival"),
    (date(2026, 3, 3), "lantern"),
    (date(2026, 4, 5), "qingming"),
    (date(2026, 5, 1), "labour_day"),
    (date(2026, 5, 12), "nurses_day"),
    (date(2026, 6, 19), "dragon_boat"),
    (date(2026, 8, 19), "doctors_day"),
    (date(2026, 9, 25), "mid_autumn"),
    (date(2026, 10, 1), "national_day"),
    (date(2026, 10, 18), "double_ninth"),
]


def test_every_festival_of_2026_in_order():
    assert festivals(date(2026, 1, 1), date(2026, 12, 31)) == FESTIVALS_2026
    assert [key for _, key in FESTIVALS_2026] == list(FESTIVAL_LABELS)


@pytest.mark.parametrize("day, lunar", [
    (date(2026, 2, 16), (2025, 12, 29)),
    (date(2026, 2, 17), (2026, 1, 1)),
    (date(2026, 3, 3), (2026, 1, 15)),
    (date(2026, 6, 19), (2026, 5, 5)),
    (date(2026, 9, 25), (2026, 8, 15)),
    (date(2026, 10, 18), (2026, 9, 9)),
])
def test_the_2026_lunar_festivals_convert_back(day, lunar):
    assert lunar_of(day) == lunar


def test_qingming_is_the_solar_term():
    assert Solar.fromYmd(2026, 4, 5).getLunar().getJieQi() == "清明"
    # 2025's falls a day earlier
    assert (date(2025, 4, 4), "qingming") in festivals(date(2025, 4, 1), date(2025, 4, 30))


def test_new_years_eve_is_the_thirtieth_when_the_last_month_is_long():
    # lunar 2023's 腊月 has 30 days: 除夕 2024-02-09 is 腊月三十
    assert festivals(date(2024, 2, 1), date(2024, 2, 12)) == [
        (date(2024, 2, 9), "new_years_eve"),
        (date(2024, 2, 10), "spring_festival"),
    ]
    assert lunar_of(date(2024, 2, 9)) == (2023, 12, 30)


def test_a_range_across_the_year_boundary():
    assert festivals(date(2026, 12, 20), date(2027, 2, 20)) == [
        (date(2027, 1, 1), "new_year"),
        (date(2027, 2, 5), "new_years_eve"),
        (date(2027, 2, 6), "spring_festival"),
        (date(2027, 2, 20), "lantern"),          # the end day itself is included
    ]
    assert lunar_of(date(2027, 2, 5)) == (2026, 12, 29)
    assert lunar_of(date(2027, 2, 6)) == (2027, 1, 1)
    assert lunar_of(date(2027, 2, 20)) == (2027, 1, 15)


def test_a_range_over_several_years():
    found = festivals(date(2025, 12, 31), date(2028, 1, 31))
    # all 12 of 2026 and of 2027, then 元旦, 除夕 and 春节 of 2028
    assert len(found) == 27
    assert found[:12] == FESTIVALS_2026
    assert found[-3:] == [
        (date(2028, 1, 1), "new_year"),
        (date(2028, 1, 25), "new_years_eve"),
        (date(2028, 1, 26), "spring_festival"),
    ]
    assert lunar_of(date(2028, 1, 25)) == (2027, 12, 29)
    assert found == sorted(found)


def test_a_single_day_and_an_empty_range():
    assert festivals(date(2026, 9, 25), date(2026, 9, 25)) == [(date(2026, 9, 25), "mid_autumn")]
    assert festivals(date(2026, 9, 26), date(2026, 9, 30)) == []
    assert festivals(date(2026, 10, 1), date(2026, 9, 1)) == []
