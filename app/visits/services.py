"""Writes of the visits domain: plain data in; they flush, the route commits."""
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.archive.attachments import save_upload
from app.archive.models import Client, Contact
from app.core.clock import local_now
from app.core.errors import Refused
from app.core.records import apply
from app.extensions import db
from app.visits.care import GREETING_WINDOW, already_greeted, greeting_summary, greetings_since
from app.visits.enums import InteractionStatus, Method, Purpose
from app.visits.models import Interaction

NEXT_STEP_TIME = time(9, 0)  # a booked next step without a time lands at the start of the working day


def _contacts(client: Client, ids) -> list[Contact]:
    if not ids:
        return []
    return db.session.execute(select(Contact).where(Contact.client_id == client.id, Contact.id.in_(ids),
                                                    Contact.deleted_at.is_(None))).scalars().all()


def _now() -> datetime:
    return local_now().replace(second=0, microsecond=0)


def book_next_step(visit: Interaction, method: Method | None = None) -> Interaction | None:
    """Every contact ends with a defined next step (seed 004): a dated one becomes a planned interaction, by the
    method chosen for it (a phone call unless said otherwise)."""
    if not (visit.next_action and visit.next_date):
        return None
    planned = Interaction(client_id=visit.client_id, user_id=visit.user_id, method=method or Method.PHONE,
                          purpose=Purpose.ROUTINE, status=InteractionStatus.PLANNED,
                          planned_at=datetime.combine(visit.next_date, NEXT_STEP_TIME), agenda=visit.next_action)
    db.session.add(planned)
    return planned


def _saved_draft(key: str | None, client: Client) -> Interaction | None:
    """The touch already saved from this draft, if any; refused when the key was saved for another client."""
    if not key:
        return None
    existing = db.session.execute(select(Interaction).where(Interaction.client_key == key)).scalar()
    if existing is not None and existing.client_id != client.id:
        raise Refused(_("This draft was already saved for another client. Reload the page to start a new entry."))
    return existing


def quick_log(client: Client, data: dict, user) -> Interaction:
    """A touch logged on the spot. A draft re-sent after a network failure carries the same key and is saved
    once, also when the two sends race each other (the unique key decides; the loser gets the winner's row)."""
    key = data.get("client_key") or None
    if existing := _saved_draft(key, client):
        return existing
    visit = Interaction(client_id=client.id, user_id=user.id, status=InteractionStatus.DONE, done_at=_now(),
                        client_key=key)
    apply(visit, {name: data.get(name) for name in ("method", "summary", "satisfaction", "next_action",
                                                    "next_date")})
    visit.contacts = _contacts(client, data.get("contact_ids"))
    db.session.add(visit)
    book_next_step(visit, data.get("next_method"))
    try:
        db.session.flush()
    except IntegrityError:
        # The same draft won a race a moment ago. The request holds nothing else, so undo it and answer with
        # the saved row (SQLite's driver cannot be trusted with a SAVEPOINT here).
        db.session.rollback()
        if existing := _saved_draft(key, client):
            return existing
        raise
    return visit


def log_greeting(contact: Contact, data: dict, user) -> Interaction | None:
    """The one-tap greeting on a care day: a done care touch with the contact by the channel chosen. None when
    this contact was greeted for this occasion already (a second tap logs nothing)."""
    occasion, on = data.get("occasion") or "", data.get("on") or _now().date()
    found = greetings_since([contact.id], datetime.combine(on - GREETING_WINDOW, time.min))
    if already_greeted(contact.id, occasion, on, found):
        return None
    visit = Interaction(client_id=contact.client_id, user_id=user.id, method=data.get("method") or Method.WECHAT,
                        purpose=Purpose.CARE, status=InteractionStatus.DONE, done_at=_now(),
                        summary=greeting_summary(occasion))
    visit.contacts = [contact]
    db.session.add(visit)
    db.session.flush()
    return visit


CLASH_WINDOW = timedelta(hours=1)  # two visits to one client closer than this are probably one visit twice


def route_times(data: dict) -> list[tuple[int, datetime]]:
    """(client id, time) of each stop: at its own time when it has one, else the first at the start time and each
    next one the minutes given after the one before."""
    times = list(data.get("times") or [])
    at, route = None, []
    for n, client_id in enumerate(data["stops"]):
        if not client_id:
            continue
        own = times[n] if n < len(times) else None
        if own or at is None:
            hour, minute = (int(part) for part in (own or data["start"]).split(":"))
            at = datetime.combine(data["day"], time(hour, minute))
        else:
            at += timedelta(minutes=data["minutes_between"])
        route.append((client_id, at))
    return route


def clashing_visits(data: dict) -> list[Interaction]:
    """Visits already planned for a stop's client within an hour of its time (by anyone): worth a second look."""
    found = []
    for client_id, at in route_times(data):
        found += db.session.execute(select(Interaction).where(
            Interaction.client_id == client_id, Interaction.status == InteractionStatus.PLANNED,
            Interaction.deleted_at.is_(None), Interaction.planned_at.between(at - CLASH_WINDOW, at + CLASH_WINDOW))
        ).unique().scalars().all()
    return found


def plan_route(data: dict, user, now: datetime) -> list[Interaction]:
    """One planned visit per stop. Refused when the first would already be past (``now``, local): a visit that
    took place is logged, not planned."""
    times = route_times(data)
    if times and times[0][1] < now:
        raise Refused(_("That time has passed. A visit that took place is logged with the quick log."), "start")
    details = {name: data.get(name) for name in ("method", "purpose", "agenda", "talking_points", "participants",
                                                 "fallback_plan")}
    visits = []
    for order, (client_id, at) in enumerate(times, start=1):
        visit = Interaction(client_id=client_id, user_id=user.id, status=InteractionStatus.PLANNED, planned_at=at,
                            route_order=order if len(times) > 1 else None)
        apply(visit, details)
        db.session.add(visit)
        visits.append(visit)
    db.session.flush()
    return visits


def complete_visit(visit: Interaction, data: dict) -> Interaction:
    """Save the full record; a planned visit marked as taken place becomes done and books its next step."""
    becomes_done = visit.status == InteractionStatus.PLANNED and data.get("mark_done")
    apply(visit, data)
    visit.extra_services = list(data.get("extra_services") or [])
    visit.contacts = _contacts(visit.client, data.get("contact_ids"))
    if becomes_done:
        visit.status = InteractionStatus.DONE
        visit.done_at = visit.done_at or _now()
        book_next_step(visit, data.get("next_method"))
    db.session.flush()
    return visit


def reschedule_visit(visit: Interaction, data: dict) -> None:
    """A new time for a planned visit; not one already past (a visit that took place is recorded instead)."""
    if data["planned_at"] < _now():
        raise Refused(_("That time has passed. A visit that took place is logged with the quick log."), "planned_at")
    visit.planned_at = data["planned_at"]
    visit.cancel_reason = data["reason"]


def cancel_visit(visit: Interaction, data: dict) -> None:
    visit.status = InteractionStatus.CANCELLED
    visit.cancel_reason = data["reason"]


def mark_missed(visit: Interaction) -> None:
    """A planned visit whose time passed without taking place: off the to-record list, kept in the history."""
    if visit.status != InteractionStatus.PLANNED:
        raise Refused(_("Only a planned visit can be changed this way."))
    visit.status = InteractionStatus.MISSED


def attach_to_visit(visit: Interaction, upload, caption: str, user):
    attachment = save_upload(visit.client, upload, caption, user)
    visit.attachments.append(attachment)
    db.session.flush()
    return attachment
