"""A per-user secret iCal feed of planned visits and care days; it shows only what that user may see."""
import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Alarm, Calendar, Event, Timezone
from sqlalchemy import select

from app.archive.models import Client
from app.core.models import User
from app.extensions import db
from app.visits.care import care_days
from app.visits.models import Interaction
from app.visits.queries import planned_between

PAST_DAYS, AHEAD_DAYS = 30, 366  # planned visits
CARE_AHEAD_DAYS = 60  # care days: the next two months; later ones join the feed as the days pass
MAX_CARE_DAYS = 1000  # the feed holds the user's own clients only
VISITS_PER_BATCH = 500  # rows read from the database at a time


def regenerate_token(user: User) -> str:
    user.calendar_token = secrets.token_urlsafe(32)
    return user.calendar_token


def calendar_user(token: str) -> User | None:
    if len(token) < 20:
        return None
    return db.session.execute(select(User).where(User.calendar_token == token, User.active.is_(True))).scalar()


def feed(user: User, today: date, now: datetime) -> bytes:  # now: naive UTC, as stored
    """The user's planned visits (with the client's address) and care days (naming whose day it is, with a
    reminder the set number of days ahead; a life event once, on its day, with what to do) as RFC 5545
    iCalendar, the time zone described in the file. Every care day is its own event: no yearly RRULE."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    stamp = now.replace(tzinfo=UTC)  # stored times are naive UTC
    cal = Calendar()
    cal.add("prodid", "-//KeYuan//visits//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"客缘 · {user.display_name}")
    cal.add("x-wr-timezone", zone.key)
    cal.add_component(Timezone.from_tzid(zone.key))  # the one zone every timed event names
    # Each event is written out as soon as it is made and only its text is kept: a rep's year of planned visits
    # (thousands at 50k clients) never sits in memory as component objects and ORM rows at once.
    head, end = cal.to_ical(), b"END:VCALENDAR\r\n"
    body = [head.removesuffix(end)]
    start = datetime.combine(today - timedelta(days=PAST_DAYS), datetime.min.time())
    stop = datetime.combine(today + timedelta(days=AHEAD_DAYS), datetime.min.time())
    visits = (planned_between(user, start, stop).join(Client, Client.id == Interaction.client_id)
              .with_only_columns(Interaction.id, Interaction.method, Interaction.planned_at,
                                 Interaction.duration_minutes, Interaction.agenda, Interaction.purpose, Client.name,
                                 Client.address))
    for visit in db.session.execute(visits, execution_options={"yield_per": VISITS_PER_BATCH}):
        event = _event(f"visit-{visit.id}@keyuan", stamp, f"{visit.method.label} · {visit.name}")
        event.add("dtstart", visit.planned_at.replace(tzinfo=zone))
        event.add("dtend", (visit.planned_at + timedelta(minutes=visit.duration_minutes or 60)).replace(tzinfo=zone))
        event.add("description", visit.agenda or visit.purpose.label)
        if visit.address:
            event.add("location", visit.address)
        body.append(event.to_ical())
    for item in care_days(user, today, CARE_AHEAD_DAYS, limit=MAX_CARE_DAYS):
        uid = f"special-{item.special.id}" if item.special else f"festival-{item.festival}"
        event = _event(f"{uid}-{item.on.isoformat()}@keyuan", stamp, _care_summary(item))
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if item.action:  # a life event: what to do about it
            event.add("description", item.action)
        if item.special and item.special.remind_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _care_summary(item))
            alarm.add("trigger", -timedelta(days=item.special.remind_days))
            event.add_component(alarm)
        body.append(event.to_ical())
    body.append(end)
    return b"".join(body)


def _event(uid: str, stamp: datetime, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    return event


def _care_summary(item) -> str:
    """生日 · 赵德明（宜宾市第二人民医院）: whose day, and at which client; a festival names only itself."""
    if item.special is None:
        return item.title
    client = item.client.name if item.client else ""
    if item.contacts:
        return f"{item.title} · {item.contacts[0].name}" + (f"（{client}）" if client else "")
    return f"{item.title} · {client}" if client else item.title
