"""China's working calendar (工作日): weekends, statutory holidays and 调休 make-up workdays from the `holidays`
package, and the admin's overrides, which win because the package's data for next year can lag the State
Council notice (DESIGN.md, measured facts).

The clock arithmetic is plain functions over an ``overrides`` mapping (date -> is a workday), so it is tested
without a database; ``load_overrides()`` reads the table once per request for the services.

The one rule every function follows: working time runs only on working days, and through all 24 hours of them.
24 h from Friday 17:00 is Monday 17:00; N working days are N × 24 working hours, so 3 working days from
Wednesday 10:00 before 国庆 end on the third working day after it, at 10:00. Time on a holiday or a weekend does
not count at all, so a complaint received on Saturday starts its clock on Monday at 00:00."""
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import RecordMixin
from app.extensions import db

DAY = timedelta(days=1)
NONE = MappingProxyType({})  # no overrides
LOOKAHEAD_DAYS = 3660  # a clock that finds no working day in ten years has a broken calendar: stop, do not spin
CHANGE_LISTENERS: list[Callable[[], None]] = []  # domains whose stored deadlines follow the calendar


class WorkdayOverride(RecordMixin, db.Model):
    """The admin's word on one date: a holiday or a workday, whatever the package says (audited)."""

    __tablename__ = "workday_overrides"
    __label__ = _l("Working-calendar override")

    day: Mapped[date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")

    field_labels = {"day": _l("Date"), "is_workday": _l("Working day"), "note": _l("Note")}

    def __str__(self) -> str:
        return self.day.isoformat()


@lru_cache(maxsize=32)
def statutory(year: int, language: str = "zh_CN") -> holidays.HolidayBase:
    """The package's calendar of one year: ``.items()`` are the holidays named in ``language`` (zh_CN or
    en_US), ``.weekend_workdays`` the make-up days (of every year loaded so far in this object: filter by year)."""
    return holidays.China(years=year, language=language)


def statutory_workday(day: date) -> bool:
    return statutory(day.year).is_working_day(day)


def make_up_workdays(year: int) -> list[date]:
    return sorted(day for day in statutory(year).weekend_workdays if day.year == year)


def is_workday(day: date, overrides: Mapping[date, bool] = NONE) -> bool:
    """A working day: the override for that date if the admin set one, else the package's calendar."""
    found = overrides.get(day)
    return statutory_workday(day) if found is None else found


def _workday_starts(start: datetime, overrides: Mapping[date, bool]):
    """The working stretch of each working day from ``start`` on: (from, to) pairs, the first one cut at start."""
    day = start.date()
    for _ in range(LOOKAHEAD_DAYS):
        if is_workday(day, overrides):
            midnight = datetime.combine(day, time.min)
            yield max(midnight, start), midnight + DAY
        day += DAY
    raise ValueError(f"no working day within {LOOKAHEAD_DAYS} days of {start:%Y-%m-%d}")


def add_working_hours(start: datetime, hours: float, overrides: Mapping[date, bool] = NONE) -> datetime:
    """The moment ``hours`` of working time after ``start``: the clock runs only on working days, all their hours
    (24 h from Friday 17:00 is Monday 17:00; from Saturday 10:00 it is Tuesday 00:00)."""
    remaining = timedelta(hours=hours)
    for begin, end in _workday_starts(start, overrides):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable: _workday_starts raises first")


def add_working_days(start: datetime, days: int, overrides: Mapping[date, bool] = NONE) -> datetime:
    """``days`` working days after ``start``: days × 24 working hours, so the same time of day on the Nth working
    day when ``start`` falls on one (plan within 3 working days for complex issues — seed 000)."""
    return add_working_hours(start, 24 * days, overrides)


def working_seconds(start: datetime, end: datetime, overrides: Mapping[date, bool] = NONE) -> int:
    """The working time between two moments, in whole seconds (0 when ``end`` is not after ``start``): how long
    a paused clock stood still, how much is left, how far past due."""
    total, day = timedelta(), start.date()
    while datetime.combine(day, time.min) < end:
        if is_workday(day, overrides):
            midnight = datetime.combine(day, time.min)
            overlap = min(end, midnight + DAY) - max(start, midnight)
            total += max(overlap, timedelta())
        day += DAY
    return int(total.total_seconds())


def load_overrides() -> Mapping[date, bool]:
    """Every override (a few rows a year), read once per request."""
    if has_request_context() and "workday_overrides" in g:
        return g.workday_overrides
    rows = db.session.execute(select(WorkdayOverride.day, WorkdayOverride.is_workday)).all()
    overrides = MappingProxyType(dict(rows))
    if has_request_context():
        g.workday_overrides = overrides
    return overrides


def on_change(listener: Callable[[], None]) -> Callable[[], None]:
    """Register what to redo when the admin changes the calendar (a domain recomputes its stored due times)."""
    if listener not in CHANGE_LISTENERS:
        CHANGE_LISTENERS.append(listener)
    return listener


def changed() -> None:
    """The overrides changed in this session: forget the request's copy and let every listener recompute."""
    g.pop("workday_overrides", None)
    for listener in CHANGE_LISTENERS:
        listener()
