"""Reads of the visits domain, always through the scoping helper. Aggregates in SQL, rules in rules.py."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.archive.models import Client
from app.core.forms import whole_number
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import CHANNEL_OF, Channel, InteractionStatus, Method
from app.visits.models import ClientCadence, Interaction

CHANNEL = case(*[(Interaction.method.in_([m for m, c in CHANNEL_OF.items() if c == channel]), channel.value)
                 for channel in Channel], else_=None)


@dataclass
class VisitFilters:
    status: str = "planned"
    mine: bool = True
    client_id: int | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> "VisitFilters":
        status = args.get("status", "planned")
        client_id = whole_number(args.get("client"))
        return cls(status=status if status in ("planned", "done", "all") else "planned",
                   mine=args.get("mine", "0" if client_id else "1") != "0", client_id=client_id)

    def to_args(self, **changes) -> dict:
        args = {"status": self.status, "mine": "1" if self.mine else "0", "client": self.client_id, **changes}
        return {k: v for k, v in args.items() if v is not None}


def visit_list(user, filters: VisitFilters) -> Select:
    stmt = visible(select(Interaction), Interaction, user).options(selectinload(Interaction.contacts))
    if filters.mine:
        stmt = stmt.where(Interaction.user_id == user.id)
    if filters.client_id:
        stmt = stmt.where(Interaction.client_id == filters.client_id)
    if filters.status == "planned":
        return stmt.where(Interaction.status == InteractionStatus.PLANNED).order_by(Interaction.planned_at,
                                                                                   Interaction.route_order)
    if filters.status == "done":
        return stmt.where(Interaction.status == InteractionStatus.DONE).order_by(Interaction.done_at.desc(),
                                                                                 Interaction.id.desc())
    return stmt.order_by(func.coalesce(Interaction.done_at, Interaction.planned_at).desc(), Interaction.id.desc())


TIMELINE_LENGTH = 8


def client_timeline(client: Client, user, limit: int = TIMELINE_LENGTH) -> Select:
    """The client's touches, planned ones first, then the newest done ones."""
    stmt = visible(select(Interaction).where(Interaction.client_id == client.id), Interaction, user)
    planned_first = case((Interaction.status == InteractionStatus.PLANNED, 0), else_=1)
    return (stmt.options(selectinload(Interaction.contacts))
            .order_by(planned_first, func.coalesce(Interaction.done_at, Interaction.planned_at).desc(),
                      Interaction.id.desc()).limit(limit))


def planned_between(user, start: datetime, end: datetime) -> Select:
    """The user's own planned visits in [start, end)."""
    return (visible(select(Interaction), Interaction, user)
            .where(Interaction.user_id == user.id, Interaction.status == InteractionStatus.PLANNED,
                   Interaction.planned_at >= start, Interaction.planned_at < end)
            .order_by(Interaction.planned_at, Interaction.route_order))


def to_record(user, now: datetime) -> Select:
    """The user's planned visits whose time has passed: each took place (record it), moved or did not happen."""
    return (visible(select(Interaction), Interaction, user)
            .where(Interaction.user_id == user.id, Interaction.status == InteractionStatus.PLANNED,
                   Interaction.planned_at < now)
            .order_by(Interaction.planned_at.desc(), Interaction.id.desc()))


def last_touches(user) -> dict[tuple[int, str | None], datetime]:
    """(client id, channel) → the last done touch on that clock, and (client id, None) → the last of any kind,
    for the clients the user may see (from client_cadence)."""
    rows = db.session.execute(visible(select(ClientCadence).join(Client, Client.id == ClientCadence.client_id),
                                      Client, user)).scalars()
    touches: dict[tuple[int, str | None], datetime] = {}
    for row in rows:
        for key, at in (((row.client_id, None), row.last_touch_at), ((row.client_id, "phone"), row.last_phone_at),
                        ((row.client_id, "onsite"), row.last_onsite_at)):
            if at:
                touches[key] = at
    return touches


def follow_ups_since(client: Client, user, since: datetime | None = None) -> int:
    """Done touches of the client since ``since`` (the last won deal once deals exist): the seeds say most
    sales close between the 4th and 11th follow-up."""
    stmt = visible(select(func.count(Interaction.id)).where(Interaction.client_id == client.id,
                                                             Interaction.status == InteractionStatus.DONE,
                                                             Interaction.method != Method.NOTE),
                   Interaction, user)
    if since:
        stmt = stmt.where(Interaction.done_at > since)
    return db.session.scalar(stmt)


def recent_clients(user, limit: int = 8) -> list[tuple[int, str]]:
    """(id, name) of the clients the user may see that were touched last: the first offers of a client picker."""
    rows = db.session.execute(
        visible(select(Client.id, Client.name), Client, user)
        .join(ClientCadence, ClientCadence.client_id == Client.id).where(ClientCadence.last_touch_at.is_not(None))
        .order_by(ClientCadence.last_touch_at.desc()).limit(limit)).all()
    return [(row.id, row.name) for row in rows]
