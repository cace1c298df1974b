"""The stakeholder map of a deal (internal only): who decides, who supports us, how close the inside contact is
(seed 002), and the meeting plan with its fallback. A stance's history is the Stakeholder row's audit trail."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.enums import DecisionRole, Stance
from app.archive.models import Contact
from app.core.errors import Refused
from app.core.models import AuditEvent, User
from app.deals.models import Deal, Stakeholder
from app.extensions import db

EDITABLE = ("decision_role", "stance", "relationship_stage", "notes")


@dataclass(frozen=True)
class Summary:
    support: int
    neutral: int
    oppose: int
    decider_supports: bool | None  # None: no decider on the map yet


def summarise(stakeholders: list[Stakeholder]) -> Summary:
    """How many support, stay neutral or oppose us, and whether the deciders (拍板人) all support us."""
    stances = [s.stance for s in stakeholders]
    deciders = [s.stance for s in stakeholders if s.decision_role is DecisionRole.DECIDER]
    return Summary(stances.count(Stance.SUPPORT), stances.count(Stance.NEUTRAL), stances.count(Stance.OPPOSE),
                   all(stance is Stance.SUPPORT for stance in deciders) if deciders else None)


@dataclass(frozen=True)
class StanceChange:
    at: datetime
    by: User | None
    before: Stance | None
    after: Stance | None


def stance_history(stakeholders: list[Stakeholder]) -> dict[int, list[StanceChange]]:
    """Each stakeholder's stance changes, newest first, read from the audit trail in one query."""
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.entity == Stakeholder.__tablename__,
                                 AuditEvent.record_id.in_([s.id for s in stakeholders]))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).scalars().all()
    history: dict[int, list[StanceChange]] = {s.id: [] for s in stakeholders}
    for event in events:
        if "stance" in event.changes:
            before, after = (Stance(value) if value else None for value in event.changes["stance"])
            history[event.record_id].append(StanceChange(event.at, event.actor, before, after))
    return history


def candidates(deal: Deal) -> list[Contact]:
    """The client's contacts not yet on the deal's map."""
    on_map = select(Stakeholder.contact_id).where(Stakeholder.deal_id == deal.id)
    return db.session.execute(
        select(Contact).where(Contact.client_id == deal.client_id, Contact.deleted_at.is_(None),
                              Contact.id.not_in(on_map)).order_by(Contact.name)).unique().scalars().all()


def add_stakeholder(deal: Deal, data: dict) -> Stakeholder:
    contact = db.session.get(Contact, data["contact_id"])
    if contact is None or contact.deleted_at is not None or contact.client_id != deal.client_id:
        raise Refused(_("Pick a contact of this client."), "contact_id")
    if any(s.contact_id == contact.id for s in deal.stakeholders):
        raise Refused(_("This contact is already on the map."), "contact_id")
    stakeholder = Stakeholder(contact=contact, **{key: data[key] for key in EDITABLE})
    deal.stakeholders.append(stakeholder)
    db.session.flush()
    return stakeholder


def update_stakeholder(stakeholder: Stakeholder, data: dict) -> None:
    for key in EDITABLE:
        setattr(stakeholder, key, data[key])
    db.session.flush()


def remove_stakeholder(stakeholder: Stakeholder) -> None:
    stakeholder.deal.stakeholders.remove(stakeholder)
    db.session.flush()


def update_plans(deal: Deal, data: dict) -> None:
    deal.meeting_plan, deal.fallback_plan = data["meeting_plan"], data["fallback_plan"]
    db.session.flush()
