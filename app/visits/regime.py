"""The return-visit regime applied to the archive: who is overdue on which channel, and the 5-3-2 split.
Read from client_cadence (kept current by visits.cadence) with indexed filters, counted and paged in SQL."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, case, func, select

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.core.models import User, get_setting
from app.core.paging import Page, paginate
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import Channel, InteractionStatus
from app.visits.models import ClientCadence, Interaction
from app.visits.rules import BANDS, band_split, overdue_days

BAND_SETTING = "recency_bands"
DEFAULT_BAND_DAYS = {"deep": 30, "ordinary": 90}
GROUPS = {"owner": User.display_name, "grade": Client.value_grade}


@dataclass
class Clock:
    """One overdue return-visit clock of a client."""

    interval_days: int
    last_touch: datetime | None
    due: date
    days_overdue: int


@dataclass
class OverdueClient:
    """A client behind on at least one clock: both clocks side by side, and the next visit already booked."""

    client: Client
    clocks: dict[Channel, Clock]
    planned_at: datetime | None

    @property
    def days_overdue(self) -> int:
        return max(clock.days_overdue for clock in self.clocks.values())


def overdue_query(user, today: date, channel: Channel | None = None, group: str | None = None,
                  owner_id: int | None = None) -> Select:
    """Clients the user may see (of one owner, if asked) that are overdue on a clock (or on the one asked for), not
    lost clients, one row each, the most overdue first (within a group), with their next planned visit."""
    # The earliest due date of the clocks asked for, each kept in client_cadence with its own index.
    earliest = getattr(ClientCadence, f"{channel.value}_due_on") if channel else ClientCadence.due_on
    booked = (select(func.min(Interaction.planned_at)).where(
        Interaction.client_id == Client.id, Interaction.status == InteractionStatus.PLANNED,
        Interaction.deleted_at.is_(None)).scalar_subquery())
    stmt = (visible(select(Client, ClientCadence, booked.label("planned_at")), Client, user)
            .join(ClientCadence, ClientCadence.client_id == Client.id)
            .where(Client.status != Lifecycle.LOST, earliest < today))
    if owner_id:
        stmt = stmt.where(Client.owner_id == owner_id)
    if group == "owner":
        stmt = stmt.outerjoin(User, User.id == Client.owner_id)
    return stmt.order_by(*([GROUPS[group]] if group else []), earliest, Client.pinyin)


def overdue(user, today: date, channel: Channel | None = None, group: str | None = None, page: int = 1,
            per_page: int = 100, owner_id: int | None = None) -> Page:
    """One page of overdue clients (OverdueClient items) and how many there are (up to the count cap)."""
    found = paginate(overdue_query(user, today, channel, group, owner_id), page, per_page, rows=True)
    items = []
    for client, cadence, planned_at in found.items:
        clocks = {}
        for ch in [channel] if channel else list(Channel):
            due = getattr(cadence, f"{ch.value}_due_on")
            if due is not None and due < today:
                clocks[ch] = Clock(getattr(cadence, f"{ch.value}_interval"), getattr(cadence, f"last_{ch.value}_at"),
                                   due, overdue_days(due, today))
        items.append(OverdueClient(client, clocks, planned_at))
    found.items = items
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
