"""Writes of the visits domain. They flush; the route commits."""
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.attachments import save_upload
from app.archive.models import Client, Contact
from app.archive.services import contact_choices
from app.core.clock import local_now
from app.core.scoping import visible
from app.extensions import db
from app.visits.enums import ExtraService, InteractionStatus, Method, Purpose
from app.visits.forms import TodayQuickLogForm
from app.visits.models import Interaction

NEXT_STEP_TIME = time(9, 0)  # a booked next step without a time lands at the start of the working day


def contact_choices_for(client: Client) -> list[tuple[int, str]]:
    return contact_choices(client)


def _contacts(client: Client, ids) -> list[Contact]:
    if not ids:
        return []
    return db.session.execute(select(Contact).where(Contact.client_id == client.id, Contact.id.in_(ids),
                                                    Contact.deleted_at.is_(None))).scalars().all()


def book_next_step(visit: Interaction) -> Interaction | None:
    """Every contact ends with a defined next step (seed 004): a dated one becomes a planned interaction."""
    if not (visit.next_action and visit.next_date):
        return None
    planned = Interaction(client_id=visit.client_id, user_id=visit.user_id, method=visit.method,
                          purpose=Purpose.ROUTINE, status=InteractionStatus.PLANNED,
                          planned_at=datetime.combine(visit.next_date, NEXT_STEP_TIME), agenda=visit.next_action)
    db.session.add(planned)
    return planned


def quick_log(client: Client, form, user) -> Interaction:
    """A touch logged on the spot. A draft re-sent after a network failure carries the same key and is
    saved once."""
    if form.client_key.data:
        existing = db.session.execute(select(Interaction).where(
            Interaction.client_key == form.client_key.data, Interaction.client_id == client.id)).scalar()
        if existing:
            return existing
    visit = Interaction(client_id=client.id, user_id=user.id, method=form.method.data,
                        status=InteractionStatus.DONE, done_at=local_now().replace(second=0, microsecond=0),
                        summary=form.summary.data, satisfaction=form.satisfaction.data,
                        next_action=form.next_action.data or "", next_date=form.next_date.data,
                        client_key=form.client_key.data or None)
    visit.contacts = _contacts(client, form.contact_ids.data)
    db.session.add(visit)
    book_next_step(visit)
    db.session.flush()
    return visit


def extra_services_text(visit: Interaction) -> str:
    labels = [ExtraService(code).label for code in visit.extra_services if code in ExtraService._value2member_map_]
    return "、".join(labels + ([visit.extra_services_other] if visit.extra_services_other else []))


def log_greeting(contact: Contact, occasion: str, user) -> Interaction:
    """The one-click greeting on a care day: a done WeChat touch with the contact, as care."""
    visit = Interaction(client_id=contact.client_id, user_id=user.id, method=Method.WECHAT, purpose=Purpose.CARE,
                        status=InteractionStatus.DONE, done_at=local_now().replace(second=0, microsecond=0),
                        summary=_("Greeting: %(occasion)s", occasion=occasion) if occasion else _("Greeting"))
    visit.contacts = [contact]
    db.session.add(visit)
    db.session.flush()
    return visit


def client_choices(user) -> list[tuple[int, str]]:
    rows = db.session.execute(visible(select(Client.id, Client.name), Client, user).order_by(Client.name)).all()
    return [(row.id, row.name) for row in rows]


def plan_route(form, user) -> list[Interaction]:
    """One planned visit per stop, the first at the start time and the next ones spaced by the minutes given."""
    hour, minute = (int(part) for part in form.start.data.split(":"))
    first = datetime.combine(form.day.data, time(hour, minute))
    stops = [stop for stop in form.stops.data if stop]
    visits = []
    for order, client_id in enumerate(stops, start=1):
        visit = Interaction(client_id=client_id, user_id=user.id, method=form.method.data,
                            purpose=form.purpose.data, status=InteractionStatus.PLANNED,
                            planned_at=first + timedelta(minutes=form.minutes_between.data * (order - 1)),
                            route_order=order if len(stops) > 1 else None, agenda=form.agenda.data or "",
                            talking_points=form.talking_points.data or "", participants=form.participants.data or "",
                            fallback_plan=form.fallback_plan.data or "")
        db.session.add(visit)
        visits.append(visit)
    db.session.flush()
    return visits


def complete_visit(visit: Interaction, form) -> Interaction:
    """Save the full record; a planned visit marked as taken place becomes done and books its next step."""
    becomes_done = visit.status == InteractionStatus.PLANNED and form.mark_done.data
    for name in form.data_fields:
        value = form[name].data
        setattr(visit, name, "" if value is None and isinstance(getattr(visit, name), str) else value)
    visit.extra_services = list(form.extra_services.data or [])
    visit.contacts = _contacts(visit.client, form.contact_ids.data)
    if becomes_done:
        visit.status = InteractionStatus.DONE
        visit.done_at = visit.done_at or local_now().replace(second=0, microsecond=0)
        book_next_step(visit)
    db.session.flush()
    return visit


def reschedule_visit(visit: Interaction, form) -> None:
    visit.planned_at = form.planned_at.data
    visit.cancel_reason = form.reason.data


def cancel_visit(visit: Interaction, form) -> None:
    visit.status = InteractionStatus.CANCELLED
    visit.cancel_reason = form.reason.data


def attach_to_visit(visit: Interaction, form, user):
    attachment = save_upload(visit.client, form.file.data, form.caption.data, user)
    visit.attachments.append(attachment)
    db.session.flush()
    return attachment


def today_quick_form(user, **kwargs):
    """Today's quick-log form over every client the user may see."""
    form = TodayQuickLogForm(**kwargs)
    form.client_id.choices = [("", _("— choose —"))] + client_choices(user)
    form.contact_ids.choices = []
    return form
