"""Numbers that run on per year (TS-2026-0001 for complaints; contracts later): one counter row per prefix and
year, advanced by a single UPDATE … RETURNING in the caller's transaction. The row's write lock (SQLite: the
database's) is held until that transaction ends, so two requests at the same moment never get the same number on
SQLite or PostgreSQL; a transaction rolled back gives its number back."""
from sqlalchemy import String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

_PLAIN = {"synchronize_session": False}  # no Counter objects are loaded to keep in step


class Counter(db.Model):
    __tablename__ = "counters"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_value(key: str) -> int:
    """Advance the counter `key` inside the caller's transaction and return its new value (first: 1)."""
    session = db.session
    bump = update(Counter).where(Counter.key == key).values(value=Counter.value + 1).returning(Counter.value)
    value = session.execute(bump, execution_options=_PLAIN).scalar()
    if value is None:  # the first of its kind: create the row, unless a concurrent request just did
        try:
            with session.begin_nested():
                session.execute(insert(Counter).values(key=key, value=0))
        except IntegrityError:
            pass
        value = session.execute(bump, execution_options=_PLAIN).scalar()
    return value


def next_number(prefix: str, year: int, width: int = 4) -> str:
    """TS-2026-0001: the prefix, the year and the year's next value, zero-padded."""
    return f"{prefix}-{year}-{next_value(f'{prefix}-{year}'):0{width}d}"
