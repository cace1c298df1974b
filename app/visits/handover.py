"""A client handed over takes its planned visits along: those its previous owner had booked move to the new
owner, so they stay on someone's list, Today and calendar feed (before, they vanished from both). A handover
note given with it (archive.services.transfer_clients puts it on the client) lands on the client's timeline."""
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.archive.models import Client
from app.core.audit import current_actor_id
from app.core.clock import local_now
from app.visits.enums import InteractionStatus, Method, Purpose
from app.visits.models import Interaction


@event.listens_for(Session, "before_flush")
def _hand_over(session, flush_context, instances):
    for client in [obj for obj in session.dirty if isinstance(obj, Client)]:
        history = inspect(client).attrs.owner_id.history
        if not history.has_changes() or not history.deleted or history.deleted[0] is None:
            continue
        previous, owner = history.deleted[0], client.owner_id
        if owner is None:
            continue
        with session.no_autoflush:
            planned = session.execute(select(Interaction).where(
                Interaction.client_id == client.id, Interaction.user_id == previous,
                Interaction.status == InteractionStatus.PLANNED, Interaction.deleted_at.is_(None))).scalars()
            for visit in planned:
                visit.user_id = owner
        note = client.handover_note
        if note:
            session.add(Interaction(
                client_id=client.id, user_id=current_actor_id() or owner, method=Method.NOTE,
                purpose=Purpose.HANDOVER, status=InteractionStatus.DONE, summary=note,
                done_at=local_now().replace(second=0, microsecond=0)))
            client.handover_note = ""
