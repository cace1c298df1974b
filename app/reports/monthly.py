"""The service monthly report (服务月报) a client receives every month (seed 003: "定期向客户发送《服务月报》"):
visits and services rendered, issues and their resolution against the SLA, delivery progress, the month's product
updates, satisfaction, next month's plan, signatures and a QR code to the client's satisfaction survey.

Client-facing: it reads only client-safe fields (a visit's summary and extra services, a complaint's title,
description and resolution summary, a contract's dates and status); never grades, stance, key-person notes,
gifts, internal notes, agendas, talking points, churn risk, root causes or deal data."""
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from app.archive.models import Client
from app.complaints import sla, surveys
from app.complaints.confirmation import qr_svg
from app.complaints.models import Complaint, Survey
from app.core.clock import local_now, local_today, utcnow
from app.core.dates import next_month
from app.core.pdf import render_pdf
from app.core.scoping import visible
from app.core.workdays import load_overrides, working_seconds
from app.deals.contracts import received_per_milestone
from app.deals.enums import ImplementationStatus
from app.deals.models import Contract, Milestone, Receipt
from app.deals.receivables import ZERO, outstanding
from app.extensions import db
from app.reports.models import ProductUpdate
from app.visits.enums import Channel, InteractionStatus, Method, Purpose, Satisfaction
from app.visits.models import Interaction

# The touches a client reads as service (seed 003's 服务月报: visits and services rendered). Care and festival
# greetings, sales talks and payment chasing are relationship work the client does not get a report line for.
SERVICE_PURPOSES = (Purpose.ROUTINE, Purpose.AFTER_SALES, Purpose.NEEDS_SURVEY, Purpose.OTHER)
SURVEY_LINK_MIN_DAYS = 14  # a survey link already open is printed again only if it stays open this long


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month as [first moment, first moment of the next month), in naive local time like the records."""
    return datetime.combine(month, datetime.min.time()), datetime.combine(next_month(month), datetime.min.time())


# ---- which clients had a month -----------------------------------------------------------------------------------

def _service():
    """A service touch (an internal note on the timeline is none), not deleted."""
    return and_(Interaction.purpose.in_(SERVICE_PURPOSES), Interaction.method != Method.NOTE,
                Interaction.deleted_at.is_(None))


def _done_in(start: datetime, end: datetime):
    """Service touches done in the month."""
    return and_(_service(), Interaction.status == InteractionStatus.DONE, Interaction.done_at >= start,
                Interaction.done_at < end)


def _issues_in(start: datetime, end: datetime):
    """Complaints received in the month or still open during it."""
    return and_(Complaint.received_at < end, Complaint.deleted_at.is_(None),
                or_(Complaint.received_at >= start, Complaint.closed_at.is_(None), Complaint.closed_at >= start))


def clients_with_activity(month: date, user) -> Select:
    """Ids of the clients (those ``user`` sees; every client when None) with something to report in the month:
    visits done, complaints received or open, contract milestones due or money received, surveys answered."""
    start, end = bounds(month)
    first, after = month, next_month(month)
    stmt = select(Client.id) if user is None else visible(select(Client.id), Client, user)
    if user is None:
        stmt = stmt.where(Client.deleted_at.is_(None))
    live_contract = and_(Contract.client_id == Client.id, Contract.deleted_at.is_(None))
    return stmt.where(or_(
        exists().where(Interaction.client_id == Client.id, _done_in(start, end)),
        exists().where(Complaint.client_id == Client.id, _issues_in(start, end)),
        exists().where(live_contract, Milestone.contract_id == Contract.id, Milestone.due_on >= first,
                       Milestone.due_on < after),
        exists().where(live_contract, Milestone.contract_id == Contract.id, Receipt.milestone_id == Milestone.id,
                       Receipt.deleted_at.is_(None), Receipt.received_on >= first, Receipt.received_on < after),
        exists().where(Survey.client_id == Client.id, Survey.deleted_at.is_(None), Survey.answered_at >= start,
                       Survey.answered_at < end),
    )).order_by(Client.id)


# ---- rules -------------------------------------------------------------------------------------------------------

def average(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def week_ranges(month: date) -> list[tuple[int, int]]:
    """The month's days in weeks of seven from the 1st: (1, 7), (8, 14) … (29, 31)."""
    days = (next_month(month) - month).days
    return [(first, min(first + 6, days)) for first in range(1, days + 1, 7)]


