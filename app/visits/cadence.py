"""Keeps client_cadence current: last touches per channel and the next due date on each clock.

Recomputed for the clients a flush touched (their interactions, their classification), for every client when a
cadence rule changes, and in bulk after the demo seed. The arithmetic is rules.py's; this module only moves data."""
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method
from app.visits.models import CadenceRule, ClientCadence, Interaction
from app.visits.queries import CHANNEL
from app.visits.rules import Rule, interval_for, next_due

CHUNK = 2000  # client ids per statement: far below any database's bound-parameter limit
CLASSIFICATION = [getattr(Client, dimension.value) for dimension in GradeDimension]


def _rules(connection) -> list[Rule]:
    rows = connection.execute(select(CadenceRule.dimension, CadenceRule.value, CadenceRule.channel,
                                     CadenceRule.interval_days).where(CadenceRule.active.is_(True)))
    return [Rule(dimension.value, value, channel.value, days) for dimension, value, channel, days in rows]


def _value(member) -> str | None:
    return member.value if member is not None else None


def _rows(connection, client_ids: list[int], rules: list[Rule]) -> list[dict]:
    clients = connection.execute(select(Client.id, Client.created_at, Client.status, *CLASSIFICATION)
                                 .where(Client.id.in_(client_ids))).all()
    touches: dict[int, dict] = {}
    done = (select(Interaction.client_id, CHANNEL.label("channel"), func.max(Interaction.done_at))
            .where(Interaction.client_id.in_(client_ids), Interaction.status == InteractionStatus.DONE,
                   Interaction.method != Method.NOTE,
                   Interaction.deleted_at.is_(None), Interaction.done_at.is_not(None))
            .group_by(Interaction.client_id, CHANNEL))
    for client_id, channel, at in connection.execute(done):
        mine = touches.setdefault(client_id, {})
        mine[channel] = at
        mine["any"] = max(at, mine.get("any") or at)
    rows = []
    for client in clients:
        mine = touches.get(client.id, {})
        row = {"client_id": client.id, "last_touch_at": mine.get("any"),
               "last_phone_at": mine.get(Channel.PHONE.value), "last_onsite_at": mine.get(Channel.ONSITE.value)}
        values = {dimension.value: _value(getattr(client, dimension.value)) for dimension in GradeDimension}
        for channel in Channel:
            interval = None if client.status == Lifecycle.LOST else interval_for(values, rules, channel.value)
            last = mine.get(channel.value)
            row[f"{channel.value}_interval"] = interval
            row[f"{channel.value}_due_on"] = (next_due(last.date() if last else None, interval,
                                                       client.created_at.date()) if interval else None)
        row["due_on"] = min((row[f"{ch.value}_due_on"] for ch in Channel if row[f"{ch.value}_due_on"]), default=None)
        rows.append(row)
    return rows


def refresh(connection, client_ids=None) -> int:
    """Recompute the cadence rows of these clients (None: every client). Returns how many were written."""
    if client_ids is None:
        client_ids = connection.execute(select(Client.id).order_by(Client.id)).scalars().all()
    client_ids = sorted(set(client_ids))
    rules = _rules(connection)
    written = 0
    for start in range(0, len(client_ids), CHUNK):
        chunk = client_ids[start:start + CHUNK]
        rows = _rows(connection, chunk, rules)
        connection.execute(delete(ClientCadence).where(ClientCadence.client_id.in_(chunk)))
        if rows:
            connection.execute(insert(ClientCadence), rows)
        written += len(rows)
    return written


@event.listens_for(Session, "after_flush")
def _keep_current(session, flush_context):
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(isinstance(obj, CadenceRule) for obj in changed):
        refresh(session.connection())
        return
    ids = {obj.client_id for obj in changed if isinstance(obj, Interaction) and obj.client_id}
    ids |= {obj.id for obj in changed if isinstance(obj, Client) and obj.id and obj not in session.deleted}
    if ids:
        refresh(session.connection(), ids)
