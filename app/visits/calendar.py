"""A per-user secret iCal feed of planned visits and care days; it shows only what that user may see."""
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from app.core.models import User
from app.extensions import db
from app.visits.care import care_days
from app.visits.queries import planned_between

PAST_DAYS, AHEAD_DAYS = 30, 366  # planned visits
CARE_AHEAD_DAYS = 60  # care days: the next two months; later ones join the feed as the days pass
MAX_CARE_DAYS = 1000  # the feed holds the user's own clients only


def regenerate_token(user: User) -> str:
    user.calendar_token = secrets.token_urlsafe(32)
    return user.calendar_token


def calendar_user(token: str) -> User | None:
    if len(token) < 20:
        return None
    return db.session.execute(select(User).where(User.calendar_token == token, User.active.is_(True))).scalar()


def feed(user: User, today: date) -> bytes:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    cal = Calendar()
    cal.add("prodid", "-//KeYuan//visits//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"客缘 · {user.display_name}")
    start = datetime.combine(today - timedelta(days=PAST_DAYS), datetime.min.time())
    end = datetime.combine(today + timedelta(days=AHEAD_DAYS), datetime.min.time())
    for visit in db.session.execute(planned_between(user, start, end)).unique().scalars():
        event = Event()
        event.add("uid", f"visit-{visit.id}@keyuan")
        event.add("dtstart", visit.planned_at.replace(tzinfo=zone))
        event.add("dtend", (visit.planned_at + timedelta(minutes=visit.duration_minutes or 60)).replace(tzinfo=zone))
        event.add("summary", f"{visit.method.label} · {visit.client.name}")
        event.add("description", visit.agenda or visit.purpose.label)
        cal.add_component(event)
    for item in care_days(user, today, CARE_AHEAD_DAYS, limit=MAX_CARE_DAYS):
        event = Event()
        uid = f"special-{item.special.id}" if item.special else f"festival-{item.festival}"
        event.add("uid", f"{uid}-{item.on.isoformat()}@keyuan")
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        who = item.contacts[0].name if item.special and item.contacts else (item.client.name if item.client else "")
        event.add("summary", f"{item.title} · {who}" if who else item.title)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
