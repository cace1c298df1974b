"""Care days (关怀): contacts' birthdays and family dates, clients' own events and Chinese festivals, with the
contacts to greet and the last gift each was given. A fixed number of queries."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.archive.models import Client, Contact, SpecialDate
from app.archive.overview import upcoming_dates
from app.core.dates import FESTIVAL_LABELS, festivals
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import InteractionStatus
from app.visits.models import Interaction, interaction_contacts

MAX_FESTIVAL_CONTACTS = 30


@dataclass
class CareDay:
    on: date
    days: int
    title: str
    client: Client | None = None
    special: SpecialDate | None = None
    festival: str | None = None
    contacts: list[Contact] = field(default_factory=list)


def key_contacts(user) -> list[Contact]:
    """Whom to greet on a festival: the key persons still at the clients the user owns."""
    stmt = (visible(select(Contact), Contact, user).join(Client, Contact.client_id == Client.id)
            .where(Client.owner_id == user.id, Contact.is_key_person.is_(True), Contact.still_at_client.is_(True))
            .order_by(Client.name, Contact.name).limit(MAX_FESTIVAL_CONTACTS))
    return db.session.execute(stmt).unique().scalars().all()


def last_gifts(contact_ids) -> dict[int, Interaction]:
    """The last interaction with a gift for each contact: what they got, when, at what cost."""
    if not contact_ids:
        return {}
    rows = db.session.execute(
        select(interaction_contacts.c.contact_id, Interaction)
        .join(Interaction, Interaction.id == interaction_contacts.c.interaction_id)
        .where(interaction_contacts.c.contact_id.in_(contact_ids), Interaction.gift != "",
               Interaction.status == InteractionStatus.DONE, Interaction.deleted_at.is_(None))
        .order_by(Interaction.done_at.desc())).unique().all()
    gifts: dict[int, Interaction] = {}
    for contact_id, interaction in rows:
        gifts.setdefault(contact_id, interaction)
    return gifts


def care_days(user, start: date, days: int, with_festivals: bool = True) -> list[CareDay]:
    """Everything to care about in [start, start + days], soonest first."""
    specials = db.session.execute(visible(select(SpecialDate), SpecialDate, user)).unique().scalars().all()
    found = [CareDay(u.on, u.days, u.special_date.label or u.special_date.kind.label, u.special_date.client,
                     special=u.special_date, contacts=[u.special_date.contact] if u.special_date.contact else [])
             for u in upcoming_dates(specials, start, within=days) if u.days <= days]
    if with_festivals:
        people = key_contacts(user)
        found += [CareDay(on, (on - start).days, str(FESTIVAL_LABELS[key]), festival=key, contacts=people)
                  for on, key in festivals(start, start + timedelta(days=days))]
    return sorted(found, key=lambda c: (c.on, c.festival or "", c.title))
