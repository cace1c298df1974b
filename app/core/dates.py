"""Dates every domain needs, as plain functions: yearly solar and lunar (农历) dates and their next occurrence,
and the festivals a team greets its clients on. The working-day calendar for SLA clocks belongs here too."""
import re
from calendar import monthrange
from datetime import date, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from lunar_python import Lunar, LunarMonth, LunarYear

# --- Months ----------------------------------------------------------------------------------------------------

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str | None) -> date | None:
    """'2026-10' → date(2026, 10, 1); None for anything else."""
    found = _MONTH.fullmatch(text or "")
    if not found or not 2000 <= int(found[1]) <= 2100 or not 1 <= int(found[2]) <= 12:
        return None
    return date(int(found[1]), int(found[2]), 1)


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    """The first day of the month before ``month``'s."""
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- Quarters ---------------------------------------------------------------------------------------------------
# A quarter is named by its first day, like a month: date(2026, 10, 1) is 2026-Q4 (seed 003: quarter on quarter).

_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])", re.ASCII)


def quarter_of(day: date) -> date:
    """The first day of the quarter ``day`` falls in: 2026-11-15 → 2026-10-01."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def parse_quarter(text: str | None) -> date | None:
    """'2026-Q4' → date(2026, 10, 1); None for anything else."""
    found = _QUARTER.fullmatch(text or "")
    if not found or not 2000 <= int(found[1]) <= 2100:
        return None
    return date(int(found[1]), int(found[2]) * 3 - 2, 1)


def quarter_label(quarter: date) -> str:
    """date(2026, 10, 1) → '2026-Q4'."""
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def next_quarter(quarter: date) -> date:
    """The first day of the quarter after ``quarter``'s."""
    return next_month(next_month(next_month(quarter_of(quarter))))


def previous_quarter(quarter: date) -> date:
    """The first day of the quarter before ``quarter``'s."""
    return quarter_of(quarter_of(quarter) - timedelta(days=1))


# --- Yearly dates -------------------------------------------------------------------------------------------

def _solar_in_year(year: int, month: int, day: int) -> date:
    """The solar date of a yearly month/day in `year`; Feb 29 falls on Feb 28 in a common year."""
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return date(year, 2, 28)
    return date(year, month, day)


@cache
def _lunar_in_year(lunar_year: int, month: int, day: int, leap: bool) -> date:
    """The solar date of lunar month/day in `lunar_year`: the leap month when asked for and that year has it,
    and day 30 moved to the 29th in a short (29-day) month, so 腊月三十 becomes that year's 除夕."""
    if leap and LunarYear.fromYear(lunar_year).getLeapMonth() == month:
        month = -month  # lunar-python numbers a leap month negatively
    day = min(day, LunarMonth.fromYm(lunar_year, month).getDayCount())
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def next_occurrence(month: int, day: int, today: date, *, lunar: bool = False, leap: bool = False) -> date:
    """The next solar date on or after `today` on which a yearly date falls (DESIGN.md: birthdays of contacts
    and their family, often lunar 农历). A lunar year starts in late January or February, so the lunar date of
    last lunar year may still lie ahead early this solar year; next lunar year's always lies ahead."""
    if lunar:
        if not (1 <= month <= 12 and 1 <= day <= 30):
            raise ValueError(f"No lunar month {month} day {day}.")
        candidates = (_lunar_in_year(year, month, day, leap) for year in range(today.year - 1, today.year + 2))
    else:
        date(2000, month, day)  # a leap year, so this raises ValueError only for dates no year has
        candidates = (_solar_in_year(year, month, day) for year in (today.year, today.year + 1))
    return next(candidate for candidate in candidates if candidate >= today)


def days_until(target: date, today: date) -> int:
    """Whole days from `today` to `target`: 0 on the day itself, negative once it has passed."""
    return (target - today).days


def valid_day(month: int, day: int, *, lunar: bool = False) -> bool:
    """Whether a yearly date can exist: a lunar month has at most 30 days; a solar one its calendar length,
    with 29 February allowed (it falls on the 28th in common years)."""
    if lunar:
        return 1 <= month <= 12 and 1 <= day <= 30
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else monthrange(2001, month)[1])


# --- Festivals ----------------------------------------------------------------------------------------------
FESTIVAL_LABELS = {
    "new_year": _l("New Year's Day"),
    "new_years_eve": _l("Chinese New Year's Eve"),
    "spring_festival": _l("Spring Festival"),
    "lantern": _l("Lantern Festival"),
    "qingming": _l("Qingming Festival"),
    "labour_day": _l("Labour Day"),
    "nurses_day": _l("Nurses' Day"),
    "dragon_boat": _l("Dragon Boat Festival"),
    "doctors_day": _l("Chinese Doctors' Day"),
    "mid_autumn": _l("Mid-Autumn Festival"),
    "national_day": _l("National Day"),
    "double_ninth": _l("Double Ninth Festival"),
}

_SOLAR_FESTIVALS = {
    "new_year": (1, 1),
    "labour_day": (5, 1),
    "nurses_day": (5, 12),
    "doctors_day": (8, 19),
    "national_day": (10, 1),
}

_LUNAR_FESTIVALS = {
    "spring_festival": (1, 1),
    "lantern": (1, 15),
    "dragon_boat": (5, 5),
    "mid_autumn": (8, 15),
    "double_ninth": (9, 9),
}


def _lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@cache
def _festivals_in_year(year: int) -> dict[str, date]:
    """Every festival in solar year `year`. Lunar year N's festivals from 春节 to 重阳 all fall in solar year N,
    and so does the 除夕 just before that 春节 (the last day of lunar year N−1, 腊月廿九 when 腊月 is short)."""
    days = {key: date(year, month, day) for key, (month, day) in _SOLAR_FESTIVALS.items()}
    days.update({key: _lunar_to_solar(year, month, day) for key, (month, day) in _LUNAR_FESTIVALS.items()})
    days["new_years_eve"] = days["spring_festival"] - timedelta(days=1)
    # 清明 is a solar term, not a lunar date; lunar year `year`'s solar-term table holds that April's.
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days["qingming"] = date(qingming.getYear(), qingming.getMonth(), qingming.getDay())
    return days


def festivals(start: date, end: date) -> list[tuple[date, str]]:
    """Every festival from `start` to `end` inclusive as (date, key), sorted by date then key; [] when `end` is
    before `start` (DESIGN.md care moments: 春节, 中秋, 国庆…; 护士节 and 医师节 because our clients are hospitals)."""
    found = [
        (day, key)
        for year in range(start.year, end.year + 1)
        for key, day in _festivals_in_year(year).items()
        if start <= day <= end
    ]
    return sorted(found)
