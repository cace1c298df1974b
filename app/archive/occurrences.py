"""The stored next occurrence of every special date (SpecialDate.next_on), so care days are a date-range query.

Set on every save of a date; rolled forward, in one pass, for the yearly dates whose occurrence has passed (or
that were written without one, by a bulk load): roll_forward runs before care days are read, and costs one
indexed query when nothing is due. A life event happens once: its next_on is its own day and is never moved.
Lunar conversions are cached in core.dates."""
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, event, or_, select, update
from sqlalchemy.orm import Session

from app.archive.enums import LIFE_EVENTS
from app.archive.models import SpecialDate
from app.core.clock import local_today
from app.core.dates import next_occurrence
from app.extensions import db

# A life event is mostly learned after the fact (a bereavement, a stay in hospital): it still calls for the
# rep's action this many days after it happened.
LIFE_EVENT_FOLLOW_UP_DAYS = 7

_ONCE = SpecialDate.kind.in_(LIFE_EVENTS)
# Yearly: passed, never set, or further ahead than any yearly date can be (the clock was set back). Once: never
# set although its day is known (a bulk load). Either way: recompute.
# Three ranges of the next_on index, so the check costs an index lookup, not a scan, when nothing is stale.
STALE = or_(and_(SpecialDate.next_on.is_(None), or_(~_ONCE, SpecialDate.year.is_not(None))),
            and_(SpecialDate.next_on < bindparam("today"), ~_ONCE),
            and_(SpecialDate.next_on > bindparam("horizon"), ~_ONCE))
HORIZON = timedelta(days=390)  # a lunar year with a leap month is at most 385 days


def next_on(special, today: date) -> date | None:
    """The day a date next falls on: a life event's own day (even when passed; None without its year), a yearly
    date's next occurrence on or after today."""
    if special.kind in LIFE_EVENTS:
        return date(special.year, special.month, special.day) if special.year else None
    return next_occurrence(special.month, special.day, today, lunar=special.is_lunar, leap=special.is_leap_month)


def roll_forward(today: date) -> int:
    """Recompute next_on where it has passed; commits at once so every worker sees it. Returns the rows moved."""
    if db.session.scalar(select(SpecialDate.id).where(STALE).limit(1), _bounds(today)) is None:
        return 0
    moved = refresh_next_occurrences(today)
    db.session.commit()
    return moved


def refresh_next_occurrences(today: date) -> int:
    """Recompute next_on for every stale date (after a bulk load, or a year on); flushes, does not commit."""
    rows = db.session.execute(select(SpecialDate.id, SpecialDate.kind, SpecialDate.month, SpecialDate.day,
                                     SpecialDate.year, SpecialDate.is_lunar, SpecialDate.is_leap_month)
                              .where(STALE), _bounds(today)).all()
    table = SpecialDate.__table__
    if rows:
        db.session.execute(update(table).where(table.c.id == bindparam("row_id")).values(next_on=bindparam("on")),
                           [{"row_id": row.id, "on": next_on(row, today)} for row in rows])
    return len(rows)


def _bounds(today: date) -> dict:
    return {"today": today, "horizon": today + HORIZON}


@event.listens_for(Session, "before_flush")
def _on_save(session, flush_context, instances):
    for special in [*session.new, *session.dirty]:
        if isinstance(special, SpecialDate) and special.month and special.day:
            special.next_on = next_on(special, local_today())