def per_week(days: list[date], month: date) -> list[int]:
    """How many of ``days`` (all in the month) fall in each of week_ranges(month)."""
    counts = Counter((day.day - 1) // 7 for day in days)
    return [counts[index] for index in range(len(week_ranges(month)))]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    value: int


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart of counts per week, laid out for a small inline SVG (no script: it prints). Units are
    the SVG's own: bars stand on the axis at BASE and the tallest reaches TOP."""

    labels: list[str]
    series: list[tuple[str, list[Bar]]]
    WIDTH, HEIGHT, LEFT, BASE, TOP, BAR = 400, 80, 0, 66, 10, 14
    COLOURS = ("#2b5fa8", "#e0913a")

    @classmethod
    def of(cls, labels: list[str], series: list[tuple[str, list[int]]]) -> "Chart":
        tallest = max([1, *(value for _name, values in series for value in values)])
        scale = (cls.BASE - cls.TOP) / tallest
        laid_out = []
        for index, (name, values) in enumerate(series):
            offset = (index - len(series) / 2) * cls.BAR
            laid_out.append((name, [Bar(cls._centre(week, len(labels)) + offset, cls.BASE - value * scale,
                                        value * scale, value) for week, value in enumerate(values)]))
        return cls(labels, laid_out)

    @classmethod
    def _centre(cls, index: int, count: int) -> float:
        return cls.LEFT + (cls.WIDTH - cls.LEFT) / count * (index + 0.5)

    def label_x(self, index: int) -> float:
        return self._centre(index, len(self.labels))


# ---- the report's data -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """A complaint as the client reads it: what, where it stands, how fast it was answered and fixed."""

    complaint: Complaint
    response_seconds: int | None  # working time from receipt to first response
    resolution_seconds: int | None  # working time from receipt to the fix
    response_on_time: bool | None  # None: not answered yet
    resolution_on_time: bool | None


@dataclass(frozen=True)
class Figures:
    services: int
    onsite: int
    minutes: int
    received: int
    resolved: int
    response_average: int | None  # seconds of working time
    resolution_average: int | None
    response_on_time: tuple[int, int]  # (met in time, answered)
    resolution_on_time: tuple[int, int]

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}"


def _issue(complaint: Complaint, now: datetime, overrides) -> Issue:
    clocks = {clock.step: clock for clock in sla.clocks(complaint, now)}

    def on_time(step) -> bool | None:
        state = clocks[step].state
        return True if state is sla.ClockState.MET else False if state is sla.ClockState.MET_LATE else None

    def took(met: datetime | None) -> int | None:
        return None if met is None else working_seconds(complaint.received_at, met, overrides)

    return Issue(complaint, took(complaint.responded_at), took(complaint.resolved_at),
                 on_time(sla.Step.RESPONSE), on_time(sla.Step.RESOLUTION))


def figures(services: list[Interaction], issues: list[Issue], start: datetime, end: datetime) -> Figures:
    """The summary: services and hours, issues received and resolved in the month, and for the issues answered
    (fixed) in the month the average working time it took and how many were within the SLA."""
    received = [i for i in issues if start <= i.complaint.received_at < end]
    answered = [i for i in issues if i.complaint.responded_at and start <= i.complaint.responded_at < end]
    fixed = [i for i in issues if i.complaint.resolved_at and start <= i.complaint.resolved_at < end]
    return Figures(
        services=len(services), onsite=sum(1 for s in services if s.method.channel is Channel.ONSITE),
        minutes=sum(s.duration_minutes or 0 for s in services), received=len(received), resolved=len(fixed),
        response_average=average([i.response_seconds for i in answered]),
        resolution_average=average([i.resolution_seconds for i in fixed]),
        response_on_time=(sum(1 for i in answered if i.response_on_time), len(answered)),
        resolution_on_time=(sum(1 for i in fixed if i.resolution_on_time), len(fixed)))


def services_done(client: Client, start: datetime, end: datetime) -> list[Interaction]:
    stmt = (select(Interaction).where(Interaction.client_id == client.id, _done_in(start, end))
            .order_by(Interaction.done_at, Interaction.id))
    return list(db.session.execute(stmt).scalars())


def issues_in(client: Client, start: datetime, end: datetime) -> list[Issue]:
    """The client's complaints received in [start, end) or still open during it, with their SLA figures."""
    stmt = (select(Complaint).where(Complaint.client_id == client.id, _issues_in(start, end))
            .order_by(Complaint.received_at, Complaint.id))
    now, overrides = local_now(), load_overrides()
    return [_issue(complaint, now, overrides) for complaint in db.session.execute(stmt).scalars()]


def contracts_in_delivery(client: Client, first: date, after: date) -> list[Contract]:
    """Contracts signed before ``after`` and not yet accepted on ``first``: where delivery stands."""
    stmt = (select(Contract).where(Contract.client_id == client.id, Contract.deleted_at.is_(None),
                                   Contract.signed_on < after,
                                   or_(Contract.acceptance_actual.is_(None), Contract.acceptance_actual >= first))
            .order_by(Contract.signed_on, Contract.id))
    return list(db.session.execute(stmt).scalars())


