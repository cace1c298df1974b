"""The visit plan (拜访计划) a rep prints before leaving the office: per day, each planned visit with everything
needed on site, and optionally one briefing page per client. Internal: stance and key-person notes are allowed.
A fixed number of queries whatever the number of visits: related rows are read in bulk by the clients' ids."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.archive.models import Client, Contact, SpecialDate
from app.archive.occurrences import roll_forward
from app.complaints.enums import OPEN_STATUSES
from app.complaints.models import Complaint
from app.core.access import MANAGERS, has_role
from app.core.clock import local_today
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import InteractionStatus, Method
from app.visits.models import Interaction
from app.visits.queries import planned_between

CARE_AHEAD_DAYS = 14  # care days of the visited clients' contacts up to two weeks after the plan's last day
MAX_DAYS = 31
RECENT_TOUCHES = 3  # done touches a briefing page recalls
CONTACTS_SHOWN = 4  # contacts listed under a visit that names none


def may_print_plan_of(viewer, person) -> bool:
    """Anyone prints their own plan; managers and the admin anyone's."""
    return viewer.id == person.id or has_role(viewer, MANAGERS)


class BadPeriod(ValueError):
    """A plan period that cannot be read; the message says why, in the user's language."""


def this_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def read_period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The period asked for (YYYY-MM-DD each, both optional: this week), at most MAX_DAYS days long."""
    default_start, default_end = this_week(today)
    try:
        first = date.fromisoformat(start) if start else default_start
        last = date.fromisoformat(end) if end else (first + timedelta(days=6) if start else default_end)
    except ValueError:
        raise BadPeriod(_("Dates are written YYYY-MM-DD, for example 2026-11-23.")) from None
    if last < first:
        raise BadPeriod(_("The end date comes before the start date."))
    if (last - first).days >= MAX_DAYS:
        raise BadPeriod(_("A visit plan covers at most %(days)s days.", days=MAX_DAYS))
    return first, last


@dataclass
class ClientFile:
    """What the plan knows about one visited client."""

    client: Client
    contacts: list[Contact] = field(default_factory=list)
    touches: list[Interaction] = field(default_factory=list)  # done, newest first
    complaints: list[Complaint] = field(default_factory=list)
    care: list[SpecialDate] = field(default_factory=list)

    @property
    def last_touch(self) -> Interaction | None:
        return self.touches[0] if self.touches else None


@dataclass
class VisitPlan:
    person: object
    start: date
    end: date
    days: list[tuple[date, list[Interaction]]]
    files: dict[int, ClientFile]

    @property
    def visit_count(self) -> int:
        return sum(len(visits) for _day, visits in self.days)

    @property
    def clients(self) -> list[ClientFile]:
        """The visited clients in the order of their first visit, for the briefing pages."""
        seen = dict.fromkeys(visit.client_id for _day, visits in self.days for visit in visits)
        return [self.files[client_id] for client_id in seen]


def weekday(day: date) -> str:
    """星期一 … 星期日 in the user's language."""
    return format_date(day, "EEEE")


def visit_plan(viewer, person, start: date, end: date) -> VisitPlan:
    """``person``'s planned visits from ``start`` to ``end`` (inclusive) that ``viewer`` may see."""
    stmt = planned_between(person, datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1),
                                                                                       time.min))
    visits = db.session.execute(visible(stmt, Interaction, viewer).options(selectinload(Interaction.contacts))
                                ).unique().scalars().all()
    files = {visit.client_id: ClientFile(visit.client) for visit in visits}
    if files:
        _fill(files, viewer, start, end)
    by_day = defaultdict(list)
    for visit in visits:
        by_day[visit.planned_at.date()].append(visit)
    days = [(day, by_day[day]) for day in (start + timedelta(days=n) for n in range((end - start).days + 1))]
    return VisitPlan(person, start, end, days, files)


def _fill(files: dict[int, ClientFile], viewer, start: date, end: date) -> None:
    """Contacts, recent touches, open complaints and care days of all the clients, one query each."""
    ids = list(files)
    contacts = visible(select(Contact).where(Contact.client_id.in_(ids), Contact.still_at_client.is_(True)),
                       Contact, viewer).order_by(Contact.client_id, Contact.is_key_person.desc(), Contact.name)
    for contact in db.session.execute(contacts).unique().scalars():
        files[contact.client_id].contacts.append(contact)

    newest = func.row_number().over(partition_by=Interaction.client_id,
                                    order_by=(Interaction.done_at.desc(), Interaction.id.desc())).label("n")
    ranked = (visible(select(Interaction.id, newest), Interaction, viewer)
              .where(Interaction.client_id.in_(ids), Interaction.status == InteractionStatus.DONE,
                     Interaction.method != Method.NOTE).subquery())
    touches = (select(Interaction).join(ranked, ranked.c.id == Interaction.id).where(ranked.c.n <= RECENT_TOUCHES)
               .order_by(Interaction.client_id, ranked.c.n))
    for touch in db.session.execute(touches).unique().scalars():
        files[touch.client_id].touches.append(touch)

    complaints = visible(select(Complaint).where(Complaint.client_id.in_(ids), Complaint.status.in_(OPEN_STATUSES)),
                         Complaint, viewer).order_by(Complaint.received_at)
    for complaint in db.session.execute(complaints).unique().scalars():
        files[complaint.client_id].complaints.append(complaint)

    roll_forward(local_today())  # yearly dates whose day has passed move to next year's first
    still_ours = SpecialDate.contact_id.is_(None) | (Contact.still_at_client.is_(True) & Contact.deleted_at.is_(None))
    care = (visible(select(SpecialDate), SpecialDate, viewer)
            .outerjoin(Contact, Contact.id == SpecialDate.contact_id)
            .where(SpecialDate.client_id.in_(ids), still_ours,
                   SpecialDate.next_on.between(start, end + timedelta(days=CARE_AHEAD_DAYS)))
            .order_by(SpecialDate.next_on, SpecialDate.id))
    for special in db.session.execute(care).unique().scalars():
        files[special.client_id].care.append(special)


def shown_contacts(visit: Interaction, file: ClientFile) -> list[Contact]:
    """Whom the visit is with: the contacts it names, otherwise the client's first few (key persons first)."""
    return list(visit.contacts) or file.contacts[:CONTACTS_SHOWN]
