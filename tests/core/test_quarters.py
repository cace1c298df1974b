"""Quarters named by their first day, like months: parsing '2026-Q4', the quarter of a day, the ones around it."""
from datetime import date

import pytest

from app.core.dates import next_quarter, parse_quarter, previous_quarter, quarter_label, quarter_of


@pytest.mark.parametrize("text, expected", [
    ("2026-Q1", date(2026, 1, 1)), ("2026-Q2", date(2026, 4, 1)), ("2026-Q3", date(2026, 7, 1)),
    ("2026-Q4", date(2026, 10, 1)), ("2026-q4", date(2026, 10, 1)),
])
def test_a_quarter_is_read_as_its_first_day(text, expected):
    assert parse_quarter(text) == expected
    assert quarter_label(expected) == text.upper()


@pytest.mark.parametrize("text", [None, "", "2026-Q5", "2026-Q0", "2026Q4", "2026-10", "1999-Q4", "2026-Q4 ",
                                  "２０２６-Q4"])
def test_anything_else_is_no_quarter(text):
    assert parse_quarter(text) is None


@pytest.mark.parametrize("day, first", [
    (date(2026, 1, 1), date(2026, 1, 1)), (date(2026, 3, 31), date(2026, 1, 1)),
    (date(2026, 4, 1), date(2026, 4, 1)), (date(2026, 11, 15), date(2026, 10, 1)),
    (date(2026, 12, 31), date(2026, 10, 1)),
])
def test_the_quarter_a_day_falls_in(day, first):
    assert quarter_of(day) == first


def test_the_quarters_around_one_cross_the_year():
    assert next_quarter(date(2026, 10, 1)) == date(2027, 1, 1)
    assert next_quarter(date(2026, 5, 20)) == date(2026, 7, 1)
    assert previous_quarter(date(2026, 1, 1)) == date(2025, 10, 1)
    assert previous_quarter(date(2026, 8, 31)) == date(2026, 4, 1)
