"""The return-visit regime applied to the archive: who is due or overdue on which channel, and the 5-3-2 split.
A fixed number of queries (clients, rules, last touches); the arithmetic is in rules.py."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.core.models import get_setting
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import Channel, GradeDimension
from app.visits.models import CadenceRule
from app.visits.queries import as_date, last_touches
from app.visits.rules import Rule, band_split, interval_for, next_due, overdue_days, recency_band

BAND_SETTING = "recency_bands"
DEFAULT_BAND_DAYS = {"deep": 30, "ordinary": 90}


@dataclass
class Due:
    client: Client
    channel: Channel
    interval_days: int
    last_touch: datetime | None
    due: date
    days_overdue: int


def active_rules() -> list[Rule]:
    rows = db.session.execute(select(CadenceRule).where(CadenceRule.active.is_(True))).scalars()
    return [Rule(r.dimension.value, r.value, r.channel.value, r.interval_days) for r in rows]


def classification(client: Client) -> dict[str, str | None]:
    values = {}
    for dimension in GradeDimension:
        value = getattr(client, dimension.value)
        values[dimension.value] = value.value if value is not None else None
    return values


def regime_clients(user, owner_id: int | None = None):
    """The clients the regime applies to: visible, not lost."""
    stmt = visible(select(Client), Client, user).where(Client.status != Lifecycle.LOST)
    if owner_id:
        stmt = stmt.where(Client.owner_id == owner_id)
    return stmt.order_by(Client.name)


def dues(user, today: date, owner_id: int | None = None, channel: Channel | None = None) -> list[Due]:
    """Every (client, channel) with a cadence, its next due date and days overdue (negative: not yet due)."""
    clients = db.session.execute(regime_clients(user, owner_id)).unique().scalars().all()
    rules = active_rules()
    touches = last_touches(user, [c.id for c in clients]) if clients else {}
    found = []
    for client in clients:
        values = classification(client)
        for ch in ([channel] if channel else list(Channel)):
            interval = interval_for(values, rules, ch.value)
            if interval is None:
                continue
            last = touches.get((client.id, ch.value))
            due = next_due(as_date(last), interval, client.created_at.date())
            found.append(Due(client, ch, interval, last, due, overdue_days(due, today)))
    return found


def overdue(user, today: date, **kwargs) -> list[Due]:
    """Overdue return visits, most overdue first."""
    late = [d for d in dues(user, today, **kwargs) if d.days_overdue > 0]
    return sorted(late, key=lambda d: (-d.days_overdue, d.client.name, d.channel.value))


def band_days() -> dict[str, int]:
    return get_setting(BAND_SETTING, DEFAULT_BAND_DAYS)


def recency(user, today: date) -> tuple[dict[int, str], dict[str, int], dict[str, float]]:
    """The 5-3-2 picture: each visible client's band by its last done touch, the counts and the percentages."""
    clients = db.session.execute(regime_clients(user)).unique().scalars().all()
    touches = last_touches(user, [c.id for c in clients]) if clients else {}
    days = band_days()
    bands = {c.id: recency_band(as_date(touches.get((c.id, None))), today, days["deep"], days["ordinary"])
             for c in clients}
    counts = Counter(bands.values())
    return bands, dict(counts), band_split(counts)
