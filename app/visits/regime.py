"""The return-visit regime applied to the archive: who is overdue on which channel, and the 5-3-2 split.
Read from client_cadence (kept current by visits.cadence) with indexed filters, counted and paged in SQL."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, case, func, literal, select, union_all

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.core.models import User, get_setting
from app.core.paging import Page, paginate
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import Channel
from app.visits.models import ClientCadence
from app.visits.rules import BANDS, band_split, overdue_days

BAND_SETTING = "recency_bands"
DEFAULT_BAND_DAYS = {"deep": 30, "ordinary": 90}
GROUPS = {"owner": User.display_name, "grade": Client.value_grade}


@dataclass
class Due:
    client: Client
    channel: Channel
    interval_days: int
    last_touch: datetime | None
    due: date
    days_overdue: int


def _late(today: date, channel: Channel | None) -> Select:
    """(client id, channel, interval, last touch, due) of every overdue clock, all clients: a UNION of the two
    clocks, each an index range on its due date."""
    parts = []
    for ch in ([channel] if channel else list(Channel)):
        due = getattr(ClientCadence, f"{ch.value}_due_on")
        parts.append(select(ClientCadence.client_id.label("client_id"), literal(ch.value).label("channel"),
                            getattr(ClientCadence, f"{ch.value}_interval").label("interval"),
                            getattr(ClientCadence, f"last_{ch.value}_at").label("last"), due.label("due"))
                     .where(due < today))
    return union_all(*parts).subquery("late") if len(parts) > 1 else parts[0].subquery("late")


def overdue_query(user, today: date, channel: Channel | None = None, group: str | None = None) -> Select:
    """Overdue return visits the user may see, not lost clients, most overdue first (within a group)."""
    late = _late(today, channel)
    stmt = (visible(select(Client, late.c.channel, late.c.interval, late.c.last, late.c.due), Client, user)
            .join(late, late.c.client_id == Client.id).where(Client.status != Lifecycle.LOST))
    order = [late.c.due, Client.name, late.c.channel]
    if group == "owner":
        stmt = stmt.outerjoin(User, User.id == Client.owner_id)
    return stmt.order_by(*([GROUPS[group]] if group else []), *order)


def overdue(user, today: date, channel: Channel | None = None, group: str | None = None, page: int = 1,
            per_page: int = 100) -> Page:
    """One page of overdue clocks (Due items) and how many there are in all."""
    found = paginate(overdue_query(user, today, channel, group), page, per_page, rows=True)
    found.items = [Due(row[0], Channel(row.channel), row.interval, row.last, row.due, overdue_days(row.due, today))
                   for row in found.items]
    return found


def band_days() -> dict[str, int]:
    return get_setting(BAND_SETTING, DEFAULT_BAND_DAYS)


def band_bounds(today: date) -> dict[str, datetime]:
    """The earliest last touch of each band: deep when at most N days before today (rules.recency_band)."""
    days = band_days()
    return {band: datetime.combine(today - timedelta(days=days[band]), time.min) for band in ("deep", "ordinary")}


def band_of(last_touch, today: date):
    """The 5-3-2 band of a last-touch column, as a SQL expression."""
    bounds = band_bounds(today)
    return case((last_touch >= bounds["deep"], "deep"), (last_touch >= bounds["ordinary"], "ordinary"),
                else_="forgotten")


def regime_clients(user) -> Select:
    """The clients the regime applies to: visible, not lost; with their cadence row."""
    return (visible(select(Client.id), Client, user).where(Client.status != Lifecycle.LOST)
            .outerjoin(ClientCadence, ClientCadence.client_id == Client.id))


def recency(user, today: date) -> tuple[dict[str, int], dict[str, float]]:
    """The 5-3-2 picture: how many visible, not lost clients fall in each band by their last done touch."""
    band = band_of(ClientCadence.last_touch_at, today).label("band")
    rows = db.session.execute(regime_clients(user).with_only_columns(band, func.count()).group_by(band)).all()
    counts = dict.fromkeys(BANDS, 0) | dict(rows)
    return counts, band_split(counts)