def milestones_owed(client: Client, first: date, after: date) -> list[tuple[Milestone, object]]:
    """(milestone, what it still owes) of the client's milestones due in [first, after) with money still owed."""
    stmt = (select(Milestone).join(Contract, Contract.id == Milestone.contract_id)
            .where(Contract.client_id == client.id, Contract.deleted_at.is_(None), Milestone.due_on >= first,
                   Milestone.due_on < after)
            .options(selectinload(Milestone.contract)).order_by(Milestone.due_on, Milestone.id))
    milestones = list(db.session.execute(stmt).scalars())
    received = received_per_milestone([m.id for m in milestones])
    owed = [(m, outstanding(m.amount, received.get(m.id, ZERO))) for m in milestones]
    return [(m, amount) for m, amount in owed if amount > 0]


def planned_services(client: Client, start: datetime, end: datetime) -> list[Interaction]:
    stmt = (select(Interaction).where(
        Interaction.client_id == client.id, _service(), Interaction.status == InteractionStatus.PLANNED,
        Interaction.planned_at >= start, Interaction.planned_at < end).order_by(Interaction.planned_at))
    return list(db.session.execute(stmt).scalars())


def surveys_answered(client: Client, start: datetime, end: datetime) -> list[Survey]:
    stmt = (select(Survey).where(Survey.client_id == client.id, Survey.deleted_at.is_(None),
                                 Survey.answered_at >= start, Survey.answered_at < end).order_by(Survey.answered_at))
    return list(db.session.execute(stmt).scalars())


def rating_counts(services: list[Interaction]) -> tuple[list[tuple[Satisfaction, int]], int, int]:
    """How the client rated the services: (level, count) for every level, how many were rated, how many of those
    were satisfied or very satisfied."""
    rated = Counter(s.satisfaction for s in services if s.satisfaction)
    return ([(level, rated[level]) for level in Satisfaction], sum(rated.values()),
            rated[Satisfaction.VERY_SATISFIED] + rated[Satisfaction.SATISFIED])


def product_updates(month: date) -> Select:
    return select(ProductUpdate).where(ProductUpdate.month == month).order_by(ProductUpdate.position,
                                                                               ProductUpdate.id)


@dataclass(frozen=True)
class SurveyLink:
    url: str
    expires_on: date


def survey_link(client: Client, user=None) -> SurveyLink:
    """The link to the client's satisfaction survey printed as the report's QR code. The link already open is
    printed again while it stays open long enough (SURVEY_LINK_MIN_DAYS): printing twice, or the staff page's
    QR code, must not retire a code already on paper. Otherwise a new one is issued (flushed: the caller
    commits); the one it replaces had only days left, or was used up."""
    shown = surveys.shown_link(client)
    if shown is None or shown[1].expires_at < utcnow() + timedelta(days=SURVEY_LINK_MIN_DAYS):
        surveys.issue_link(client, user)
        shown = surveys.shown_link(client)
    url, link = shown
    return SurveyLink(url, link.expires_at.date())


def service_report(client: Client, month: date, user=None) -> dict:
    """Everything the report prints, read for one client and one month (its rows are the client's own)."""
    start, end = bounds(month)
    services, issues = services_done(client, start, end), issues_in(client, start, end)
    answers = surveys_answered(client, start, end)
    weeks = week_ranges(month)
    chart = Chart.of([_("%(first)s–%(last)s", first=first, last=last) for first, last in weeks], [
        (_("Services done"), per_week([s.done_at.date() for s in services], month)),
        (_("Issues received"), per_week([i.complaint.received_at.date() for i in issues
                                         if start <= i.complaint.received_at < end], month))])
    ratings, rated, satisfied = rating_counts(services)
    following, after = next_month(month), next_month(next_month(month))
    link = survey_link(client, user)
    return {
        "client": client, "month": month, "today": local_today(), "last_day": next_month(month) - timedelta(days=1),
        "figures": figures(services, issues, start, end), "chart": chart, "services": services,
        "issues": issues, "contracts": contracts_in_delivery(client, month, following),
        "accepted": ImplementationStatus.ACCEPTED,
        "updates": list(db.session.execute(product_updates(month)).scalars()),
        "ratings": ratings, "rated": rated, "satisfied": satisfied,
        "surveys": answers, "score_fields": surveys.SCORE_FIELDS,
        "next_month": following, "planned": planned_services(client, *bounds(following)),
        "milestones": milestones_owed(client, following, after),
        "survey_url": link.url, "survey_qr": qr_svg(link.url), "survey_expires": link.expires_on,
        "duration": sla.duration,
    }


def service_report_pdf(client: Client, month: date, user=None) -> bytes:
    """The client's report of the month (``month`` the 1st) as PDF bytes. It may issue the client's survey link
    (see survey_link): the caller commits."""
    return render_pdf("reports/service_report.html", **service_report(client, month, user))


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(name: str) -> str:
    """A client's name as part of a file name: what a file system refuses replaced."""
    return _UNSAFE.sub("_", name).strip("_")


def report_filename(client: Client, month: date) -> str:
    """服务月报-<client>-2026-10.pdf."""
    return f"{_('Service monthly report')}-{safe_name(client.name)}-{month:%Y-%m}.pdf"
