"""Care days (关怀): contacts' birthdays, family dates and life events, clients' own events and Chinese festivals,
with the contacts to greet, what to do and the last gift each was given. A date-range query on the stored next
occurrence; a fixed number of queries whatever the size of the archive."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased, lazyload

from app.archive.models import Client, Contact, SpecialDate
from app.archive.occurrences import LIFE_EVENT_FOLLOW_UP_DAYS, roll_forward
from app.core.dates import FESTIVAL_LABELS, festivals
from app.core.paging import Page
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import InteractionStatus, Purpose
from app.visits.models import Interaction, interaction_contacts
from app.visits.rules import greeting_text, is_sympathy, suggested_action

MAX_FESTIVAL_CONTACTS = 30
MAX_DATES = 200  # a page a person reads; the whole archive's birthdays belong in no single list


@dataclass
class CareDay:
    on: date
    days: int
    title: str
    client: Client | None = None
    special: SpecialDate | None = None
    festival: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    greeted: set[int] = field(default_factory=set)  # the contacts already greeted for this occasion

    @property
    def kind(self):
        return self.special.kind if self.special else None

    @property
    def action(self) -> str | None:
        return suggested_action(self.kind)

    @property
    def sympathy(self) -> bool:
        return is_sympathy(self.kind)

    def greeting(self, name: str, me: str) -> str:
        return greeting_text(self.kind, name, self.title, me)


def key_contacts(user) -> list[Contact]:
    """Whom to greet on a festival: the key persons still at the clients the user owns."""
    stmt = (visible(select(Contact), Contact, user).join(Client, Contact.client_id == Client.id)
            .where(Client.owner_id == user.id, Client.deleted_at.is_(None), Contact.is_key_person.is_(True),
                   Contact.still_at_client.is_(True))
            .order_by(Client.pinyin, Contact.name).limit(MAX_FESTIVAL_CONTACTS))
    return db.session.execute(stmt).unique().scalars().all()


@dataclass(frozen=True)
class Gift:
    gift: str
    gift_cost: object
    done_at: object


def last_gifts(contact_ids) -> dict[int, Gift]:
    """The last gift each contact was given: what, at what cost, when. Two steps, so every database reads the
    few touches of these contacts by the contact index instead of walking all done touches."""
    if not contact_ids:
        return {}
    links = db.session.execute(select(interaction_contacts.c.interaction_id, interaction_contacts.c.contact_id)
                               .where(interaction_contacts.c.contact_id.in_(contact_ids))).all()
    if not links:
        return {}
    given = {row.id: Gift(row.gift, row.gift_cost, row.done_at) for row in db.session.execute(
        select(Interaction.id, Interaction.gift, Interaction.gift_cost, Interaction.done_at)
        .where(Interaction.id.in_({link.interaction_id for link in links}), Interaction.gift != "",
               Interaction.status == InteractionStatus.DONE, Interaction.deleted_at.is_(None)))}
    gifts: dict[int, Gift] = {}
    for link in links:
        gift = given.get(link.interaction_id)
        if gift and (link.contact_id not in gifts or gift.done_at > gifts[link.contact_id].done_at):
            gifts[link.contact_id] = gift
    return gifts


GREETING_WINDOW = timedelta(days=90)  # a greeting counts for an occasion at most this long before it


def greeting_summary(occasion: str) -> str:
    """How a greeting is recorded: 问候：生日. The same occasion twice is recognised by it."""
    return _("Greeting: %(occasion)s", occasion=occasion) if occasion else _("Greeting")


def greetings_since(contact_ids, since: datetime) -> dict[tuple[int, str], datetime]:
    """(contact id, summary) → when last greeted, for the care touches with these contacts since a moment."""
    if not contact_ids:
        return {}
    rows = db.session.execute(
        select(interaction_contacts.c.contact_id, Interaction.summary, Interaction.done_at)
        .join(Interaction, Interaction.id == interaction_contacts.c.interaction_id)
        .where(interaction_contacts.c.contact_id.in_(contact_ids), Interaction.purpose == Purpose.CARE,
               Interaction.status == InteractionStatus.DONE, Interaction.deleted_at.is_(None),
               Interaction.done_at >= since)).all()
    found: dict[tuple[int, str], datetime] = {}
    for row in rows:
        key = (row.contact_id, row.summary)
        found[key] = max(found.get(key, row.done_at), row.done_at)
    return found


def already_greeted(contact_id: int, occasion: str, on: date, found: dict) -> bool:
    when = found.get((contact_id, greeting_summary(occasion)))
    return when is not None and when.date() >= on - GREETING_WINDOW


def mark_greeted(items: list[CareDay], today: date) -> list[CareDay]:
    """Note on each care day which of its contacts were greeted for it already (one query for the list)."""
    found = greetings_since({c.id for item in items for c in item.contacts},
                            datetime.combine(today - GREETING_WINDOW, time.min))
    for item in items:
        item.greeted = {c.id for c in item.contacts if already_greeted(c.id, item.title, item.on, found)}
    return items


def special_dates_between(user, start: date, end: date, mine: bool = True, limit: int = MAX_DATES,
                          offset: int = 0):
    """The special dates whose next occurrence falls in [start, end], and the life events of the last few days
    before start (learned after the fact, they still call for the action): of the clients the user owns (mine),
    or of every client they may see. Read after roll_forward, when only a life event can lie before start."""
    since = start - timedelta(days=LIFE_EVENT_FOLLOW_UP_DAYS)
    stmt = (visible(select(SpecialDate), SpecialDate, user).where(SpecialDate.next_on.between(since, end))
            .options(lazyload(SpecialDate.client, Client.owner), lazyload(SpecialDate.client, Client.unit_level),
                     lazyload(SpecialDate.contact, Contact.client)))  # a list needs names, not owners
    # A contact who has left the client (or is in the recycle bin) is no longer ours to greet.
    gone = exists().where(Contact.id == SpecialDate.contact_id,
                          or_(Contact.still_at_client.is_(False), Contact.deleted_at.is_not(None)))
    stmt = stmt.where(~gone)
    if mine:  # checked per date found, by the client's key: no list of every client the user owns
        owner = aliased(Client)
        stmt = stmt.where(exists().where(owner.id == SpecialDate.client_id, owner.owner_id == user.id))
    return stmt.order_by(SpecialDate.next_on, SpecialDate.id).limit(limit).offset(offset)


def care_days(user, start: date, days: int, with_festivals: bool = True, mine: bool = True,
              limit: int = MAX_DATES) -> list[CareDay]:
    """Everything to care about in [start, start + days], and the life events of the last few days, soonest
    first (``days`` below 0 for those). ``start`` is today."""
    return _care_days(user, start, days, with_festivals, mine, limit, 0)[0]


def care_page(user, start: date, days: int, mine: bool, page: int, per_page: int) -> Page:
    """One page of care days: ``per_page`` dates in order, and the festivals that fall among them."""
    items, has_next = _care_days(user, start, days, True, mine, per_page, (page - 1) * per_page)
    return Page(items, len(items), page, per_page, has_next=has_next, more=True)


def _care_days(user, start: date, days: int, with_festivals: bool, mine: bool, limit: int,
               offset: int) -> tuple[list[CareDay], bool]:
    """``limit`` dates from ``offset`` on, each festival with the dates around it (on the page that ends before
    the next page's first date), and whether more dates follow."""
    roll_forward(start)
    end = start + timedelta(days=days)
    rows = db.session.execute(special_dates_between(user, start, end, mine, limit + 1, offset)).unique()
    specials = rows.scalars().all()
    shown, following = specials[:limit], specials[limit:]
    found = [CareDay(s.next_on, (s.next_on - start).days, s.label or s.kind.label, s.client, special=s,
                     contacts=[s.contact] if s.contact else []) for s in shown]
    if with_festivals and (shown or not offset):
        after = shown[0].next_on if offset else date.min
        before = following[0].next_on if following else date.max
        days_here = [(on, key) for on, key in festivals(start, end) if after <= on < before]
        people = key_contacts(user)  # read even when no festival falls here: the same queries for every page
        found += [CareDay(on, (on - start).days, str(FESTIVAL_LABELS[key]), festival=key, contacts=people)
                  for on, key in days_here]
    return sorted(found, key=lambda c: (c.on, c.festival or "", c.title)), bool(following)
